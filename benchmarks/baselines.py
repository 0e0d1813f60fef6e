"""The baselines each figure stands beside, measured in the same run on the same events."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate


class Entity(Aggregate):
    """A bare aggregate whose events carry the same payloads as the tracker's."""

    class Started(Aggregate.Created):
        payload: dict[str, Any]

    class Recorded(Aggregate.Event):
        payload: dict[str, Any]

    def __init__(self, payload: dict[str, Any]) -> None:
        self.count = 1

    @staticmethod
    def create_id(payload: dict[str, Any]) -> UUID:
        return uuid5(NAMESPACE_URL, _entity(payload))

    def record(self, payload: dict[str, Any]) -> None:
        self.trigger_event(Entity.Recorded, payload=payload)


def _entity(payload: dict[str, Any]) -> str:
    for key in ("commitment", "meeting", "statement", "source"):
        if key in payload and (key != "source" or payload["type"] == "source_registered"):
            return str(payload[key])
    return str(payload["target"]).split("#")[0]


class Bare(Application[UUID]):
    pass


def bare_eventsourcing_import(lines: Path, db: Path, batch: int = 1000, env: dict[str, str] | None = None) -> float:
    """Events/s of a bare eventsourcing application saving the same events in batches of 1,000
    (in the SQLite file ``db``, or where ``env`` says: a PostgreSQL schema)."""
    app = Bare(env=env or {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)})
    aggregates: dict[UUID, Entity] = {}
    pending: dict[UUID, Entity] = {}
    count = 0
    start = time.perf_counter()
    with lines.open() as handle:
        for line in handle:
            payload = json.loads(line)
            ident = uuid5(NAMESPACE_URL, _entity(payload))
            aggregate = aggregates.get(ident)
            if aggregate is None:
                aggregate = aggregates[ident] = Entity(payload)
            else:
                aggregate.record(payload)
            pending[ident] = aggregate
            count += 1
            if count % batch == 0:
                app.save(*pending.values())
                pending = {}
    if pending:
        app.save(*pending.values())
    elapsed = time.perf_counter() - start
    app.close()
    return count / elapsed


def raw_sqlite_floor(lines: Path, db: Path) -> float:
    """Rows/s of a raw sqlite3.executemany of rows of the same size: the floor under everything."""
    rows = []
    with lines.open() as handle:
        for number, line in enumerate(handle):
            rows.append((uuid5(NAMESPACE_URL, str(number % 1000)).hex, number, "bench:Recorded", line.encode()))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
                 "state BLOB, PRIMARY KEY (originator_id, originator_version))")  # fmt: skip
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return len(rows) / elapsed


def read_and_decode_rate(tracker: Any) -> float:
    """Events/s of reading and decoding the notification log alone (the floor for catch-up)."""
    start = time.perf_counter()
    count = sum(1 for _ in tracker.log())
    return count / (time.perf_counter() - start)
