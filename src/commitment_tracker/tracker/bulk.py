"""One transaction for a whole import, written a chunk at a time.

The library's ``save`` writes one batch per transaction; an import of a million events must be
all-or-nothing without holding a million events in memory. So the import opens one transaction
on the application's own recorder, inserts each chunk through the recorder's insert path (which
also writes the chain rows), and commits only after the last line validated. Any error rolls the
whole import back. Events already written can be read back inside the same transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, StoredEvent

from commitment_tracker.events import EVENT_TYPES, Event
from commitment_tracker.tracker.mapper import SealedEvent, canonical, chain_hash, topic_of
from commitment_tracker.tracker.records import Recorded, stream_id
from commitment_tracker.tracker.recorders import Sealed
from commitment_tracker.tracker.streams import Stream

#: Each event type's stored topic, spelt once.
TOPICS = {kind: topic_of(kind) for kind in EVENT_TYPES}


class Application(Protocol):
    """What a bulk transaction uses of the application: its recorder, mapper and store."""

    recorder: Any
    mapper: Any
    store: Any


class LogChanged(IntegrityError):
    """Another writer recorded into a store this import took for empty: it is decided again."""


class BulkWriter:
    def __init__(self, tracker: Application, cursor: Any) -> None:
        self.tracker = tracker
        self.cursor = cursor
        self.recorder: Any = tracker.recorder
        self.postgres = tracker.store.backend == "postgres"
        #: Whether the import decided its first lines as if the store were empty (see ``confirm_empty``).
        self.took_empty = False
        if self.postgres:
            schema = self.recorder.datastore.schema
            table = f'"{schema}"."{self.recorder.events_table_name}"'
            self.select = f"SELECT topic, state FROM {table} WHERE originator_id = %s AND originator_version = %s"
        else:
            table = self.recorder.events_table_name
            self.select = f"SELECT topic, state FROM {table} WHERE originator_id = ? AND originator_version = ?"
        self.count = f"SELECT COUNT(*) AS n FROM {table}"

    def write(self, records: Sequence[Recorded], streams: Sequence[Stream]) -> None:
        """Write a chunk of a deferred ledger's records (see ``Ledger``), each chained to the head
        of its stream (``streams``, in the same order), which moves on as it is written."""
        rows = self._rows(records, streams)
        if self.postgres:
            stored = [SealedEvent(originator_id=r.originator_id, originator_version=r.originator_version,
                                  topic=row.topic, state=row.state, plain=row.plain, recorded_at=row.recorded_at)
                      for r, row in zip(records, rows, strict=True)]  # fmt: skip
            self.recorder._insert_events(self.cursor, stored)  # the clock check, under the table lock
            self.recorder.copy_chained_events(self.cursor, stored)
        else:
            self.recorder.append(self.cursor, rows)
        if self.took_empty:
            self.confirm_empty(len(records))

    def confirm_empty(self, written: int) -> None:
        """Refuse (``LogChanged``: the import starts again) a first chunk decided as if the store
        were empty when another writer recorded something before it. The chunk's insert holds the
        append lock until the import commits: from here on, nobody else writes."""
        self.cursor.execute(self.count)
        if self.cursor.fetchone()["n"] != written:
            raise LogChanged("another writer recorded into the store while the import began")
        self.took_empty = False

    def _rows(self, records: Sequence[Recorded], streams: Sequence[Stream]) -> list[Sealed]:
        """Each record as its row: its canonical bytes, linked to its stream's head and hashed as
        the ledger would (``Ledger.append``), sealed as the store says (the mapper's
        ``to_stored_event``). One loop for a chunk, rather than a few calls per event as it is
        decided: no stored-event object, id spelt or topic made per record."""
        mapper = self.tracker.mapper
        seal = mapper.seal if mapper.cipher or mapper.compressor else None
        rows = []
        for r, stream in zip(records, streams, strict=True):
            event, version = r.event, r.originator_version
            topic = TOPICS[event.type]
            plain = canonical(event, stream.head)
            stream.head = chain_hash(stream.ident_text, version, topic, plain)
            rows.append(Sealed(stream.ident_hex, version, topic, seal(plain) if seal else plain, plain,
                               event.recorded_at))  # fmt: skip
        return rows

    def fetch(self, slug: str, position: int) -> Event:
        """An event of this import (or before it), read back within the import's transaction."""
        ident = stream_id(slug)
        self.cursor.execute(self.select, (ident if self.postgres else ident.hex, position))
        row = self.cursor.fetchone()
        stored = StoredEvent(ident, position, row["topic"], bytes(row["state"]))
        record: Recorded = self.tracker.mapper.to_domain_event(stored)  # type: ignore[assignment]
        return record.event


@contextmanager
def bulk_transaction(tracker: Application) -> Iterator[BulkWriter]:
    """Commit on normal exit; roll everything back on any exception."""
    datastore: Any = tracker.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=True) as cursor:
        yield BulkWriter(tracker, cursor)


#: Allocations between two collections of the youngest generation during an import (default 700).
IMPORT_GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while an import runs.

    An import allocates several objects per line and keeps many of them (each stream's knowledge,
    a chunk's records): at the default threshold the collector runs every 700 allocations and
    traverses them again and again, a sixth of a 100k import's time. An import makes almost no
    reference cycles, so collecting a hundred times less often costs little memory.
    """
    before = gc.get_threshold()
    gc.set_threshold(IMPORT_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a page of events is read, judged or derived: a page
    allocates tens of thousands of objects, and each collection they set off walks every object
    the process holds (a view check's pages, a catch-up's streams) again; a fifth of catch-up's
    time, a quarter of verify's log check. Nothing of a page forms cycles that must go before the
    page ends; the collector runs again after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
