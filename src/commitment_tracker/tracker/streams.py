"""One stream as the write side knows it, and what the rules ask of the ledger that holds them.

The rules (``rules.py``) and cautions (``cautions.py``) read streams through ``Streams``, which the
``Ledger`` implements, so neither needs the ledger that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from commitment_tracker.events import CommitmentMade, Event, first_day
from commitment_tracker.tracker.records import stream_id
from commitment_tracker.tracker.resolution import StreamKnowledge

KIND_OF_FIRST = {
    "commitment_made": "commitment",
    "meeting_held": "meeting",
    "meeting_scheduled": "meeting",
    "statement_issued": "statement",
    "source_registered": "source",
    "edition_published": "edition",
}


@dataclass
class Stream:
    slug: str
    knowledge: StreamKnowledge = field(default_factory=StreamKnowledge)
    ident: UUID = field(init=False)
    ident_text: str = field(init=False)  # the id as the chain hash spells it, spelt once per stream
    ident_hex: str = field(init=False)  # the id as the log's rows spell it
    #: The hash of the stream's last event as chained so far (stored, or chained by this command):
    #: the next event's link to it.
    head: str = ""
    # What the first event says (kind, pledge), as of the knowledge's generation: the rules ask for
    # it on every event of the stream, and it changes only when a retraction or correction arrives.
    _head: tuple[int, str | None, Event | None] = (-1, None, None)
    _pledge: tuple[int, tuple[date, frozenset[str], bool] | None] = (-1, None)
    _fulfilled: Fulfilled | None = None  # see ``fulfilled``
    #: Up to which position a bulk import has let go of the stream's events (see Ledger.release).
    released_through: int = 1

    def __post_init__(self) -> None:
        self.ident = stream_id(self.slug)
        self.ident_text = str(self.ident)
        self.ident_hex = self.ident.hex

    @property
    def version(self) -> int:
        return len(self.knowledge.records)

    def _first(self) -> tuple[int, str | None, Event | None]:
        knowledge = self.knowledge
        if self._head[0] != knowledge.generation:
            if not knowledge.records:
                self._head = (knowledge.generation, None, None)
            else:
                kind = None if knowledge.is_retracted(1) else KIND_OF_FIRST.get(knowledge.records[0].event.type)
                self._head = (knowledge.generation, kind, knowledge.event_at(1))
        return self._head

    def pledge(self) -> tuple[date, frozenset[str], bool] | None:
        """What the rules ask of a commitment's stream for its every event, in one look: the
        first day of its pledge, its parties, whether it is standing. None unless the stream is
        a commitment's (cached like ``kind``: it changes only with the first event)."""
        head = self._first()
        if head[1] != "commitment":
            return None
        if self._pledge[0] != head[0]:
            made = head[2]
            self._pledge = (head[0], (first_day(made.on), frozenset(made.parties), made.cadence == "standing"))  # type: ignore[union-attr]
        return self._pledge[1]

    def fulfilled(self) -> Fulfilled:
        """The stream's live fulfilments (a commitment's), as corrected. Every fulfilment of a
        commitment asks whether its parties had fulfilled it already: walking the stream's
        fulfilments, retractions and corrections each time made that quadratic in a stream's
        length. Kept until the knowledge's generation changes (a retraction or correction, which
        may undo or move any of them); a fulfilment added since is folded in."""
        knowledge = self.knowledge
        fulfilled = self._fulfilled
        if fulfilled is None or fulfilled.generation != knowledge.generation:
            fulfilled = self._fulfilled = Fulfilled(knowledge.generation)
        positions = knowledge.positions("commitment_fulfilled")
        if fulfilled.seen < len(positions):
            everyone = self.made.parties
            for position in positions[fulfilled.seen :]:
                if not knowledge.is_retracted(position):
                    on, parties = knowledge.fulfilment_at(position)
                    fulfilled.add(position, first_day(on), parties or everyone)
            fulfilled.seen = len(positions)
        return fulfilled

    @property
    def kind(self) -> str | None:
        """What the stream is, unless it is empty or its creating event was retracted."""
        return self._first()[1]

    @property
    def used(self) -> bool:
        """Whether the id has ever been made (even if since retracted)."""
        return bool(self.knowledge.records)

    @property
    def made(self) -> CommitmentMade:
        return self._first()[2]  # type: ignore[return-value]

    def held(self) -> bool:
        knowledge = self.knowledge
        return any(not knowledge.is_retracted(position) for position in knowledge.positions("meeting_held"))


@dataclass
class Fulfilled:
    """A commitment's live fulfilments as known at one ``generation`` of its stream's knowledge,
    the first ``seen`` of its fulfilments folded in."""

    generation: int
    seen: int = 0
    #: (position, first day, parties) of each live fulfilment, in position order.
    live: list[tuple[int, date, tuple[str, ...]]] = field(default_factory=list)
    #: Each party's earliest day among them.
    earliest: dict[str, date] = field(default_factory=dict)

    def add(self, position: int, day: date, parties: tuple[str, ...]) -> None:
        self.live.append((position, day, parties))
        earliest = self.earliest
        for party in parties:
            if party not in earliest or day < earliest[party]:
                earliest[party] = day


class Streams(Protocol):
    """What a rule may ask while an event is checked: any stream, and the latest record time."""

    latest_recorded_at: datetime | None

    def stream(self, slug: str) -> Stream: ...

    def editions(self) -> list[str]:
        """The ids of every edition stored or recorded so far (SPEC §8.1)."""
        ...
