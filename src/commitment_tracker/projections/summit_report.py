"""The compliance report of one summit (SPEC §8.1, ``report --summit S``), as plain data.

Laid out as the research groups publish it (reference: the G20 Research Group's reports): Table 1
the commitments assessed; Table 2 the scores grid, commitments x members; Table 3 compliance by
member, ranked; Table 4 compliance by commitment; interim and final side by side where the
summit's scores come in more than one cycle; Table 5 each member's average at every summit up to
this one; and a chapter per commitment with each member's score, note, assessor and sources.

Beyond any published report, every score is an event: each cell carries its provenance -- the
edition that first published it and every recalibration since (before -> after, when, by whom, on
what evidence) -- as known at K.

Every figure comes from ``scores``: Table 3 is ``summarise(sheet, "party")`` and Table 4
``summarise(sheet, "commitment")`` of the summit's sheet, the very groups ``ctrack scores --summit
S --by party|commitment`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from commitment_tracker.events import CommitmentMade, ComplianceAssessed, first_day
from commitment_tracker.events.parties import name_of
from commitment_tracker.events.scoring import in_summit
from commitment_tracker.projections.agreement import of_commitment
from commitment_tracker.projections.editions import editions
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.projections.reviews import codings
from commitment_tracker.projections.scores import UNLABELLED, Scored, percent, ranked, score_sheet, summarise
from commitment_tracker.projections.sources import sources

#: The cycles research groups publish, in the order their reports come out; others follow, by name.
CYCLE_ORDER = ("interim", "final")


def summit_days(made: Iterable[CommitmentMade]) -> dict[str, date]:
    """Every summit commitments were made at, with its day (the earliest its commitments were made)."""
    found: dict[str, date] = {}
    for event in made:
        if event.summit is not None:
            day = first_day(event.on)
            found[event.summit] = min(day, found.get(event.summit, day))
    return found


def summits_of(knowledge: Knowledge) -> dict[str, date]:
    """``summit_days`` of the commitments in ``knowledge``."""
    return summit_days(knowledge.steps(slug)[0] for slug in knowledge.commitments)


def in_scope(made: dict[str, CommitmentMade], summit: str) -> list[str]:
    """The commitments a summit's report reads: its own and those of every summit held by its day
    (the member history, Table 5)."""
    days = summit_days(made.values())
    return [slug for slug, event in made.items() if event.summit is not None and days[event.summit] <= days[summit]]


def matching_summits(summits: Iterable[str], wanted: str) -> list[str]:
    """The summits ``wanted`` names (any case; a bare year names each summit of that year)."""
    return sorted({summit for summit in summits if in_summit(summit, wanted)})


def member_order(parties: Iterable[str]) -> list[str]:
    """Members as the reports list them: by name, the European Union last."""
    return sorted(set(parties), key=lambda p: (p == "EU", name_of(p), p))


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _cycles(knowledge: Knowledge, ids: list[str], as_of: date) -> list[str]:
    """The cycle labels the summit's counting assessments carry, in publication order."""
    found = set()
    for slug in ids:
        for step in knowledge.steps(slug)[1]:
            if isinstance(step.event, ComplianceAssessed) and step.day <= as_of:
                found.add(step.event.cycle or UNLABELLED)
    order = {cycle: index for index, cycle in enumerate(CYCLE_ORDER)}
    return sorted(found, key=lambda c: (c == UNLABELLED, order.get(c, len(order)), c))


def _side_by_side(knowledge: Knowledge, ids: set[str], as_of: date) -> dict[str, Any] | None:
    """Interim and final (every cycle) side by side: each member's and each commitment's average
    in each cycle, from that cycle's assessments alone (``scores --cycle C``); None when the
    summit's scores come in one cycle only."""
    labels = _cycles(knowledge, sorted(ids), as_of)
    if len(labels) < 2:
        return None
    by_member: dict[str, dict[str, Any]] = {}
    by_commitment: dict[str, dict[str, Any]] = {}
    overall = {}
    for label in labels:
        sheet = [row for row in score_sheet(knowledge, as_of, cycle=label) if row.id in ids]
        summary = summarise(sheet, "party")
        overall[label] = summary["overall"]
        for group in summary["groups"]:
            by_member.setdefault(group["key"], {})[label] = group
        for group in summarise(sheet, "commitment")["groups"]:
            by_commitment.setdefault(group["id"], {})[label] = group
    return {"cycles": [label or None for label in labels], "labels": labels, "by_member": by_member,
            "by_commitment": by_commitment, "overall": overall}  # fmt: skip


def _history(knowledge: Knowledge, summits: dict[str, date], summit: str, as_of: date) -> dict[str, Any]:
    """Table 5: each member's average at every summit held by this one (this one included)."""
    held = sorted((day, name) for name, day in summits.items() if day <= summits[summit] and day <= as_of)
    columns = [name for _, name in held]
    sheets: dict[str, list[Scored]] = {name: [] for name in columns}
    for row in score_sheet(knowledge, as_of):
        if row.summit in sheets and row.scores:
            sheets[row.summit].append(row)
    averages: dict[str, dict[str, Any]] = {}
    for name in columns:
        for group in summarise(sheets[name], "party")["groups"]:
            averages.setdefault(group["key"], {})[name] = group
    members = member_order(averages)
    every = {party: _mean([s for name in columns for row in sheets[name] for p, s in row.scores.items() if p == party])
             for party in members}  # fmt: skip
    return {"summits": [{"summit": name, "day": day.isoformat()} for day, name in held if sheets[name]],
            "members": [{"party": party, "name": name_of(party), "averages": averages[party],
                         "average": every[party], "percent": percent(every[party])} for party in members]}  # fmt: skip


def provenance(knowledge: Knowledge, slug: str, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """Each party's assessments of a commitment, dated by ``as_of`` and known at K, in the order
    that decides which counts (valid date, then record order): the first is the score as first
    published, each later one a recalibration, ``before`` -> ``after`` (the score that counted
    before it, of any cycle, and its own); the last is the score that counts."""
    titles = {row["id"]: row["title"] for row in editions(knowledge)}
    chains: dict[str, list[dict[str, Any]]] = {}
    for step in knowledge.steps(slug)[1]:
        event = step.event
        if not isinstance(event, ComplianceAssessed) or step.day > as_of:
            continue
        chain = chains.setdefault(event.party, [])
        record = step.resolved.record
        chain.append({
            "ref": record.ref, "on": event.on, "cycle": event.cycle, "edition": event.edition,
            "edition_title": titles.get(event.edition) if event.edition else None,
            "before": chain[-1]["after"] if chain else None, "after": event.score,
            "recorded_at": record.event.recorded_at.isoformat() if record.event.recorded_at else None,
            "recorded_by": record.event.recorded_by, "assessor": event.assessor,
            "source": event.source, "quote": event.quote, "note": event.note,
            "corrected": bool(step.resolved.corrected_by),
        })  # fmt: skip
    return chains


def summit_report(knowledge: Knowledge, summit: str, as_of: date) -> dict[str, Any]:
    """The report of ``summit`` as of ``as_of``, from ``knowledge`` (the log as known at K: the
    commitments of this summit and of every earlier one, the editions and the sources). The day
    is not in the answer: two days with the same report give the same data."""
    summits = summits_of(knowledge)
    if summit not in summits or summits[summit] > as_of:
        return {"summit": summit, "held_on": None, "commitments": [], "members": [],
                "grid": [], "columns": {}, "overall": summarise([], "party")["overall"], "by_member": [],
                "by_commitment": [], "cycles": None, "history": {"summits": [], "members": []}, "chapters": []}  # fmt: skip
    sheet = [row for row in score_sheet(knowledge, as_of) if row.summit == summit and row.scores]
    ids = {row.id for row in sheet}
    by_party = summarise(sheet, "party")
    by_commitment = summarise(sheet, "commitment")["groups"]
    members = member_order(p for row in sheet for p in row.scores)
    titles = {row["id"]: row for row in sources(knowledge)}
    grid, chapters = [], []
    for row, group in zip(sheet, by_commitment, strict=True):
        chains = provenance(knowledge, row.id, as_of)
        grid.append({"id": row.id, "code": row.code or row.id, "area": row.area, "text": row.text or row.title,
                     "cells": [row.scores.get(p) for p in members], "average": group["average"],
                     "percent": group["percent"], "published_average": group["published_average"],
                     "average_differs": group["average_differs"]})  # fmt: skip
        chapters.append({
            "id": row.id, "code": row.code or row.id, "area": row.area, "text": row.text or row.title,
            "average": group["average"], "percent": group["percent"],
            "members": [_member(party, row.scores[party], chains.get(party, []), titles)
                        for party in members if party in row.scores],
            # SPEC §8.2: how far the analysts who scored it agree, and the cells they dispute.
            "agreement": of_commitment(codings(knowledge, row.id), as_of),
        })  # fmt: skip
    columns = {p: _mean([r.scores[p] for r in sheet if p in r.scores]) for p in members}
    return {
        "summit": summit, "held_on": summits[summit].isoformat(),
        "commitments": [{k: g[k] for k in ("id", "code", "area", "text")} for g in grid],
        "members": [{"party": p, "name": name_of(p)} for p in members],
        "grid": grid, "columns": columns, "overall": by_party["overall"],
        "by_member": ranked(by_party["groups"]), "by_commitment": by_commitment,
        "cycles": _side_by_side(knowledge, ids, as_of),
        "history": _history(knowledge, summits, summit, as_of),
        "chapters": chapters,
    }  # fmt: skip


def _member(party: str, score: int, chain: list[dict[str, Any]], titles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One member's paragraph of a chapter: the score that counts, and the evidence behind it."""
    counting = chain[-1] if chain else {}
    cited = list(dict.fromkeys(entry["source"] for entry in chain if entry["source"]))
    return {
        "party": party, "name": name_of(party), "score": score, "note": counting.get("note"),
        "assessor": counting.get("assessor") or counting.get("recorded_by"), "quote": counting.get("quote"),
        "sources": [{"id": s, "title": titles[s]["title"] if s in titles else s,
                     "url": titles[s]["url"] if s in titles else None} for s in cited],
        "provenance": chain,
    }  # fmt: skip
