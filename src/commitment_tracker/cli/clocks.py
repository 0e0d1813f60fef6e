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


AREA = click.option("--area", help="Only commitments of this issue area.")


def in_area(app: Context, area: str | None, at: Clocks) -> set[str] | None:
    """The ids of the commitments of an issue area (any case) at ``at``; None: no filter."""
    if area is None:
        return None
    from commitment_tracker.projections.queries import filter_board

    return {row["id"] for row in filter_board(app.reader.board(at), area=area)}
