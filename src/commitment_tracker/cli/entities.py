"""Meetings, statements and sources: list them, show one with what bears on it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import AS_OF, KIND, PARTY, SLUG, format_options, query_options
from commitment_tracker.cli.output import Column, choose_format, emit, emit_table, note, status_style
from commitment_tracker.cli.clocks import as_known, clocks

if TYPE_CHECKING:
    from commitment_tracker.projections.clocks import Clocks

MEETING_COLUMNS = [
    Column("id", "id"),
    Column("on", "on"),
    Column("state", "state", lambda v: "blue" if v == "scheduled" else None),
    Column("kind", "kind", priority=2, stack="id"),
    Column("parties", "parties", priority=1),
    Column("title", "title", width=50, priority=3, stack="id"),
]
STATEMENT_COLUMNS = [
    Column("id", "id"),
    Column("on", "on"),
    Column("parties", "parties", priority=2),
    Column("meeting", "meeting", priority=3, stack="id"),
    Column("about", "about", width=30, priority=4, stack="text"),
    Column("text", "text", width=60),
]
CSV_KEYS = {
    "meetings": ("id", "state", "on", "end_on", "kind", "title", "parties", "place", "announced_on", "ref"),
    "statements": ("id", "on", "parties", "meeting", "about", "text", "ref"),
}


def span_options(fn: Any) -> Any:
    fn = click.option("--to", "end", type=AS_OF, help="Dated on or before this date.")(fn)
    return click.option("--from", "start", type=AS_OF, help="Dated on or after this date.")(fn)


@click.command()
@click.option("--kind", type=KIND, help="Only meetings of this kind.")
@click.option("--party", type=PARTY, help="Only meetings this party attends.")
@span_options
@query_options
@pass_context
def meetings(app: Context, kind: str | None, party: str | None, start: date | None, end: date | None,
             as_of: date | None, known_at: datetime | None, fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """The meetings held, or announced, as of a date."""
    from commitment_tracker.projections.entities import meetings as list_meetings

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    rows = list_meetings(app.knowledge_of(frozenset({"meeting"}), at), day, kind=kind, party=party, start=start, end=end)
    emit(fmt, {"as_of": day.isoformat(), "known_at": moment.isoformat(), "meetings": rows},
         MEETING_COLUMNS if fmt == "table" else [Column(k, k) for k in CSV_KEYS["meetings"]], rows,
         title=f"Meetings as of {day.isoformat()}{as_known(at)}", caption=_count(len(rows), "meeting"))  # fmt: skip


@click.command()
@click.option("--party", type=PARTY, help="Only statements this party issued.")
@click.option("--meeting", "meeting_id", type=SLUG, help="Only statements issued at this meeting.")
@click.option("--about", type=SLUG, help="Only statements about this commitment.")
@span_options
@query_options
@pass_context
def statements(app: Context, party: str | None, meeting_id: str | None, about: str | None, start: date | None,
               end: date | None, as_of: date | None, known_at: datetime | None, fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """The statements issued as of a date."""
    from commitment_tracker.projections.entities import statements as list_statements

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    rows = list_statements(app.knowledge_of(frozenset({"statement"}), at), day, party=party, meeting_id=meeting_id, about=about, start=start,
                           end=end)  # fmt: skip
    emit(fmt, {"as_of": day.isoformat(), "known_at": moment.isoformat(), "statements": rows},
         STATEMENT_COLUMNS if fmt == "table" else [Column(k, k) for k in CSV_KEYS["statements"]], rows,
         title=f"Statements as of {day.isoformat()}{as_known(at)}", caption=_count(len(rows), "statement"))  # fmt: skip


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def field_table(fmt: str, data: dict[str, Any], fields: list[tuple[str, Any]], title: str) -> bool:
    """One entity as field/value rows (empty fields left out): CSV, or a table; True for a table,
    which the caller goes on to follow with the entity's other tables."""
    rows = [{"field": k, "value": v} for k, v in fields if v]
    if fmt == "csv":
        emit(fmt, data, [Column("field", "field"), Column("value", "value")], rows)
        return False
    emit_table([Column("field", "field"), Column("value", "value", width=60)], rows, title=title)
    return True


def show_edition(knowledge: Any, slug: str, fmt: str) -> None:
    """An edition (SPEC §8.1): what was published, when, and when the store learned it."""
    from commitment_tracker.projections.editions import editions
    from commitment_tracker.tracker import NotFound

    found = [row for row in editions(knowledge) if row["id"] == slug]
    if not found:
        raise NotFound(f"edition {slug!r} was retracted")
    data = found[0] | {"kind": "edition"}
    if fmt == "json":
        emit(fmt, data, [], [])
        return
    fields = [("title", data["title"]), ("published", data["on"]), ("cycle", data["cycle"]), ("summit", data["summit"]),
              ("source", data["source"]), ("note", data["note"]), ("recorded", data["recorded_at"]),
              ("recorded by", data["recorded_by"]), ("event", data["ref"])]  # fmt: skip
    if field_table(fmt, data, fields, f"Edition {slug}"):
        note(f"the store as this edition was recorded: --known-at {slug}; just before it: --known-at {slug}^")


def show_meeting(app: Context, slug: str, at: Clocks, fmt: str) -> None:
    from commitment_tracker.cli.trail import history_table
    from commitment_tracker.projections.entities import show_meeting as build
    from commitment_tracker.projections.sources import titles as source_titles

    # What names the meeting, found by the references index; what is due by it, from the board
    # rows of the commitments due by its kind made within its window (not the whole board).
    log = app.log_around(slug, ("meeting",))
    day, moment = at.as_of, at.moment
    knowledge = log.known_at(at.known_at)
    data = build(log, knowledge, slug, day, board=app.reader.board_due_at(slug, at))
    if fmt == "json":
        emit(fmt, data | {"as_of": day.isoformat(), "known_at": moment.isoformat()}, [], [])
        return
    fields = [("state", data["state"]), ("kind", data["kind"]), ("title", data["title"]),
              ("on", data["on"] + (f" to {data['end_on']}" if data["end_on"] else "")), ("place", data["place"]),
              ("parties", " ".join(data["parties"])), ("announced on", data["announced_on"])]  # fmt: skip
    if not field_table(fmt, data, fields, f"{slug} as of {day.isoformat()}"):
        return
    done = [{"what": what, "ref": item["ref"], "commitment": item["commitment"], "on": item["on"],
             "parties": " ".join(item["parties"])}
            for what, key in (("made", "commitments_made"), ("fulfilled", "fulfilments"),
                              ("reaffirmed", "reaffirmations"), ("progress", "progress"))
            for item in data[key]]  # fmt: skip
    if done:
        emit_table([Column("what", "what"), Column("ref", "event"), Column("on", "on"),
                    Column("parties", "parties", priority=1)], done, title=f"Commitments at {slug}")  # fmt: skip
    if data["deadline_for"]:
        emit_table([Column("commitment", "commitment"), Column("status", "status", status_style),
                    Column("due_on", "due")], data["deadline_for"], title=f"Commitments due by {slug}")  # fmt: skip
    if data["statements"]:
        emit_table(STATEMENT_COLUMNS, data["statements"], title=f"Statements at {slug}")
    history_table(data["events"], source_titles(knowledge), f"Events of {slug}")


def show_statement(app: Context, slug: str, at: Clocks, fmt: str) -> None:
    from commitment_tracker.cli.trail import history_table
    from commitment_tracker.projections.entities import show_statement as build

    day, moment = at.as_of, at.moment
    data = build(app.log_for(slug), app.knowledge_for(slug, at), slug, day)
    if fmt == "json":
        emit(fmt, data | {"as_of": day.isoformat(), "known_at": moment.isoformat()}, [], [])
        return
    fields = [("on", data["on"]), ("parties", " ".join(data["parties"])), ("meeting", data["meeting"]),
              ("about", " ".join(data["about"])), ("text", data["text"])]  # fmt: skip
    if not field_table(fmt, data, fields, f"{slug} as of {day.isoformat()}"):
        return
    history_table(data["events"], {}, f"Events of {slug}")


@click.group(invoke_without_command=True)
@format_options
@pass_context
@click.pass_context
def sources(ctx: click.Context, app: Context, fmt: str | None, as_json: bool) -> None:
    """The registered sources; `sources show ID` shows one with its archived text."""
    if ctx.invoked_subcommand is not None:
        return
    from commitment_tracker.projections.sources import sources as list_sources

    fmt = choose_format(fmt, as_json)
    rows = list_sources(app.knowledge_of(frozenset({"source"}), clocks(None, None)))
    if fmt == "table":
        columns = [Column("id", "id"), Column("title", "title", width=40, priority=4, stack="id"),
                   Column("publisher", "publisher", priority=3), Column("published_on", "published"),
                   Column("url", "url", width=30, priority=5, stack="id"), Column("archived", "text", priority=1),
                   Column("digest", "sha256", priority=2)]  # fmt: skip
        # The first 12 hex digits identify a text at a glance; JSON and CSV carry all 64.
        shown = [r | {"archived": "archived" if r["archived"] else "", "digest": (r["sha256"] or "")[:12]}
                 for r in rows]  # fmt: skip
    else:
        keys = ("id", "title", "publisher", "url", "published_on", "sha256", "archived", "ref")
        columns = [Column(k, k) for k in keys]
        shown = rows
    emit(fmt, {"sources": rows}, columns, shown, title="Sources")


@sources.command("show")
@click.argument("source", metavar="ID", type=SLUG)
@format_options
@pass_context
def show_source(app: Context, source: str, fmt: str | None, as_json: bool) -> None:
    """One source: what it is, its archived text and sha256 (checked again), and the events citing it."""
    from commitment_tracker.projections.entities import show_source as build

    fmt = choose_format(fmt, as_json)
    data = build(app.log_around(source, ("source",)).known_at(None), source)
    if fmt == "json":
        emit(fmt, data, [], [])
    else:
        check = {True: "matches the archived text", False: "DOES NOT match the archived text", None: ""}[data["text_matches"]]
        fields = [("title", data.get("title")), ("publisher", data.get("publisher")), ("url", data.get("url")),
                  ("published", data.get("published_on")),
                  ("sha256", f"{data['sha256']} ({check})" if data.get("sha256") else None),
                  ("cited by", ", ".join(c["ref"] for c in data["cited_by"]) or None)]  # fmt: skip
        if field_table(fmt, data, fields, f"Source {source}"):
            if data["text"] is not None:
                click.echo("")
                click.echo(data["text"].rstrip("\n"))
            else:
                note(f"{source} has no archived text (archive it with: ctrack correct {data['ref']} --file TEXT_FILE "
                     "--reason REASON)")  # fmt: skip
    # In every format a text that no longer matches its sha256 fails the command (exit 1), after
    # the answer, which says so too: a script reading the JSON or CSV must not take it for checked.
    if data["text_matches"] is False:
        raise click.ClickException(f"the archived text of {source} does not match its sha256")


COMMANDS = [meetings, statements, sources]
