"""Two analysts, one score (SPEC §8.2): ``review`` and ``queue``."""

from __future__ import annotations

from datetime import date, datetime

import click

from commitment_tracker.cli.clocks import as_known, clocks
from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import DATE, query_options
from commitment_tracker.cli.output import Column, choose_format, emit, note
from commitment_tracker.cli.recording import build, record


@click.command()
@click.argument("ref", metavar="REF")
@click.option("--approve", "decision", flag_value="approved", help="Approve the assessment for publication.")
@click.option("--return", "decision", flag_value="returned", help="Return it to its analyst for rework.")
@click.option("--on", "on", type=DATE, required=True, help="The date of the review.")
@click.option("--note", help="What the reviewer says (why it is returned, say).")
@pass_context
def review(app: Context, ref: str, decision: str | None, on: str, note: str | None) -> None:
    """Approve or return assessment REF (e.g. g20-2010s-40#3). Never by whoever
    recorded or made it: give --by NAME (or TRACKER_USER) as the reviewer."""
    if decision is None:
        raise click.UsageError("give --approve or --return")
    record(app, build("assessment_reviewed", target=ref, decision=decision, on=on, note=note))


@click.command()
@click.option("--assessor", help="Only this analyst's assessments.")
@click.option("--cycle", help="Only assessments of this cycle.")
@query_options
@pass_context
def queue(app: Context, assessor: str | None, cycle: str | None, as_of: date | None, known_at: datetime | None,
          fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """What waits for review: each analyst's latest assessment of a unit
    (commitment, party, cycle) with no review, and those returned for rework
    (until their analyst assesses the unit again). Scores an edition brought
    never wait."""
    from commitment_tracker.projections.view.reviewview import review_queue

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    rows = review_queue(app.reader, at, assessor=assessor, cycle=cycle.strip().lower() if cycle else None)
    data = {"as_of": at.as_of.isoformat(), "known_at": at.moment.isoformat(), "queue": rows}
    if fmt == "table" and not rows:
        note("nothing waits for review")
        return
    columns = [Column("ref", "ref"), Column("state", "state"), Column("party", "party"),
               Column("cycle", "cycle", priority=2), Column("score", "score"), Column("on", "on", priority=1),
               Column("analyst", "analyst"), Column("return_note", "returned because", width=40, priority=3)]  # fmt: skip
    shown = [row | {"cycle": row["cycle"] or ""} for row in rows] if fmt == "table" else rows
    emit(fmt, data, columns, shown, title=f"Waiting for review as of {at.as_of.isoformat()}" + as_known(at))


COMMANDS = [review, queue]
