"""``ctrack store init`` (cli/store.py): make a store's tables, and again safely."""

from __future__ import annotations

import sqlite3

from tests.cli.helpers import DATASET


def _tables(path: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_store_init_creates_the_log_and_the_view_and_says_so(ctrack_sqlite):
    result = ctrack_sqlite.ok("store", "init")
    assert "created a new store at" in result.stderr
    tables = _tables(ctrack_sqlite.store)
    assert {"stored_events", "log_chain", "view_intervals", "view_facts"} <= tables


def test_store_init_again_changes_no_event_and_no_answer(ctrack_sqlite):
    ctrack_sqlite.ok("import", str(DATASET))
    digest = ctrack_sqlite.json("verify")["digest"]
    board = ctrack_sqlite.json("status", "--as-of", "2025-10-01")["commitments"]
    again = ctrack_sqlite.ok("store", "init")
    assert "initialised the store at" in again.stderr
    assert ctrack_sqlite.json("verify")["digest"] == digest
    assert ctrack_sqlite.json("status", "--as-of", "2025-10-01")["commitments"] == board
