"""Test builders: events in, records (as the store would hold them) out -- no database.

``record(events)`` turns a list of events, in record order, into ``Recorded`` records: each gets
its 1-based position in its entity's stream (retractions and corrections go to their target's
stream), an increasing global ``seq`` and, unless it carries its own, an increasing
``recorded_at`` (``BASE`` + i minutes).

``Story`` is the same thing built step by step, returning each event's reference, so a test can
retract or correct what it just recorded and ask for the status as of a date, known at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from commitment_tracker.events import Event, build
from commitment_tracker.projections import CommitmentStatus, Knowledge, Log
from commitment_tracker.tracker import Recorded, stream_id

BASE = datetime(2025, 1, 1, tzinfo=timezone.utc)
STEP = timedelta(minutes=1)


def record(events: Iterable[Event], *, start: datetime = BASE, step: timedelta = STEP) -> list[Recorded]:
    """The events as stored records, in the given (record) order."""
    positions: Counter[str] = Counter()
    records = []
    for seq, event in enumerate(events, 1):
        if event.recorded_at is None:
            event = event.model_copy(update={"recorded_at": start + seq * step})
        entity = event.entity
        positions[entity] += 1
        records.append(Recorded(stream_id(entity), positions[entity], event, seq=seq))
    return records


def day(text: str | date) -> date:
    return text if isinstance(text, date) else date.fromisoformat(text)


#: Defaults that keep tests short; every one can be overridden.
DEFAULTS: dict[str, dict[str, Any]] = {
    "commitment_made": {"title": "A commitment", "parties": ("US", "JP")},
    "progress_reported": {"note": "some progress"},
    "commitment_stalled": {"note": "talks stalled"},
    "meeting_held": {"title": "A meeting", "parties": ("US", "JP")},
    "meeting_scheduled": {"title": "A meeting", "parties": ("US", "JP")},
    "event_retracted": {"reason": "recorded in error"},
    "event_corrected": {"reason": "wrong detail"},
}


class Story:
    """A log built one event at a time; ``add`` returns the new event's reference."""

    def __init__(self, start: datetime = BASE) -> None:
        self.events: list[Event] = []
        self.clock = start

    def add(self, type_: str, *, at: datetime | None = None, **fields: Any) -> str:
        """Record an event of ``type_`` (at ``at``, else one minute after the previous one)."""
        self.clock = at if at is not None else self.clock + STEP
        event = build(type_, **{**DEFAULTS.get(type_, {}), **fields, "recorded_at": self.clock})
        self.events.append(event)
        return self.records[-1].ref

    # shorthands for the commitment events, whose stream is the first argument
    def made(self, slug: str, on: str, **fields: Any) -> str:
        return self.add("commitment_made", commitment=slug, on=on, **fields)

    def event(self, type_: str, slug: str, on: str, **fields: Any) -> str:
        return self.add(type_, commitment=slug, on=on, **fields)

    def retract(self, ref: str, **fields: Any) -> str:
        return self.add("event_retracted", target=ref, **fields)

    def correct(self, ref: str, **fields: Any) -> str:
        return self.add("event_corrected", target=ref, **fields)

    @property
    def records(self) -> list[Recorded]:
        return record(self.events)

    def log(self) -> Log:
        return Log(self.records)

    def knowledge(self, known_at: datetime | None = None) -> Knowledge:
        return self.log().known_at(known_at)

    def status(self, slug: str, as_of: str | date, known_at: datetime | None = None) -> CommitmentStatus | None:
        return self.knowledge(known_at).status(slug, day(as_of))

    def state(self, slug: str, as_of: str | date, known_at: datetime | None = None) -> str | None:
        """Just the status word (None: the commitment does not exist then)."""
        found = self.status(slug, as_of, known_at)
        return found.status if found is not None else None
