"""The view on PostgreSQL: its tables, guard triggers, transactions and full-text search.

Imported only for PostgreSQL stores (it imports psycopg).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.search import POSTGRES_COLUMNS, search_postgres
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.tracker.inspection import LOG_TABLE
from commitment_tracker.tracker.recorders import SCHEMA_LOCK
from commitment_tracker.projections.view.tables import (
    FOREVER,
    INDEXES,
    PARTIAL,
    RETIRED,
    TABLES,
    WRITTEN_BY_TRACKER,
    Row,
    column_names,
)


WRITER = "SET LOCAL commitment_tracker.view_writer = 'on'"  # for the rest of this transaction only
#: The function through which a recorder empties the view for ``rebuild`` (see ``postgres_guards``).
RESET_FUNCTION = "view_reset"
#: The lock view writers (catch-up pages, rebuild's reset) take turns under, one per schema.
VIEW_LOCK = "commitment-tracker view {schema}"


def postgres_guards(schema: str, tracking: str, migration: str) -> list[Any]:
    """PostgreSQL's version of ``sqlite_guards``, which no role but the tables' owner can lift.

    Any role may set any custom setting, so the one the tracker's writes set
    (``commitment_tracker.view_writer``) is a speed bump against casual SQL, never a lock. What
    holds whatever a role sets: an UPDATE may only be one that catch-up makes (closing an open
    interval, assessment or step at a record time; rewriting a commitment's entity row, keeping its id
    and kind; moving the view's position forward over events the log holds); DELETE and TRUNCATE
    only by a role with the owner's rights, who could drop these triggers anyway. Privileges do
    the rest (``store init``): a recorder may update only the columns catch-up updates, and
    empties the view only through ``view_reset``, which runs as the owner and does nothing else.

    Each trigger is created only when missing, and the triggers of earlier releases (a row trigger
    for UPDATE and DELETE, trusting the setting) are dropped only when present: opening a store
    takes no table lock."""
    guard = Identifier(schema, "view_guard")
    log = Identifier(schema, LOG_TABLE["postgres"])
    refuse = "RAISE EXCEPTION '" + WRITTEN_BY_TRACKER + "'; "
    # search_path pinned: a role calling with its own search_path cannot put its functions or
    # operators in the place of the catalogue's.
    statements: list[Any] = [SQL(
        "CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
        "IF current_setting('commitment_tracker.view_writer', true) IS DISTINCT FROM 'on' THEN " + refuse + "END IF; "
        "IF TG_OP <> 'UPDATE' THEN "
        "IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN "
        + refuse + "END IF; "
        "IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF; RETURN NULL; END IF; "
        + "".join(f"{'ELSIF' if n else 'IF'} TG_TABLE_NAME = '{table}' THEN IF {_closes_only(table)} THEN "
                  "RETURN NEW; END IF; " for n, table in enumerate(("view_intervals", "view_assessments", "view_steps"))) +
        "ELSIF TG_TABLE_NAME = 'view_entities' THEN "
        "IF NEW.entity = OLD.entity AND NEW.kind = OLD.kind THEN RETURN NEW; END IF; "
        "ELSIF TG_TABLE_NAME = {tracking} THEN "
        "IF NEW.application_name = OLD.application_name AND NEW.notification_id > OLD.notification_id "
        "AND NEW.notification_id <= (SELECT max(notification_id) FROM {log}) THEN RETURN NEW; END IF; "
        "END IF; " + refuse + "END $$").format(guard=guard, tracking=Literal(tracking), log=log)]  # fmt: skip
    for table in (*TABLES, SEARCH_TABLE, tracking):
        for name, timing in ((f"{table}_guard_update", "BEFORE UPDATE ON {table} FOR EACH ROW"),
                             (f"{table}_guard_delete", "BEFORE DELETE OR TRUNCATE ON {table} "
                                                       "FOR EACH STATEMENT")):  # fmt: skip
            statements.append(_if_trigger(schema, table, name, True, SQL(
                "CREATE TRIGGER {name} " + timing + " EXECUTE FUNCTION {guard}()").format(
                name=Identifier(name), table=Identifier(schema, table), guard=guard)))  # fmt: skip
        for old in (f"{table}_guard", f"{table}_guard_truncate"):
            statements.append(_if_trigger(schema, table, old, False, SQL("DROP TRIGGER {0} ON {1}").format(
                Identifier(old), Identifier(schema, table))))  # fmt: skip
    empty = [SQL("DELETE FROM {0}").format(Identifier(schema, name)) for name in (*TABLES, SEARCH_TABLE)]
    empty += [SQL("DROP TABLE IF EXISTS {0}").format(Identifier(schema, name)) for name in RETIRED]
    # Every position but the library's own marker of its tracking table's layout: the view is this
    # store's only reader of the log, and a caller cannot name the marker to delete it.
    empty.append(SQL("DELETE FROM {0} WHERE application_name <> {1}").format(
        Identifier(schema, tracking), Literal(migration)))  # fmt: skip
    reset = Identifier(schema, RESET_FUNCTION)
    statements += [
        # SECURITY DEFINER: it runs as its owner (the store's), so a recorder holds no DELETE of
        # its own; it takes no argument and does one thing, so the worst a recorder can do with it
        # is what rebuild does: empty the view, which the next query derives again from the log.
        SQL("CREATE OR REPLACE FUNCTION {reset}() RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
            "PERFORM pg_advisory_xact_lock(hashtext({lock})); "
            "PERFORM set_config('commitment_tracker.view_writer', 'on', true); {empty}; END $$").format(
            reset=reset, lock=Literal(VIEW_LOCK.format(schema=schema)), empty=SQL("; ").join(empty)),
        SQL("REVOKE ALL ON FUNCTION {0}() FROM PUBLIC").format(reset),  # granted to recorders by store init
    ]  # fmt: skip
    return statements


def _closes_only(table: str) -> str:
    """Catch-up's only update of ``table``: closing an open row at a record time (which orders
    before FOREVER), nothing else of the row changed. Compared column by column: comparing the rows
    as JSON cost twice as much per closed row."""
    others = [name for name in column_names(table) if name != "known_to"]
    return (f"OLD.known_to = '{FOREVER}' AND NEW.known_to < '{FOREVER}' AND ({', '.join(f'NEW.{c}' for c in others)}) "
            f"IS NOT DISTINCT FROM ({', '.join(f'OLD.{c}' for c in others)})")  # fmt: skip


def _if_trigger(schema: str, table: str, name: str, missing: bool, statement: Any) -> Any:
    """``statement``, run only when the trigger ``name`` on ``table`` is missing (else present)."""
    return SQL(
        "DO $do$ BEGIN IF {0} EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = {1} AND c.relname = {2} "
        "AND n.nspname = {3}) THEN {4}; END IF; END $do$").format(
        SQL("NOT" if missing else ""), Literal(name), Literal(table), Literal(schema), statement)  # fmt: skip


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
            where = f" WHERE {PARTIAL[index]}" if index in PARTIAL else ""
            self.sql_create_statements.append(
                SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (" + columns + ")" + where).format(
                    Identifier(index), Identifier(self.datastore.schema), Identifier(table))  # fmt: skip
            )
        self.sql_create_statements += postgres_guards(self.datastore.schema, self.tracking_table_name,
                                                      self.table_migration_identifier)  # fmt: skip

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

    def stream(self, statement: str, params: Iterable[Any] = ()) -> Iterator[Any]:
        # A server-side cursor in one transaction, as every_row.
        with self.datastore.get_connection() as conn, conn.transaction():
            with conn.cursor(name="view_stream", row_factory=tuple_row) as curs:
                curs.execute(self.q(statement), list(params))
                while rows := curs.fetchmany(5000):
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
        curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (VIEW_LOCK.format(schema=self.datastore.schema),))

    def reset(self, application_name: str) -> None:
        """Empty the view, through the owner's ``view_reset`` (which empties every position but
        the library's marker: this view is the log's only reader here)."""
        with self.datastore.transaction(commit=True) as curs:
            self._lock(curs)
            curs.execute("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                         "WHERE n.nspname = %s AND p.proname = %s",
                         (self.datastore.schema, RESET_FUNCTION))  # fmt: skip
            if curs.fetchone():
                curs.execute(SQL("SELECT {0}()").format(Identifier(self.datastore.schema, RESET_FUNCTION)))
                return
            # A store whose owner has not run store init since the function came: its guards
            # still trust the setting, and its recorders still hold DELETE.
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
