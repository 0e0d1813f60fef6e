"""Query commands: the board, one commitment, its audit trail, replays and diffs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import AS_OF, PARTY, SLUG, TIMESTAMP, format_options, query_options
from commitment_tracker.cli.output import Column, choose_format, emit, status_style

BOARD_COLUMNS = [
    Column("id", "id"),
    Column("status", "status", status_style),
    Column("flags", "", lambda v: "bold red" if v else None),
    Column("due_on", "due"),
    Column("cadence", "cadence"),
    Column("parties", "parties"),
    Column("title", "title", width=60),
]
HISTORY_COLUMNS = [
    Column("n", "#"),
    Column("on", "on"),
    Column("type", "event"),
    Column("change", "status"),
    Column("recorded", "recorded (by)"),
    Column("detail", "detail", width=60),
]
CHANGE_COLUMNS = [
    Column("on", "on"),
    Column("commitment", "commitment"),
    Column("status_before", "from", status_style),
    Column("status_after", "to", status_style),
    Column("cause", "cause"),
    Column("title", "title", width=50),
]
DIFF_COLUMNS = [
    Column("id", "id"),
    Column("status_from", "from", status_style),
    Column("status_to", "to", status_style),
    Column("title", "title", width=60),
]


def today() -> date:
    from commitment_tracker.tracker import utcnow

    return utcnow().date()


def clocks(as_of: date | None, known_at: datetime | None) -> tuple[date, datetime]:
    from commitment_tracker.tracker import utcnow

    return as_of or today(), known_at or utcnow()


def _flags(item: dict[str, Any]) -> str:
    return " ".join(flag for flag in ("overdue", "late") if item.get(flag))


@click.command()
@click.option("--party", type=PARTY, help="Only commitments this party is party to.")
@click.option("--status", "status", metavar="STATUS", help="Only commitments with this status.")
@click.option("--overdue", is_flag=True, help="Only overdue commitments.")
@query_options
@pass_context
def status(app: Context, party: str | None, status: str | None, overdue: bool, as_of: date | None,
           known_at: datetime | None, fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """The status board: every commitment as of a date, as known at a time."""
    from commitment_tracker.projections import STATUSES, filter_board

    fmt = choose_format(fmt, as_json)
    if status is not None and status not in STATUSES:
        raise click.BadParameter(f"{status!r} is not a status ({', '.join(STATUSES)})", param_hint="--status")
    day, moment = clocks(as_of, known_at)
    items = filter_board(app.reader.board(day, known_at), party=party, status=status, overdue=overdue)
    rows = [i | {"flags": _flags(i)} for i in items]
    emit(fmt, {"as_of": day.isoformat(), "known_at": moment.isoformat(), "commitments": items},
         BOARD_COLUMNS if fmt == "table" else _board_csv_columns(), rows,
         title=f"Commitments as of {day.isoformat()}", caption=_caption(known_at, len(items)))  # fmt: skip


def _short_ref(ref: str | None, entity: str) -> str:
    """``#3`` for an event of the row's own commitment; time alone changed it when there is none."""
    if ref is None:
        return "period elapsed"
    return ref.removeprefix(entity) if ref.startswith(entity + "#") else ref


def _board_csv_columns() -> list[Column]:
    keys = ["id", "title", "parties", "cadence", "status", "made_on", "due_on", "overdue", "late",
            "last_event_on", "reaffirmations", "instances", "party_status"]  # fmt: skip
    return [Column(k, k) for k in keys]


def _caption(known_at: datetime | None, count: int) -> str:
    known = f"known at {known_at.isoformat()}" if known_at else "as known now"
    return f"{count} commitment{'s' if count != 1 else ''}, {known}"


@click.command()
@click.argument("commitment", metavar="ID", type=SLUG)
@query_options
@pass_context
def show(app: Context, commitment: str, as_of: date | None, known_at: datetime | None, fmt: str | None,
         as_json: bool) -> None:  # fmt: skip
    """One commitment: state, parties, deadline, instances, evidence."""
    from commitment_tracker.projections import show as show_commitment
    from commitment_tracker.projections.sources import titles as source_titles

    fmt = choose_format(fmt, as_json)
    day, moment = clocks(as_of, known_at)
    data = show_commitment(app.log_for(commitment), app.knowledge_for(commitment, moment), commitment, day)
    if fmt == "json":
        emit(fmt, data | {"as_of": day.isoformat(), "known_at": moment.isoformat()}, [], [])
        return
    fields = [
        ("status", data["status"]), ("title", data["title"]), ("cadence", data["cadence"]),
        ("parties", ", ".join(f"{p}: {s}" for p, s in data["party_status"].items())),
        ("made on", data["made_on"]), ("due on", _due(data)), ("overdue", data["overdue"]),
        ("late", data["late"]), ("fulfilled on", data["fulfilled_on"]),
        ("instances", ", ".join(data["instances"]) or None),
        ("reaffirmations", f"{data['reaffirmations']} (last {data['last_reaffirmed_on']})" if data["reaffirmations"] else 0),
        ("superseded by", data["superseded_by"]), ("last event", data["last_event_on"]),
    ]  # fmt: skip
    rows = [{"field": k, "value": v} for k, v in fields if v not in (None, False)]
    columns = [Column("field", "field"), Column("value", "value", lambda v: status_style(v))]
    emit(fmt, data, columns, rows, title=f"{commitment} as of {day.isoformat()}")
    if fmt == "table":
        _history_table(data["events"], source_titles(app.knowledge_for(commitment, moment)), f"Events of {commitment}")
        if data["statements"]:
            from commitment_tracker.cli.output import emit_table

            statement_columns = [Column("ref", "statement"), Column("on", "on"), Column("text", "text", width=80)]
            emit_table(statement_columns, data["statements"], title=f"Statements about {commitment}")


def _due(data: dict[str, Any]) -> str | None:
    if data["due_on"] and data["due_meeting"]:
        return f"{data['due_on']} (next {data['due_next']}: {data['due_meeting']})"
    if data["due_next"] and not data["due_on"]:
        return f"next {data['due_next']} (not yet scheduled)"
    return data["due_on"]


NONE, ARROW = "\u2014", "\u2192"


def _history_rows(events: list[dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Table rows of an audit trail: each event, and under it its evidence (``titles``: source titles)."""
    rows = []
    for event in events:
        marks = []
        if event["retracted"]:
            marks.append("RETRACTED by " + ", ".join(event["retracted_by"]))
        if event["corrected_by"]:
            marks.append("corrected by " + ", ".join(event["corrected_by"]) + "; as recorded: " +
                         ", ".join(f"{k}={v}" for k, v in event.get("original", {}).items()))  # fmt: skip
        for key in ("target", "reason", "title", "note", "by", "due", "due_next", "meeting", "parties"):
            if event.get(key):
                value = event[key]
                marks.append(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
        before, after = event.get("status_before"), event.get("status_after")
        change = "" if after is None else (f"{before or NONE} {ARROW} {after}" if before != after else after)
        rows.append(event | {"change": change, "detail": "; ".join(marks), "n": "#" + event["ref"].split("#")[1],
                             "recorded": (event["recorded_at"] or "")[:16].replace("T", " ")
                             + f"\n{event.get('recorded_by') or ''}"})  # fmt: skip
        if event.get("source") or event.get("quote"):
            rows.append({"type": EVIDENCE, "detail": _evidence(event, titles)})
    return rows


EVIDENCE = "\u21b3 evidence"


def _evidence(event: dict[str, Any], titles: dict[str, str]) -> str:
    """The line printed under an event: its source (id and title) and its quote."""
    source = event.get("source")
    cited = f"{source} ({titles[source]})" if source in titles else (source or "no source")
    return cited + (f": \u201c{event['quote']}\u201d" if event.get("quote") else "")


def _history_table(events: list[dict[str, Any]], titles: dict[str, str], title: str) -> None:
    from commitment_tracker.cli.output import emit_table

    emit_table(HISTORY_COLUMNS, _history_rows(events, titles), title=title)


@click.command()
@click.argument("entity", metavar="ID", type=SLUG)
@click.option("--by-record", is_flag=True, help="Record order: how the tracker's answer changed as it learned.")
@query_options
@pass_context
def history(app: Context, entity: str, by_record: bool, as_of: date | None, known_at: datetime | None,
            fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """The audit trail of ID: every event, both clocks, who, evidence, status before -> after."""
    from commitment_tracker.projections import history as history_of
    from commitment_tracker.projections.sources import titles as source_titles

    fmt = choose_format(fmt, as_json)
    day, moment = clocks(as_of, known_at)
    events = history_of(app.log_for(entity), app.knowledge_for(entity, moment), entity, by_record=by_record, as_of=day,
                        until_as_of=True)  # fmt: skip
    order = "record order" if by_record else "valid-time order"
    columns = HISTORY_COLUMNS if fmt == "table" else [Column(k, k) for k in _history_csv_keys()]
    rows = _history_rows(events, source_titles(app.knowledge_for(entity, moment))) if fmt == "table" else events
    emit(fmt, {"id": entity, "as_of": day.isoformat(), "known_at": moment.isoformat(), "events": events},
         columns, rows, title=f"History of {entity} ({order})")  # fmt: skip


def _history_csv_keys() -> list[str]:
    return ["ref", "type", "on", "recorded_at", "recorded_by", "status_before", "status_after", "retracted",
            "retracted_by", "corrected_by", "source", "quote", "note", "target", "reason"]  # fmt: skip


@click.command()
@click.option("--from", "start", type=AS_OF, help="First date [default: the beginning].")
@click.option("--to", "end", type=AS_OF, help="Last date [default: --as-of, or today].")
@query_options
@pass_context
def replay(app: Context, start: date | None, end: date | None, as_of: date | None, known_at: datetime | None,
           fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Every status change in valid-time order (including lapses of recurring commitments)."""
    from commitment_tracker.projections import replay as replay_changes

    fmt = choose_format(fmt, as_json)
    day, moment = clocks(end or as_of, known_at)
    if start and start > day:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    changes = [c.to_data() for c in app.reader.replay(start, day, known_at)]
    span = f"{start.isoformat() if start else 'the beginning'} to {day.isoformat()}"
    emit(fmt, {"from": start.isoformat() if start else None, "to": day.isoformat(), "known_at": moment.isoformat(),
               "changes": changes}, CHANGE_COLUMNS, [c | {"cause": _short_ref(c["cause"], c["commitment"])} for c in changes],
         title=f"Status changes, {span}")  # fmt: skip


@click.command()
@click.option("--from", "start", type=AS_OF, required=True)
@click.option("--to", "end", type=AS_OF, help="Second date [default: --as-of, or today].")
@query_options
@pass_context
def diff(app: Context, start: date, end: date | None, as_of: date | None, known_at: datetime | None,
         fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Commitments whose status changed between two dates."""
    fmt = choose_format(fmt, as_json)
    end, moment = clocks(end or as_of, known_at)
    rows = app.reader.diff(start, end, known_at)
    emit(fmt, {"from": start.isoformat(), "to": end.isoformat(), "known_at": moment.isoformat(), "changes": rows},
         DIFF_COLUMNS if fmt == "table" else [Column(k, k) for k in ("id", "title", "status_from", "status_to")],
         rows, title=f"Changed between {start.isoformat()} and {end.isoformat()}")  # fmt: skip


@click.command()
@format_options
@pass_context
def sources(app: Context, fmt: str | None, as_json: bool) -> None:
    """The registered sources."""
    from commitment_tracker.projections.sources import sources as list_sources

    fmt = choose_format(fmt, as_json)
    rows = list_sources(app.knowledge(None))
    if fmt == "table":
        columns = [Column("id", "id"), Column("title", "title", width=40), Column("publisher", "publisher"),
                   Column("published_on", "published"), Column("url", "url", width=30),
                   Column("archived", "text"), Column("digest", "sha256")]  # fmt: skip
        # The first 12 hex digits identify a text at a glance; JSON and CSV carry all 64.
        shown = [r | {"archived": "archived" if r["archived"] else "", "digest": (r["sha256"] or "")[:12]}
                 for r in rows]  # fmt: skip
    else:
        keys = ("id", "title", "publisher", "url", "published_on", "sha256", "archived", "ref")
        columns = [Column(k, k) for k in keys]
        shown = rows
    emit(fmt, {"sources": rows}, columns, shown, title="Sources")


@click.command()
def schema() -> None:
    """The JSON Schema of the event interchange format (what import reads and export writes)."""
    from commitment_tracker.cli.output import emit_json
    from commitment_tracker.events import json_schema

    emit_json(json_schema())


COMMANDS = [status, show, history, replay, diff, sources, schema]
