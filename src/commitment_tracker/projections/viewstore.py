"""The materialised status view: bitemporal intervals, maintained exactly once with tracking.

Tables (beside the log, in the same database):
- ``view_facts``: every event, as plain JSON with its positions and record time, so a commitment's
  intervals can be recomputed without decoding the log again;
- ``view_intervals``: each commitment's board row over valid time (valid_from/valid_to) as
  believed over record time (known_from/known_to), like an SQL:2011 bitemporal table;
- ``view_gaps``: record-time windows in which a commitment was being changed by several records of
  one catch-up batch; a query known at such a moment folds that commitment exactly instead.
Every batch's rows and its tracking position commit in one transaction (the library's tracking
recorder), so each event is applied exactly once, whoever catches up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteTrackingRecorder

from commitment_tracker.projections.search import POSTGRES_COLUMNS, SQLITE_DDL
from commitment_tracker.projections.search import TABLE as SEARCH_TABLE

FOREVER = "9999-12-31T23:59:59.999999Z"
VIEW_NAME = "statusview"

TABLES = {
    "view_facts": "entity TEXT NOT NULL, position INTEGER NOT NULL, seq BIGINT NOT NULL, "
    "recorded TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (entity, position)",
    "view_entities": "entity TEXT PRIMARY KEY, kind TEXT NOT NULL, due_next TEXT, made_on TEXT",
    "view_intervals": "entity TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, "
    "known_from TEXT NOT NULL, known_to TEXT NOT NULL, status TEXT NOT NULL, status_before TEXT, "
    "cause TEXT, cause_type TEXT NOT NULL, cause_on TEXT NOT NULL, data TEXT NOT NULL",
    "view_gaps": "entity TEXT NOT NULL, known_from TEXT NOT NULL, known_to TEXT NOT NULL",
}
INDEXES = [
    ("view_intervals_open", "view_intervals", "known_to, entity"),
    ("view_intervals_valid", "view_intervals", "valid_from, valid_to"),
    ("view_gaps_known", "view_gaps", "known_from"),
    ("view_entities_due_next", "view_entities", "due_next"),
    ("view_entities_kind", "view_entities", "kind"),
    ("view_facts_recorded", "view_facts", "recorded"),  # what was learned between two record times
]

Row = tuple[Any, ...]


class ViewSQL:
    """The view's statements, written once for both databases (placeholders and names differ)."""

    placeholder = "?"

    def table(self, name: str) -> str:
        return name

    def q(self, statement: str) -> str:
        for name in TABLES:
            statement = statement.replace("{" + name + "}", self.table(name))
        return statement.replace("?", self.placeholder)

    # --- writes (inside the batch transaction) -------------------------------------------------

    def write_batch(self, cursor: Any, facts: Sequence[Row], entities: Sequence[Row],
                    closed: Sequence[Row], opened: Sequence[Row], gaps: Sequence[Row],
                    texts: Sequence[Row] = ()) -> None:  # fmt: skip
        if texts:
            cursor.executemany(self.q(f"INSERT INTO {self.table(SEARCH_TABLE)} VALUES (?,?,?,?,?)"), texts)
        if facts:
            cursor.executemany(self.q("INSERT INTO {view_facts} VALUES (?,?,?,?,?,?)"), facts)
        if entities:
            cursor.executemany(self.q(
                "INSERT INTO {view_entities} VALUES (?,?,?,?) ON CONFLICT (entity) DO UPDATE SET "
                "kind = excluded.kind, due_next = excluded.due_next, made_on = excluded.made_on"), entities)  # fmt: skip
        if closed:
            cursor.executemany(self.q(
                "UPDATE {view_intervals} SET known_to = ? WHERE entity = ? AND known_to = ? AND valid_from = ?"),
                closed)  # fmt: skip
        if opened:
            cursor.executemany(self.q("INSERT INTO {view_intervals} VALUES (?,?,?,?,?,?,?,?,?,?,?)"), opened)
        if gaps:
            cursor.executemany(self.q("INSERT INTO {view_gaps} VALUES (?,?,?)"), gaps)

    # --- reads ---------------------------------------------------------------------------------

    def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def read_in(self, statement: str, entities: Sequence[str], params: Sequence[Any] = ()) -> list[Any]:
        """Rows of ``statement`` whose ``{entities}`` placeholder takes the given ids, read in
        chunks small enough for any database's limit on bound parameters."""
        rows: list[Any] = []
        for start in range(0, len(entities), 500):
            chunk = list(entities[start : start + 500])
            rows += self.read(statement.replace("{entities}", ",".join("?" * len(chunk))), [*params, *chunk])
        return rows

    def facts(self, entities: Sequence[str]) -> list[Any]:
        return self.read_in("SELECT entity, position, seq, recorded, kind, data FROM {view_facts} "
                            "WHERE entity IN ({entities}) ORDER BY entity, position", entities)  # fmt: skip

    def meeting_facts(self) -> list[Any]:
        return self.read("SELECT f.entity, f.position, f.seq, f.recorded, f.kind, f.data FROM {view_facts} f "
                         "JOIN {view_entities} e ON e.entity = f.entity WHERE e.kind = 'meeting' "
                         "ORDER BY f.entity, f.position")  # fmt: skip

    def open_intervals(self, entities: Sequence[str]) -> list[Any]:
        return self.read_in("SELECT entity, valid_from, valid_to, status, status_before, cause, cause_type, cause_on, "
                            "data FROM {view_intervals} WHERE known_to = ? AND entity IN ({entities})",
                            entities, [FOREVER])  # fmt: skip

    def board(self, day: str, known: str) -> list[Any]:
        return self.read("SELECT entity, data FROM {view_intervals} WHERE known_to > ? AND known_from <= ? "
                         "AND valid_from <= ? AND valid_to > ?", [known, known, day, day])  # fmt: skip

    def changes(self, start: str, end: str, known: str) -> list[Any]:
        return self.read("SELECT entity, valid_from, status, status_before, cause, cause_type, cause_on, data "
                         "FROM {view_intervals} WHERE known_to > ? AND known_from <= ? AND valid_from >= ? "
                         "AND valid_from <= ? AND (status_before IS NULL OR status <> status_before)",
                         [known, known, start, end])  # fmt: skip

    def recorded_between(self, after: str, until: str) -> list[Any]:
        """(entity, position, recorded, event type, entity kind) of every event recorded in (after, until]."""
        return self.read("SELECT f.entity, f.position, f.recorded, f.kind, e.kind FROM {view_facts} f "
                         "JOIN {view_entities} e ON e.entity = f.entity WHERE f.recorded > ? AND f.recorded <= ? "
                         "ORDER BY f.recorded, f.seq", [after, until])  # fmt: skip

    # --- full-text search (see search.py) -------------------------------------------------------

    encrypted = False  # set by open_view: an encrypted store keeps no word index

    def indexes_text(self) -> bool:
        return not self.encrypted

    def search(self, query: str) -> list[Any]:
        raise NotImplementedError

    def fill_text_index(self) -> None:
        """Index the text of a view written before it had a search index (once, in pages)."""
        import json

        from commitment_tracker.projections.search import rows_of

        if not self.indexes_text() or self.read(f"SELECT 1 FROM {self.table(SEARCH_TABLE)} LIMIT 1"):
            return
        after: tuple[str, int] = ("", 0)
        while True:
            page = self.read("SELECT entity, position, kind, data FROM {view_facts} WHERE entity > ? OR "
                             "(entity = ? AND position > ?) ORDER BY entity, position LIMIT 5000",
                             [after[0], after[0], after[1]])  # fmt: skip
            if not page:
                return
            texts = [row for e, p, kind, data in page for row in rows_of(e, p, kind, json.loads(data))]
            self.write_texts(texts)
            after = (page[-1][0], page[-1][1])

    def write_texts(self, texts: Sequence[Row]) -> None:
        raise NotImplementedError

    def gaps(self, known: str) -> list[str]:
        return [r[0] for r in self.read("SELECT DISTINCT entity FROM {view_gaps} WHERE known_from <= ? "
                                        "AND known_to > ?", [known, known])]  # fmt: skip


class SQLiteStatusView(ViewSQL, SQLiteTrackingRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *(f"CREATE TABLE IF NOT EXISTS {name} ({columns})" for name, columns in TABLES.items()),
            *(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})" for name, table, columns in INDEXES),
            *SQLITE_DDL,
        ]

    def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.q(statement), list(params))
            return c.fetchall()

    def apply(self, tracking: Tracking, *rows: Sequence[Row]) -> None:
        with self.datastore.transaction(commit=True) as c:
            self.write_batch(c, *rows)
            self._insert_tracking(c, tracking)

    def search(self, query: str) -> list[Any]:
        from commitment_tracker.projections.search import search_sqlite

        return search_sqlite(self.read, query)

    def write_texts(self, texts: Sequence[Row]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(f"INSERT INTO {SEARCH_TABLE} VALUES (?,?,?,?,?)", texts)

    def reset(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            for name in (*TABLES, SEARCH_TABLE):
                c.execute(f"DELETE FROM {name}")
            c.execute("DELETE FROM tracking WHERE application_name = ?", (application_name,))


def postgres_view() -> type:
    """Defined lazily: psycopg is only imported for PostgreSQL stores."""
    from eventsourcing.postgres import PostgresTrackingRecorder
    from psycopg.sql import SQL, Identifier

    class PostgresStatusView(ViewSQL, PostgresTrackingRecorder):
        placeholder = "%s"

        def __init__(self, datastore: Any, **kwargs: Any) -> None:
            super().__init__(datastore, **kwargs)
            for name, columns in TABLES.items():
                self.sql_create_statements.append(
                    SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (" + columns.replace("INTEGER", "BIGINT") + ")").format(
                        Identifier(self.datastore.schema), Identifier(name))  # fmt: skip
                )
            self.sql_create_statements.append(
                SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (" + POSTGRES_COLUMNS + ")").format(
                    Identifier(self.datastore.schema), Identifier(SEARCH_TABLE))  # fmt: skip
            )
            self.sql_create_statements.append(
                SQL("CREATE INDEX IF NOT EXISTS view_search_words ON {0}.{1} USING GIN (words)").format(
                    Identifier(self.datastore.schema), Identifier(SEARCH_TABLE))  # fmt: skip
            )
            for index, table, columns in INDEXES:
                self.sql_create_statements.append(
                    SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (" + columns + ")").format(
                        Identifier(index), Identifier(self.datastore.schema), Identifier(table))  # fmt: skip
                )

        def _create_table(self, curs: Any) -> None:
            from commitment_tracker.tracker.recorders import SCHEMA_LOCK

            curs.execute(SCHEMA_LOCK)  # one process at a time creates the view's tables
            super()._create_table(curs)

        def table(self, name: str) -> str:
            return f'"{self.datastore.schema}"."{name}"'

        def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self.q(statement), list(params))
                return [tuple(row.values()) for row in curs.fetchall()]

        def apply(self, tracking: Tracking, *rows: Sequence[Row]) -> None:
            with self.datastore.transaction(commit=True) as curs:
                self.write_batch(curs, *rows)
                self._insert_tracking(curs, tracking)

        def search(self, query: str) -> list[Any]:
            from commitment_tracker.projections.search import search_postgres

            return search_postgres(self.read, self.table(SEARCH_TABLE), query)

        def write_texts(self, texts: Sequence[Row]) -> None:
            with self.datastore.transaction(commit=True) as curs:
                curs.executemany(f"INSERT INTO {self.table(SEARCH_TABLE)} VALUES (%s,%s,%s,%s,%s)", texts)

        def reset(self, application_name: str) -> None:
            with self.datastore.transaction(commit=True) as curs:
                for name in (*TABLES, SEARCH_TABLE):
                    curs.execute(f"DELETE FROM {self.table(name)}")
                curs.execute(
                    SQL("DELETE FROM {0}.{1} WHERE application_name = %s").format(
                        Identifier(self.datastore.schema), Identifier(self.tracking_table_name)),
                    (application_name,),
                )  # fmt: skip

    return PostgresStatusView
