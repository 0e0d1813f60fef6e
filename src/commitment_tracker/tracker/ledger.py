"""The write model of one command: streams as stored, plus the events this command adds.

A ``Ledger`` loads each stream it is asked about once, checks every new event against the rules
with everything before it (stored or earlier in the same command) and turns it into a
``Recorded`` with its stream position and hash. Nothing is written here: the application saves
all of a ledger's new records in one transaction.

A bulk import's ledger (``deferred``) leaves each record's canonical bytes and hashes to the
writer, which encodes and chains a whole chunk in one loop (``BulkWriter``): until then a record
carries its event and position, and each stream's ``head`` is the hash of its last event written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from commitment_tracker.events import Event
from commitment_tracker.tracker import rules
from commitment_tracker.tracker.cautions import already_fulfilled, cautions
from commitment_tracker.tracker.mapper import canonical, chain_hash, topic_of
from commitment_tracker.tracker.records import Pending, Recorded
from commitment_tracker.tracker.streams import Stream


class Ledger:
    def __init__(
        self,
        load: Callable[[str], list[Recorded]],
        latest_recorded_at: datetime | None,
        fetch: Callable[[str, int], Event] | None = None,
        editions: Callable[[], list[str]] | None = None,
        deferred: bool = False,
    ) -> None:
        self._load = load
        self._editions = editions
        self._edition_ids: list[str] | None = None
        self._editions_added: list[str] = []  # kept after a bulk import lets its records go
        self._fetch = fetch
        self._streams: dict[str, Stream] = {}
        self.deferred = deferred
        #: The stream of each of ``new``, in the same order: what a bulk writer chains it to.
        self.new_streams: list[Stream] = []
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
            if stream.knowledge.records:
                stream.head = stream.knowledge.records[-1].hash
            self._streams[slug] = stream
        return stream

    def editions(self) -> list[str]:
        """The editions stored (read once, only when an edition is recorded) and those this
        ledger has added."""
        if self._edition_ids is None:
            self._edition_ids = list(self._editions()) if self._editions is not None else []
        return [*self._edition_ids, *(slug for slug in self._editions_added if slug not in self._edition_ids)]

    def append(self, event: Event, now: datetime, recorded_by: str) -> Recorded:
        """Check ``event`` against everything known so far and add it to this ledger, stamped
        with its record time and who recorded it (unless it carries its own, as imports may)."""
        concerns: list[str] | None
        stream = None
        if event.type in rules.ON_PLEDGE:
            # Most of a log: judged on its commitment's pledge alone, with one look for the stream,
            # and only a fulfilment may be worth a note. Anything in doubt takes the full checks.
            stream = self.stream(event.commitment)  # type: ignore[attr-defined]
            if rules.holds_on_pledge(event, stream, self.latest_recorded_at, now):  # type: ignore[arg-type]
                concern = already_fulfilled(event, stream) if event.type == "commitment_fulfilled" else None  # type: ignore[arg-type]
                concerns = [concern] if concern else None
            else:
                stream = None
        if stream is None:
            rules.check(event, self, now, recorded_by)
            concerns = cautions(event, self, now)
            stream = self.stream(event.entity)
        if event.recorded_at is None or event.recorded_by is None:
            # Record time never runs backwards along the log, whatever this machine's clock says.
            at = event.recorded_at or max(now, self.latest_recorded_at or now)
            event = event.model_copy(update={"recorded_at": at, "recorded_by": event.recorded_by or recorded_by})
        version = stream.version + 1
        record: Recorded
        if self.deferred:
            # Encoded and chained when written; read as a Recorded until then (and after, while kept).
            record = Pending(stream.ident, version, event)  # type: ignore[assignment]
        else:
            prev = stream.head
            plain = canonical(event, prev)  # encoded once: hashed here, stored as these very bytes
            record = Recorded(
                originator_id=stream.ident,
                originator_version=version,
                event=event,
                prev=prev,
                hash=chain_hash(stream.ident_text, version, topic_of(event.type), plain),
                plain=plain,
            )
            stream.head = record.hash
        stream.knowledge.add(record)
        self.new.append(record)
        self.new_streams.append(stream)
        if event.type == "edition_published":
            self._editions_added.append(event.entity)
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

    def release(self) -> None:
        """Let go of the events just written (``new``) that a bulk import no longer needs in memory.

        Kept: each stream's first and last events (its kind, and its newest) and meetings (whose
        held state the rules check); everything else is read back by ``fetch`` if ever needed.
        A stream's earlier head, kept when it was written, goes once a later event replaces it:
        on a log whose events pick their stream at random, most events are their stream's head
        when written, and keeping them would keep the whole log.
        """
        for stream in {id(stream): stream for stream in self.new_streams}.values():
            last = stream.version
            stream.knowledge.release(range(max(2, stream.released_through + 1), last), keep="meeting_")
            stream.released_through = max(stream.released_through, last - 1)
        self.new.clear()
        self.new_streams.clear()
