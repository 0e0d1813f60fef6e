"""Which edition published a commitment's published average (SPEC §8.1), and so of which cycle's
scores it is the average.

The average is recorded on the making and corrected as later editions print another. An import
with ``--edition`` records its rows' events and then the edition's ``edition_published``, in one
transaction, all at one record time: the edition of an average is the first edition recorded
after the event that last gave it, at that event's record time. An average no edition recorded
(typed in by hand, say) has no known edition.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from commitment_tracker.tracker.records import Recorded

#: Each record time at which editions were recorded: (log position, id, cycle) of each.
EditionTimes = dict[datetime | None, list[tuple[int, str, str | None]]]


def edition_times(editions: Iterable[tuple[Recorded, Any]]) -> EditionTimes:
    """``EditionTimes`` of editions given as (their ``edition_published`` record, that event as
    corrected), the retracted ones left out by the caller."""
    found: EditionTimes = {}
    for record, event in editions:
        found.setdefault(record.event.recorded_at, []).append((record.seq, record.event.entity, event.cycle))
    return found


def average_setter(making: Recorded, corrections: Iterable[tuple[Recorded, Any]]) -> Recorded | None:
    """The record that last gave a making its published average: the making, or the last of its
    live ``corrections`` (record, the correction event) that sets one; None when none did."""
    setter = making if getattr(making.event, "published_average", None) is not None else None
    for record, event in corrections:
        if "published_average" in event.corrections:
            setter = record
    return setter


def edition_of(setter: Recorded | None, times: EditionTimes) -> tuple[str, str | None] | None:
    """The (id, cycle) of the edition recorded in ``setter``'s transaction, after it; None when
    no edition was (or there is no average)."""
    if setter is None:
        return None
    # A record read by a writer has no log position yet (0): its transaction's edition is then the
    # one at its record time (a transaction records one edition, last).
    after = [(seq, slug, cycle) for seq, slug, cycle in times.get(setter.event.recorded_at, ())
             if seq > setter.seq or not (seq and setter.seq)]  # fmt: skip
    if not after:
        return None
    _, slug, cycle = min(after)
    return slug, cycle
