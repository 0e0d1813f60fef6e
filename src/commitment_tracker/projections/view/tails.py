"""Where each commitment's fold stands between pages, kept in memory so a page that only appends
to a commitment resumes it without reading anything back.

Catch-up resumes a commitment from the last open interval starting before the earliest valid
date a page changes, with the live steps dated after that interval's start (resume.py). On a log
recorded on the same commitments for years, nearly every page touches nearly every commitment,
and nearly always after its last interval: reading that interval and those steps back, per
commitment and per page, is a cost that grows with the log while the page's own work does not.
So after each page the projection keeps, for every commitment it wrote, its last few open
intervals (as stored) and the live steps dated after the first one's start: exactly what the two
reads would return when the page's first changed date falls after one of those starts.

The tails are only as good as the view they were computed for: they are dropped whenever the
view's position is not the one this projection left it at (another process caught up, or a
rebuild reset it), and they are bounded (the commitments touched least recently go first), so
memory does not grow with the number of commitments.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from commitment_tracker.projections.knowledge import Step

#: Commitments whose tails are kept (a few KB each: their last intervals' rows and later steps).
LIMIT = 20000
#: Open intervals kept per commitment: the last, and a few before it, since a recurring
#: commitment's last intervals are its coming lapses, after the day of any new event, and events
#: are often recorded a little late.
ROWS = 4


@dataclass(frozen=True, slots=True)
class Tail:
    """A commitment's last few open intervals and the live steps dated after the first one's start."""

    rows: tuple[tuple[Any, ...], ...]  # as ``ViewSQL.open_intervals_from`` returns them: (entity, valid_from, ..., data)
    later: tuple[Step, ...]  # in valid-time order

    def from_before(self, first: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
        """The kept rows split where a page whose first changed day is ``first`` resumes: those
        before the last row starting before ``first``, and that row with every later one (what
        ``open_intervals_from`` would read); None when no kept row starts before ``first``."""
        rows = self.rows
        index = len(rows) - 1
        while index >= 0 and not rows[index][1] < first:
            index -= 1
        if index < 0:
            return None
        return list(rows[:index]), list(rows[index:])


def tail_of(rows: list[tuple[Any, ...]], steps: list[Step]) -> Tail | None:
    """The tail of a commitment's open rows from some start on (``open_intervals_from``'s form, in
    valid-time order), given every live step dated after that start (in valid-time order)."""
    if not rows:
        return None
    kept = rows[-ROWS:]
    start = kept[0][1]
    return Tail(tuple(kept), tuple(s for s in steps if s.day.isoformat() > start))


class Tails:
    """The tails of the commitments recently written, valid at one view position."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit or LIMIT  # read when made: tests bound it
        self.position: int | None = None  # the view position they describe
        self._tails: OrderedDict[str, Tail] = OrderedDict()

    def __len__(self) -> int:
        return len(self._tails)

    def valid_at(self, position: int) -> None:
        """Forget every tail unless the view is still where they were computed for."""
        if position != self.position:
            self._tails.clear()
            self.position = position

    def resumable(self, entity: str, first: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], tuple[Step, ...]] | None:
        """The rows a page resumes from split as ``Tail.from_before`` splits them, and the kept
        steps (those after the first kept row's start), if this commitment's tail can serve."""
        tail = self._tails.get(entity)
        split = None if tail is None else tail.from_before(first)
        return None if split is None else (*split, tail.later)  # type: ignore[union-attr]

    def put(self, entity: str, tail: Tail | None) -> None:
        self._tails.pop(entity, None)
        if tail is not None:
            self._tails[entity] = tail
            if len(self._tails) > self.limit:
                self._tails.popitem(last=False)

    def written(self, position: int) -> None:
        """The page whose tails were put is in the view, which now stands at ``position``."""
        self.position = position
