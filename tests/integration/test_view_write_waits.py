"""A view write that finds another process writing waits its turn, whatever its first statement.

In WAL mode a transaction whose first statement only reads (``CREATE INDEX IF NOT EXISTS`` of an
index that exists reads the schema) holds a read snapshot; its first write then fails at once,
without the busy wait, if another connection committed meanwhile. A first catch-up ending its
bulk mode while another process's rebuild wrote failed so with "database is locked" (a race test,
once a rebuild's reset had become fast enough to overlap it).
"""

from __future__ import annotations

import sqlite3
import threading
import time

from commitment_tracker import events as ev
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store


def _hold_the_write_lock(path: str, seconds: float) -> tuple[threading.Thread, threading.Event]:
    holding = threading.Event()

    def other_writer() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("CREATE TABLE IF NOT EXISTS elsewhere (x)")
        other.execute("INSERT INTO elsewhere VALUES (1)")
        holding.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert holding.wait(5)
    return thread, holding


def test_the_end_of_a_bulk_write_waits_for_another_writer(sqlite_url: str) -> None:
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="c1", on="2024-01-01", title="C 1", parties=("US",))], "t")
        reader = ViewReader(tracker)
        reader.catch_up()
        with reader.view.bulk():  # type: ignore[attr-defined]
            thread, _ = _hold_the_write_lock(sqlite_url, 0.5)
        thread.join()  # the indexes were made again after the other writer committed, not refused
        reader.rebuild()
        reader.close()


def test_a_reset_waits_for_another_writer(sqlite_url: str) -> None:
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="c1", on="2024-01-01", title="C 1", parties=("US",))], "t")
        reader = ViewReader(tracker)
        reader.catch_up()
        thread, _ = _hold_the_write_lock(sqlite_url, 0.5)
        reader.view.reset(tracker.name)  # type: ignore[attr-defined]
        thread.join()
        reader.rebuild()
        reader.close()
