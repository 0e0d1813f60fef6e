"""The two clocks of every query, and the issue-area filter, as the commands take them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from commitment_tracker.cli.context import Context
    from commitment_tracker.projections.clocks import Clocks


def today() -> date:
    from commitment_tracker.tracker import utcnow

    return utcnow().date()


def clocks(as_of: date | None, known_at: datetime | None) -> Clocks:
    """The one value a command hands down for both clocks: ``--as-of`` (today when not given) and
    ``--known-at`` (None: everything recorded), and when it was asked (what JSON reports as the
    record time of an answer as known now)."""
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.tracker import utcnow

    return Clocks(as_of or today(), known_at, asked_at=utcnow())


def name_moment(moment: datetime, given: str) -> None:
    """Remember how the user named a record time (an edition, an event, a day), for headings."""
    import re

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    before = given.endswith("^")
    name = given.removesuffix("^").lower()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", name, re.ASCII):
        name = f"the end of {name}"
    elif re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[t ]", name, re.ASCII):
        name = moment.isoformat()  # a timestamp: as it stands (an edition or an event: by its name)
    ctx.find_root().meta.setdefault(MOMENT_NAMES, {})[moment] = f"just before {name}" if before else name


MOMENT_NAMES = "commitment_tracker.moment_names"


def moment_name(moment: datetime) -> str:
    """A record time as the user named it, else as an ISO timestamp."""
    ctx = click.get_current_context(silent=True)
    names = ctx.find_root().meta.get(MOMENT_NAMES, {}) if ctx is not None else {}
    return names.get(moment, moment.isoformat())


def as_known(at: Clocks) -> str:
    """What a heading adds for the record time: nothing for everything recorded, else
    ", as known at …" with the moment as the user named it (JSON says it as ``known_at``)."""
    return "" if at.known_at is None else f", as known at {moment_name(at.known_at)}"


AREA = click.option("--area", help="Only commitments of this issue area.")


def in_area(app: Context, area: str | None, at: Clocks) -> set[str] | None:
    """The ids of the commitments of an issue area (any case) at ``at``; None: no filter."""
    if area is None:
        return None
    from commitment_tracker.projections.queries import filter_board

    return {row["id"] for row in filter_board(app.reader.board(at), area=area)}
