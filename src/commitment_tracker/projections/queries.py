"""The answers the CLI renders: plain data built from the one fold."""

from __future__ import annotations

from datetime import date
from typing import Any

from commitment_tracker.events import first_day, to_data
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.fold import CommitmentStatus
from commitment_tracker.projections.history import history, row
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.walk import Change, walk
from commitment_tracker.tracker import NotFound


def board(
    knowledge: Knowledge,
    as_of: date,
    *,
    party: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> list[CommitmentStatus]:
    return [
        item
        for item in knowledge.board(as_of)
        if (party is None or party in item.parties)
        and (status is None or item.status == status)
        and (not overdue or item.overdue)
    ]


def filter_board(rows: list[dict[str, Any]], *, party: str | None = None, status: str | None = None,
                 overdue: bool = False, area: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The board rows a user asked for: by party, by status, by issue area (any case), or only the overdue."""
    return [
        row for row in rows
        if (party is None or party in row["parties"])
        and (status is None or row["status"] == status)
        and (not overdue or row["overdue"])
        and in_area(row.get("area"), area)
    ]  # fmt: skip


def show(log: Log, knowledge: Knowledge, slug: str, as_of: date) -> dict[str, Any]:
    """One commitment: its state as of ``as_of``, its events, and the statements about it."""
    kind = knowledge.kind(slug)
    if kind is None:
        raise NotFound(f"unknown commitment {slug!r}")
    if kind != "commitment_made" or slug not in knowledge.commitments:
        raise NotFound(f"{slug!r} is not a commitment" if kind != "commitment_made" else f"commitment {slug!r} was retracted")
    status = knowledge.status(slug, as_of)
    if status is None:
        raise NotFound(f"commitment {slug!r} was not yet made as of {as_of.isoformat()}")
    data = status.to_data()
    data["events"] = history(log, knowledge, slug, by_record=False, as_of=as_of)
    data["statements"] = statements_about(knowledge, slug)
    return data


def statements_about(knowledge: Knowledge, slug: str) -> list[dict[str, Any]]:
    found = []
    for resolved in knowledge.streams.values():
        first = resolved[0]
        if first.record.event.type == "statement_issued" and not first.retracted:
            if slug in getattr(first.event, "about", ()):
                found.append(row(first) | {"text": to_data(first.event)["text"]})
    return found


def replay(knowledge: Knowledge, start: date | None, end: date) -> list[Change]:
    """Every status change of every commitment in valid-time order, within [start, end]."""
    changes = [
        change
        for slug in knowledge.commitments
        for change in walk(knowledge, slug, until=end)
        if start is None or change.day >= start
    ]
    changes.sort(key=lambda c: (c.day, c.commitment))
    return changes


def diff(knowledge: Knowledge, start: date, end: date) -> list[dict[str, Any]]:
    """Commitments whose status differs between two valid dates."""
    return board_diff([c.to_data() for c in knowledge.board(start)], [c.to_data() for c in knowledge.board(end)])


def board_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of two boards whose status differs, in the order the commitments were made."""
    old_rows = {row["id"]: row for row in before}
    new_rows = {row["id"]: row for row in after}
    rows = []
    for slug in sorted(old_rows | new_rows, key=lambda s: (first_day((new_rows.get(s) or old_rows[s])["made_on"]), s)):
        old, new = old_rows.get(slug), new_rows.get(slug)
        if (old or {}).get("status") != (new or {}).get("status"):
            rows.append({"id": slug, "title": (new or old)["title"],  # type: ignore[index]
                         "status_from": old["status"] if old else None, "status_to": new["status"] if new else None,
                         "overdue_from": old["overdue"] if old else None,
                         "overdue_to": new["overdue"] if new else None})  # fmt: skip
    return rows


def did_you_mean(slug: str, known: list[str]) -> str:
    """``; did you mean 'x' or 'y'?`` for the ids closest to a mistyped one (empty if none is)."""
    from difflib import get_close_matches

    close = get_close_matches(slug, known, n=3, cutoff=0.6)
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
