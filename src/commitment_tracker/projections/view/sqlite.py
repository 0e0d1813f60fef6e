"""The view on SQLite: its tables, guard triggers, transactions and FTS5 search."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteTrackingRecorder

from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.search import SQLITE_DDL, search_sqlite
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.projections.view.tables import (
    CLOSES_ONLY,
    FOREVER,
    INDEXES,
    QUERY_ONLY_INDEXES,
    RETIRED,
    TABLES,
    WRITTEN_BY_TRACKER,
    Row,
    index_ddl,
)

#: Rows of the search index's shadow tables copied at a time for FTS5's integrity-check.
COPIED = 5000


def sqlite_guards() -> list[str]:
    """Triggers refusing edits of the view except inside the tracker's own writes, which hold a
    row in ``view_writer`` for the length of their transaction. A speed bump against casual SQL,
    not a guarantee (triggers can be dropped): ``verify`` re-derives the view and compares."""
    statements = ["CREATE TABLE IF NOT EXISTS view_writer (writing INTEGER NOT NULL)"]
    refuse = f"BEGIN SELECT RAISE(ABORT, '{WRITTEN_BY_TRACKER}'); END"
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            statements.append(f"CREATE TRIGGER IF NOT EXISTS {table}_guard_{action.lower()} BEFORE {action} ON "
                              f"{table} WHEN NOT EXISTS (SELECT 1 FROM view_writer) {refuse}")  # fmt: skip
    statements.append(f"CREATE TRIGGER IF NOT EXISTS view_facts_never_update BEFORE UPDATE ON view_facts {refuse}")
    statements.append(f"CREATE TRIGGER IF NOT EXISTS view_intervals_closes_only BEFORE UPDATE ON view_intervals "
                      f"WHEN NOT ({CLOSES_ONLY.replace('IS NOT DISTINCT FROM', 'IS')}) {refuse}")  # fmt: skip
    return statements



class SQLiteStatusView(ViewSQL, SQLiteTrackingRecorder):
    def each_pair(self, table: str, alias: str, condition: str) -> str:
        # No lateral joins in SQLite; but the left table of its CROSS JOIN is always the outer
        # loop (SQLite's documented way to fix the order), so each pair is one index search.
        return f"CROSS JOIN {{{table}}} {alias} ON {condition}"

    def open_row_holding(self) -> str:
        # No lateral joins in SQLite: the row is found by its rowid, which the subquery takes
        # from the open-interval index read backwards from the day. (Joined on the start instead,
        # the planner, without statistics, takes the valid-dates index for it: every version.)
        return (f"CROSS JOIN {{view_intervals}} i ON i.rowid = (SELECT j.rowid FROM {{view_intervals}} j "
                f"WHERE j.known_to = '{FOREVER}' AND j.entity = e.entity AND j.valid_from <= ? "
                "ORDER BY j.valid_from DESC LIMIT 1)")

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *(f"CREATE TABLE IF NOT EXISTS {name} ({columns})" for name, columns in TABLES.items()),
            *(index_ddl(name, table, columns) for name, table, columns in INDEXES),
            *sqlite_guards(),
            *SQLITE_DDL,
        ]

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """The indexes no catch-up reads are dropped while the whole view is written and built
        once at the end (sorting a table once costs less than keeping an index sorted row by row).
        They change no answer, only its speed: a reader meanwhile gets the same rows, slower; an
        interrupted rebuild leaves them to the next catch-up (``lacks_indexes``). Every other index the
        layout names is made at the end too, if missing: a view made before it was added gets it
        on its first rebuild."""
        deferred = [(name, table, columns) for name, table, columns in INDEXES if name in QUERY_ONLY_INDEXES]
        with self.writing() as c:
            for name, _, _ in deferred:
                c.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            yield
        finally:
            with self.writing() as c:
                for name, table, columns in INDEXES:
                    c.execute(index_ddl(name, table, columns))

    def lacks_indexes(self) -> bool:
        """Whether an index of the layout is missing: a rebuild or first catch-up was stopped
        (killed, say) between dropping the indexes ``bulk`` defers and making them again."""
        present = {row[0] for row in self.read("SELECT name FROM sqlite_master WHERE type = 'index'")}
        return any(name not in present for name, _, _ in INDEXES)

    def every_row(self, table: str, columns: str) -> Iterator[Any]:
        after = -(2**63)
        while True:
            rows = self.read(f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 20000", [after])
            if not rows:
                return
            for row in rows:
                yield tuple(row)[1:]
            after = rows[-1][0]

    def tables(self) -> set[str]:
        return {row[0] for row in self.read("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def search_index_problem(self) -> str | None:
        """What is wrong with the search index (FTS5's shadow tables) beside its rows, judged on a
        copy: the checks are INSERTs, refused by a read-only store, and must not write to the
        store anyway. The copy is a temporary file, filled ``COPIED`` rows at a time: at a million
        events the index is hundreds of MB.

        FTS5's own integrity-check compares the index with the rows, walking its segments from
        their first leaf; a search seeks a term through the segments' own index (``_idx``), which
        that walk never reads: so every term the walk finds is also sought, as a search would,
        and must be found in as many rows. And the configuration must be a fresh index's."""
        import sqlite3
        import tempfile
        from pathlib import Path

        shadow = [row[0] for row in self.read("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? "
                                              "ESCAPE '!'", [SEARCH_TABLE.replace("_", "!_") + "!_%"])]  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="ctrack-verify-") as scratch:
            copy = sqlite3.connect(Path(scratch) / "search.db", isolation_level=None)
            try:
                copy.execute("PRAGMA journal_mode = OFF")  # a scratch copy: nothing to recover
                copy.execute("PRAGMA synchronous = OFF")
                copy.executescript(";".join(SQLITE_DDL))
                fresh_config = copy.execute(f"SELECT k, v FROM {SEARCH_TABLE}_config ORDER BY k").fetchall()
                copy.execute("BEGIN")
                # One read transaction for every shadow table: the copy is of one state of the index.
                with self.datastore.transaction(commit=False) as c:
                    for name in shadow:
                        copy.execute(f"DELETE FROM {name}")
                        c.execute(f"PRAGMA table_info({name})")
                        names = [row[1] for row in c.fetchall()]
                        c.execute(f"SELECT {', '.join(names)} FROM {name}")
                        insert = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({','.join('?' * len(names))})"
                        while chunk := c.sqlite_cursor.fetchmany(COPIED):  # the library's cursor wraps sqlite3's
                            copy.executemany(insert, chunk)
                copy.execute("COMMIT")
                if copy.execute(f"SELECT k, v FROM {SEARCH_TABLE}_config ORDER BY k").fetchall() != fresh_config:
                    return f"{SEARCH_TABLE}'s full-text index is not configured as the tracker makes it"
                copy.execute(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rank) VALUES ('integrity-check', 1)")
                return _unsought_term(copy)
            except sqlite3.DatabaseError as error:
                return f"{SEARCH_TABLE} does not match its full-text index ({error})"
            finally:
                copy.close()

    def stream(self, statement: str, params: Iterable[Any] = ()) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.q(statement), list(params))
            while rows := c.sqlite_cursor.fetchmany(5000):  # the library's cursor wraps sqlite3's
                yield from rows

    def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.q(statement), list(params))
            return c.fetchall()

    @contextmanager
    def writing(self, zeroed: bool = False) -> Iterator[Any]:
        """A write transaction of the view. What it frees is zeroed only when ``zeroed``, whatever
        the build's default (Debian's SQLite zeroes by default): on a clear store the view holds
        nothing its log does not hold in clear, and on a sealed one its content is sealed, so only
        the reset that reseals a view once written in clear needs it. Zeroing every page a reset
        frees wrote the whole view again (at a million events 12-14 s of CPU and 1.7 GB of
        write-ahead log, against 0.7 s and 1 MB), and every page a catch-up frees once more."""
        with self.datastore.get_connection(commit=True) as connection:
            connection.cursor().execute(f"PRAGMA secure_delete = {'ON' if zeroed else 'OFF'}")
            with connection.transaction(commit=True) as c:
                # The write lock first, waiting for it as long as it takes: a transaction whose first
                # statement only reads (CREATE INDEX IF NOT EXISTS of an index that exists) holds a
                # snapshot, and its first write fails at once if another process wrote meanwhile.
                c.execute("DELETE FROM view_writer WHERE 0")
                yield c

    def apply(self, tracking: Tracking, after: int, *rows: Sequence[Row]) -> None:
        with self.writing() as c:
            c.execute("INSERT INTO view_writer VALUES (1)")  # under the write lock (writing): the check is serialized
            c.execute("SELECT max(notification_id) FROM tracking WHERE application_name = ?",
                      (tracking.application_name,))  # fmt: skip
            self.check_position(c.fetchone()[0], after)
            self.write_batch(c, *rows)
            self._insert_tracking(c, tracking)
            c.execute("DELETE FROM view_writer")

    def search(self, query: str) -> list[Any]:
        return search_sqlite(self.read, query)

    def write_texts(self, texts: Sequence[Row]) -> None:
        with self.writing() as c:
            c.executemany(f"INSERT INTO {SEARCH_TABLE} VALUES (?,?,?,?,?)", texts)

    def reset(self, application_name: str) -> None:
        # A view once written in clear (before the store had a key) leaves no page behind.
        with self.writing(zeroed=self.sealer.sealing) as c:
            c.execute("INSERT INTO view_writer VALUES (1)")
            # A table with triggers is emptied row by row (each row leaving every index in turn):
            # the guards are dropped for the deletes and created again before this transaction
            # commits, so no other connection ever sees the view unguarded.
            tables = ",".join(f"'{name}'" for name in TABLES)
            c.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({tables})")
            for (trigger,) in c.fetchall():
                c.execute(f'DROP TRIGGER "{trigger}"')
            for name in TABLES:
                c.execute(f"DELETE FROM {name}")
            # The search index made anew, not emptied: a damaged full-text index cannot be emptied.
            c.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
            for statement in SQLITE_DDL:
                c.execute(statement)
            for name in RETIRED:
                c.execute(f"DROP TABLE IF EXISTS {name}")
            for statement in sqlite_guards():
                c.execute(statement)
            c.execute("DELETE FROM view_writer")
            c.execute("DELETE FROM tracking WHERE application_name = ?", (application_name,))


def _unsought_term(copy: Any) -> str | None:
    """The first term the search index holds (walked from the first leaf of every segment) that a
    search seeking it (through the segments' index) does not find in as many rows, said as a
    problem; None when every term is found. One statement: each term's seek is SQLite's."""
    copy.execute(f"CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {SEARCH_TABLE}, 'row')")
    missed = copy.execute("SELECT walked.term FROM temp.terms AS walked WHERE NOT EXISTS (SELECT 1 FROM temp.terms AS "
                          "sought WHERE sought.term = walked.term AND sought.doc = walked.doc AND sought.cnt = walked.cnt) "
                          "LIMIT 1").fetchone()  # fmt: skip
    if missed is None:
        return None
    return f"{SEARCH_TABLE} does not match its full-text index (a search for {missed[0]!r} misses rows it holds)"
