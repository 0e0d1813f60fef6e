"""The write model of one command: streams as stored, plus the events this command adds.

A ``Ledger`` loads each stream it is asked about once, checks every new event against the rules
with everything before it (stored or earlier in the same command) and turns it into a
``Recorded`` with its stream position and hash. Nothing is written here: the application saves
all of a ledger's new records in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from commitment_tracker.events import CommitmentMade, Event
from commitment_tracker.tracker import rules
from commitment_tracker.tracker.cautions import cautions
from commitment_tracker.tracker.knowledge import StreamKnowledge
from commitment_tracker.tracker.mapper import canonical, chain_hash, topic_of
from commitment_tracker.tracker.records import Recorded, stream_id

KIND_OF_FIRST = {
    "commitment_made": "commitment",
    "meeting_held": "meeting",
    "meeting_scheduled": "meeting",
    "statement_issued": "statement",
    "source_registered": "source",
}


@dataclass
class Stream:
    slug: str
    knowledge: StreamKnowledge = field(default_factory=StreamKnowledge)
    ident: UUID = field(init=False)
    ident_text: str = field(init=False)  # the id as the chain hash spells it, spelt once per stream
    # What the first event says (kind, pledge), as of the knowledge's generation: the rules ask for
    # it on every event of the stream, and it changes only when a retraction or correction arrives.
    _head: tuple[int, str | None, Event | None] = (-1, None, None)

    def __post_init__(self) -> None:
        self.ident = stream_id(self.slug)
        self.ident_text = str(self.ident)

    @property
    def version(self) -> int:
        return len(self.knowledge.records)

    @property
    def last_hash(self) -> str:
        return self.knowledge.records[-1].hash if self.knowledge.records else ""

    def _first(self) -> tuple[int, str | None, Event | None]:
        knowledge = self.knowledge
        if self._head[0] != knowledge.generation:
            if not knowledge.records:
                self._head = (knowledge.generation, None, None)
            else:
                kind = None if knowledge.is_retracted(1) else KIND_OF_FIRST.get(knowledge.records[0].event.type)
                self._head = (knowledge.generation, kind, knowledge.event_at(1))
        return self._head

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


class Ledger:
    def __init__(
        self,
        load: Callable[[str], list[Recorded]],
        latest_recorded_at: datetime | None,
        fetch: Callable[[str, int], Event] | None = None,
    ) -> None:
        self._load = load
        self._fetch = fetch
        self._streams: dict[str, Stream] = {}
        self.new: list[Recorded] = []
        self.latest_recorded_at = latest_recorded_at
        self.cautions: list[tuple[Recorded, str]] = []  # allowed, but worth a word (see cautions.py)

    def stream(self, slug: str) -> Stream:
        stream = self._streams.get(slug)
        if stream is None:
            stream = Stream(slug)
            if self._fetch is not None:
                fetch = self._fetch
                stream.knowledge.fetch = lambda position: fetch(slug, position)
            for record in self._load(slug):
                stream.knowledge.add(record)
            self._streams[slug] = stream
        return stream

    def append(self, event: Event, now: datetime, recorded_by: str) -> Recorded:
        """Check ``event`` against everything known so far and add it to this ledger, stamped
        with its record time and who recorded it (unless it carries its own, as imports may)."""
        rules.check(event, self, now)
        concerns = cautions(event, self, now)
        if event.recorded_at is None or event.recorded_by is None:
            # Record time never runs backwards along the log, whatever this machine's clock says.
            at = event.recorded_at or max(now, self.latest_recorded_at or now)
            event = event.model_copy(update={"recorded_at": at, "recorded_by": event.recorded_by or recorded_by})
        stream = self.stream(event.entity)
        version = stream.version + 1
        prev = stream.last_hash
        plain = canonical(event, prev)  # encoded once: hashed here, stored as these very bytes
        record = Recorded(
            originator_id=stream.ident,
            originator_version=version,
            event=event,
            prev=prev,
            hash=chain_hash(stream.ident_text, version, topic_of(event.type), plain),
            plain=plain,
        )
        stream.knowledge.add(record)
        self.new.append(record)
        if concerns:
            self.cautions += [(record, concern) for concern in concerns]
        if event.recorded_at is not None:
            self.latest_recorded_at = max(self.latest_recorded_at or event.recorded_at, event.recorded_at)
        return record

    def forget(self, slugs: list[str]) -> None:
        """Let go of whole streams a bulk import is done with (their new events written): if one
        is asked about again, it is loaded again, from within the import's transaction."""
        for slug in slugs:
            self._streams.pop(slug, None)

    def release(self, records: list[Recorded]) -> None:
        """Let go of written events a bulk import no longer needs in memory.

        Kept: each stream's first and last events (its kind and chain head) and meetings (whose
        held state the rules check); everything else is read back by ``fetch`` if ever needed.
        """
        for record in records:
            event = record.event
            if event.type.startswith("meeting_"):
                continue
            knowledge = self._streams[event.entity].knowledge
            if 1 < record.originator_version < len(knowledge.records):
                knowledge.release(record.originator_version)
        self.new.clear()
