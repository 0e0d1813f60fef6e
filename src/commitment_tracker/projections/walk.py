"""A commitment's status changes over valid time: each event's effect, and lapses of time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from commitment_tracker.events import first_day
from commitment_tracker.projections.fold import CommitmentFold
from commitment_tracker.projections.knowledge import Knowledge


@dataclass(frozen=True, slots=True)
class Change:
    """The status of ``commitment`` went from ``before`` to ``after`` on ``day``."""

    day: date
    on: str  # the causing event's date with its precision, or the lapse day
    commitment: str
    title: str
    before: str | None
    after: str
    cause: str | None  # the event reference, or None when time alone changed it (a lapse)
    cause_type: str

    def to_data(self) -> dict[str, object]:
        return {
            "on": self.on, "commitment": self.commitment, "title": self.title,
            "status_before": self.before, "status_after": self.after,
            "cause": self.cause, "cause_type": self.cause_type,
        }  # fmt: skip


def walk(knowledge: Knowledge, slug: str, until: date | None = None) -> Iterator[Change]:
    """Every status change of one commitment in valid-time order, up to ``until``."""
    made, steps = knowledge.steps(slug)
    made_day = first_day(made.on)
    if until is not None and made_day > until:
        return
    fold = CommitmentFold(made)
    status = fold.status_on(made_day)
    made_ref = knowledge.streams[slug][0].record.ref
    yield Change(made_day, made.on, slug, made.title, None, status, made_ref, made.type)
    day = made_day
    index = 0
    while True:
        next_day = steps[index].day if index < len(steps) else None
        lapse = fold.next_change(day)
        if lapse is not None and (next_day is None or lapse < next_day):
            if until is not None and lapse > until:
                return
            after = fold.status_on(lapse)
            if after != status:
                yield Change(lapse, lapse.isoformat(), slug, made.title, status, after, None, "period_elapsed")
                status = after
            day = lapse
            continue
        if next_day is None or (until is not None and next_day > until):
            return
        # Events dated before the making itself take effect on the day it was made. A status is
        # what holds as of a date, so all of a day's events apply together; the change is
        # attributed to the day's last event.
        day = max(next_day, made_day)
        step = steps[index]
        while index < len(steps) and max(steps[index].day, made_day) == day:
            step = steps[index]
            fold.apply(step.event)
            index += 1
        after = fold.status_on(day)
        if after != status:
            on = step.event.on if step.day >= made_day else made.on  # type: ignore[attr-defined]
            yield Change(day, on, slug, made.title, status, after, step.resolved.record.ref, step.event.type)
            status = after
