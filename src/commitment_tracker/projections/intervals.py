"""A commitment's board row over valid time, as intervals: what the materialised view stores.

Between two change points nothing in the row changes, so the fold's answer for any date D is the
row of the interval containing D. Change points are the commitment's event days, lapses of a
recurring period, the day after a deadline (overdue), and the days meetings of its ``due_next``
kind are held or announced (which move ``due_on``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from commitment_tracker.events import CommitmentMade, first_day, last_day
from commitment_tracker.projections.fold import CLOSED, CommitmentFold
from commitment_tracker.projections.knowledge import Step
from commitment_tracker.projections.meetings import MeetingIndex

END = date.max


@dataclass(frozen=True, slots=True)
class Interval:
    valid_from: date
    valid_to: date  # exclusive; date.max when open-ended
    status: str
    status_before: str | None
    cause: str | None  # the event that started the interval (None when time alone did)
    cause_type: str
    cause_on: str  # the causing event's date with its precision, or the day time changed it
    data: dict[str, Any]


def intervals(made: CommitmentMade, made_ref: str, steps: list[Step], meetings: MeetingIndex) -> list[Interval]:
    """Every interval of the commitment's row, from the day it was made onwards."""
    made_day = first_day(made.on)
    fold = CommitmentFold(made)
    index = 0
    while index < len(steps) and steps[index].day <= made_day:
        fold.apply(steps[index].event)
        index += 1
    return _walk(fold, made_day, steps[index:], meetings, [], None, (made_ref, made.type, made.on))


def intervals_from(fold: CommitmentFold, first: Interval, steps: list[Step], meetings: MeetingIndex) -> list[Interval]:
    """The intervals from ``first`` onwards, given the fold as it stood when ``first`` began (every
    step up to its day applied) and the steps dated after that day: what catch-up recomputes when
    a page changes a commitment from some valid date on, instead of walking its whole history.
    ``first`` comes back with its end recomputed; the rest as ``intervals`` would give them."""
    seed = (first.valid_from, first.status, first.status_before, first.cause, first.cause_type, first.cause_on,
            first.data)  # fmt: skip
    return _walk(fold, first.valid_from, steps, meetings, [seed], first.status, (None, "period_elapsed", None))


def _walk(fold: CommitmentFold, day: date, steps: list[Step], meetings: MeetingIndex,
          found: list[tuple[date, str, str | None, str | None, str, str, dict[str, Any]]], before: str | None,
          cause_of_first: tuple[str | None, str, str | None]) -> list[Interval]:  # fmt: skip
    """The fold walked from ``day`` (``steps``: those dated after it, in valid-time order)."""
    made_day = first_day(fold.made_on)
    step_days = [step.day for step in steps]  # each parsed once, not at every change point
    index = 0
    meeting_days: dict[str, list[date]] = {}
    # Each interval's start and the rest of it: it ends where the next one starts (the last one
    # never), so every Interval is built once, at the end.
    cause, cause_type, cause_on = cause_of_first
    while True:
        data = fold.row(day, meetings)
        if not found or found[-1][-1] != data:  # else nothing visible changed: the interval continues
            found.append((day, data["status"], before, cause, cause_type, cause_on or day.isoformat(), data))
            before = data["status"]
        candidates = []
        if index < len(steps):
            candidates.append(step_days[index])
        lapse = fold.next_change(day)
        if lapse is not None:
            candidates.append(lapse)
        if data["due_on"] is not None and data["status"] not in CLOSED and data["cadence"] == "once":
            overdue_from = last_day(data["due_on"]) + timedelta(days=1)
            if overdue_from > day:
                candidates.append(overdue_from)
        if fold.due_next is not None:
            if fold.due_next not in meeting_days:
                meeting_days[fold.due_next] = meetings.change_days(fold.due_next, made_day)
            days = meeting_days[fold.due_next]
            following = bisect_right(days, day)
            if following < len(days):
                candidates.append(days[following])
        if not candidates:
            ends = [start for start, *_ in found[1:]] + [END]
            return [Interval(start, end, *rest) for (start, *rest), end in zip(found, ends)]
        day = min(candidates)
        cause, cause_type, cause_on = None, "period_elapsed", None
        while index < len(steps) and step_days[index] == day:
            fold.apply(steps[index].event)
            cause, cause_type = steps[index].resolved.record.ref, steps[index].event.type
            cause_on = steps[index].event.on  # type: ignore[attr-defined]
            index += 1

