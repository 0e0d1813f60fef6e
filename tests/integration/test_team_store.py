"""The team store on PostgreSQL is safe to share: least-privilege roles, no DDL on open, readers
that never wait behind a writer, and every libpq parameter passed through."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.synthetic import write
from commitment_tracker import events as ev
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.conftest import PG_DSN, Ctrack

pytestmark = pytest.mark.postgres

PLEDGE = ("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")


def _admin() -> object:
    import psycopg

    return psycopg.connect(PG_DSN.split("?")[0], autocommit=True)


def _as(url: str, role: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://{role}@")


@pytest.fixture
def roles(pg_url: str) -> Iterator[tuple[str, str]]:
    """A recorder and an auditor role, made for this test (login, no privileges of their own)."""
    suffix = uuid.uuid4().hex[:8]
    recorder, auditor = f"recorder_{suffix}", f"auditor_{suffix}"
    with _admin() as conn:  # type: ignore[attr-defined]
        for role in (recorder, auditor):
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
    yield recorder, auditor
    with _admin() as conn:  # type: ignore[attr-defined]
        for role in (recorder, auditor):
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def team(pg_url: str, roles: tuple[str, str]) -> tuple[Ctrack, Ctrack, Ctrack]:
    """The owner initialised the store and granted the two roles; the owner recorded one pledge."""
    recorder, auditor = roles
    owner = Ctrack(pg_url)
    result = owner.ok("store", "init", "--recorder", recorder, "--auditor", auditor)
    assert f"granted {recorder}" in result.stderr and f"granted {auditor}" in result.stderr
    owner.ok(*PLEDGE)
    return owner, Ctrack(_as(pg_url, recorder)), Ctrack(_as(pg_url, auditor))


def _sql_as(url: str, role: str, statement: str) -> str:
    """Run ``statement`` as ``role``; the error message, or '' when it succeeded."""
    import psycopg

    schema = url.rsplit("schema=", 1)[1]
    try:
        with psycopg.connect(PG_DSN.split("?")[0].replace("postgres@", f"{role}@"), autocommit=True) as conn:
            conn.execute(statement.replace("{s}", f'"{schema}"'))
    except psycopg.Error as error:
        return str(error)
    return ""


def test_a_recorder_records_and_queries_but_cannot_rewrite_the_log(team, pg_url: str, roles) -> None:
    _, recorder, _ = team
    role = roles[0]
    assert recorder.ok("reaffirm", "a", "--on", "2024-02-01").stdout == "a#2\n"
    assert [c["id"] for c in recorder.json("status")["commitments"]] == ["a"]
    for attack in ("UPDATE {s}.tracker_events SET topic = 'x'", "DELETE FROM {s}.tracker_events",
                   "TRUNCATE {s}.tracker_events", "UPDATE {s}.tracker_events_chain SET digest = 'x'",
                   "ALTER TABLE {s}.tracker_events DISABLE TRIGGER ALL",
                   "DROP TRIGGER tracker_events_rows_events ON {s}.tracker_events",
                   "SET session_replication_role = replica",
                   "CREATE TABLE {s}.intruder (x int)"):  # fmt: skip
        assert _sql_as(pg_url, role, attack), f"a recorder could: {attack}"
    assert recorder.ok("verify").stdout.startswith("OK: 2 events")


def test_an_auditor_verifies_checkpoints_and_queries_but_cannot_record(team, pg_url: str, roles) -> None:
    owner, recorder, auditor = team
    recorder.ok("reaffirm", "a", "--on", "2024-02-01")  # the view now lags the log: the auditor folds
    assert auditor.ok("verify").stdout.startswith("OK: 2 events")
    assert auditor.ok("checkpoint").stdout == owner.ok("checkpoint").stdout
    board = auditor.json("status")["commitments"]
    assert [(c["id"], c["reaffirmations"]) for c in board] == [("a", 1)]
    assert len(auditor.json("history", "a")["events"]) == 2
    assert auditor.ok("export").stdout == owner.ok("export").stdout
    refused = auditor(*PLEDGE[:1], "b", *PLEDGE[2:])
    assert refused.exit_code == 1 and "read-only for you" in refused.stderr
    assert _sql_as(pg_url, roles[1], "INSERT INTO {s}.view_gaps VALUES ('a', 'x', 'y')")
    assert owner.ok("verify").stdout.startswith("OK: 2 events")


def test_opening_an_initialised_store_runs_no_ddl(team, pg_url: str, roles) -> None:
    """Neither role may create anything in the schema, so any DDL on open would fail them."""
    _, recorder, auditor = team
    for role in roles:
        assert "permission denied" in _sql_as(pg_url, role, "CREATE TABLE {s}.probe (x int)")
    with _admin() as conn:  # type: ignore[attr-defined]
        schema = pg_url.rsplit("schema=", 1)[1]
        conn.execute(f'ALTER ROLE "{roles[1]}" SET default_transaction_read_only = on')
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema]).fetchone()
    for ctrack in (recorder, auditor):
        ctrack.ok("status")
        ctrack.ok("checkpoint")
    auditor.ok("verify")  # even in read-only transactions
    with _admin() as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema]).fetchone() == tables


def test_readers_do_not_wait_for_a_running_import(store_url: str, tmp_path: Path) -> None:
    """While an import holds its transaction open, checkpoint, status and verify answer at once,
    from what was committed before it (on SQLite too)."""
    url = store_url
    Ctrack(url).ok(*PLEDGE)
    Ctrack(url).ok("status")  # the view is current
    before = Ctrack(url).ok("checkpoint").stdout
    bulk = write(tmp_path / "bulk.jsonl", 3000, record_times=False)
    seen: list[subprocess.CompletedProcess[str]] = []

    def read_while_importing(written: int) -> None:
        if seen:
            return
        for args in (("checkpoint",), ("status", "--json"), ("verify",)):
            # A reader stuck behind the import would time out here, failing the test.
            seen.append(subprocess.run([sys.executable, "-m", "commitment_tracker", "--store", url, *args],
                                       capture_output=True, text=True, timeout=60))  # fmt: skip

    with open_tracker(resolve_store(url)) as tracker:
        tracker.import_file(bulk, "importer", progress=read_while_importing)
    checkpoint, status, verify = seen
    assert checkpoint.returncode == 0 and checkpoint.stdout == before, checkpoint.stderr
    assert status.returncode == 0 and [c["id"] for c in json.loads(status.stdout)["commitments"]] == ["a"]
    assert verify.returncode == 0 and verify.stdout.startswith("OK: 1 events"), verify.stderr
    assert Ctrack(url).ok("checkpoint").stdout != before


def test_libpq_parameters_reach_every_connection(pg_url: str) -> None:
    url = pg_url + "&application_name=ctrack-audit-7&connect_timeout=7"
    with open_tracker(resolve_store(url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="a", on="2024-01-01", title="A", parties=("US",))], "t")
        with tracker.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            row = conn.execute("SELECT current_setting('application_name') AS name, "
                               "current_setting('lock_timeout') AS waits").fetchone()  # fmt: skip
    assert row["name"] == "ctrack-audit-7"
    assert row["waits"] == "30s"  # every lock wait is bounded (README: the team store)
    store = resolve_store(url)
    assert "application_name=ctrack-audit-7" in store.display and "connect_timeout=7" in store.display
    assert store.settings()["POSTGRES_CONNECT_TIMEOUT"] == "7"


def test_url_parameters_reach_the_server_as_written_percent_encoding_and_all(pg_url: str) -> None:
    """RFC 3986 percent-encoding, as libpq reads a URL: %20 is a space, and + is a plus."""
    import psycopg

    url = pg_url + "&options=-c%20work_mem%3D64MB&application_name=audit%20desk%2B1+2"
    wanted = {"work_mem": "64MB", "application_name": "audit desk+1+2", "lock_timeout": "30s"}
    asked = "SELECT " + ", ".join(f"current_setting('{name}') AS {name}" for name in wanted)
    store = resolve_store(url)
    with psycopg.connect(store.conninfo) as direct:  # what store init and the store check open
        assert dict(zip(wanted, direct.execute(asked).fetchone(), strict=True)) == wanted
    with open_tracker(store) as tracker:  # the library's pool
        with tracker.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            assert dict(conn.execute(asked).fetchone()) == wanted
    assert Ctrack(url).ok(*PLEDGE).stdout == "a#1\n"
    assert "options=-c%20work_mem%3D64MB" in store.display


def test_a_recorder_holds_only_insert_and_select_on_the_log(team, pg_url: str, roles) -> None:
    """Least privilege, read from PostgreSQL's own catalogue: no UPDATE, DELETE or TRUNCATE."""
    import psycopg

    schema = pg_url.split("schema=")[1]
    with psycopg.connect(pg_url.split("?")[0], autocommit=True) as conn:
        for table in ("tracker_events", "tracker_events_chain"):
            granted = {row[0] for row in conn.execute(
                "SELECT privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = %s AND table_schema = %s AND table_name = %s", (roles[0], schema, table))}  # fmt: skip
            assert granted == {"INSERT", "SELECT"}, (table, granted)


@pytest.mark.postgres
def test_an_owner_of_the_schema_alone_can_init_the_store(pg_url: str, roles) -> None:
    """The owner a DBA gave a schema, and no right to create schemas in the database, can still run
    store init there: a schema that exists is used, not created again."""
    owner, _ = roles
    schema = pg_url.rsplit("schema=", 1)[1]
    with _admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'REVOKE CREATE ON DATABASE test FROM "{owner}"')
        conn.execute(f'ALTER SCHEMA "{schema}" OWNER TO "{owner}"')
    as_owner = Ctrack(_as(pg_url, owner))
    as_owner.ok("store", "init")
    as_owner.ok(*PLEDGE)
    as_owner.ok("verify")
