"""Application recorders that keep the log append-only and chained, in the same transaction.

Each subclass of the library's recorder (1) refuses UPDATE, DELETE (and on PostgreSQL, TRUNCATE)
on the event and chain tables with triggers, and (2) writes one chain row per inserted event --
its running digest -- inside the transaction that inserts the events (on PostgreSQL, in the very
statement), while appends hold the write lock, so the chain follows commit order exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from commitment_tracker.tracker.chain import GENESIS, extend
from commitment_tracker.tracker.errors import StoreBusy
from commitment_tracker.tracker.pgnames import log_names

APPEND_ONLY = "the event log is append-only"
OUT_OF_TURN = ("this log is appended to under a lock on its own table: a release of commitment-tracker "
               "from before that lock cannot record here, upgrade it")  # fmt: skip
SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(hashtext('commitment-tracker: create tables'))"


#: Reads an event's record time from its stored form (set by the Tracker, which owns the mapper).
StampReader = Callable[[StoredEvent], "datetime | None"]


class LogRow(NamedTuple):
    """One stored event as its row holds it (what the mapper reads of a stored event)."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


class Sealed(NamedTuple):
    """An event on its way into the log, as its row holds it (the stream id spelt as 32 hex
    digits), with its canonical bytes (what the chain links) and its record time (which may never
    run backwards along the log). A tuple: an import builds a million of them."""

    originator_id: str
    originator_version: int
    topic: str
    state: bytes
    plain: bytes
    recorded_at: datetime | None


def _hex(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


def chain_rows(previous: str, stored: Sequence[StoredEvent | Sealed]) -> list[tuple[str, int, str]]:
    """Each event's stream id (hex), position and running digest, over its canonical (decrypted)
    bytes: the same history has the same digest in every store, whatever its backend or key (see
    chain.py). A chain row adds the event's log position, which the digest does not depend on."""
    keyed = [(_hex(e.originator_id), e.originator_version, e.topic, getattr(e, "plain", b"") or e.state) for e in stored]
    return [(ident, version, digest) for (ident, version, _, _), digest in zip(keyed, extend(previous, keyed), strict=True)]


def sealed(stored: StoredEvent) -> Sealed:
    return Sealed(_hex(stored.originator_id), stored.originator_version, stored.topic, stored.state,
                  getattr(stored, "plain", b""), getattr(stored, "recorded_at", None))  # fmt: skip


class StampBehind(IntegrityError):
    """Another writer committed events stamped later than ours while we waited for the lock."""


def check_clock(stamp_of: StampReader | None, before: StoredEvent | None, stored: Sequence[StoredEvent | Sealed]) -> None:
    """Refuse, under the write lock, events stamped before the last one committed.

    Writers stamp events when they decide, before they hold the lock, so two concurrent writers
    could commit out of stamp order; verify treats a record time that runs backwards as forgery.
    The loser raises IntegrityError, like a version conflict: the application decides again with
    a fresh stamp (and an import whose file carries older record times is refused as it would be).
    """
    if stamp_of is None or before is None:
        return
    last = stamp_of(before)
    first = getattr(stored[0], "recorded_at", None) if stored else None
    if last is not None and first is not None and first < last:
        raise StampBehind(f"record time {first.isoformat()} is before the log's last ({last.isoformat()})")


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    chain_table = "log_chain"
    stamp_of: StampReader | None = None

    def construct_create_table_statements(self) -> list[str]:
        events, chain = self.events_table_name, self.chain_table
        statements = [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {chain} (notification_id INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, digest TEXT NOT NULL)",
        ]
        for table in (events, chain):
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
                )
        # INSERT OR REPLACE deletes the row it collides with without firing DELETE triggers (unless
        # the intruder's connection turns recursive_triggers on): refuse any insert that collides.
        # RAISE(ABORT) is a constraint error, so a writer that lost a race still retries as before.
        taken = {
            events: "(originator_id = NEW.originator_id AND originator_version = NEW.originator_version) "
            "OR rowid = NEW.rowid",
            chain: "notification_id = NEW.notification_id",
        }
        for table, collides in taken.items():
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {collides}) "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
        return statements

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        return self.append(c, [sealed(s) for s in stored_events])

    def append(self, c: SQLiteCursor, rows: Sequence[Sealed]) -> list[int]:
        """Insert ``rows`` and their chain rows in the transaction of ``c``: what every write does,
        a command's or an import's chunk. Returns their log positions."""
        if not rows:
            return []
        # The library inserts one row at a time to learn each rowid. The first row takes SQLite's
        # write lock (waiting its turn) and names its rowid; holding the lock, the others follow in
        # one executemany with the rowids that come after it, written out: the ones SQLite would give.
        c.execute(self.insert_events_statement, rows[0][:4])
        first = c.lastrowid
        ids = range(first, first + len(rows))
        c.executemany(
            f"INSERT INTO {self.events_table_name} (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?,?,?,?,?)",
            [(rowid, *row[:4]) for rowid, row in zip(ids[1:], rows[1:])],
        )  # fmt: skip
        # The INSERT above holds SQLite's write lock: no other writer can interleave from here.
        c.execute(f"SELECT originator_id, originator_version, topic, state FROM {self.events_table_name} "
                  "WHERE rowid < ? ORDER BY rowid DESC LIMIT 1", (ids[0],))  # fmt: skip
        before = c.fetchone()
        check_clock(self.stamp_of, StoredEvent(*before) if before else None, rows)
        c.execute(f"SELECT digest FROM {self.chain_table} ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        links = chain_rows(row["digest"] if row else GENESIS, rows)
        c.executemany(f"INSERT INTO {self.chain_table} VALUES (?,?,?,?)",
                      [(rowid, *chained) for rowid, chained in zip(ids, links, strict=True)])  # fmt: skip
        return list(ids)

    def select_chain(self, after: int, limit: int) -> list[tuple[int, str, int, str]]:
        with self.datastore.transaction(commit=False) as c:
            _as_tuples(c)
            c.execute(
                f"SELECT notification_id, originator_id, originator_version, digest FROM {self.chain_table} "
                "WHERE notification_id > ? ORDER BY notification_id LIMIT ?",
                (after, limit),
            )
            return c.fetchall()  # type: ignore[no-any-return]

    def stream_log(self, page: int = 5000) -> Iterator[LogRow]:
        """Every stored event as its row holds it, in record order: no object per row beyond the
        row itself (a reader of the whole log, verify or export, reads nothing else)."""
        for rows in self.stream_pages(page):
            yield from map(LogRow._make, rows)

    def stream_pages(self, page: int) -> Iterator[list[tuple[int, str, int, str, bytes]]]:
        """``stream_log`` a page of plain tuples at a time (``LogRow``'s fields), as the database
        gives them: for a reader that judges a page's columns at once (verify's log check)."""
        after = 0
        while True:
            with self.datastore.transaction(commit=False) as c:
                _as_tuples(c)
                c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                          "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, page))  # fmt: skip
                rows = c.fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def chain_tail(self) -> tuple[list[tuple[int, str, int, str]], int]:
        """The last two chain rows (newest first) and how many rows the chain holds: a checkpoint
        reads these by the primary key, never the chain row by row."""
        with self.datastore.transaction(commit=False) as c:
            # One statement, one snapshot: a write landing meanwhile cannot split tail from count.
            c.execute(f"SELECT (SELECT COUNT(*) FROM {self.chain_table}), notification_id, originator_id, "
                      f"originator_version, digest FROM {self.chain_table} ORDER BY notification_id DESC LIMIT 2")  # fmt: skip
            rows = [tuple(row) for row in c.fetchall()]
            return [r[1:] for r in rows], (rows[0][0] if rows else 0)  # type: ignore[misc]


def _as_tuples(cursor: Any) -> None:
    """Rows of this cursor as plain tuples: the datastore's ``sqlite3.Row`` objects, read only to be
    made tuples again, add a third to reading the whole log."""
    cursor.sqlite_cursor.row_factory = None


def _quoted(name: str) -> str:
    """A PostgreSQL identifier, quoted as the text ``to_regclass`` reads."""
    return '"' + name.replace('"', '""') + '"'


def _postgres_recorder() -> type:
    """Defined lazily: psycopg is only needed for PostgreSQL stores."""
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.errors import LockNotAvailable
    from psycopg.sql import SQL, Identifier, Literal

    class ChainedPostgresRecorder(PostgresApplicationRecorder):
        stamp_of: StampReader | None = None

        def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
            super().__init__(datastore, events_table_name=events_table_name)
            names = log_names(events_table_name)
            self.chain_table = names.chain
            self.lock_table = names.lock
            schema = Identifier(self.datastore.schema)
            chain = Identifier(self.chain_table)
            events = Identifier(self.events_table_name)
            guard = Identifier(names.guard)
            turns = Identifier(self.lock_table)
            in_turn = Identifier(names.in_turn)
            # Appends take turns under an EXCLUSIVE lock on a table of their own, not on the log as
            # the library does: the same order (each append's ids are committed before the next is
            # issued any), and PostgreSQL lets a role take it only with a grant on that table (see
            # ``store init``), where an advisory lock is anyone's who may connect. A store made
            # before that table takes turns as it did, under the advisory lock, until ``store init``
            # adds it. Readers take no lock that conflicts.
            qualified = Literal(f"{_quoted(self.datastore.schema)}.{_quoted(self.lock_table)}")
            self.lock_table_statements = [
                SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout),
                SQL(
                    "DO $$ BEGIN IF to_regclass({0}) IS NULL THEN PERFORM pg_advisory_xact_lock(hashtext({1})); "
                    "ELSE LOCK TABLE {2}.{3} IN EXCLUSIVE MODE; END IF; END $$"
                ).format(qualified, Literal(f"commitment-tracker append {self.datastore.schema}.{events_table_name}"),
                         schema, turns),  # fmt: skip
            ]
            self.sql_create_statements += [
                SQL(
                    "CREATE TABLE IF NOT EXISTS {0}.{1} (notification_id bigint PRIMARY KEY, "
                    "originator_id text NOT NULL, originator_version bigint NOT NULL, digest text NOT NULL)"
                ).format(schema, chain),
                SQL(
                    "CREATE OR REPLACE FUNCTION {0}.{1}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION '" + APPEND_ONLY + "'; END $$"
                ).format(schema, guard),
            ]
            self.sql_create_statements += [
                SQL("CREATE TABLE IF NOT EXISTS {0}.{1} ()").format(schema, turns),
                # An earlier release, still running somewhere, would append under the advisory lock
                # and so not wait for this one: the log refuses an append that does not hold the lock.
                SQL(
                    "CREATE OR REPLACE FUNCTION {0}.{1}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'relation' "
                    "AND relation = {2}::regclass AND pid = pg_backend_pid() AND mode = 'ExclusiveLock' AND granted) "
                    "THEN RAISE EXCEPTION '" + OUT_OF_TURN + "'; END IF; RETURN NULL; END $$"
                ).format(schema, in_turn, qualified),
                SQL(
                    "CREATE OR REPLACE TRIGGER {0} BEFORE INSERT ON {1}.{2} FOR EACH STATEMENT EXECUTE FUNCTION {1}.{0}()"
                ).format(in_turn, schema, events),
            ]
            for label, table in (("events", events), ("chain", chain)):
                self.sql_create_statements += [
                    SQL(
                        "CREATE OR REPLACE TRIGGER {0} BEFORE UPDATE OR DELETE ON {1}.{2} "
                        "FOR EACH ROW EXECUTE FUNCTION {1}.{3}()"
                    ).format(Identifier(names.triggers[label, "rows"]), schema, table, guard),
                    SQL(
                        "CREATE OR REPLACE TRIGGER {0} BEFORE TRUNCATE ON {1}.{2} "
                        "FOR EACH STATEMENT EXECUTE FUNCTION {1}.{3}()"
                    ).format(Identifier(names.triggers[label, "truncate"]), schema, table, guard),
                ]
            self.select_chain_tail = SQL(
                "SELECT (SELECT COUNT(*) FROM {0}.{1}) AS n, notification_id, originator_id, originator_version, "
                "digest FROM {0}.{1} ORDER BY notification_id DESC LIMIT 2"
            ).format(schema, chain)
            self.select_last_digest = SQL(
                "SELECT digest FROM {0}.{1} ORDER BY notification_id DESC LIMIT 1"
            ).format(schema, chain)
            self.select_before = SQL(
                "SELECT originator_id, originator_version, topic, state FROM {0}.{1} "
                "ORDER BY notification_id DESC LIMIT 1"
            ).format(schema, events)
            # The events and their chain rows in one statement: both are written, or neither.
            self.insert_chained_events = SQL(
                "WITH new AS (INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) "
                "SELECT originator_id, originator_version, topic, state FROM unnest(%s::{0}.{2}[]) "
                "RETURNING notification_id, originator_id, originator_version) "
                "INSERT INTO {0}.{3} (notification_id, originator_id, originator_version, digest) "
                "SELECT new.notification_id, link.ident, new.originator_version, link.digest FROM new "
                "JOIN unnest(%s::uuid[], %s::bigint[], %s::text[], %s::text[]) AS link(id, version, ident, digest) "
                "ON link.id = new.originator_id AND link.version = new.originator_version "
                "ORDER BY new.notification_id RETURNING notification_id"
            ).format(schema, events, Identifier(self.stored_event_type_name), chain)
            self.next_ids = SQL(
                "SELECT nextval(pg_get_serial_sequence({0}, 'notification_id')) AS id FROM generate_series(1, %s)"
            ).format(Literal(f"{_quoted(self.datastore.schema)}.{_quoted(self.events_table_name)}"))
            self.copy_events = SQL(
                "COPY {0}.{1} (notification_id, originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
            ).format(schema, events)
            self.copy_chain = SQL(
                "COPY {0}.{1} (notification_id, originator_id, originator_version, digest) FROM STDIN (FORMAT BINARY)"
            ).format(schema, chain)
            self.select_chain_statement = SQL(
                "SELECT notification_id, originator_id, originator_version, digest FROM {0}.{1} "
                "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
            ).format(schema, chain)

        def _create_table(self, curs: Any) -> None:
            # Several processes may open a new store at once: create its tables one at a time.
            curs.execute(SCHEMA_LOCK)
            super()._create_table(curs)

        def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
            # Runs first in the library's insert transaction, outside its exception trap (an error
            # raised after the events are inserted would be re-raised only after a COMMIT): take
            # the lock the insert takes anyway, then check the clock before inserting.
            super()._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return
            try:
                self._lock_table(curs)
                curs.execute(self.select_before)
                before = curs.fetchone()
            except LockNotAvailable:
                # Not the library's OperationalError, which it retries ten times: one wait, bounded.
                raise StoreBusy(f"the store is busy: another command held its append lock for "
                                f"{self.datastore.lock_timeout} s (the lock timeout); nothing was written, "
                                "try again") from None  # fmt: skip
            if self.stamp_of is not None:
                check_clock(self.stamp_of, StoredEvent(before["originator_id"], before["originator_version"],
                                                       before["topic"], bytes(before["state"])) if before else None,
                            stored_events)  # fmt: skip

        def _insert_stored_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
            # The library's, but the chain rows go in with the events, in one statement, and their
            # digests are computed before it. The library holds back an error raised after its
            # INSERT until the transaction has committed: chain rows written then could be lost
            # while the events stay. An error here, before anything is written, commits nothing.
            # The append lock is held since ``_insert_events``: chain rows follow commit order.
            curs.execute(self.select_last_digest)
            row = curs.fetchone()
            links = chain_rows(row["digest"] if row else GENESIS, stored_events)
            events = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                      for e in stored_events]  # fmt: skip
            self._notify_channel(curs)
            curs.execute(self.insert_chained_events, (
                events, [e.originator_id for e in stored_events], [e.originator_version for e in stored_events],
                [ident for ident, _, _ in links], [digest for _, _, digest in links]))  # fmt: skip

        def copy_chained_events(self, curs: Any, stored_events: Sequence[StoredEvent]) -> None:
            """A bulk import's chunk and its chain rows, each table in one binary ``COPY`` (no
            composite values escaped as text, no array to unnest). The append lock is held (see
            ``_insert_events``): the ids taken from the sequence here are the next ones, in order,
            and the chain rows follow commit order as every append's do."""
            curs.execute(self.select_last_digest)
            row = curs.fetchone()
            links = chain_rows(row["digest"] if row else GENESIS, stored_events)
            self._notify_channel(curs)
            curs.execute(self.next_ids, (len(stored_events),))
            ids = sorted(r["id"] for r in curs.fetchall())
            with curs.copy(self.copy_events) as copy:
                copy.set_types(["int8", "uuid", "int8", "text", "bytea"])
                for ident, event in zip(ids, stored_events, strict=True):
                    copy.write_row((ident, event.originator_id, event.originator_version, event.topic, event.state))
            with curs.copy(self.copy_chain) as copy:
                copy.set_types(["int8", "text", "int8", "text"])
                for ident, (originator, version, digest) in zip(ids, links, strict=True):
                    copy.write_row((ident, originator, version, digest))

        def select_chain(self, after: int, limit: int) -> list[tuple[int, str, int, str]]:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self.select_chain_statement, (after, limit))
                return [
                    (r["notification_id"], r["originator_id"], r["originator_version"], r["digest"])
                    for r in curs.fetchall()
                ]

        def stream_log(self, page: int = 5000) -> Iterator[LogRow]:
            """Every stored event as its row holds it, in record order, in one binary ``COPY``
            (one snapshot, no statement per page, no text escaping of the bytes)."""
            statement = SQL(
                "COPY (SELECT notification_id, originator_id::text, originator_version, topic, state FROM {0}.{1} "
                "ORDER BY notification_id) TO STDOUT (FORMAT BINARY)"
            ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                with curs.copy(statement) as copy:
                    copy.set_types(["int8", "text", "int8", "text", "bytea"])
                    for row in copy.rows():
                        yield LogRow(row[0], row[1], row[2], row[3], row[4])

        def stream_pages(self, page: int) -> Iterator[list[tuple[int, str, int, str, bytes]]]:
            """``stream_log`` a page at a time (one ``COPY`` still, one snapshot)."""
            rows = self.stream_log()
            while chunk := list(islice(rows, page)):
                yield chunk

        def chain_tail(self) -> tuple[list[tuple[int, str, int, str]], int]:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self.select_chain_tail)
                rows = curs.fetchall()
                tail = [(r["notification_id"], r["originator_id"], r["originator_version"], r["digest"]) for r in rows]
                return tail, (int(rows[0]["n"]) if rows else 0)

    return ChainedPostgresRecorder


def __getattr__(name: str) -> Any:
    if name == "ChainedPostgresRecorder":
        recorder = _postgres_recorder()
        globals()[name] = recorder
        return recorder
    raise AttributeError(name)
