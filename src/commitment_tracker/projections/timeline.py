"""Each commitment's life over valid time, as plain data: what the chart draws and the report embeds.

A ``Timeline`` holds, for one commitment known at K, as of D and seen through a window of valid
time: its status intervals (from ``walk``, so recurring lapses are included), its effective events,
its deadline and, for a recurring commitment, the instances held. Dates are inclusive: an interval
runs from the first to the last day it held within the window.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from commitment_tracker.events import first_day, last_day
from commitment_tracker.projections.figures import average_text
from commitment_tracker.projections.fold import RECURRING
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.projections.scores import score_only, scored
from commitment_tracker.projections.walk import walk
from commitment_tracker.tracker import NotFound

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Interval:
    """The commitment had ``status`` from ``valid_from`` to ``valid_to``, both days included."""

    status: str
    valid_from: date
    valid_to: date
    continues: bool  # still this status after valid_to: the window ended, not the status


@dataclass(frozen=True, slots=True)
class Mark:
    """One effective event of the commitment, placed in valid time."""

    day: date
    on: str  # the event's date with its precision
    type: str
    ref: str


@dataclass(frozen=True, slots=True)
class Timeline:
    id: str
    title: str
    cadence: str
    parties: tuple[str, ...]
    status: str  # where the window ends (as of D, unless the window ends earlier)
    made_on: str
    due_on: str | None  # likewise
    due_next: str | None  # "by the next meeting of this kind", resolved or not
    overdue: bool  # likewise
    intervals: tuple[Interval, ...]
    events: tuple[Mark, ...]
    instances: tuple[Mark, ...]  # recurring only: the fulfilments, one per period's instance
    #: For a score-only commitment (``scores.score_only`` at the window's end), the scores that
    #: count then, by party: its status says nothing, so drawings lead with these. Else None.
    scores: tuple[tuple[str, int], ...] | None = None

    @property
    def due_day(self) -> date | None:
        """Where the deadline is drawn: its last day, so "2025" stands at the end of 2025 (overdue after it)."""
        return last_day(self.due_on) if self.due_on else None

    @property
    def slots(self) -> tuple[float, ...]:
        """For each event mark, its place among the marks of the same day: 0 alone, else -0.5, 0.5, ...

        Drawings shift a mark sideways by its slot, so that events of one day do not hide each other.
        """
        counts = Counter(mark.day for mark in self.events)
        seen: Counter[date] = Counter()
        found = []
        for mark in self.events:
            found.append(seen[mark.day] - (counts[mark.day] - 1) / 2)
            seen[mark.day] += 1
        return tuple(found)

    @property
    def summary(self) -> str:
        """Where it stands at the window's end, in words: "lapsed · overdue since 2024-08-18", or
        for a score-only commitment its scores: "average +0.80 · 20 scores"."""
        if self.scores is not None:
            values = [score for _, score in self.scores]
            return f"average {average_text(sum(values) / len(values))} \u00b7 {len(values)} score{'s' if len(values) != 1 else ''}"
        parts = [self.status.replace("_", " ")]
        if self.due_on:
            parts.append(("overdue since " if self.overdue else "due ") + self.due_on)
        elif self.due_next:
            parts.append(f"due at the next {self.due_next}")
        return " \u00b7 ".join(parts)


@dataclass(frozen=True, slots=True)
class Timelines:
    """The timelines of several commitments over one window [start, end] of valid time."""

    as_of: date
    start: date
    end: date
    rows: tuple[Timeline, ...]

    @property
    def statuses(self) -> list[str]:
        """The statuses that appear, in order of first appearance (a score-only row shows none)."""
        return list(dict.fromkeys(i.status for row in self.rows if row.scores is None for i in row.intervals))


#: The most rows a chart of every commitment draws: a few hundred rows is what a person can read
#: (and what an image viewer can open); the rest are named on stderr as left out.
CHART_LIMIT = 300


def chart_selection(board: list[dict[str, Any]], limit: int | None = None) -> tuple[list[str], int]:
    """Which commitments a chart of "all" draws: the board's (made by the window's end, in the
    order they were made), the latest-made ``limit`` (default CHART_LIMIT) of them; and how many
    were left out."""
    limit = CHART_LIMIT if limit is None else limit
    ids = [row["id"] for row in board]
    return ids[-limit:] if len(ids) > limit else ids, max(0, len(ids) - limit)


def timelines(
    knowledge: Knowledge,
    as_of: date,
    ids: list[str] | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Timelines:
    """The commitments ``ids`` (default: every one made by the window's end), as of ``as_of``.

    The window ends at ``end`` or ``as_of``, whichever is earlier (nothing after D is known as of
    D), and starts at ``start``, else on the day the earliest of them was made.
    """
    last = min(end, as_of) if end is not None else as_of
    if ids is None:
        slugs = [s for s in knowledge.commitments if first_day(knowledge.steps(s)[0].on) <= last]
    else:
        slugs = list(dict.fromkeys(ids))
        for slug in slugs:
            _check(knowledge, slug, last)
    if start is None:
        made = [first_day(knowledge.steps(s)[0].on) for s in slugs]
        start = min(made, default=last)
    rows = tuple(timeline(knowledge, slug, start=start, end=last) for slug in slugs)
    return Timelines(as_of, start, last, rows)


def _check(knowledge: Knowledge, slug: str, last: date) -> None:
    kind = knowledge.kind(slug)
    if kind is None:
        raise NotFound(f"unknown commitment {slug!r}")
    if kind != "commitment_made":
        raise NotFound(f"{slug!r} is not a commitment")
    if slug not in knowledge.commitments:
        raise NotFound(f"commitment {slug!r} was retracted")
    if first_day(knowledge.steps(slug)[0].on) > last:
        raise NotFound(f"commitment {slug!r} was not yet made as of {last.isoformat()}")


def timeline(knowledge: Knowledge, slug: str, *, start: date, end: date) -> Timeline:
    """One commitment made by ``end``: its intervals and events within [start, end]."""
    made, steps = knowledge.steps(slug)
    made_day = first_day(made.on)
    changes = list(walk(knowledge, slug, until=end))
    state = knowledge.status(slug, end)  # deadline and overdue where the window ends, like the status
    if not changes or state is None:
        raise NotFound(f"commitment {slug!r} was not yet made as of {end.isoformat()}")
    intervals = []
    for index, change in enumerate(changes):
        following = changes[index + 1].day if index + 1 < len(changes) else None
        last = following - DAY if following is not None else end
        first, last = max(change.day, start), min(last, end)
        if first <= last:  # a status replaced on its first day never held
            intervals.append(Interval(change.after, first, last, continues=following is None))
    made_ref = knowledge.streams[slug][0].record.ref
    marks = [Mark(made_day, made.on, made.type, made_ref)]
    for step in steps:
        # An event dated before the making takes effect on the day it was made (as in ``walk``).
        on: str = step.event.on  # type: ignore[attr-defined]
        marks.append(Mark(max(step.day, made_day), on, step.event.type, step.resolved.record.ref))
    marks = [m for m in marks if start <= m.day <= end]
    recurring = made.cadence in RECURRING
    counted = scored(knowledge, slug, end) if score_only(knowledge, slug, end) else None
    return Timeline(
        id=slug, title=made.title, cadence=made.cadence, parties=tuple(made.parties),
        status=changes[-1].after, made_on=made.on, due_on=state.due_on, due_next=state.due_next,
        overdue=state.overdue, intervals=tuple(intervals), events=tuple(marks),
        instances=tuple(m for m in marks if recurring and m.type == "commitment_fulfilled"),
        scores=tuple(sorted(counted.scores.items())) if counted is not None else None,
    )  # fmt: skip
