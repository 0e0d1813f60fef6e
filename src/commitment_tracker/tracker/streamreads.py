"""Reading many commitments' streams at once, for ``import-scores``.

A score table names thousands of commitments, each with a score per party: reading their
streams one query per row, and decoding every stored assessment into a model, was most of a
re-import's time (and held every stream in memory). Here the streams of a chunk of rows are read
in one query, and a stored assessment is not made into a model: the ledger gets a placeholder
(its type is all the rules look at; the stream's last one carries its chain hash, which the next
event links to), and the import reads the four fields it decides on from the event's JSON. Read
within the import's own transaction when it writes, so its earlier chunks are seen too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from commitment_tracker.events import META_TYPES, Event
from commitment_tracker.tracker.resolution import Released, StreamKnowledge, released
from commitment_tracker.tracker.mapper import chain_hash, topic_of
from commitment_tracker.tracker.records import Recorded, stream_id

if TYPE_CHECKING:
    from commitment_tracker.tracker.application import Tracker
    from commitment_tracker.tracker.bulk import BulkWriter

ASSESSED = topic_of("compliance_assessed")
MADE = topic_of("commitment_made")
#: Streams read per query (bound parameters stay far below every database's limit).
PER_QUERY = 500


class Assessment(NamedTuple):
    """What the import decides on (SPEC §8's score that counts), read from a stored event's JSON."""

    party: str
    score: int
    on: str
    cycle: str | None


class StreamReader:
    def __init__(self, tracker: Tracker, writer: BulkWriter | None) -> None:
        self.tracker = tracker
        self.writer = writer
        self.mapper: Any = tracker.mapper
        self.postgres = tracker.store.backend == "postgres"
        recorder: Any = tracker.recorder
        self.table = (f'"{recorder.datastore.schema}"."{recorder.events_table_name}"' if self.postgres
                      else recorder.events_table_name)  # fmt: skip
        where = "originator_id = ANY(%s)" if self.postgres else "originator_id IN ({marks})"
        self.select = f"SELECT originator_id, originator_version, topic, state FROM {self.table} WHERE {where}"
        self._read: dict[str, list[Recorded]] = {}
        self._assessed: dict[str, dict[int, StoredEvent]] = {}  # stored assessments, not decoded

    def read(self, slugs: Iterable[str]) -> None:
        """Read the streams of ``slugs`` (those not read yet), a few hundred per query."""
        wanted = sorted({s for s in slugs if s not in self._read})
        for start in range(0, len(wanted), PER_QUERY):
            chunk = {stream_id(slug): slug for slug in wanted[start : start + PER_QUERY]}
            rows: dict[str, list[tuple[int, str, bytes]]] = {slug: [] for slug in chunk.values()}
            by_key = {(ident if self.postgres else ident.hex): slug for ident, slug in chunk.items()}
            for row in self._query(list(by_key)):
                rows[by_key[row[0] if self.postgres else str(row[0])]].append((row[1], row[2], bytes(row[3])))
            for ident, slug in chunk.items():
                self._read[slug] = self._records(slug, ident, sorted(rows[slug]))

    def _query(self, keys: list[Any]) -> Iterator[tuple[Any, ...]]:
        if self.postgres:
            return self._run(self.select, [keys])
        return self._run(self.select.format(marks=",".join("?" * len(keys))), keys)

    def _records(self, slug: str, ident: Any, rows: list[tuple[int, str, bytes]]) -> list[Recorded]:
        records = []
        for version, topic, state in rows:
            stored = StoredEvent(ident, version, topic, state)
            if topic != ASSESSED:
                records.append(self.mapper.to_domain_event(stored, validate=False))
                continue
            self._assessed.setdefault(slug, {})[version] = stored
            if version < len(rows):
                records.append(released("compliance_assessed"))
            else:  # the stream's head: the ledger chains the next event to its hash
                plain = self.mapper.decrypt(stored)
                records.append(Recorded(ident, version, Released("compliance_assessed"),  # type: ignore[arg-type]
                                        hash=chain_hash(ident, version, topic, plain)))  # fmt: skip
        return records

    def load(self, slug: str) -> list[Recorded]:
        """The ledger's loader: a stream as read (by ``read``, else now, alone)."""
        if slug not in self._read:
            self.read([slug])
        return self._read.pop(slug)

    def fetch(self, slug: str, position: int) -> Event:
        """An event the ledger holds a placeholder for, decoded."""
        stored = self._assessed.get(slug, {}).get(position)
        if stored is not None:
            return self.mapper.to_domain_event(stored, validate=False).event  # type: ignore[no-any-return]
        if self.writer is not None:
            return self.writer.fetch(slug, position)
        return self.tracker.event_at(f"{slug}#{position}").event

    def assessment(self, slug: str, position: int) -> Assessment | None:
        """A stored assessment's fields from its JSON (None when it is not held here, or was
        stored by an earlier version of the schema: then the caller decodes it)."""
        stored = self._assessed.get(slug, {}).get(position)
        if stored is None:
            return None
        state = json.loads(self.mapper.decrypt(stored).decode())  # as text: json skips guessing its encoding
        if state.get("class_version", 1) != 1:
            return None
        data = state["event"]
        return Assessment(data["party"], data["score"], data["on"], data.get("cycle"))

    def commitments_made(self) -> Iterator[tuple[int, StreamKnowledge]]:
        """(log position of its pledge, what its pledge and meta events say) of every commitment
        stored, in one scan that decodes only those events: a re-coded row is matched to its
        commitment by the pledge's wording as corrected, which needs nothing else of a stream.
        Unread positions hold placeholders (retractions and corrections name positions)."""
        topics = [MADE, *(topic_of(t) for t in sorted(META_TYPES))]
        marks = ",".join(("%s" if self.postgres else "?") for _ in topics)
        statement = (f"SELECT originator_id, originator_version, topic, state, "
                     f"{'notification_id' if self.postgres else 'rowid'} FROM {self.table} "
                     f"WHERE topic IN ({marks}) ORDER BY originator_id, originator_version")  # fmt: skip
        for ident, group in groupby(self._run(statement, topics), key=lambda row: row[0]):
            rows = list(group)
            if rows[0][1] != 1 or rows[0][2] != MADE:
                continue  # a meeting, statement or source: its corrections are not read here
            ident = ident if isinstance(ident, UUID) else UUID(ident)
            knowledge = StreamKnowledge()
            for _, version, topic, state, _ in rows:
                while knowledge.version < version - 1:
                    knowledge.add(released("compliance_assessed"))
                knowledge.add(self.mapper.to_domain_event(StoredEvent(ident, version, topic, bytes(state)), validate=False))
            yield rows[0][4], knowledge

    def _run(self, statement: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of a statement, read within the import's transaction (or a read-only one)."""
        if self.writer is not None:
            cursor = self.writer.cursor
            cursor.execute(statement, params)
            yield from (tuple(r.values()) if self.postgres else tuple(r) for r in cursor.fetchall())
            return
        with self.tracker.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        yield from (tuple(r.values()) if self.postgres else tuple(r) for r in rows)

    def let_go(self, slugs: Iterable[str]) -> None:
        """Forget what was read of streams the import is done with."""
        for slug in slugs:
            self._assessed.pop(slug, None)
            self._read.pop(slug, None)
