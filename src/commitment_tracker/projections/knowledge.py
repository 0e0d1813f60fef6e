"""The log as known at a record time: streams resolved, commitments ready to fold.

``Log`` holds every record grouped by stream; ``Log.known_at(K)`` keeps, per stream, the records
recorded at or before K and applies only the retractions and corrections among them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from commitment_tracker.events import CommitmentMade, Event, first_day
from commitment_tracker.projections.fold import CommitmentFold, CommitmentStatus
from commitment_tracker.projections.meetings import MEETING_TYPES, MeetingIndex
from commitment_tracker.tracker import Recorded, Resolved, resolve


class Log:
    """Every record of the store, grouped by stream in position order."""

    def __init__(self, records: Iterable[Recorded]) -> None:
        self.streams: dict[str, list[Recorded]] = {}
        self.count = 0
        for record in records:
            self.streams.setdefault(record.entity, []).append(record)
            self.count += 1

    def known_at(self, known_at: datetime | None, kinds: frozenset[str] | None = None) -> Knowledge:
        """The log as known at ``known_at`` (None: now), optionally only streams of some kinds."""
        streams = {}
        for slug, records in self.streams.items():
            if kinds is not None and records[0].event.type not in kinds:
                continue
            known = known_prefix(records, known_at)
            if known:
                streams[slug] = resolve(known)
        return Knowledge(streams)


class KnownSince:
    """What a log knew at a record time, moved forward a few streams at a time: each move resolves
    again only the streams recorded since (the report's sliders and replay by record time step
    through thousands of moments)."""

    def __init__(self, log: Log, known_at: datetime | None) -> None:
        self.log = log
        self.knowledge = log.known_at(known_at)  # exactly as a query would: every stream, from scratch
        self._streams = dict(self.knowledge.streams)

    def advance(self, entities: Iterable[str], known_at: datetime) -> Knowledge:
        """The knowledge at ``known_at``, given that only ``entities`` were recorded since the last.
        Where none of them is a meeting, the meetings known are the last moment's, and so is their
        index (built from every meeting's stream: at 5,000 meetings, most of a moment's cost)."""
        before, meetings_moved = self.knowledge, False
        for slug in entities:
            known = known_prefix(self.log.streams.get(slug, []), known_at)
            if known:
                self._streams[slug] = resolve(known)
                meetings_moved = meetings_moved or known[0].event.type in MEETING_TYPES
        # In the log's own stream order, as Log.known_at gives it.
        self.knowledge = Knowledge({slug: self._streams[slug] for slug in self.log.streams if slug in self._streams})
        if not meetings_moved and "meetings" in vars(before):  # the cached index (functools.cached_property)
            vars(self.knowledge)["meetings"] = before.meetings
        return self.knowledge


def known_prefix(records: list[Recorded], known_at: datetime | None) -> list[Recorded]:
    if known_at is None:
        return records
    # Record time moves forward along a stream, so what was known at K is a prefix of it.
    known = []
    for record in records:
        at = record.event.recorded_at
        if at is not None and at > known_at:
            break
        known.append(record)
    return known


@dataclass(frozen=True, slots=True)
class Step:
    """One effective event of a commitment, in valid-time order."""

    event: Event
    resolved: Resolved
    # Its valid day, read once: the sort, the fold and the change days ask for it a million times in a report.
    day: date = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", first_day(vars(self.event)["on"]))


def valid_order(step: Step) -> tuple[date, int]:
    """The order the fold applies steps in: by valid day, then as recorded along the stream."""
    return step.day, step.resolved.record.position


#: Commitments whose sorted steps a ``Knowledge`` keeps: more than the report's chunk (``render.report.CHUNK``).
STEPS_KEPT = 256


class Knowledge:
    def __init__(self, streams: dict[str, list[Resolved]]) -> None:
        self.streams = streams
        self._steps: dict[str, tuple[list[Resolved], tuple[CommitmentMade, list[Step]]]] = {}

    @cached_property
    def meetings(self) -> MeetingIndex:
        return MeetingIndex(self.streams)

    @cached_property
    def commitments(self) -> list[str]:
        """Ids of commitments whose making is not retracted, in the order they were made."""
        found = [
            (first_day(r[0].event.on), slug)  # type: ignore[attr-defined]
            for slug, r in self.streams.items()
            if r[0].record.event.type == "commitment_made" and not r[0].retracted
        ]
        return [slug for _, slug in sorted(found)]

    def kind(self, slug: str) -> str | None:
        resolved = self.streams.get(slug)
        return resolved[0].record.event.type if resolved else None

    def steps(self, slug: str) -> tuple[CommitmentMade, list[Step]]:
        """The commitment's making and its other effective events, in valid-time order (not to be
        changed: the last ``STEPS_KEPT`` commitments' are kept, as the queries of one commitment ask
        several times, and the report asks for a chunk of commitments' steps in several passes)."""
        resolved = self.streams[slug]
        held = self._steps.get(slug)
        if held is not None and held[0] is resolved:  # a stream replaced since (history does) is read again
            return held[1]
        found = self._sorted_steps(resolved)
        if held is None and len(self._steps) >= STEPS_KEPT:
            del self._steps[next(iter(self._steps))]  # the oldest: a whole board's would not fit at 1M events
        self._steps[slug] = (resolved, found)  # held with its stream, so the stream is never another's
        return found

    @staticmethod
    def _sorted_steps(resolved: list[Resolved]) -> tuple[CommitmentMade, list[Step]]:
        made = resolved[0].event
        assert isinstance(made, CommitmentMade)
        steps = [Step(r.event, r) for r in resolved[1:] if not r.retracted and not r.is_meta]
        # Ties in valid time keep record order, which within one stream is position order.
        steps.sort(key=valid_order)
        return made, steps

    @cached_property
    def _made(self) -> frozenset[str]:
        return frozenset(self.commitments)

    def status(self, slug: str, as_of: date) -> CommitmentStatus | None:
        """The commitment as of ``as_of``; None if it was not yet made (or is unknown)."""
        return self.statuses(slug, [as_of])[0]

    def statuses(self, slug: str, days: Sequence[date]) -> list[CommitmentStatus | None]:
        """What ``status(slug, day)`` gives for each of ``days`` (ascending), folding the events once."""
        return [None if row is None else CommitmentStatus.from_data(row) for row in self.rows(slug, days)]

    def rows(self, slug: str, days: Sequence[date]) -> list[dict[str, Any] | None]:
        """``statuses(slug, days)`` as plain data (``CommitmentStatus.to_data``): what a caller that
        needs the status at many days and only reads it gives, without building a status at each."""
        if slug not in self._made:
            return [None] * len(days)
        made, steps = self.steps(slug)
        start, fold, applied, found = first_day(made.on), CommitmentFold(made), 0, []
        step_days = [step.day for step in steps]  # each read once, not at every day asked
        for day in days:
            if start > day:
                found.append(None)
                continue
            while applied < len(steps) and step_days[applied] <= day:
                fold.apply(steps[applied].event)
                applied += 1
            found.append(fold.row(day, self.meetings))  # a row reads the fold, never changes it
        return found

    def board(self, as_of: date) -> Iterator[CommitmentStatus]:
        for slug in self.commitments:
            status = self.status(slug, as_of)
            if status is not None:
                yield status

