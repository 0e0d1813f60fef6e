"""rebuild racing another reader's catch-up never leaves a partial view."""

from __future__ import annotations

import subprocess
import sys

from commitment_tracker import events as ev
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.projections.clocks import Clocks


def _commitments(url: str, count: int) -> None:
    with open_tracker(resolve_store(url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment=f"c{i}", on="2024-01-01", title=f"C {i}",
                                 parties=("US", "JP")) for i in range(count)], "t")  # fmt: skip


def _board(url: str) -> list[str]:
    with open_tracker(resolve_store(url)) as tracker:
        reader = ViewReader(tracker)
        try:
            reader.catch_up()
            from datetime import date

            return sorted(row["id"] for row in reader.board(Clocks(date(2025, 1, 1))))
        finally:
            reader.close()


def test_a_reset_between_a_readers_read_and_its_write_leaves_no_partial_view(store_url: str) -> None:
    _commitments(store_url, 17)
    _board(store_url)
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="c17", on="2024-01-01", title="C 17",
                                 parties=("US",))], "t")  # fmt: skip
        reader, rebuilder = ViewReader(tracker), ViewReader(tracker)  # two connections, as two processes
        computed = reader.projection._batch

        def reset_meanwhile(records):  # the reader is one event behind: its page is one event
            rows = computed(records)
            rebuilder.view.reset(tracker.name)  # rebuild's first step lands between its read and write
            return rows

        reader.projection._batch = reset_meanwhile
        reader.catch_up()
        reader.projection._batch = computed
        rebuilder.projection.catch_up()  # rebuild goes on
        reader.close()
        rebuilder.close()
    assert _board(store_url) == sorted(f"c{i}" for i in range(18))


REBUILD = "from commitment_tracker.cli import main; main()"


def test_rebuild_and_readers_in_other_processes_agree_with_the_log(sqlite_url: str) -> None:
    # SQLite only for now: on PostgreSQL, a process opening the view (CREATE INDEX IF NOT EXISTS
    # takes a SHARE lock) can deadlock with another's catch-up page; that belongs to store opening.
    store_url = sqlite_url
    _commitments(store_url, 300)
    _board(store_url)
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("commitment_reaffirmed", commitment="c1", on="2024-02-01")], "t")
    cli = [sys.executable, "-m", "commitment_tracker", "--store", store_url]
    processes = [subprocess.Popen([*cli, "rebuild"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)]
    processes += [subprocess.Popen([*cli, "status", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                  for _ in range(3)]  # fmt: skip
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    assert _board(store_url) == sorted(f"c{i}" for i in range(300))
