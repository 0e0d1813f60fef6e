"""Appends to a PostgreSQL store take turns under a lock: a writer waits for it no longer than the
connection's lock timeout (README: every wait is bounded), and only a role that may record can
hold it.

The lock is taken here exactly as the recorder takes it (``_lock_table``), whatever it is; the
lock timeout is made short, so that no test waits the 30 s a user would."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker import store as stores
from tests.conftest import PG_DSN, Ctrack
from tests.cli.helpers import error_line, untouched

pytestmark = pytest.mark.postgres

PLEDGE = ("pledge", "b", "--on", "2024-01-01", "--title", "B", "--party", "US")
#: The lock timeout the tests set (seconds), so that nobody waits the default 30 s.
BOUND = 2


def _admin() -> object:
    import psycopg

    return psycopg.connect(PG_DSN.split("?")[0], autocommit=True)


@pytest.fixture
def store(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An initialised store holding one pledge; every lock wait is bounded by ``BOUND`` s."""
    monkeypatch.setattr(stores, "LOCK_TIMEOUT", BOUND)
    Ctrack(pg_url).ok("store", "init")
    Ctrack(pg_url).ok("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")
    return pg_url


@pytest.fixture
def intruder() -> Iterator[str]:
    """A role that may log in to the database (PUBLIC's CONNECT) and holds no grant on the store."""
    role = f"intruder_{uuid.uuid4().hex[:8]}"
    with _admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    yield role
    with _admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def test_a_recording_command_gives_up_within_the_lock_timeout_and_writes_nothing(store: str) -> None:
    ctrack = Ctrack(store)
    with open_tracker(resolve_store(store)) as holder, untouched(ctrack):
        recorder = holder.recorder
        with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            recorder._lock_table(cursor)  # type: ignore[attr-defined]
            started = time.monotonic()
            result = ctrack(*PLEDGE)
            waited = time.monotonic() - started
        error_line(result, 1, "busy", "lock")
        assert BOUND - 0.5 <= waited <= BOUND + 5, waited  # it waited its turn, and then gave up
    assert ctrack.ok(*PLEDGE).stdout == "b#1\n"  # once the lock is free, the same command records


def test_a_role_without_grants_on_the_store_cannot_hold_the_append_lock(store: str, intruder: str) -> None:
    import psycopg

    with open_tracker(resolve_store(store)) as owner:
        recorder = owner.recorder
        with psycopg.connect(PG_DSN.split("?")[0].replace("postgres@", f"{intruder}@")) as conn:
            took = True
            try:
                with conn.cursor() as cursor:
                    recorder._lock_table(cursor)  # type: ignore[attr-defined]
            except psycopg.Error as error:
                took = False
                assert "permission denied" in str(error)
            # Whatever the intruder's transaction holds, appends go on without waiting for it.
            started = time.monotonic()
            Ctrack(store).ok(*PLEDGE)
            assert time.monotonic() - started < BOUND
            conn.rollback()
    assert not took, "a role with no grant on the store took the append lock"


def test_a_store_made_before_the_lock_table_records_until_store_init_adds_it(pg_url: str, intruder: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """An earlier release's store has no lock table: appends take turns under the advisory lock it
    used, until its owner runs ``store init`` again, which adds the table and grants it to every
    role that may append. From then on an append without the lock is refused (an earlier release
    still running somewhere would not wait for this one)."""
    import psycopg

    monkeypatch.setattr(stores, "LOCK_TIMEOUT", BOUND)
    owner = Ctrack(pg_url)
    owner.ok("store", "init", "--recorder", intruder)  # the intruder is a recorder here
    schema = pg_url.split("schema=")[1]
    with _admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP TRIGGER tracker_events_in_turn ON "{schema}".tracker_events')
        conn.execute(f'DROP FUNCTION "{schema}".tracker_events_in_turn()')
        conn.execute(f'DROP TABLE "{schema}".tracker_events_lock')
    recorder = Ctrack(pg_url.replace("postgresql://postgres@", f"postgresql://{intruder}@"))
    assert recorder.ok("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US").stdout == "a#1\n"
    owner.ok("store", "init")
    assert recorder.ok(*PLEDGE).stdout == "b#1\n"
    with pytest.raises(psycopg.Error, match="upgrade"), _admin() as conn:  # type: ignore[attr-defined]
        conn.execute(f'INSERT INTO "{schema}".tracker_events (originator_id, originator_version, topic, state) '
                     "VALUES (gen_random_uuid(), 1, 'commitment_tracker:commitment_made', '{}')")  # fmt: skip
    assert owner.ok("verify").stdout.startswith("OK: 2 events")
