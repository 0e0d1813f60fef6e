"""The two clocks of every query, and the issue-area filter, as the commands take them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from commitment_tracker.cli.context import Context


def today() -> date:
    from commitment_tracker.tracker import utcnow

    return utcnow().date()


def clocks(as_of: date | None, known_at: datetime | None) -> tuple[date, datetime]:
    from commitment_tracker.tracker import utcnow

    return as_of or today(), known_at or utcnow()


AREA = click.option("--area", help="Only commitments of this issue area.")


def in_area(app: Context, area: str | None, day: date, known_at: datetime | None) -> set[str] | None:
    """The ids of the commitments of an issue area (any case) as of ``day``; None: no filter."""
    if area is None:
        return None
    from commitment_tracker.projections.queries import filter_board

    return {row["id"] for row in filter_board(app.reader.board(day, known_at), area=area)}
