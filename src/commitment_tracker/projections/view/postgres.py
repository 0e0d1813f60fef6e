"""The view on PostgreSQL: its tables, guard triggers, transactions and full-text search.

Imported only for PostgreSQL stores (it imports psycopg).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.search import POSTGRES_COLUMNS, search_postgres
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.tracker.recorders import SCHEMA_LOCK
from commitment_tracker.projections.view.tables import CLOSES_ONLY, INDEXES, RETIRED, TABLES, WRITTEN_BY_TRACKER, Row


WRITER = "SET LOCAL commitment_tracker.view_writer = 'on'"  # for the rest of this transaction only


def postgres_guards(schema: str) -> list[Any]:
    """PostgreSQL's version of ``sqlite_guards``: the tracker's writes set a transaction-local
    setting. Each trigger is created only when missing, so opening a store takes no table lock."""
    guard = Identifier(schema, "view_guard")
    statements: list[Any] = [SQL(
        "CREATE OR REPLACE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF current_setting('commitment_tracker.view_writer', true) IS DISTINCT FROM 'on' "
        "OR (TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'view_facts') THEN "
        "RAISE EXCEPTION '" + WRITTEN_BY_TRACKER + "'; END IF; "
        "IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'view_intervals' THEN IF NOT (" + CLOSES_ONLY + ") THEN "
        "RAISE EXCEPTION '" + WRITTEN_BY_TRACKER + "'; END IF; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$").format(guard)]  # fmt: skip
    for table in TABLES:
        for name, timing in ((f"{table}_guard", "BEFORE UPDATE OR DELETE ON {1} FOR EACH ROW"),
                             (f"{table}_guard_truncate", "BEFORE TRUNCATE ON {1} FOR EACH STATEMENT")):  # fmt: skip
            statements.append(SQL(
                "DO $do$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = {2} AND n.nspname = {3}) THEN "
                "CREATE TRIGGER {0} " + timing + " EXECUTE FUNCTION {4}(); END IF; END $do$").format(
                Identifier(name), Identifier(schema, table), SQL("'") + SQL(name) + SQL("'"),
                SQL("'") + SQL(schema) + SQL("'"), guard))  # fmt: skip
    return statements


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
        self.sql_create_statements += postgres_guards(self.datastore.schema)

    def _create_table(self, curs: Any) -> None:
        curs.execute(SCHEMA_LOCK)  # one process at a time creates the view's tables
        super()._create_table(curs)

    def table(self, name: str) -> str:
        return f'"{self.datastore.schema}"."{name}"'

    def tables(self) -> set[str]:
        return {row[0] for row in self.read("SELECT tablename FROM pg_tables WHERE schemaname = ?",
                                            [self.datastore.schema])}  # fmt: skip

    def every_row(self, table: str, columns: str) -> Iterator[Any]:
        # A server-side cursor in one transaction: one snapshot of the table, read in pages.
        with self.datastore.get_connection() as conn, conn.transaction():
            with conn.cursor(name="verify_every_row", row_factory=tuple_row) as curs:
                curs.execute(f"SELECT {columns} FROM {self.table(table)}")
                while rows := curs.fetchmany(20000):
                    yield from rows

    def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        # Rows as tuples, like SQLite's: the library's dict rows would merge two columns of one
        # name (a join's f.kind and e.kind), silently dropping one.
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self.q(statement), list(params))
            return curs.fetchall()

    def apply(self, tracking: Tracking, after: int, *rows: Sequence[Row]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._lock(curs)
            curs.execute(
                SQL("SELECT max(notification_id) AS n FROM {0}.{1} WHERE application_name = %s").format(
                    Identifier(self.datastore.schema), Identifier(self.tracking_table_name)),
                (tracking.application_name,))  # fmt: skip
            self.check_position(curs.fetchone()["n"], after)
            curs.execute(WRITER)
            self.write_batch(curs, *rows)
            self._insert_tracking(curs, tracking)

    def search(self, query: str) -> list[Any]:
        return search_postgres(self.read, self.table(SEARCH_TABLE), query)

    def write_texts(self, texts: Sequence[Row]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.executemany(f"INSERT INTO {self.table(SEARCH_TABLE)} VALUES (%s,%s,%s,%s,%s)", texts)

    def _lock(self, curs: Any) -> None:
        # View writers (catch-up pages, rebuild's reset) take turns, one schema at a time.
        curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"commitment-tracker view {self.datastore.schema}",))

    def reset(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._lock(curs)
            curs.execute(WRITER)
            for name in (*TABLES, SEARCH_TABLE):
                curs.execute(f"DELETE FROM {self.table(name)}")
            for name in RETIRED:
                curs.execute(f"DROP TABLE IF EXISTS {self.table(name)}")
            curs.execute(
                SQL("DELETE FROM {0}.{1} WHERE application_name = %s").format(
                    Identifier(self.datastore.schema), Identifier(self.tracking_table_name)),
                (application_name,),
            )  # fmt: skip
