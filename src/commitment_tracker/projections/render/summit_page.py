"""``ctrack report --summit S``: one summit's compliance report as one self-contained page.

The same machinery as ``report``: Jinja2 with autoescaping, inline CSS, one script allowed by its
hash, the same time sliders. What the page shows is ``projections.summit_report`` -- computed in
the core, drawn here. For the sliders, the report is computed at every moment a reader can pick:
at each stop of the known-at slider (``time_travel.stops``: each record time) and each day on
which anything of these summits happened (a commitment made, a score given, a correction dated),
from the summit's day to the report's. Each distinct report is drawn once, into a ``<template>``
the script shows when the sliders (or a link's fragment) pick it.

A page of a log recorded a little at a time offers fewer moments (as ``report`` does): record
times spread evenly, the latest always, and days likewise, each saying until when it holds, so the
page never passes off one moment's report as another's.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date
from typing import Any

from markupsafe import Markup

from commitment_tracker import __version__
from commitment_tracker.events import first_day
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.render.palette import NO_SCORE, SCORE_COLOURS
from commitment_tracker.projections.render.report import environment, page_script
from commitment_tracker.projections.summit_report import summit_report, summits_of
from commitment_tracker.projections.time_travel import MAX_STOPS, edition_moments, moments, offer, stops

TEMPLATE = "summit.html.j2"
SCRIPTS = ("clocks.js", "summit.js")
#: The most days the as-of slider holds a report for, and the most (stop, day) reports computed.
MAX_DAYS = 60
EVALUATIONS = 240


def change_days(log: Log, held: date, as_of: date) -> list[date]:
    """Every day from the summit's to the report's on which an event of these commitments is dated
    (as any record time knew it: corrections' dates too), and the summit's day itself."""
    days = {held}
    for records in log.streams.values():
        if records[0].event.type != "commitment_made":
            continue
        for record in records:
            on = getattr(record.event, "on", None)
            if on is not None and held <= first_day(on) <= as_of:
                days.add(first_day(on))
    return sorted(days)


def offered_days(days: list[date], limit: int = MAX_DAYS) -> list[tuple[date, date | None]]:
    """The days the page holds, each with the next change day when the page skips it (see the doc)."""
    if len(days) <= limit:
        return [(day, None) for day in days]
    last = len(days) - 1
    picks = sorted({round(i * last / (limit - 1)) for i in range(limit)})
    return [(days[i], days[i + 1] if i < last and i + 1 not in picks else None) for i in picks]


def summit_page_data(log: Log, summit: str, clocks: Clocks) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The sliders' data and the distinct reports they show; the last report is the page's own."""
    as_of, known_at = clocks.as_of, clocks.known_at
    held = summits_of(log.known_at(known_at))[summit]
    days = offered_days(change_days(log, held, as_of))
    every = stops(log, known_at)
    offered = offer(every, max(2, min(MAX_STOPS, EVALUATIONS // len(days))))
    reports: list[dict[str, Any]] = []
    index: dict[str, int] = {}

    def keep(report: dict[str, Any]) -> int:
        key = json.dumps(report, sort_keys=True, default=str)
        if key not in index:
            index[key] = len(reports)
            reports.append(report)
        return index[key]

    grid = [[keep(summit_report(moment.knowledge, summit, day)) for day, _ in days]
            for moment in moments(log, every, offered)]  # fmt: skip
    empty = keep(summit_report(Knowledge({}), summit, as_of))
    current = keep(summit_report(log.known_at(known_at), summit, as_of))
    data = {
        "summit": summit, "stops": [s.to_data() for s in offered], "recorded_times": len(every),
        "editions": edition_moments(log, known_at), "first_day": held.isoformat(), "last_day": as_of.isoformat(),
        "days": [[day.isoformat(), until.isoformat() if until else None] for day, until in days],
        "grid": grid, "empty": empty, "current": current,
    }  # fmt: skip
    return data, reports


def render_summit_report(log: Log, summit: str, clocks: Clocks) -> tuple[str, dict[str, Any]]:
    """The page, and the data its sliders hold (what a caller tells the reader it left out)."""
    data, reports = summit_page_data(log, summit, clocks)
    script = page_script(SCRIPTS)
    records = [record for stream in log.streams.values() for record in stream
               if clocks.known_at is None or (record.event.recorded_at and record.event.recorded_at <= clocks.known_at)]  # fmt: skip
    page = environment().get_template(TEMPLATE).render(
        summit=summit, as_of=clocks.as_of, known_at=clocks.known_at, report=reports[data["current"]],
        reports=reports, time_data=data, recorded=len(records), version=__version__,
        score_colours=SCORE_COLOURS, no_score=NO_SCORE,
        # The page's own script, not data: inserted verbatim, and allowed to run by its hash alone.
        script=Markup(script), script_hash=base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
    )  # fmt: skip
    return page, data
