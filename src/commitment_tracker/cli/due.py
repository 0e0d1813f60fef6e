"""``ctrack due``: overdue and upcoming deadlines, rendered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import SPAN, query_options
from commitment_tracker.cli.output import Column, choose_format, emit, status_style
from commitment_tracker.cli.clocks import as_known, clocks


def when_style(text: Any) -> str:
    """The words of ``when`` say the state: red when overdue, blue while awaiting a meeting."""
    text = str(text)
    return "bold red" if text.endswith("overdue") else "blue" if text.startswith("awaiting") else "yellow"


TABLE_COLUMNS = [
    Column("id", "id"),
    Column("due_on", "due"),
    Column("when", "when", when_style, width=18, priority=1, stack="due_on"),
    Column("status", "status", status_style),
    Column("pending", "pending", priority=2),
    Column("about", "commitment (deadline)", width=50, priority=3, stack="id"),
]
CSV_KEYS = ("state", "id", "title", "due_on", "days", "due_next", "due_meeting", "meeting_held", "status",
            "cadence", "pending")  # fmt: skip


def when(item: dict[str, Any]) -> str:
    """How the deadline stands: "in 3 days", "today", "2 days overdue", "awaiting the next summit"."""
    days = item["days"]
    if days is None:
        return f"awaiting the next {item['due_next']}"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


def origin(item: dict[str, Any]) -> str | None:
    """Where the deadline comes from, when it is not a plain due date."""
    if item["due_meeting"]:
        held = "held" if item["meeting_held"] else "scheduled"
        return f"next {item['due_next']}: {item['due_meeting']}, {held}"
    if item["cadence"] != "once":
        return f"next {item['cadence']} instance"
    return None


@click.command()
@click.option("--within", type=SPAN, default="30d", show_default=True,
              help="How far ahead to look for upcoming deadlines (e.g. 30d, 6w, 3m, 1y).")  # fmt: skip
@click.option("--area", help="Only commitments of this issue area.")
@query_options
@pass_context
def due(app: Context, within: int, area: str | None, as_of: date | None, known_at: datetime | None,
        fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Overdue and upcoming deadlines, and commitments awaiting the next meeting of a kind.

    \b
    A deadline is a due date, the date of the meeting a --due-next commitment
    resolved to (held, or announced), or when the next instance of a recurring
    commitment is due; it is met by its last day ('2024-06' by 30 June).
    Fulfilled, abandoned, superseded and standing commitments have none.
    """
    from commitment_tracker.projections.deadlines import deadlines_of

    fmt = choose_format(fmt, as_json)
    at = clocks(as_of, known_at)
    day, moment = at.as_of, at.moment
    found = deadlines_of(app.reader.statuses(at), app.reader.meetings_at(at), day, within, area=area)
    items = [d.to_data() for d in found]
    data = {"as_of": day.isoformat(), "known_at": moment.isoformat(), "within_days": within,
            "deadlines": items}  # fmt: skip
    rows = [i | {"when": when(i), "about": i["title"] + (f" ({origin(i)})" if origin(i) else "")}
            for i in items]  # fmt: skip
    emit(fmt, data, TABLE_COLUMNS if fmt == "table" else [Column(k, k) for k in CSV_KEYS], rows,
         title=f"Deadlines as of {day.isoformat()} (next {within} days){as_known(at)}",
         caption=f"{len(items)} deadline{'s' if len(items) != 1 else ''}")  # fmt: skip


COMMANDS = [due]
