"""Recording commands: each turns its options into events and prints the new event references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.output import caution
from commitment_tracker.cli.options import DATE, KIND, PARTY, SLUG, evidence_options

CADENCES = ("once", "standing", "annual", "semiannual", "quarterly", "monthly")


def record(app: Context, *events: Any) -> None:
    from commitment_tracker.tracker import NotFound

    try:
        recorded = app.writer.record(events, app.user, warn=caution)
    except NotFound as error:
        if error.slug is None:
            raise
        # As show and history do: the ids closest to the mistyped one, read from the view.
        raise NotFound(f"{error}{app.reader.did_you_mean(error.slug)}") from None
    for found in recorded:
        click.echo(found.ref)


def build(type_: str, **fields: Any) -> Any:
    from commitment_tracker.events import build as build_event

    return build_event(type_, **fields)


# --- sources ----------------------------------------------------------------------------------


@click.group()
def source() -> None:
    """Register the documents evidence comes from."""


@source.command("add")
@click.argument("source_id", metavar="ID", type=SLUG)
@click.option("--title", required=True)
@click.option("--publisher")
@click.option("--url")
@click.option("--published", type=DATE, help="Publication date.")
@click.option(
    "--file",
    "text_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Archive the source's text (UTF-8) with its sha256.",
)
@click.option("--quote", help="A short verbatim passage.")
@click.option("--note")
@pass_context
def source_add(app: Context, source_id: str, title: str, publisher: str | None, url: str | None,
               published: str | None, text_file: Path | None, quote: str | None, note: str | None) -> None:  # fmt: skip
    """Register source ID."""
    from commitment_tracker.tracker.archive import read_text

    text, digest = read_text(text_file) if text_file else (None, None)
    record(app, build("source_registered", source=source_id, title=title, publisher=publisher, url=url,
                      published_on=published, text=text, sha256=digest, quote=quote, note=note))  # fmt: skip


# --- meetings ---------------------------------------------------------------------------------


@click.group()
def meeting() -> None:
    """Record meetings held or scheduled."""


@meeting.command("add")
@click.argument("meeting_id", metavar="ID", type=SLUG)
@click.option("--on", "on", type=DATE, required=True, help="When it was held.")
@click.option("--kind", type=KIND, required=True, help="e.g. trilateral-summit, vice-ministerial, exercise.")
@click.option("--title", required=True)
@click.option("--party", "parties", type=PARTY, multiple=True, required=True)
@click.option("--place")
@click.option("--end", "end_on", type=DATE, help="Last day, for a meeting of several days.")
@click.option("--fulfils", "fulfils", type=SLUG, multiple=True, help="A commitment this meeting fulfils (repeatable).")
@evidence_options
@pass_context
def meeting_add(app: Context, meeting_id: str, on: str, kind: str, title: str, parties: tuple[str, ...],
                place: str | None, end_on: str | None, fulfils: tuple[str, ...], source: str | None,
                quote: str | None, note: str | None) -> None:  # fmt: skip
    """Record that meeting ID was held (and, with --fulfils, what it fulfilled: one transaction)."""
    held = build("meeting_held", meeting=meeting_id, on=on, kind=kind, title=title, parties=parties,
                 place=place, end_on=end_on, source=source, quote=quote, note=note)  # fmt: skip
    for recorded in app.writer.hold_meeting(held, fulfils, app.user, warn=caution):
        click.echo(recorded.ref)


@meeting.command("schedule")
@click.argument("meeting_id", metavar="ID", type=SLUG)
@click.option("--on", "on", type=DATE, required=True, help="When it was announced.")
@click.option("--for", "scheduled_for", type=DATE, required=True, help="When it is to be held.")
@click.option("--kind", type=KIND, required=True)
@click.option("--title", required=True)
@click.option("--party", "parties", type=PARTY, multiple=True, required=True)
@click.option("--place")
@evidence_options
@pass_context
def meeting_schedule(app: Context, meeting_id: str, on: str, scheduled_for: str, kind: str, title: str,
                     parties: tuple[str, ...], place: str | None, source: str | None, quote: str | None,
                     note: str | None) -> None:  # fmt: skip
    """Record that meeting ID was announced for a date (again to reschedule it)."""
    record(app, build("meeting_scheduled", meeting=meeting_id, on=on, scheduled_for=scheduled_for, kind=kind,
                      title=title, parties=parties, place=place, source=source, quote=quote, note=note))  # fmt: skip


# --- statements -------------------------------------------------------------------------------


@click.group()
def statement() -> None:
    """Record statements (joint statements, remarks)."""


@statement.command("add")
@click.argument("statement_id", metavar="ID", type=SLUG)
@click.option("--on", "on", type=DATE, required=True)
@click.option("--party", "parties", type=PARTY, multiple=True, required=True)
@click.option("--text", required=True)
@click.option("--meeting", type=SLUG)
@click.option("--about", type=SLUG, multiple=True, help="A commitment the statement speaks to (repeatable).")
@evidence_options
@pass_context
def statement_add(app: Context, statement_id: str, on: str, parties: tuple[str, ...], text: str,
                  meeting: str | None, about: tuple[str, ...], source: str | None, quote: str | None,
                  note: str | None) -> None:  # fmt: skip
    """Record statement ID."""
    record(app, build("statement_issued", statement=statement_id, on=on, parties=parties, text=text,
                      meeting=meeting, about=about, source=source, quote=quote, note=note))  # fmt: skip


# --- commitments ------------------------------------------------------------------------------


@click.command()
@click.argument("commitment", metavar="ID", type=SLUG)
@click.option("--on", "on", type=DATE, required=True, help="When it was made.")
@click.option("--title", required=True)
@click.option("--party", "parties", type=PARTY, multiple=True, required=True)
@click.option("--cadence", type=click.Choice(CADENCES), default="once", show_default=True)
@click.option("--due", type=DATE, help="Deadline.")
@click.option("--due-next", "due_next", type=KIND, help="Due by the next meeting of this kind.")
@click.option("--meeting", type=SLUG, help="The meeting it was made at.")
@click.option("--area", help="The issue area, e.g. Trade.")
@click.option("--code", help="An external reference code, e.g. 2010S-40 (not unique).")
@click.option("--text", help="The commitment's full wording (--title is its short name).")
@evidence_options
@pass_context
def pledge(app: Context, commitment: str, on: str, title: str, parties: tuple[str, ...], cadence: str,
           due: str | None, due_next: str | None, meeting: str | None, area: str | None, code: str | None,
           text: str | None, source: str | None, quote: str | None, note: str | None) -> None:  # fmt: skip
    """Record that commitment ID was made."""
    if due and due_next:
        raise click.UsageError("give --due or --due-next, not both")
    record(app, build("commitment_made", commitment=commitment, on=on, title=title, parties=parties,
                      cadence=cadence, due=due, due_next=due_next, meeting=meeting, area=area, code=code,
                      text=text, source=source, quote=quote, note=note))  # fmt: skip


def _status_command(name: str, type_: str, summary: str, *, note_required: bool = False,
                    parties: bool = True, meeting: bool = True) -> click.Command:  # fmt: skip
    @click.command(name, help=summary)
    @click.argument("commitment", metavar="ID", type=SLUG)
    @click.option("--on", "on", type=DATE, required=True)
    @click.option("--source", type=SLUG, help="Registered source the evidence comes from.")
    @click.option("--quote", help="A short verbatim passage of the source.")
    @click.option("--note", required=note_required, help="What happened." if note_required else "A note on the event.")
    @pass_context
    def command(app: Context, commitment: str, on: str, source: str | None, quote: str | None, note: str | None,
                parties: tuple[str, ...] = (), meeting: str | None = None) -> None:  # fmt: skip
        # A redundant fulfilment is recorded with a note (tracker/cautions.py), never refused.
        record(app, build(type_, commitment=commitment, on=on, parties=parties or None, meeting=meeting,
                          source=source, quote=quote, note=note))  # fmt: skip

    if parties:
        command = click.option("--party", "parties", type=PARTY, multiple=True,
                               help="Only these parties (default: all).")(command)  # fmt: skip
    if meeting:
        command = click.option("--meeting", type=SLUG, help="The meeting it happened at.")(command)
    return command


reaffirm = _status_command("reaffirm", "commitment_reaffirmed", "Record that commitment ID was reaffirmed.")
progress = _status_command("progress", "progress_reported", "Record progress on commitment ID.",
                           note_required=True)  # fmt: skip
fulfil = _status_command("fulfil", "commitment_fulfilled",
                         "Record that commitment ID was fulfilled (for a recurring one: one instance held).")  # fmt: skip
fulfill = _status_command("fulfill", "commitment_fulfilled", "Same as fulfil.")
stall = _status_command("stall", "commitment_stalled", "Record that commitment ID stalled.", note_required=True)
abandon = _status_command("abandon", "commitment_abandoned", "Record that commitment ID was abandoned.")


@click.command()
@click.argument("commitment", metavar="ID", type=SLUG)
@click.option("--by", "by", type=SLUG, required=True, metavar="OTHER", help="The commitment that replaces it.")
@click.option("--on", "on", type=DATE, required=True)
@evidence_options
@pass_context
def supersede(app: Context, commitment: str, by: str, on: str, source: str | None, quote: str | None,
              note: str | None) -> None:  # fmt: skip
    """Record that commitment ID was superseded by OTHER."""
    record(app, build("commitment_superseded", commitment=commitment, by=by, on=on, source=source,
                      quote=quote, note=note))  # fmt: skip


@click.command()
@click.argument("commitment", metavar="ID", type=SLUG)
@click.option("--on", "on", type=DATE, required=True, help="When the deadline changed.")
@click.option("--due", type=DATE)
@click.option("--due-next", "due_next", type=KIND)
@evidence_options
@pass_context
def deadline(app: Context, commitment: str, on: str, due: str | None, due_next: str | None, source: str | None,
             quote: str | None, note: str | None) -> None:  # fmt: skip
    """Record a new deadline for commitment ID: a date, or the next meeting of a kind."""
    if bool(due) == bool(due_next):
        raise click.UsageError("give exactly one of --due or --due-next")
    record(app, build("deadline_changed", commitment=commitment, on=on, due=due, due_next=due_next,
                      source=source, quote=quote, note=note))  # fmt: skip


# --- fixing mistakes --------------------------------------------------------------------------


@click.command()
@click.argument("ref", metavar="REF")
@click.option("--reason", required=True)
@evidence_options
@pass_context
def retract(app: Context, ref: str, reason: str, source: str | None, quote: str | None, note: str | None) -> None:
    """Retract event REF (e.g. cd-meet-annually#3): it stays in the audit, without effect."""
    record(app, build("event_retracted", target=ref, reason=reason, source=source, quote=quote, note=note))


@click.command()
@click.argument("ref", metavar="REF")
@click.option("--reason", required=True)
@click.option("--on", "on", type=DATE)
@click.option("--note")
@click.option("--quote")
@click.option("--party", "parties", type=PARTY, multiple=True)
@click.option("--due", type=DATE)
@click.option("--due-next", "due_next", type=KIND)
@click.option("--title")
@click.option("--cadence", type=click.Choice(CADENCES))
@click.option("--kind", type=KIND)
@click.option("--for", "scheduled_for", type=DATE, help="Corrected scheduled date of a meeting.")
@click.option("--place")
@click.option("--end", "end_on", type=DATE)
@click.option("--text")
@click.option("--meeting", type=SLUG)
@click.option("--superseded-by", "superseded_by", type=SLUG, help="Corrected 'by' of a supersession.")
@click.option("--area", help="Corrected issue area of a commitment.")
@click.option("--code", help="Corrected reference code of a commitment.")
@click.option("--score", type=click.Choice(["1", "0", "-1"]), help="Corrected score of an assessment.")
@click.option("--cycle", help="Corrected cycle of an assessment.")
@click.option("--assessor", help="Corrected assessor of an assessment.")
@click.option("--source", type=SLUG, help="The source of the correction.")
@click.option("--file", "text_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Archive a source's text (UTF-8) with its sha256, as source add --file does.")  # fmt: skip
@pass_context
def correct(app: Context, ref: str, reason: str, source: str | None, superseded_by: str | None, text_file: Path | None,
            **fields: Any) -> None:  # fmt: skip
    """Correct fields of event REF; the original stays in the audit."""
    if text_file is not None:
        from commitment_tracker.tracker.archive import read_text

        if fields.get("text") is not None:
            raise click.UsageError("--file archives a text with its sha256, --text gives one without: not both")
        fields["text"], fields["sha256"] = read_text(text_file)
    if superseded_by:
        fields["by"] = superseded_by
    if fields.get("score") is not None:
        fields["score"] = int(fields["score"])
    record(app, build("event_corrected", target=ref, reason=reason, source=source, **fields))


COMMANDS = [source, meeting, statement, pledge, reaffirm, progress, fulfil, fulfill, stall, abandon,
            supersede, deadline, retract, correct]  # fmt: skip
