"""``store init``: create a store's tables once, as their owner, and grant the team's roles.

On PostgreSQL the owner runs it once; afterwards opening the store runs no DDL, so nobody else
needs to own anything. Two roles are granted what they need and no more:
- a recorder may append to the log (INSERT and SELECT; the owner's triggers refuse every UPDATE,
  DELETE and TRUNCATE, and only the owner could disable them), take its turn to append (UPDATE on
  the empty lock table, which is what PostgreSQL asks of a role that locks a table) and maintain
  the view;
- an auditor may only read (SELECT): it can verify, checkpoint and query, and its queries fold
  the log without writing when the view lags.
Run again on a store made by an earlier release, it adds what that release lacked (the lock
table) and grants it to every role that may append.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from commitment_tracker.projections.view import create_view, view_tables
from commitment_tracker.tracker import StoreError, open_tracker

if TYPE_CHECKING:
    from commitment_tracker.tracker import Store, Tracker

LOG_TABLES = ("tracker_events", "tracker_events_chain")
LOG_SEQUENCE = "tracker_events_notification_id_seq"


def init_store(store: Store, *, recorders: Sequence[str] = (), auditors: Sequence[str] = ()) -> bool:
    """Create the store's tables (log and view) if missing; grant roles. True when it was created."""
    if (recorders or auditors) and store.backend != "postgres":
        raise StoreError("--recorder and --auditor grant PostgreSQL roles; a SQLite store is one file")
    with open_tracker(store, create=True) as tracker:
        if store.backend == "postgres" and not tracker.created:
            _upgrade(tracker)
        create_view(tracker)
        if recorders or auditors:
            _grant(tracker, recorders, auditors)
        return tracker.created


def _upgrade(tracker: Tracker) -> None:
    """The log's tables as this release makes them (every statement is idempotent), and the lock
    table granted to the roles that may append already."""
    from psycopg.sql import SQL, Identifier

    recorder = tracker.recorder
    recorder.create_table()
    datastore = recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=True) as cursor:
        cursor.execute("SELECT DISTINCT grantee FROM information_schema.role_table_grants WHERE table_schema = %s "
                       "AND table_name = %s AND privilege_type = 'INSERT'", (tracker.store.schema, LOG_TABLES[0]))  # fmt: skip
        for row in cursor.fetchall():
            role = SQL("PUBLIC") if row["grantee"] == "PUBLIC" else Identifier(row["grantee"])
            cursor.execute(SQL("GRANT UPDATE ON {0}.{1} TO {2}").format(
                Identifier(tracker.store.schema), Identifier(recorder.lock_table), role))  # type: ignore[attr-defined]


def _grant(tracker: Tracker, recorders: Sequence[str], auditors: Sequence[str]) -> None:
    from psycopg.sql import SQL, Identifier

    schema = Identifier(tracker.store.schema)
    view = sorted(view_tables(tracker))

    def tables(names: Sequence[str]) -> SQL:
        return SQL(", ").join(SQL("{0}.{1}").format(schema, Identifier(name)) for name in names)  # type: ignore[return-value]

    statements = []
    for role in (*recorders, *auditors):
        statements.append(SQL("GRANT USAGE ON SCHEMA {0} TO {1}").format(schema, Identifier(role)))
        statements.append(SQL("GRANT SELECT ON {0} TO {1}").format(tables([*LOG_TABLES, *view]), Identifier(role)))
    for role in recorders:
        statements += [
            SQL("GRANT INSERT ON {0} TO {1}").format(tables(LOG_TABLES), Identifier(role)),
            # What PostgreSQL asks of a role that locks a table (it has no rows to update).
            SQL("GRANT UPDATE ON {0} TO {1}").format(tables([tracker.recorder.lock_table]), Identifier(role)),  # type: ignore[attr-defined]
            SQL("GRANT USAGE ON SEQUENCE {0}.{1} TO {2}").format(schema, Identifier(LOG_SEQUENCE), Identifier(role)),
            SQL("GRANT INSERT, UPDATE, DELETE ON {0} TO {1}").format(tables(view), Identifier(role)),
        ]
    datastore = tracker.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=True) as cursor:
        for statement in statements:
            cursor.execute(statement)
