"""A rebuild's reset frees the view's pages without writing each of them again.

SQLite zeroes every page it frees when ``secure_delete`` is on, and some builds (Debian's among
them) turn it on by default: emptying the view then wrote every page of it to the write-ahead log
and again into the database, a second copy of the view's size before the rebuild wrote a byte of
the new one. The view of a clear store holds nothing its log does not hold in clear, so there it
is off; a store with a key zeroes what it frees on the reset that reseals a view written in clear
(``test_encryption``), whatever the build's default.
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from benchmarks.spread import generate
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store

FRAME = 4096 + 24  # a page of the default size in the write-ahead log, with its frame header


@pytest.mark.parametrize("build_default", ["ON", "OFF"])
def test_a_reset_of_a_clear_view_writes_a_few_pages_not_the_views(tmp_path, monkeypatch, build_default) -> None:
    _as_if_built_with(monkeypatch, build_default)
    lines = tmp_path / "spread.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(3000, 5)))
    path = str(tmp_path / "t.db")
    with open_tracker(resolve_store(path)) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    free_before = raw.execute("PRAGMA freelist_count").fetchone()[0]
    assert os.path.getsize(path + "-wal") == 0
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        reader.view.reset(tracker.name)  # type: ignore[attr-defined]
        written = os.path.getsize(path + "-wal") // FRAME
        freed = raw.execute("PRAGMA freelist_count").fetchone()[0] - free_before
        reader.close()
    raw.close()
    assert freed > 200, freed  # the view of 3,000 events: hundreds of pages
    assert written < freed / 10, (written, freed)


def _as_if_built_with(monkeypatch, default: str) -> None:
    """Every connection the tracker opens starts with ``secure_delete`` as a build with that
    default would set it."""
    import eventsourcing.sqlite

    connect = sqlite3.connect

    def connecting(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.execute(f"PRAGMA secure_delete = {default}")
        return connection

    monkeypatch.setattr(eventsourcing.sqlite.sqlite3, "connect", connecting)
