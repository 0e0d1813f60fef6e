"""``ctrack report``: one self-contained HTML page -- board, matrix, timelines, audit trails, sources.

Everything the page shows comes from the same queries as the CLI (the fold, ``matrix``,
``timelines``, ``history``, ``sources``). The page is rendered by Jinja2 with autoescaping on: text
from the store (titles, notes, quotes, urls) is data, never markup or template code. It loads
nothing and runs nothing: inline CSS, inline SVG, and a Content-Security-Policy that forbids
scripts and every fetch, as a second line of defence.

The compliance matrix is ``projections.compliance.matrix``, the same as ``ctrack matrix``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from commitment_tracker import __version__
from commitment_tracker.projections.compliance import matrix
from commitment_tracker.projections.fold import STATUSES
from commitment_tracker.projections.heatmap import NO_SCORE, SCORE_COLOURS, heatmap
from commitment_tracker.projections.history import history
from commitment_tracker.projections.scores import score_sheet
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.palette import (
    DARK_FILLS,
    EVENT_LABELS,
    PARTY_COLOURS,
    STATUS_COLOURS,
    status_label,
)
from commitment_tracker.projections.sources import sources
from commitment_tracker.projections.timeline import Timelines, timelines
from commitment_tracker.projections.timeline_svg import SHAPES, layout

TEMPLATE = "report.html.j2"


def report_data(log: Log, knowledge: Knowledge, as_of: date, known_at: datetime | None = None) -> dict[str, Any]:
    """Everything the page shows, as plain data."""
    found = timelines(knowledge, as_of)
    compliance = matrix(knowledge, as_of)
    board = [row.commitment for row in compliance.rows]
    rows = {row.commitment.id: row for row in compliance.rows}
    counts = Counter(c.status for c in board)
    commitments = []
    for row in found.rows:
        commitments.append({
            "status": rows[row.id].commitment, "cells": rows[row.id].cells,
            "drawing": layout(found, [row], ids=False, notes=False),
            "events": [_audit(event) for event in history(log, knowledge, row.id, by_record=False, as_of=as_of)],
        })  # fmt: skip
    records = [r.record for stream in knowledge.streams.values() for r in stream]
    latest = max((r.event.recorded_at for r in records if r.event.recorded_at), default=None)
    return {
        "as_of": as_of,
        "known_at": known_at,
        "recorded": len(records),
        "latest_recorded": latest,
        "board": board,
        "summary": [(s, counts[s]) for s in STATUSES if counts[s]],
        "overdue": sum(c.overdue for c in board),
        "late": sum(c.late for c in board),
        "matrix": compliance,
        "heat": heatmap(score_sheet(knowledge, as_of), "area"),
        "score_colours": SCORE_COLOURS,
        "window": found,
        "overview": layout(found),
        "event_types": _drawn(found),
        "commitments": commitments,
        "sources": _sources(knowledge),
        "version": __version__,
    }


def render_report(log: Log, knowledge: Knowledge, as_of: date, *, known_at: datetime | None = None) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("commitment_tracker.projections", "templates"),
        autoescape=True,  # every value is text unless the template says otherwise; no template does
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = status_label
    env.filters["when"] = _when
    return env.get_template(TEMPLATE).render(
        **report_data(log, knowledge, as_of, known_at),
        statuses=STATUS_COLOURS, dark=DARK_FILLS, parties_colours=PARTY_COLOURS,
        shapes=SHAPES, event_labels=EVENT_LABELS, no_score=NO_SCORE,
    )  # fmt: skip


def _drawn(found: Timelines) -> set[str]:
    """What the timelines draw, so the legend explains only that."""
    drawn = {mark.type for row in found.rows for mark in row.events}
    if any(row.instances for row in found.rows):
        drawn.add("instance")
    if any(row.due_day and found.start <= row.due_day <= found.end for row in found.rows):
        drawn.add("deadline")
    return drawn


def _when(moment: datetime | str | None) -> str:
    """A record time as people read it: 2024-10-17 10:25 UTC."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


#: The fields an audit row shows as detail, in this order, with the word for each.
DETAIL_FIELDS = (("title", "title"), ("note", "note"), ("reason", "reason"), ("parties", "parties"),
                 ("due", "due"), ("due_next", "due by the next"), ("by", "superseded by"),
                 ("meeting", "meeting"))  # fmt: skip


def _audit(event: dict[str, Any]) -> dict[str, Any]:
    details = []
    for key, word in DETAIL_FIELDS:
        value = event.get(key)
        if value:
            details.append((word, ", ".join(value) if isinstance(value, list) else str(value)))
    effective = [(k, ", ".join(v) if isinstance(v, list) else str(v)) for k, v in event.get("effective", {}).items()]
    return {"target": None, "source": None, "quote": None} | event | {
        "label": EVENT_LABELS.get(event["type"], event["type"].replace("_", " ")),
        "details": details,
        "effective": effective,
    }


def _sources(knowledge: Knowledge) -> list[dict[str, Any]]:
    """Each registered source, with every quote taken from it (retracted ones marked)."""
    quotes: dict[str, list[dict[str, Any]]] = {}
    for stream in knowledge.streams.values():
        for item in stream:
            source, quote = getattr(item.event, "source", None), getattr(item.event, "quote", None)
            if source and quote:
                quotes.setdefault(source, []).append({
                    "ref": item.record.ref, "on": getattr(item.event, "on", None), "quote": quote,
                    "retracted": item.retracted, "seq": item.record.seq,
                })  # fmt: skip
    commitments = set(knowledge.commitments)
    for cited in quotes.values():
        for quote in cited:
            quote["anchor"] = quote["ref"].split("#")[0] in commitments  # its audit row is on the page
    found = []
    for row in sources(knowledge):
        cited = sorted(quotes.get(row["id"], []), key=lambda q: q["seq"])
        found.append(row | {"quotes": cited})
    return found
