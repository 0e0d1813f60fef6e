"""A PostgreSQL log whose table name reaches the 63-byte identifier limit keeps its chain table,
lock table and guards apart (the tracker's own log, ``tracker_events``, is far from it; another
application's name need not be)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from commitment_tracker.tracker import recorders, resolve_store

pytestmark = pytest.mark.postgres


def test_logs_named_to_the_identifier_limit_keep_their_chains_and_guards_apart(pg_url: str) -> None:
    import psycopg
    from eventsourcing.postgres import PostgresDatastore

    settings = resolve_store(pg_url).settings()
    schema = settings["POSTGRES_SCHEMA"]
    datastore = PostgresDatastore(dbname=settings["POSTGRES_DBNAME"], host=settings["POSTGRES_HOST"],
                                  port=settings["POSTGRES_PORT"], user=settings["POSTGRES_USER"],
                                  password=settings["POSTGRES_PASSWORD"], schema=schema, lock_timeout=5)  # fmt: skip
    tables = ["e" * 62 + "1", "e" * 62 + "2"]  # alike but for their last byte
    try:
        for table in tables:
            recorder = recorders.ChainedPostgresRecorder(datastore, events_table_name=table)
            recorder.create_table()
            recorder.insert_events([StoredEvent(uuid4(), 1, "commitment_tracker:test", b'{"event":{}}')])
            assert len(recorder.select_chain(0, 10)) == 1, table
    finally:
        datastore.close()
    with psycopg.connect(pg_url.split("?")[0]) as conn:
        relations = {r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r'", [schema])}  # fmt: skip
        triggers = dict(conn.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal "
            "GROUP BY c.relname", [schema]).fetchall())  # fmt: skip
        for table in tables:
            with pytest.raises(psycopg.Error, match="append-only"):
                conn.execute(f'DELETE FROM "{schema}"."{table}"')
            conn.rollback()
    assert len(relations) == 6  # two logs, each with its chain and its lock table
    logs = {t: n for t, n in triggers.items() if t in tables}
    assert logs == {tables[0]: 3, tables[1]: 3}  # rows, truncate, in turn
    assert sorted(n for t, n in triggers.items() if t not in tables) == [2, 2]  # each chain's rows and truncate
