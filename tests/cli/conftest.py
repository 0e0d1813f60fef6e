"""Stores with something in them, built through the CLI as a user would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.conftest import Ctrack, fresh_pg_store
from tests.cli.helpers import DATASET, DATASET_EVENTS


SEED = [
    {"type": "source_registered", "source": "tdi", "title": "Trilateral cooperation to advance trade",
     "publisher": "The Diplomatic Insight", "url": "https://example.org/tdi", "published_on": "2024-05-29"},
    {"type": "meeting_held", "meeting": "camp-david", "on": "2023-08-18", "kind": "trilateral-summit",
     "title": "Camp David Summit", "parties": ["US", "JP", "KR"], "place": "Camp David"},
    {"type": "commitment_made", "commitment": "deliver", "on": "2024-01-10", "title": "Deliver the thing",
     "parties": ["US", "JP"], "due": "2024-06-30", "source": "tdi", "quote": "we will deliver"},
    {"type": "commitment_made", "commitment": "later", "on": "2024-02-01", "title": "Deliver a better thing",
     "parties": ["US", "JP"]},
    {"type": "commitment_made", "commitment": "principle", "on": "2023-08-18", "title": "Consult expeditiously",
     "parties": ["US", "JP", "KR"], "cadence": "standing", "meeting": "camp-david"},
    {"type": "commitment_made", "commitment": "yearly", "on": "2023-08-18", "title": "Meet every year",
     "parties": ["US", "JP", "KR"], "cadence": "annual", "meeting": "camp-david"},
]  # fmt: skip
SEED_MORE = [
    {"type": "statement_issued", "statement": "joint", "on": "2024-01-10", "parties": ["US", "JP"],
     "text": "We will deliver.", "about": ["deliver"]},
    {"type": "commitment_reaffirmed", "commitment": "deliver", "on": "2024-02-01"},
    {"type": "progress_reported", "commitment": "later", "on": "2024-03-01", "note": "drafting"},
    {"type": "event_retracted", "target": "later#2", "reason": "wrong commitment"},
]  # fmt: skip


def seed(ctrack: Any, directory: Path, more: bool = False) -> Any:
    """A source, a meeting and one commitment of each kind of cadence (one ``import``).

    - source ``tdi``; meeting ``camp-david`` (trilateral-summit, 2023-08-18, US+JP+KR)
    - ``deliver`` (once, US+JP, made 2024-01-10, due 2024-06-30)
    - ``later`` (once, US+JP, made 2024-02-01): something to supersede ``deliver`` with
    - ``principle`` (standing, US+JP+KR, made at camp-david on 2023-08-18)
    - ``yearly`` (annual, US+JP+KR, made 2023-08-18)

    ``more``: also statement ``joint`` about deliver, a reaffirmation ``deliver#2`` and a
    progress ``later#2`` retracted by ``later#3``.
    """
    path = directory / "seed.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in SEED + (SEED_MORE if more else [])), encoding="utf-8")
    ctrack.ok("import", str(path))
    return ctrack


@pytest.fixture
def seeded(ctrack: Any, tmp_path: Path) -> Any:
    """A fresh store per test, see ``seed``."""
    return seed(ctrack, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One ``seed(more=True)`` store per module and backend, for tests that must leave it untouched."""

    with pytest.MonkeyPatch.context() as patch:
        for variable in ("TRACKER_STORE", "TRACKER_CIPHER_KEY"):
            patch.delenv(variable, raising=False)
        directory = tmp_path_factory.mktemp("shared")
        if request.param == "sqlite":
            yield from _unchanged(seed(Ctrack(str(directory / "tracker.db")), directory, more=True))
            return
        with fresh_pg_store() as url:
            yield from _unchanged(seed(Ctrack(url), directory, more=True))


@pytest.fixture(scope="module")
def shared_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``shared`` on SQLite only: for usage errors, which are refused before any store is opened."""

    with pytest.MonkeyPatch.context() as patch:
        for variable in ("TRACKER_STORE", "TRACKER_CIPHER_KEY"):
            patch.delenv(variable, raising=False)
        directory = tmp_path_factory.mktemp("shared-sqlite")
        yield from _unchanged(seed(Ctrack(str(directory / "tracker.db")), directory, more=True))


def _with_baseline(ctrack: Any) -> Any:
    """Remember the store's export: ``ctrack.baseline``, what it must still hold after each test."""
    ctrack.baseline = ctrack.ok("export").stdout
    return ctrack


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def trilateral_shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The bundled dataset, imported once per module and backend: for tests that only read."""

    with pytest.MonkeyPatch.context() as patch:
        for variable in ("TRACKER_STORE", "TRACKER_CIPHER_KEY"):
            patch.delenv(variable, raising=False)
        if request.param == "sqlite":
            yield from _read_only(Ctrack(str(tmp_path_factory.mktemp("trilateral") / "tracker.db")))
            return
        with fresh_pg_store() as url:
            yield from _read_only(Ctrack(url))


@pytest.fixture(scope="module")
def trilateral_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``trilateral_shared`` on SQLite only: for tests of the CLI's own behaviour (layout, parsing,
    navigation), which no backend changes."""

    with pytest.MonkeyPatch.context() as patch:
        for variable in ("TRACKER_STORE", "TRACKER_CIPHER_KEY", "COLUMNS"):
            patch.delenv(variable, raising=False)
        yield from _read_only(Ctrack(str(tmp_path_factory.mktemp("trilateral-sqlite") / "tracker.db")))


def _read_only(store: Any) -> Iterator[Any]:
    store.ok("import", str(DATASET))
    yield from _unchanged(store)


def _unchanged(store: Any) -> Iterator[Any]:
    """Yield the store with its baseline; at the end of the module, it must still hold just that."""
    yield _with_baseline(store)
    assert store.ok("export").stdout == store.baseline, "a test changed the shared store"


@pytest.fixture
def trilateral(ctrack: Any) -> Any:
    """The bundled US-Japan-ROK dataset, imported with ``ctrack import``."""
    result = ctrack.ok("import", str(DATASET))
    assert f"imported {DATASET_EVENTS} events" in result.stderr
    return ctrack


@pytest.fixture
def bare_cli() -> Any:
    """``ctrack`` exactly as typed: no --store, no --by (the caller gives env and options)."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Any:
    """write(name, text_or_bytes) -> path of a new file in the test's directory."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def other_store(ctrack: Any, tmp_path: Path) -> Iterator[Any]:
    """A second, empty store on the same backend as ``ctrack`` (SQLite file or PostgreSQL schema)."""

    if not ctrack.store.startswith("postgres"):
        yield Ctrack(str(tmp_path / "other.db"))
        return
    with fresh_pg_store() as url:
        yield Ctrack(url)
