"""Query commands: the board, one commitment, its audit trail, replays and diffs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import AS_OF, PARTY, SLUG, STATUS, TIMESTAMP, query_options
from commitment_tracker.cli.clocks import AREA, as_known, clocks, in_area, moment_name, today
from commitment_tracker.cli.output import Column, choose_format, emit, emit_csv, emit_json, emit_table, status_style
from commitment_tracker.cli.trail import HISTORY_COLUMNS, history_csv_keys, history_rows, history_table

BOARD_COLUMNS = [
    Column("id", "id"),
    Column("status", "status", status_style),
    Column("flags", "", lambda v: "bold red" if v else None, priority=5, stack="status"),
    Column("due_on", "due"),
    Column("cadence", "cadence", priority=4),
    Column("parties", "parties", priority=2),
    Column("title", "title", width=60, priority=3, stack="id"),
]
CHANGE_COLUMNS = [
    Column("on", "on"),
    Column("commitment", "commitment"),
    Column("status_before", "from", status_style),
    Column("status_after", "to", status_style),
    Column("cause", "cause", priority=3, stack="commitment"),
    Column("title", "title", width=50, priority=4, stack="commitment"),
]
DIFF_COLUMNS = [
    Column("id", "id"),
    Column("status_from", "from", status_style),
    Column("status_to", "to", status_style),
    Column("title", "title", width=60, priority=3, stack="id"),
]


def _flags(item: dict[str, Any]) -> str:
    return " ".join(flag for flag in ("overdue", "late") if item.get(flag))


@click.command()
@click.option("--party", type=PARTY, help="Only commitments this party is party to.")
@click.option("--status", "status", type=STATUS, help="Only commitments with this status.")
@click.option("--overdue", is_flag=True, help="Only overdue commitments.")
@click.option("--area", help="Only commitments of this issue area.")
@query_options
@pass_context
def status(app: Context, party: str | None, status: str | None, overdue: bool, area: str | None,
           as_of: date | None, known_at: datetime | None, fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """The status board: every commitment as of a date, as known at a time."""
    from commitment_tracker.projections import STATUSES, filter_board

    fmt = choose_format(fmt, as_json)
    if status is not None and status not in STATUSES:
        raise click.BadParameter(f"{status!r} is not a status ({', '.join(STATUSES)})", param_hint="--status")
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    board = app.reader.board(at)
    items = filter_board(board, party=party, status=status, overdue=overdue, area=area)
    rows = [i | {"flags": _flags(i)} for i in items]
    if fmt == "table":
        rows = _scores_lead(app, at, area, rows, board)
    columns = BOARD_COLUMNS if fmt == "table" else _board_csv_columns()
    if fmt == "table" and any(i.get("area") or i.get("code") for i in items):
        columns = [*columns[:1], Column("area", "area"), *columns[1:]]
    emit(fmt, {"as_of": day.isoformat(), "known_at": moment.isoformat(), "commitments": items}, columns, rows,
         title=f"Commitments as of {day.isoformat()}{as_known(at)}", caption=_caption(known_at, len(items)))  # fmt: skip


def _scores_lead(app: Context, at: Any, area: str | None, rows: list[dict[str, Any]],
                 board: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
    """A score-only commitment's ``pledged`` says nothing: its table row shows its average score
    (and how many) where the status was. Display only: JSON and CSV keep ``status`` (SPEC §5)."""
    sheet = app.reader.score_sheet(at, area, board)
    quiet = app.reader.score_only(at, sheet, board) & {row["id"] for row in rows}
    if not quiet:
        return rows
    from commitment_tracker.projections.scores import summarise

    groups = {g["id"]: g for g in summarise([row for row in sheet if row.id in quiet], "commitment")["groups"]}
    return [row | {"status": score_status(groups[row["id"]])} if row["id"] in groups else row for row in rows]


def score_status(group: dict[str, Any]) -> str:
    """What a score-only commitment shows for a status: its average over how many scores."""
    from commitment_tracker.projections.figures import average_text

    return f"avg {average_text(group['average'])} ({group['scores']})"


def _short_ref(ref: str | None, entity: str) -> str:
    """``#3`` for an event of the row's own commitment; time alone changed it when there is none."""
    if ref is None:
        return "period elapsed"
    return ref.removeprefix(entity) if ref.startswith(entity + "#") else ref


def _board_csv_columns() -> list[Column]:
    keys = ["id", "title", "parties", "cadence", "status", "made_on", "due_on", "overdue", "late",
            "last_event_on", "reaffirmations", "instances", "party_status", "area", "code"]  # fmt: skip
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
    """One commitment (state, parties, deadline, instances, evidence), meeting, statement or source."""
    from commitment_tracker.projections import show as show_commitment
    from commitment_tracker.projections.figures import average_text, percent_text
    from commitment_tracker.projections.scores import percent, score_only
    from commitment_tracker.projections.sources import titles as source_titles

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    knowledge = app.knowledge_for(commitment, at)
    kind = knowledge.kind(commitment)
    if kind in ("meeting_held", "meeting_scheduled", "statement_issued", "source_registered", "edition_published"):
        from commitment_tracker.cli import entities

        if kind == "edition_published":
            return entities.show_edition(knowledge, commitment, fmt)
        if kind == "source_registered":
            return click.get_current_context().invoke(entities.show_source, source=commitment, fmt=fmt, as_json=False)
        shown = entities.show_statement if kind == "statement_issued" else entities.show_meeting
        return shown(app, commitment, at, fmt)
    data = show_commitment(app.log_for(commitment), knowledge, commitment, day)
    data |= _assessed(knowledge, commitment, day)
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
        ("area", data.get("area")), ("code", data.get("code")), ("text", data.get("text")),
        ("scores", ", ".join(f"{p}: {s:+d}" if s else f"{p}: 0" for p, s in data.get("scores", {}).items()) or None),
    ]  # fmt: skip
    quiet_status = score_only(knowledge, commitment, day)
    if quiet_status:  # its status and party statuses say nothing: scores first
        scores = data.get("scores", {})
        average = sum(scores.values()) / len(scores)
        lead = [("average", f"{average_text(average)} ({percent_text(percent(average))}) over {len(scores)} scores"),
                fields[-1]]  # fmt: skip
        quiet = {"status", "cadence", "scores"}
        fields = lead + [("parties", ", ".join(data["parties"])) if k == "parties" else (k, v)
                         for k, v in fields if k not in quiet]  # fmt: skip
    rows = [{"field": k, "value": v} for k, v in fields if v not in (None, False)]
    columns = [Column("field", "field"), Column("value", "value", lambda v: status_style(v), width=90)]
    emit(fmt, data, columns, rows, title=f"{commitment} as of {day.isoformat()}{as_known(at)}")
    if fmt == "table":
        history_table(data["events"], source_titles(knowledge), f"Events of {commitment}",
                      scores_lead=quiet_status)  # fmt: skip
        if data["statements"]:
            from commitment_tracker.cli.output import emit_table

            statement_columns = [Column("ref", "statement"), Column("on", "on"), Column("text", "text", width=80)]
            emit_table(statement_columns, data["statements"], title=f"Statements about {commitment}")


def _assessed(knowledge: Any, slug: str, day: date) -> dict[str, Any]:
    """A commitment's full wording and the score that counts for each assessed party (SPEC §8)."""
    from commitment_tracker.projections.scores import scored

    if slug not in knowledge.commitments:
        return {}
    found = scored(knowledge, slug, day)
    text = knowledge.steps(slug)[0].text
    return {"text": text, "scores": dict(sorted(found.scores.items())) if found else {}}


def _due(data: dict[str, Any]) -> str | None:
    if data["due_on"] and data["due_meeting"]:
        return f"{data['due_on']} (next {data['due_next']}: {data['due_meeting']})"
    if data["due_next"] and not data["due_on"]:
        return f"next {data['due_next']} (not yet scheduled)"
    return data["due_on"]



@click.command()
@click.argument("entity", metavar="ID", type=SLUG)
@click.option("--by-record", is_flag=True, help="Record order: how the tracker's answer changed as it learned.")
@query_options
@pass_context
def history(app: Context, entity: str, by_record: bool, as_of: date | None, known_at: datetime | None,
            fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """The audit trail of ID: every event, both clocks, who, evidence, status before -> after."""
    from commitment_tracker.projections import history as history_of
    from commitment_tracker.projections.scores import percent, score_only
    from commitment_tracker.projections.sources import titles as source_titles

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    knowledge = app.knowledge_for(entity, at)
    events = history_of(app.log_for(entity), knowledge, entity, by_record=by_record, as_of=day,
                        until_as_of=True)  # fmt: skip
    order = "record order" if by_record else "valid-time order"
    columns = HISTORY_COLUMNS if fmt == "table" else [Column(k, k) for k in history_csv_keys()]
    lead = fmt == "table" and entity in knowledge.commitments and score_only(knowledge, entity, day)
    rows = history_rows(events, source_titles(knowledge), scores_lead=lead) if fmt == "table" else events
    emit(fmt, {"id": entity, "as_of": day.isoformat(), "known_at": moment.isoformat(), "events": events},
         columns, rows, title=f"History of {entity} ({order}{as_known(at)})")  # fmt: skip


LEARNED_COLUMNS = [
    Column("id", "id"),
    Column("status_from", "from", status_style),
    Column("status_to", "to", status_style),
    Column("changed", "changed", width=20, priority=2, stack="id", label="changed: "),
    Column("causes", "recorded in between"),  # references, one per line: never folded
    Column("title", "title", width=60, priority=3, stack="id"),
]


def record_time_options(fn: Any) -> Any:
    fn = click.option("--known-to", "known_to", type=TIMESTAMP,
                      help="Record time: compare with what was known then [default: now].")(fn)  # fmt: skip
    return click.option("--known-from", "known_from", type=TIMESTAMP,
                        help="Record time: what changed in the answers since what was known then "
                             "(valid time fixed at --as-of).")(fn)  # fmt: skip


def _record_window(known_from: datetime | None, known_to: datetime | None, known_at: datetime | None,
                   dates: tuple[date | None, ...]) -> tuple[datetime, datetime] | None:  # fmt: skip
    """The (K1, K2] window of a record-time comparison, or None for a valid-time one."""
    from commitment_tracker.tracker import utcnow

    if known_from is None:
        if known_to is not None:
            raise click.UsageError("--known-to needs --known-from")
        return None
    if known_at is not None or any(d is not None for d in dates):
        raise click.UsageError("--known-from/--known-to compare record times at one --as-of: "
                               "they go without --known-at, --from and --to")  # fmt: skip
    end = known_to or utcnow()
    if end < known_from:
        raise click.BadParameter("--known-to is before --known-from", param_hint="--known-to")
    return known_from, end


def _window_text(window: tuple[datetime, datetime], joined: str) -> str:
    """The two record times as the user named them ("the end of 2024-10-19", "g20-2022")."""
    return f"{moment_name(window[0])} {joined} {moment_name(window[1])}"


def _in(rows: list[dict[str, Any]], wanted: set[str] | None) -> list[dict[str, Any]]:
    return rows if wanted is None else [r for r in rows if r["id"] in wanted]


def _emit_learned(fmt: str, day: date, window: tuple[datetime, datetime], rows: list[dict[str, Any]],
                  title: str, key: str) -> None:  # fmt: skip
    shown = [r | {"changed": ", ".join(r["changed"]), "causes": "\n".join(r["causes"])} for r in rows]
    columns = ([Column("known_at", "known at"), *LEARNED_COLUMNS] if key == "changes" and rows and "known_at" in rows[0]
               else LEARNED_COLUMNS)  # fmt: skip
    emit(fmt, {"as_of": day.isoformat(), "known_from": window[0].isoformat(), "known_to": window[1].isoformat(),
               key: rows}, columns if fmt == "table" else [Column(c.key, c.key) for c in columns], shown,
         title=title)  # fmt: skip


@click.command()
@click.option("--from", "start", type=AS_OF, help="First date [default: the beginning].")
@click.option("--to", "end", type=AS_OF, help="Last date [default: --as-of, or today].")
@record_time_options
@AREA
@query_options
@pass_context
def replay(app: Context, start: date | None, end: date | None, known_from: datetime | None,
           known_to: datetime | None, area: str | None, as_of: date | None, known_at: datetime | None,
           fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Every status change in valid-time order (including lapses of recurring commitments), or with
    --known-from/--known-to, every change of an answer (as of --as-of) in record order, as it was learned."""
    fmt = choose_format(fmt, as_json)
    window = _record_window(known_from, known_to, known_at, (start, end))
    if window is not None:
        from commitment_tracker.projections.view.learning import learning

        day = as_of or today()
        _emit_learned(fmt, day, window, _in(learning(app.reader, day, *window), in_area(app, area, clocks(day, window[1]))),
                      f"As learned, {_window_text(window, 'to')} (as of {day.isoformat()})",
                      "changes")  # fmt: skip
        return
    at = clocks(end or as_of, known_at)
    day, moment = at.as_of, at.moment
    if start and start > day:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    changes = [c.to_data() for c in app.reader.replay(start, at)]
    wanted = in_area(app, area, at)
    if wanted is not None:
        changes = [c for c in changes if c["commitment"] in wanted]
    span = f"{start.isoformat() if start else 'the beginning'} to {day.isoformat()}"
    emit(fmt, {"from": start.isoformat() if start else None, "to": day.isoformat(), "known_at": moment.isoformat(),
               "changes": changes}, CHANGE_COLUMNS, [c | {"cause": _short_ref(c["cause"], c["commitment"])} for c in changes],
         title=f"Status changes, {span}{as_known(at)}")  # fmt: skip


SCORE_CHANGE_KEYS = ("commitment", "party", "cycle", "before", "after", "causes")


def _emit_learned_scores(fmt: str, data: dict[str, Any], scores: list[dict[str, Any]], title: str) -> None:
    """The scores that changed: JSON beside the answers, a second table, or (``--scores``) the CSV."""
    if fmt == "json":
        emit_json(data)
        return
    shown = [s | {"causes": ("\n" if fmt == "table" else ";").join(s["causes"])} for s in scores]
    if fmt == "table":
        shown = [s | {"cycle": s["cycle"] or "", "before": _signed(s["before"]), "after": _signed(s["after"])}
                 for s in shown]  # fmt: skip
        columns = [Column(k, "recorded in between" if k == "causes" else k) for k in SCORE_CHANGE_KEYS]
        emit_table(columns, shown, title)
    else:
        emit_csv([Column(k, k) for k in SCORE_CHANGE_KEYS], shown)


def _signed(score: int | None) -> str:
    return "" if score is None else f"{score:+d}" if score else "0"


@click.command()
@click.option("--from", "start", type=AS_OF, help="First date (valid time).")
@click.option("--to", "end", type=AS_OF, help="Second date [default: --as-of, or today].")
@record_time_options
@click.option("--scores", "only_scores", is_flag=True,
              help="With --known-from: only the compliance scores that changed (how CSV prints them).")
@click.option("--approved-only", is_flag=True,
              help="With --known-from: the scores compared are the reviewed ones alone (approved, or from an edition).")
@AREA
@query_options
@pass_context
def diff(app: Context, start: date | None, end: date | None, known_from: datetime | None, known_to: datetime | None,
         only_scores: bool, approved_only: bool, area: str | None, as_of: date | None, known_at: datetime | None,
         fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Commitments whose status changed between two dates (--from/--to), or whose answer changed
    between two record times (--known-from/--known-to: what did we learn?).

    \b
    Between two record times, the compliance scores that changed are listed
    too, per commitment, party and cycle: in JSON as "scores", in a table as a
    second table, in CSV with --scores. With --approved-only, the scores
    compared are those reviewed at each record time: what was published.
    """
    fmt = choose_format(fmt, as_json)
    window = _record_window(known_from, known_to, known_at, (start, end))
    if only_scores and window is None:
        raise click.UsageError("--scores compares two record times: give --known-from (and --known-to)")
    if approved_only and window is None:
        raise click.UsageError("--approved-only compares scores between two record times: give --known-from "
                               "(and --known-to)")  # fmt: skip
    if window is not None:
        from commitment_tracker.projections.view.learning import Ends, learned, learned_scores

        day = as_of or today()
        wanted = in_area(app, area, clocks(day, window[1]))
        ends = Ends.read(app.reader, day, *window)
        rows = _in(learned(app.reader, day, *window, ends=ends), wanted)
        scores = [s for s in learned_scores(app.reader, day, *window, approved_only=approved_only, ends=ends)
                  if wanted is None or s["commitment"] in wanted]  # fmt: skip
        span = f"between {_window_text(window, 'and')} (as of {day.isoformat()})"
        data = {"as_of": day.isoformat(), "known_from": window[0].isoformat(), "known_to": window[1].isoformat(),
                "changes": rows, "scores": scores}  # fmt: skip
        if approved_only:
            data["approved_only"] = True
        if not only_scores and fmt != "json":
            _emit_learned(fmt, day, window, rows, f"Learned {span}", "changes")
        # A store without scores keeps the one table it always had.
        if only_scores or fmt == "json" or (fmt == "table" and scores):
            _emit_learned_scores(fmt, data, scores, f"Scores learned {span}")
        return
    if start is None:
        raise click.UsageError("diff needs --from DATE (valid time) or --known-from TIMESTAMP (record time)")
    at = clocks(end or as_of, known_at)
    end, moment = at.as_of, at.moment
    rows = app.reader.diff(start, at)
    wanted = in_area(app, area, at.on(max(start, end)))
    if wanted is not None:
        rows = [r for r in rows if r["id"] in wanted]
    emit(fmt, {"from": start.isoformat(), "to": end.isoformat(), "known_at": moment.isoformat(), "changes": rows},
         DIFF_COLUMNS if fmt == "table" else [Column(k, k) for k in ("id", "title", "status_from", "status_to")],
         rows, title=f"Changed between {start.isoformat()} and {end.isoformat()}{as_known(at)}")  # fmt: skip


@click.command()
def schema() -> None:
    """The JSON Schema of the event interchange format (what import reads and export writes)."""
    from commitment_tracker.cli.output import emit_json
    from commitment_tracker.events import json_schema

    emit_json(json_schema())


COMMANDS = [status, show, history, replay, diff, schema]
