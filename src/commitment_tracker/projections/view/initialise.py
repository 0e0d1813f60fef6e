"""``store init``: create a store's tables once, as their owner, and grant the team's roles.

On PostgreSQL the owner runs it once; afterwards opening the store runs no DDL, so nobody else
needs to own anything. Two roles are granted what they need and no more:
- a recorder may append to the log (INSERT and SELECT; the owner's triggers refuse every UPDATE,
  DELETE and TRUNCATE, and only the owner could disable them), take its turn to append (UPDATE on
  the empty lock table, which is what PostgreSQL asks of a role that locks a table) and write the
  view as catch-up does: insert rows, update the columns catch-up updates (the guards admit only
  catch-up's updates), and empty it for ``rebuild`` through the owner's ``view_reset``; never
  delete or truncate;
- an auditor may only read (SELECT): it can verify, checkpoint and query, and its queries fold
  the log without writing when the view lags.

Run again on a store made by an earlier release, it adds what that release lacked (the lock
table, granted to every role that may append), takes back what an earlier release granted
recorders on the view (UPDATE of whole rows, DELETE), found in the catalogue, and gives them what
they need now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from commitment_tracker.projections.view import create_view, view_tables
from commitment_tracker.projections.view.tables import TRACKING_TABLE
from commitment_tracker.tracker import StoreError, open_tracker

if TYPE_CHECKING:
    from commitment_tracker.tracker import Store, Tracker

LOG_TABLES = ("tracker_events", "tracker_events_chain")
LOG_SEQUENCE = "tracker_events_notification_id_seq"
#: The columns catch-up updates, the only ones a recorder may: closing an interval, a step or an
#: assessment, a commitment's entity row (the upsert), the view's position (the library's upsert).
CATCH_UP_UPDATES = {
    "view_intervals": ("known_to",),
    "view_assessments": ("known_to",),
    "view_steps": ("known_to",),
    "view_entities": ("due_next", "made_on"),
    TRACKING_TABLE["postgres"]: ("notification_id",),
}


@dataclass(frozen=True)
class Initialised:
    created: bool  # the store was created
    narrowed: list[str] = field(default_factory=list)  # roles whose old rights on the view were taken back


def init_store(store: Store, *, recorders: Sequence[str] = (), auditors: Sequence[str] = ()) -> Initialised:
    """Create the store's tables (log and view) if missing; grant roles; narrow old grants."""
    if (recorders or auditors) and store.backend != "postgres":
        raise StoreError("--recorder and --auditor grant PostgreSQL roles; a SQLite store is one file")
    with open_tracker(store, create=True) as tracker:
        if store.backend == "postgres" and not tracker.created:
            _upgrade(tracker)
        create_view(tracker)
        narrowed = _grant(tracker, recorders, auditors) if store.backend == "postgres" else []
        return Initialised(tracker.created, narrowed)


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


def loose_writers(tracker: Tracker) -> list[tuple[str, bool]]:
    """The roles other than the tables' owner that may rewrite rows of the view (UPDATE of a whole
    table, DELETE, TRUNCATE), read from the catalogue's grants ("PUBLIC" for every role), and
    whether each may also insert there (a recorder of an earlier release). None on SQLite, where
    whoever can write the file can change anything."""
    if tracker.store.backend != "postgres":
        return []
    datastore = tracker.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS role, "
            "bool_or(a.privilege_type = 'INSERT') AS inserts FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a "
            "WHERE n.nspname = %s AND c.relname = ANY(%s) AND a.grantee <> c.relowner GROUP BY a.grantee "
            "HAVING bool_or(a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')) ORDER BY 1",
            (tracker.store.schema, sorted(view_tables(tracker))))  # fmt: skip
        return [(row["role"], row["inserts"]) for row in cursor.fetchall()]


def _grant(tracker: Tracker, recorders: Sequence[str], auditors: Sequence[str]) -> list[str]:
    from psycopg.sql import SQL, Identifier

    from commitment_tracker.projections.view.postgres import RESET_FUNCTION

    schema = Identifier(tracker.store.schema)
    view = sorted(view_tables(tracker))

    def tables(names: Sequence[str]) -> SQL:
        return SQL(", ").join(SQL("{0}.{1}").format(schema, Identifier(name)) for name in names)  # type: ignore[return-value]

    def grantee(role: str) -> SQL | Identifier:
        return SQL("PUBLIC") if role == "PUBLIC" else Identifier(role)

    statements = []
    loose = loose_writers(tracker)
    for role, _ in loose:
        # Revoking UPDATE of the table revokes it on each column too: what catch-up needs is
        # granted again below, column by column.
        statements.append(SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {0} FROM {1}").format(tables(view), grantee(role)))
    for role in (*recorders, *auditors):
        statements.append(SQL("GRANT USAGE ON SCHEMA {0} TO {1}").format(schema, Identifier(role)))
        statements.append(SQL("GRANT SELECT ON {0} TO {1}").format(tables([*LOG_TABLES, *view]), Identifier(role)))
    for role in recorders:
        statements += [
            SQL("GRANT INSERT ON {0} TO {1}").format(tables(LOG_TABLES), Identifier(role)),
            # What PostgreSQL asks of a role that locks a table (it has no rows to update).
            SQL("GRANT UPDATE ON {0} TO {1}").format(tables([tracker.recorder.lock_table]), Identifier(role)),  # type: ignore[attr-defined]
            SQL("GRANT USAGE ON SEQUENCE {0}.{1} TO {2}").format(schema, Identifier(LOG_SEQUENCE), Identifier(role)),
        ]
    # A recorder of an earlier release writes the view as a recorder does now.
    writers = dict.fromkeys([*recorders, *(role for role, inserts in loose if inserts and role != "PUBLIC")])
    for role in writers:
        statements += [
            SQL("GRANT SELECT, INSERT ON {0} TO {1}").format(tables(view), Identifier(role)),
            *(SQL("GRANT UPDATE ({0}) ON {1}.{2} TO {3}").format(
                SQL(", ").join(map(Identifier, columns)), schema, Identifier(table), Identifier(role))
              for table, columns in CATCH_UP_UPDATES.items()),
            SQL("GRANT EXECUTE ON FUNCTION {0}.{1}() TO {2}").format(
                schema, Identifier(RESET_FUNCTION), Identifier(role)),
        ]  # fmt: skip
    datastore = tracker.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=True) as cursor:
        for statement in statements:
            cursor.execute(statement)
    return [role for role, _ in loose]
