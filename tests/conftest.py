"""Shared fixtures: real stores (a SQLite file; a PostgreSQL schema) and the CLI as a user runs it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from commitment_tracker.cli.main import cli

PG_DSN = os.environ.get("TRACKER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _postgres_available() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(_libpq(PG_DSN), connect_timeout=3):
            return None
    except Exception as error:  # any failure means: no usable server
        return f"no PostgreSQL server at {PG_DSN}: {str(error).splitlines()[0] if str(error) else error!r}"


def _libpq(url: str) -> str:
    return url.split("?")[0]


_PG_PROBLEM: str | None | bool = False


def postgres_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _postgres_available()
    return _PG_PROBLEM  # type: ignore[return-value]


@contextmanager
def fresh_pg_store() -> Iterator[str]:
    """A store URL on a new, empty PostgreSQL schema, dropped afterwards.

    Outside CI it skips with the reason when no server answers; under CI=true that is a failure.
    """
    problem = postgres_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL tests must run in CI: {problem}")
        pytest.skip(problem)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(PG_DSN), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_DSN}?schema={schema}"
    finally:
        with psycopg.connect(_libpq(PG_DSN), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_pg_store() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """The same test body on both stores."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


class Ctrack:
    """Runs ``ctrack --store URL ...`` in-process, the way a user types it."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return self.runner.invoke(cli, ["--store", self.store, "--by", "tester", *args], input=input,
                                  env=env, catch_exceptions=False)  # fmt: skip

    def ok(self, *args: str, **kwargs: object) -> Result:
        result = self(*args, **kwargs)  # type: ignore[arg-type]
        assert result.exit_code == 0, f"ctrack {' '.join(args)} failed: {result.stderr}"
        return result

    def json(self, *args: str) -> object:
        import json

        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def forbid_whole_log(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it once the view is caught up: from then on, any read of the whole log fails the test."""
    from commitment_tracker.tracker.application import Tracker

    def whole_log(self: object, *args: object, **kwargs: object) -> None:
        raise AssertionError("the whole log was read")

    return lambda: monkeypatch.setattr(Tracker, "log", whole_log)


@pytest.fixture
def ctrack(store_url: str) -> Ctrack:
    return Ctrack(store_url)


@pytest.fixture
def ctrack_sqlite(sqlite_url: str) -> Ctrack:
    return Ctrack(sqlite_url)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the user's real store, data directory or identity."""
    monkeypatch.delenv("TRACKER_STORE", raising=False)
    monkeypatch.delenv("TRACKER_CIPHER_KEY", raising=False)
    monkeypatch.setenv("TRACKER_USER", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
