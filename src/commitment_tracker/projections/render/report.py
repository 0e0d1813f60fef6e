"""``ctrack report``: one self-contained HTML page -- board, matrix, timelines, audit trails, sources.

Everything the page shows comes from the same queries as the CLI (the fold, ``matrix``,
``timelines``, ``history``, ``sources``). The page is rendered by Jinja2 with autoescaping on: text
from the store (titles, notes, quotes, urls) is data, never markup or template code. It loads
nothing: inline CSS, inline SVG, and a Content-Security-Policy that forbids every fetch and every
script but the page's own (``templates/report.js``, allowed by its hash), as a second line of defence.

That script is the time sliders: it redraws the summary, the board, the matrix and the overview
timeline as of another day, known at another record time, from the fold's own answers written into
the page as JSON (``projections.time_travel``), so the page answers what ``ctrack status`` answers.

The compliance matrix is ``projections.compliance.matrix``, the same as ``ctrack matrix``.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from typing import IO, Any

from markupsafe import Markup

from commitment_tracker import __version__
from commitment_tracker.events import first_day
from commitment_tracker.events.parties import name_of
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.compliance import matrix_of
from commitment_tracker.projections.figures import average_text, percent_text
from commitment_tracker.projections.fold import STATUSES, CommitmentStatus
from commitment_tracker.projections.heatmap import heatmap
from commitment_tracker.projections.history import history
from commitment_tracker.projections.scores import Scored, ranked, score_only, score_sheet, summarise
from commitment_tracker.projections.knowledge import Log
from commitment_tracker.projections.render.palette import (
    EVENT_LABELS,
    NO_SCORE,
    PARTY_COLOURS,
    SCORE_COLOURS,
    STATUS_COLOURS,
    status_label,
    text_on,
)
from commitment_tracker.projections.render.sliders import Spool
from commitment_tracker.projections.sources import sources
from commitment_tracker.projections.time_travel import (
    Moment,
    OverBudget,
    RecordTimes,
    Stop,
    due_kinds,
    edition_moments,
    moments_at,
    offer_times,
    stop_limit,
    travel_runs,
    unchanged,
)
from commitment_tracker.projections.timeline import Timelines, timeline, timelines
from commitment_tracker.projections.render.timeline_svg import ROW, SHAPES, layout
from commitment_tracker.tracker import Recorded, Resolved
from commitment_tracker.tracker.bulk import paused_gc

#: A log of some commitments with every meeting, source and statement (``ViewReader.log_of``).
Logs = Callable[[list[str]], Log]
#: The record times up to K of what such a log holds, a batch at a time (``ViewReader.record_times``).
Times = Callable[[list[str], Clocks], Iterable[list[datetime]]]

TEMPLATE = "report.html.j2"
#: Bytes of distinct answers the sliders may embed before the page offers fewer record times.
TRAVEL_BUDGET = 8_000_000
TEMPLATES = files("commitment_tracker.projections.render") / "templates"
#: The page's one script: the clocks every report page shares, then this page's sliders.
SCRIPTS = ("clocks.js", "report.js")


def page_script(names: tuple[str, ...]) -> str:
    """A page's one script, from its parts: what the page's Content-Security-Policy allows by its hash."""
    return "\n".join((TEMPLATES / name).read_text(encoding="utf-8") for name in names)


#: Commitments whose streams are read and folded at a time: what the report holds of the log.
#: Each chunk is read, folded and answered with the cyclic garbage collector paused (``paused_gc``):
#: its hundred thousand new objects set off collections that walked every object the report
#: holds, a third of its time, and none of them forms a cycle (the peak is the same without the
#: collector). It runs between chunks, so what the report holds stays bounded by a chunk.
CHUNK = 200
#: Characters of the rendered page gathered before they are written.
WRITTEN_AT_ONCE = 1 << 16


def report_data(logs: Logs, record_times: Times, matching: list[str], shown: list[str], editions: list[str],
                clocks: Clocks, approved_only: bool = False) -> dict[str, Any]:  # fmt: skip
    """Everything the page shows, as plain data, read from ``logs`` (a log of some commitments with
    the meetings, sources and statements: ``ViewReader.log_of``) a ``CHUNK`` of commitments at a time,
    once, the record times (``ViewReader.record_times``) first, so that the stops the sliders offer
    are known before the first chunk is folded; the report never holds the whole log: the page's sliders' data is a spool (``sliders.Spool``)
    that ``time_data["json"]`` writes out, to be closed by the caller. ``approved_only``: the scores
    shown are the reviewed ones alone, SPEC §8.2, at every slider stop too.

    The matrix and the compliance scores cover every commitment of ``matching`` (as known at
    ``clocks.known_at``); the board, the timelines and the audit trails only those ``shown``. A
    commitment that is only scores (``scores.score_only``) is drawn by its scores: it has no status
    to tell, so it is on neither the board nor the timelines (display only: its status stays SPEC §5's).
    """
    as_of, known_at = clocks.as_of, clocks.known_at
    times = RecordTimes()
    with paused_gc():
        for batch in record_times([*matching, *editions], clocks):
            times.add(batch)
    every = times.ordered()
    limit = stop_limit(len(matching))
    while True:  # fewer stops until the sliders' data is a size a browser opens at once
        offered = offer_times(every, limit)
        # Two stops, or every record time when there are no more than the limit, are offered whatever their size.
        budget = TRAVEL_BUDGET if limit > 2 and len(offered) >= limit else None
        try:
            survey = _survey(logs, matching, set(shown), editions, clocks, approved_only, offered, budget)
            break
        except OverBudget:  # given up as soon as the answers outgrow the budget, not once all are built
            limit = max(2, limit // 4)
    with paused_gc():  # see CHUNK: the drawings and the overview's layout make as many objects again
        spool, stops = survey.spool, survey.stops
        sheet, only = survey.sheet, survey.only
        scores = {row.id: dict(sorted(row.scores.items())) for row in sheet}
        compliance = matrix_of(survey.board, as_of)
        rows = {row.commitment.id: row for row in compliance.rows}
        # The commitments drawn in full (at most --limit of them), as the chunks read them: in the order
        # the whole log lists its streams, as a log of them alone would be.
        log = Log(record for records in sorted(survey.held.values(), key=lambda records: records[0].seq)
                  for record in records)  # fmt: skip
        knowledge = log.known_at(known_at)
        drawn = [slug for slug in shown if slug in rows and slug not in only]
        made = [first_day(knowledge.steps(slug)[0].on) for slug in shown if slug in rows]
        found = timelines(knowledge, as_of, drawn, start=min(made, default=as_of))
        board = [rows[slug].commitment for slug in drawn]
        counts = Counter(c.status for c in board)
        drawings = {row.id: row for row in found.rows}
        commitments = []
        for slug in shown:
            if slug not in rows:
                continue
            row = drawings.get(slug)
            commitments.append({
                "status": rows[slug].commitment, "cells": rows[slug].cells, "scores": scores.get(slug, {}),
                "score_only": slug in only, "drawing": layout(found, [row], ids=False, notes=False) if row else None,
                "events": [_audit(event) for event in history(log, knowledge, slug, by_record=False, as_of=as_of)],
            })  # fmt: skip
        overview, spans = _overview(list(moments_at(log, [at for at, _ in offered])), found, set(shown))
        first_made = min(spool.first_made or found.start, found.start)
        rest = {"stops": [stop.to_data() for stop in stops], "recorded_times": len(every),
                "first_day": min(first_made, as_of).isoformat(), "last_day": as_of.isoformat(),
                "window_start": found.start.isoformat(), "statuses": list(STATUSES), "board_ids": shown,
                "editions": edition_moments(log, known_at),
                "party_names": {party: name_of(party) for party in spool.parties}}  # fmt: skip
        travel = {"stops": rest["stops"], "recorded_times": len(every), "spool": spool, "json": spool.json(rest)}
        members = ranked(summarise(sheet, "party")["groups"])
        return {
            "as_of": as_of,
            "known_at": known_at,
            "recorded": survey.recorded,
            "latest_recorded": survey.latest,
            "board": board,
            "summary": [(s, counts[s]) for s in STATUSES if counts[s]],
            "overdue": sum(c.overdue for c in board),
            "late": sum(c.late for c in board),
            "matrix": compliance,
            "matrix_scores": scores,
            "window": overview,
            "overview": layout(overview),
            "spans": spans,
            "shown": sum(1 for span in spans if span["current"]),
            "time_data": travel,
            "event_types": _drawn(overview),
            "heat": heatmap(sheet, "area"),
            "ranking": members,
            "any_scores": bool(spool.parties),
            "score_only": len(only),
            "lead_with_scores": bool(only) and 2 * len(only) >= len(rows),
            "left_out": [slug for slug in rows if slug not in set(shown)],
            "matching": len(rows),
            "approved_only": approved_only,
            "score_colours": SCORE_COLOURS,
            "commitments": commitments,
            "sources": _sources(survey.sources, survey.quotes, set(survey.order)),
            "version": __version__,
        }


@dataclass
class Survey:
    """What the page shows of every commitment it covers, gathered a chunk at a time."""

    spool: Spool
    stops: list[Stop] = field(default_factory=list)
    order: dict[str, tuple[date, str]] = field(default_factory=dict)  # each commitment known, by when it was made
    board: list[CommitmentStatus] = field(default_factory=list)
    sheet: list[Scored] = field(default_factory=list)
    only: set[str] = field(default_factory=set)
    recorded: int = 0
    latest: datetime | None = None
    quotes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    held: dict[str, list[Recorded]] = field(default_factory=dict)  # the shown commitments' streams, and what they draw on


def _survey(logs: Logs, matching: list[str], shown: set[str], editions: list[str], clocks: Clocks, approved_only: bool,
            offered: list[tuple[datetime, datetime | None]], budget: int | None) -> Survey:  # fmt: skip
    """The board rows, the score sheet, the count of records, the quotes and the sliders' answers at
    the ``offered`` record times (spooled, see ``sliders.Spool``) of ``matching`` and of what they draw
    on: the meetings, sources, statements and editions are counted with the first chunk only, as every
    chunk's log holds them. Chunks go in the order of the commitments' ids, as the page's JSON lists them.
    The streams of the ``shown`` commitments and of what they draw on are kept (``held``): the page
    draws those in full, and need not read them again."""
    as_of, known_at = clocks.as_of, clocks.known_at
    survey = Survey(Spool(budget))
    at = [moment for moment, _ in offered]
    wanted = set(at)
    added: dict[datetime, dict[int, Recorded]] = {moment: {} for moment in at}  # the records each stop adds
    try:
        for number, chunk in enumerate(_chunks(sorted(matching))):
            with paused_gc():  # see CHUNK
                own = set(chunk)
                log = _only(logs([*chunk, *editions]), own)
                for slug, records in log.streams.items():
                    if slug in shown or (number == 0 and records[0].event.type != "commitment_made"):
                        survey.held[slug] = records
                    if number == 0 or slug in own:
                        for record in records:
                            if record.event.recorded_at in wanted:
                                added[record.event.recorded_at][record.seq] = record  # type: ignore[index]
                last: list[Moment] = []  # the moments one at a time (a stop's knowledge each): only the last is kept
                survey.spool.add(travel_runs(_keeping(moments_at(log, at), last), survey.spool, approved_only))
                # The last offered stop is the latest record time up to K: what is known at K.
                knowledge = last[0].knowledge if last else log.known_at(known_at)
                for slug, stream in knowledge.streams.items():
                    if number == 0 or slug in own:
                        survey.recorded += len(stream)
                        latest = max((r.record.event.recorded_at for r in stream if r.record.event.recorded_at), default=None)
                        if latest is not None and (survey.latest is None or latest > survey.latest):
                            survey.latest = latest
                        for source, quote in _quotes(stream):
                            survey.quotes.setdefault(source, []).append(quote)
                if number == 0:
                    survey.sources = sources(knowledge)
                for slug in knowledge.commitments:
                    survey.order[slug] = (first_day(knowledge.steps(slug)[0].on), slug)
                survey.board += knowledge.board(as_of)
                sheet = score_sheet(knowledge, as_of, approved_only=approved_only)
                survey.sheet += sheet
                survey.only |= {row.id for row in sheet if score_only(knowledge, row.id, as_of)}
                # Let go before the collector runs again: it then walks what the survey keeps, not the chunk.
                del log, knowledge, last
    except BaseException:
        survey.spool.close()
        raise
    # In the order the whole log's knowledge lists them: when each was made, then its id.
    survey.board.sort(key=lambda status: survey.order[status.id])
    survey.sheet.sort(key=lambda row: survey.order[row.id])
    survey.stops = [Stop(moment, tuple(added[moment][seq] for seq in sorted(added[moment])), until)
                    for moment, until in offered]  # fmt: skip
    return survey


def _keeping(found: Iterator[Moment], last: list[Moment]) -> Iterator[Moment]:
    """``found``, keeping the latest moment in ``last``."""
    for moment in found:
        last[:] = [moment]
        yield moment


def _chunks(slugs: list[str]) -> Iterator[list[str]]:
    """``slugs`` a ``CHUNK`` at a time; one chunk, empty, when there are none (the page still tells
    of the meetings, sources and editions)."""
    if not slugs:
        yield []
    for start in range(0, len(slugs), CHUNK):
        yield slugs[start : start + CHUNK]


def _only(log: Log, commitments: set[str]) -> Log:
    """``log`` with no commitment but ``commitments`` (a reader may give a log of more)."""
    if all(slug in commitments or records[0].event.type != "commitment_made" for slug, records in log.streams.items()):
        return log
    return Log(record for slug, records in log.streams.items()
               if slug in commitments or records[0].event.type != "commitment_made" for record in records)  # fmt: skip


def select(board: list[dict[str, Any]], ids: tuple[str, ...], *, area: str | None, party: str | None,
           limit: int) -> tuple[list[str], list[str]]:  # fmt: skip
    """The commitments a report covers: ``ids`` if given (all of them: the reader chose), else those
    of ``area`` and ``party``; and those its board and timelines show: at most ``limit`` of them,
    the most recently made. ``board`` is in the order the commitments were made."""
    if ids:
        known = {row["id"] for row in board}
        missing = [i for i in ids if i not in known]
        if missing:
            from commitment_tracker.tracker import NotFound

            raise NotFound(f"no commitment {missing[0]!r} on the board as of the report's date")
        chosen = list(dict.fromkeys(ids))
        return chosen, chosen
    wanted = [row["id"] for row in board
              if in_area(row.get("area"), area)
              and (party is None or party in row["parties"])]  # fmt: skip
    return wanted, wanted[-limit:]


def environment() -> Any:
    """The pages' Jinja2 environment: autoescaped, strict, with the filters the templates use."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("commitment_tracker.projections.render", "templates"),
        autoescape=True,  # every value is text unless the template says otherwise; no template does
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = status_label
    env.filters["when"] = _when
    env.filters["text_on"] = text_on
    env.filters["average"] = average_text  # +0.13, and 63%: half away from zero (projections.figures)
    env.filters["percent"] = percent_text
    return env


def write_report(out: IO[str], logs: Logs, record_times: Times, matching: list[str], shown: list[str],
                 editions: list[str], clocks: Clocks, approved_only: bool = False) -> dict[str, Any]:  # fmt: skip
    """Writes the page to ``out`` as it is rendered (it may be far larger than what the report holds);
    returns what the sliders offer (``stops``, ``recorded_times``: what a caller tells the reader it left
    out) and how many of ``shown`` the board and the timelines draw (``drawn``: those with a status to tell)."""
    env = environment()
    script = page_script(SCRIPTS)
    data = report_data(logs, record_times, matching, shown, editions, clocks, approved_only)
    travel = data["time_data"]
    held: list[str] = []  # the pieces rendered since the last write: a page of 200 long histories is half a million
    size = 0
    try:
        with paused_gc():  # half a million pieces of text, none in a cycle
            for piece in env.get_template(TEMPLATE).generate(
                **data,
                statuses=STATUS_COLOURS, parties_colours=PARTY_COLOURS, shapes=SHAPES, event_labels=EVENT_LABELS, no_score=NO_SCORE,
                # The page's own script, not data: inserted verbatim, and allowed to run by its hash alone.
                script=Markup(script), script_hash=base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
            ):  # fmt: skip
                held.append(piece)
                size += len(piece)
                if size >= WRITTEN_AT_ONCE:
                    out.write("".join(held))
                    held, size = [], 0
            out.write("".join(held))
    finally:
        travel["spool"].close()
    return {"stops": travel["stops"], "recorded_times": travel["recorded_times"], "drawn": len(data["board"])}


def _overview(known: list[Moment], found: Timelines, shown: set[str]) -> tuple[Timelines, list[dict[str, Any]]]:
    """The overview's rows as known at every stop of the known-at slider, each distinct drawing once.

    ``spans[i]`` says from which stop to which the drawing ``rows[i]`` holds, and whether it is the
    one for the report's own clocks (``current``): the page as written shows those, stacked in board
    order (``shift`` moves a row from its place in the list of all drawings to its place on the board);
    the sliders show the others. A commitment is drawn again only at a stop that changed it.
    """
    drawings: dict[str, list[list[Any]]] = {}
    kinds: dict[str, set[str]] = {}
    previous: dict[str, Any] = {}
    for moment in known:
        knowledge, number = moment.knowledge, moment.number
        now: dict[str, Any] = {}
        for slug in knowledge.commitments:
            if slug not in shown:
                continue
            if unchanged(moment, slug, previous, kinds):
                row = previous[slug]
            else:
                kinds[slug] = due_kinds(knowledge, slug)
                made = knowledge.steps(slug)[0]
                row = None if first_day(made.on) > found.end else timeline(knowledge, slug, start=found.start, end=found.end)
            now[slug] = row
            if row is None:
                continue
            held = drawings.setdefault(slug, [])
            if held and held[-1][2] == number - 1 and held[-1][0] == row:
                held[-1][2] = number
            else:
                held.append([row, number, number])
        previous = now
    last = len(known) - 1
    current = {row.id: index for index, row in enumerate(found.rows)}
    every = sorted(((first_day(row.made_on), row.id, start, row, end) for held in drawings.values()
                    for row, start, end in held), key=lambda item: item[:3])  # fmt: skip
    spans = []
    for index, (_, slug, start, row, end) in enumerate(every):
        shown = end == last and slug in current
        shift = (current[slug] - index) * ROW if shown else 0
        spans.append({"id": slug, "from": start, "to": end, "current": shown, "shift": shift})
    return Timelines(found.as_of, found.start, found.end, tuple(item[3] for item in every)), spans


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


def _quotes(stream: list[Resolved]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each quote a stream's events take from a source (retracted ones marked), with the source's id."""
    for item in stream:
        source, quote = getattr(item.event, "source", None), getattr(item.event, "quote", None)
        if source and quote:
            yield source, {"ref": item.record.ref, "on": getattr(item.event, "on", None), "quote": quote,
                           "retracted": item.retracted, "seq": item.record.seq}  # fmt: skip


def _sources(registered: list[dict[str, Any]], quotes: dict[str, list[dict[str, Any]]],
             commitments: set[str]) -> list[dict[str, Any]]:  # fmt: skip
    """Each registered source (``sources.sources``), with every quote taken from it."""
    for cited in quotes.values():
        for quote in cited:
            quote["anchor"] = quote["ref"].split("#")[0] in commitments  # its audit row is on the page
    found = []
    for row in registered:
        cited = sorted(quotes.get(row["id"], []), key=lambda q: q["seq"])
        found.append(row | {"quotes": cited})
    return found
