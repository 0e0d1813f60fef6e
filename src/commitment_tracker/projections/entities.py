"""Meetings, statements and sources as known: listed with filters, and each shown with what bears on it.

A meeting as of D is *held* once its held date has come, *scheduled* while only an announcement
made on or before D says when it will be (its latest announcement, as corrected, gives date and
kind), and does not exist yet before either. A statement exists from its date; a source always.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from commitment_tracker.events import MeetingHeld, MeetingScheduled, SourceRegistered, StatementIssued, first_day, to_data
from commitment_tracker.projections.history import history, row
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.tracker import NotFound, Resolved


def _live(resolved: list[Resolved], kind: type) -> list[Resolved]:
    return [r for r in resolved if isinstance(r.event, kind) and not r.retracted]


def _within(on: str | None, start: date | None, end: date | None) -> bool:
    if on is None:
        return start is None and end is None
    day = first_day(on)
    return (start is None or day >= start) and (end is None or day <= end)


def meeting(knowledge: Knowledge, slug: str, as_of: date) -> dict[str, Any] | None:
    """A meeting as of ``as_of``: held or scheduled, with its date, kind, title and parties."""
    resolved = knowledge.streams.get(slug, [])
    held = [r for r in _live(resolved, MeetingHeld) if first_day(r.event.on) <= as_of]  # type: ignore[attr-defined]
    announced = [r for r in _live(resolved, MeetingScheduled) if first_day(r.event.on) <= as_of]  # type: ignore[attr-defined]
    if held:
        event: Any = held[-1].event
        state, on, ref = "held", event.on, held[-1].record.ref
    elif announced:
        event = announced[-1].event
        state, on, ref = "scheduled", event.scheduled_for, announced[-1].record.ref
    else:
        return None
    return {
        "id": slug, "state": state, "on": on, "end_on": getattr(event, "end_on", None), "kind": event.kind,
        "title": event.title, "parties": list(event.parties), "place": event.place,
        "announced_on": announced[0].event.on if announced else None,  # type: ignore[attr-defined]
        "ref": ref,
    }  # fmt: skip


def meetings(knowledge: Knowledge, as_of: date, *, kind: str | None = None, party: str | None = None,
             start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Every meeting held or scheduled as of ``as_of`` (filters: kind, party, its date within a span)."""
    found = []
    for slug, resolved in knowledge.streams.items():
        if resolved[0].record.event.type not in ("meeting_held", "meeting_scheduled"):
            continue
        item = meeting(knowledge, slug, as_of)
        if item is None or (kind and item["kind"] != kind) or (party and party not in item["parties"]):
            continue
        if _within(item["on"], start, end):
            found.append(item)
    return sorted(found, key=lambda m: (first_day(m["on"]), m["id"]))


def statement(knowledge: Knowledge, slug: str, as_of: date) -> dict[str, Any] | None:
    resolved = knowledge.streams.get(slug, [])
    live = _live(resolved, StatementIssued)
    if not live or first_day(live[0].event.on) > as_of:  # type: ignore[attr-defined]
        return None
    event: Any = live[0].event
    return {"id": slug, "on": event.on, "parties": list(event.parties), "meeting": event.meeting,
            "about": list(event.about), "text": event.text, "ref": live[0].record.ref}  # fmt: skip


def statements(knowledge: Knowledge, as_of: date, *, party: str | None = None, meeting_id: str | None = None,
               about: str | None = None, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Every statement issued by ``as_of`` (filters: party, meeting, commitment, date span)."""
    found = []
    for slug, resolved in knowledge.streams.items():
        if resolved[0].record.event.type != "statement_issued":
            continue
        item = statement(knowledge, slug, as_of)
        if item is None or (party and party not in item["parties"]) or (meeting_id and item["meeting"] != meeting_id):
            continue
        if (about and about not in item["about"]) or not _within(item["on"], start, end):
            continue
        found.append(item)
    return sorted(found, key=lambda s: (first_day(s["on"]), s["id"]))


def show_meeting(log: Log, knowledge: Knowledge, slug: str, as_of: date,
                 board: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    """A meeting with what was done there: commitments made, fulfilled and reaffirmed at it (by
    events dated on or before ``as_of``), the statements issued at it, the commitments whose
    next-meeting deadline it is, and its own audit trail. ``board`` (the status board as of
    ``as_of``) names the commitments due by it, when ``knowledge`` holds only what names the
    meeting rather than every commitment."""
    data = meeting(knowledge, slug, as_of)
    if data is None:
        raise NotFound(f"meeting {slug!r} was neither held nor announced as of {as_of.isoformat()}")
    done: dict[str, list[dict[str, Any]]] = {"made": [], "fulfilled": [], "reaffirmed": [], "progress": []}
    section = {"commitment_made": "made", "commitment_fulfilled": "fulfilled", "commitment_reaffirmed": "reaffirmed",
               "progress_reported": "progress"}  # fmt: skip
    for entity in knowledge.commitments:
        for resolved in knowledge.streams[entity]:
            event: Any = resolved.event
            key = section.get(event.type)
            if key and not resolved.retracted and getattr(event, "meeting", None) == slug and first_day(event.on) <= as_of:
                done[key].append({"ref": resolved.record.ref, "commitment": entity, "on": event.on,
                                  "parties": list(getattr(event, "parties", ()) or ())})  # fmt: skip
    if board is None:
        board = [s.to_data() for s in (knowledge.status(e, as_of) for e in knowledge.commitments) if s is not None]
    due_here = [{"commitment": row["id"], "status": row["status"], "due_on": row["due_on"]}
                for row in board if row.get("due_meeting") == slug]  # fmt: skip
    return data | {
        "commitments_made": done["made"], "fulfilments": done["fulfilled"], "reaffirmations": done["reaffirmed"],
        "progress": done["progress"], "deadline_for": due_here,
        "statements": statements(knowledge, as_of, meeting_id=slug),
        "events": history(log, knowledge, slug, by_record=False, as_of=as_of),
    }  # fmt: skip


def show_statement(log: Log, knowledge: Knowledge, slug: str, as_of: date) -> dict[str, Any]:
    data = statement(knowledge, slug, as_of)
    if data is None:
        raise NotFound(f"statement {slug!r} was not issued as of {as_of.isoformat()}")
    return data | {"events": history(log, knowledge, slug, by_record=False, as_of=as_of)}


def show_source(knowledge: Knowledge, slug: str) -> dict[str, Any]:
    """A source with its archived text, the text's sha256 checked again, and every event citing it."""
    resolved = knowledge.streams.get(slug, [])
    live = _live(resolved, SourceRegistered)
    if not live:
        raise NotFound(f"unknown source {slug!r}" if not resolved else f"{slug!r} is not a registered source")
    event: Any = live[0].event
    text = event.text
    computed = hashlib.sha256(text.encode()).hexdigest() if text is not None else None
    cited = [
        {"ref": r.record.ref, "type": r.event.type, "on": getattr(r.event, "on", None), "quote": getattr(r.event, "quote", None)}
        for stream in knowledge.streams.values() for r in stream
        if getattr(r.event, "source", None) == slug and not r.retracted and r.record.entity != slug
    ]  # fmt: skip
    data = {k: v for k, v in to_data(event).items() if k not in ("type", "text", "source")}
    return {"id": slug, **data, "ref": live[0].record.ref, "text": text, "computed_sha256": computed,
            "text_matches": None if text is None or event.sha256 is None else computed == event.sha256,
            "cited_by": cited, "events": [row(r) for r in resolved]}  # fmt: skip
