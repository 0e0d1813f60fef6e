"""What a stream says once its retractions and corrections are applied.

Shared by the write side (rules check against the latest knowledge) and the read side (the fold
applies only what was recorded by ``--known-at``). A retraction may itself be retracted, which
restores its target; a retracted correction no longer applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from uuid import UUID

from commitment_tracker.events import META_TYPES, Event, EventCorrected
from commitment_tracker.tracker.records import Recorded


@dataclass(frozen=True, slots=True)
class Resolved:
    """One event of a stream as currently known."""

    record: Recorded
    event: Event  # with every applicable correction applied
    retracted: bool = False
    retracted_by: tuple[str, ...] = ()
    corrected_by: tuple[str, ...] = ()

    @property
    def is_meta(self) -> bool:
        return self.record.event.type in META_TYPES


def apply_correction(event: Event, correction: EventCorrected) -> Event:
    fields = type(event).model_fields
    update = {k: v for k, v in correction.corrections.items() if k in fields}
    if takes_parties_as_party(type(event), correction):
        update["party"] = correction.parties[0]  # type: ignore[index]
    # A commitment has one kind of deadline: setting one clears the other.
    if "due" in update and "due_next" in type(event).model_fields:
        update.setdefault("due_next", None)
    if "due_next" in update and "due" in type(event).model_fields:
        update.setdefault("due", None)
    return event.model_copy(update=update)


def takes_parties_as_party(kind: type[Event], correction: EventCorrected) -> bool:
    """Whether the correction's ``parties`` (``correct --party``, SPEC §5) is the corrected ``party``
    of an event that has one party, not several (an assessment)."""
    fields = kind.model_fields
    return "party" in fields and "parties" not in fields and correction.party is None and bool(correction.parties)


class Released:
    """Stands in for an event a bulk import let go of: its type is all the rules look at."""

    __slots__ = ("type",)

    def __init__(self, type_: str) -> None:
        self.type = type_


_RELEASED: dict[str, Recorded] = {}


def released(type_: str) -> Recorded:
    """One shared placeholder per event type, so a released event costs a list slot."""
    if type_ not in _RELEASED:
        _RELEASED[type_] = Recorded(UUID(int=0), 0, Released(type_))  # type: ignore[arg-type]
    return _RELEASED[type_]


#: The event types whose positions a stream keeps: the rules and cautions look at a stream's
#: fulfilments or meetings on every such event, and a stream may hold a hundred others.
INDEXED = ("commitment_fulfilled", "meeting_held", "meeting_scheduled")


@lru_cache(maxsize=1 << 16)
def _shared(value: object) -> object:
    """One object for equal dates and party lists: a million released fulfilments name a few
    thousand dates and a few dozen lists of parties."""
    return value


@dataclass
class StreamKnowledge:
    """Incrementally maintained knowledge of one stream (records appended in position order).

    A bulk import may ``release`` events it has written, keeping memory bounded; ``fetch``
    reads a released event back (from the import's own transaction) when a correction needs it.
    """

    records: list[Recorded] = field(default_factory=list)
    fetch: Callable[[int], Event] | None = None
    _retractors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _correctors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _retracted: dict[int, bool] | None = None
    _positions: dict[str, list[int]] = field(default_factory=dict)  # of the INDEXED types
    #: A released fulfilment's date and parties, which the cautions compare with every later
    #: fulfilment of its commitment (reading each back from the database cost a query apiece).
    _briefs: dict[int, tuple[str, tuple[str, ...] | None]] = field(default_factory=dict)
    #: Bumped whenever what the first event says may have changed (it arrives, or a retraction or
    #: correction does): ``ledger.Stream`` caches its kind and pledge until then.
    generation: int = 0

    def release(self, positions: range, keep: str) -> None:
        """Let go of the events at ``positions``, but those whose type starts with ``keep``."""
        records = self.records
        for position in positions:
            event = records[position - 1].event
            kind = event.type
            if kind.startswith(keep) or isinstance(event, Released):
                continue
            if kind == "commitment_fulfilled":
                self._briefs[position] = (_shared(event.on), _shared(event.parties))  # type: ignore[attr-defined]
            records[position - 1] = _RELEASED.get(kind) or released(kind)

    def _event(self, position: int) -> Event:
        event = self.records[position - 1].event
        if isinstance(event, Released):
            assert self.fetch is not None, "a released event needs a way to be read back"
            return self.fetch(position)
        return event

    def add(self, record: Recorded) -> None:
        self.records.append(record)
        event = record.event
        if event.type in INDEXED:
            self._positions.setdefault(event.type, []).append(len(self.records))
        if len(self.records) == 1:
            self.generation += 1
        if event.type in META_TYPES:  # (a pydantic model's isinstance is slow; this runs per event)
            self.generation += 1
            target = event.target_position  # type: ignore[attr-defined]
            if event.type == "event_retracted":
                self._retractors[target].append(record.position)
            else:
                self._correctors[target].append(record.position)
            self._retracted = None

    @property
    def version(self) -> int:
        return len(self.records)

    def positions(self, *types: str) -> list[int]:
        """The positions of the events of these types (of the INDEXED ones), in order."""
        assert all(t in INDEXED for t in types), "only some types' positions are kept"
        if len(types) == 1:
            return self._positions.get(types[0], [])
        return sorted(p for t in types for p in self._positions.get(t, ()))

    def is_retracted(self, position: int) -> bool:
        if self._retracted is None:
            # A retraction always follows its target, so resolve from the newest backwards; only a
            # position some retraction names can be retracted, so only those are kept (a stream
            # may hold thousands of events and a handful of retractions).
            status: dict[int, bool] = {}
            for pos in sorted(self._retractors, reverse=True):
                status[pos] = any(not status.get(r, False) for r in self._retractors[pos])
            self._retracted = status
        return self._retracted.get(position, False)

    def corrected(self, position: int) -> bool:
        """Whether a correction (live or retracted) names ``position``."""
        return bool(self._correctors.get(position))

    def live_corrections(self, position: int) -> list[tuple[Recorded, Event]]:
        """The corrections of ``position`` not retracted, each (its record, its event), in order."""
        return [(self.records[p - 1], self._event(p)) for p in self._correctors.get(position, ())
                if not self.is_retracted(p)]  # fmt: skip

    def event_at(self, position: int) -> Event:
        """The event at ``position`` with its live corrections applied."""
        event = self._event(position)
        for pos in self._correctors.get(position, ()):
            if not self.is_retracted(pos):
                event = apply_correction(event, self._event(pos))  # type: ignore[arg-type]
        return event

    def fulfilment_at(self, position: int) -> tuple[str, tuple[str, ...] | None]:
        """The date and parties of the fulfilment at ``position``, as corrected: a released one's
        are kept, unless a live correction applies to it (then it is read back in full)."""
        brief = self._briefs.get(position)
        if brief is not None and all(self.is_retracted(pos) for pos in self._correctors.get(position, ())):
            return brief
        event = self.event_at(position)
        return event.on, event.parties  # type: ignore[attr-defined]

    def resolve(self) -> list[Resolved]:
        resolved = []
        for record in self.records:
            position = record.position
            if position not in self._retractors and position not in self._correctors:
                # Neither retracted nor corrected (most events): it stands as recorded.
                resolved.append(Resolved(record=record, event=self._event(position)))
                continue
            resolved.append(Resolved(
                record=record,
                event=self.event_at(position),
                retracted=self.is_retracted(position),
                retracted_by=tuple(
                    self.records[p - 1].ref for p in self._retractors.get(position, ())
                    if not self.is_retracted(p)
                ),
                corrected_by=tuple(
                    self.records[p - 1].ref for p in self._correctors.get(position, ())
                    if not self.is_retracted(p)
                ),
            ))  # fmt: skip
        return resolved


def resolve(records: Sequence[Recorded]) -> list[Resolved]:
    """Resolve one stream's records (in position order, possibly a known-at prefix)."""
    knowledge = StreamKnowledge()
    for record in records:
        knowledge.add(record)
    return knowledge.resolve()
