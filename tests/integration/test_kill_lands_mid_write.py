"""SIGKILL that provably lands while a write is under way leaves all or nothing.

``test_processes.py`` kills an import after a fixed delay and accepts either outcome, but never
knows whether the kill came before the import began writing, while its transaction held chunks,
or after it committed: on a fast machine it may test only the two easy ends. Here the kill lands
at a known point. The command runs in a child process whose writer, right after the chosen step,
writes a line to a pipe and sleeps; the parent waits for that line, then kills the child's whole
process group. So the kill lands:

- in an import, after its first chunk (or its last: every line written, only the commit missing)
  is in the database inside the import's one transaction, which the child counts from within it
  and the parent checks nobody else can see yet: the log must be exactly as before;
- in ``rebuild`` and in a first catch-up of the status view, after a page is committed (the view is
  left part-built) or while a page's rows are written but not committed: the next query must catch
  the view up to the same board, and ``verify`` must find log and view sound.

Catch-up runs with pages of ``PAGE`` events in the child (the product's own page is 20,000), so a
few thousand events make several pages: the page size is the child's only change of behaviour.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import write
from commitment_tracker.tracker import application, open_tracker, resolve_store
from tests.cli.helpers import made
from tests.conftest import Ctrack

pytestmark = pytest.mark.slow

CHUNK = application.IMPORT_CHUNK
PAGE = 1000
#: Events in the bulk file: three chunks, 1,000, 1,000 and a last short one of 500.
BULK = 2500
SEED = [
    {"type": "source_registered", "source": "tdi", "title": "Trilateral cooperation"},
    made("deliver", due="2024-06-30", source="tdi"),
    {"type": "commitment_reaffirmed", "commitment": "deliver", "on": "2024-02-01"},
]

#: Runs ``ctrack ARGS...`` with one step of its writer wrapped: after that step's Nth call it reports
#: on the pipe and sleeps until killed. argv: pipe fd, step, N, then the command line.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    fd, step, nth = int(sys.argv.pop(1)), sys.argv.pop(1), int(sys.argv.pop(1))
    from commitment_tracker.projections.view import catchup, recorder, tails
    from commitment_tracker.tracker import bulk
    catchup.PAGE = %(page)d
    calls = []

    def stop_here(report):
        os.write(fd, (report + "\\n").encode())
        time.sleep(600)

    if step == "chunk":  # an import's chunk written, its transaction still open
        wrapped = bulk.BulkWriter.write
        def write(self, records, streams):
            wrapped(self, records, streams)
            calls.append(1)
            if len(calls) == nth:
                self.cursor.execute(self.count)
                stop_here(str(self.cursor.fetchone()["n"]))
        bulk.BulkWriter.write = write
    elif step == "page":  # a catch-up page committed, the view at its new position
        wrapped = tails.Tails.written
        def written(self, position):
            wrapped(self, position)
            calls.append(1)
            if len(calls) == nth:
                stop_here(str(position))
        tails.Tails.written = written
    elif step == "page-open":  # a catch-up page's rows written, its transaction still open
        wrapped = recorder.ViewSQL.write_batch
        def write_batch(self, cursor, facts, *rows):
            wrapped(self, cursor, facts, *rows)
            calls.append(1)
            if len(calls) == nth:
                stop_here(str(len(facts)))
        recorder.ViewSQL.write_batch = write_batch
    else:
        raise SystemExit("unknown step " + step)

    from commitment_tracker.cli import main
    main()
    """
) % {"page": PAGE}


def _kill_after(store: str, step: str, nth: int, *args: str, log: Path) -> int:
    """Run ``ctrack ARGS`` in a child, SIGKILL it once it reports the ``nth`` ``step``; return
    what it reported (an event count or a view position)."""
    read, written = os.pipe()
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(written), step, str(nth),
             "--store", store, "--by", "tester", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, pass_fds=(written,),
            start_new_session=True,
        )  # fmt: skip
    os.close(written)  # the child's end only: EOF on ours means it exited without reporting
    try:
        ready, _, _ = select.select([read], [], [], 60)
        report = os.read(read, 100).decode() if ready else ""
        # Still sleeping at the step (not finished, not crashed) when the kill comes.
        alive = process.poll() is None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        os.close(read)
    said = log.read_text(errors="replace")
    assert report.endswith("\n") and alive, f"the child never stopped at {step} {nth}: {said}"
    assert process.returncode == -signal.SIGKILL, said
    return int(report)


def _events(store: str) -> int:
    with open_tracker(resolve_store(store)) as tracker:
        return tracker.count_events()


def _board(ctrack: Ctrack) -> Any:
    """The board now (caught up first, as every query does), without the moment it was asked."""
    data = ctrack.json("status")
    data.pop("known_at")  # type: ignore[union-attr]
    return data


def _verified(ctrack: Ctrack, events: int) -> dict[str, Any]:
    result = json.loads(ctrack.ok("verify", "--json").stdout)
    assert result["ok"] and result["problem"] is None, result
    assert result["events"] == events, result
    return result


def _seeded(ctrack: Ctrack, folder: Path, read: bool = True) -> int:
    """The seed imported; unless not ``read``, the status view caught up with it."""
    path = folder / "seed.jsonl"
    path.write_text("".join(json.dumps(event) + "\n" for event in SEED), encoding="utf-8")
    ctrack.ok("import", str(path))
    if read:
        ctrack.ok("status")
    return len(SEED)


@pytest.fixture(scope="module")
def bulk_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # No record times: the store already holds events recorded now.
    return write(tmp_path_factory.mktemp("bulk") / "bulk.jsonl", BULK, seed=5, record_times=False,
                 prefix="bulk-")



# --- an import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 3], ids=["after-the-first-chunk", "after-the-last-chunk-before-commit"])
def test_an_import_killed_with_chunks_written_in_its_transaction_leaves_nothing(
    store_url: str, tmp_path: Path, bulk_file: Path, chunk: int
) -> None:
    ctrack = Ctrack(store_url)
    before = _seeded(ctrack, tmp_path)
    checkpoint = ctrack.ok("checkpoint").stdout

    inside = _kill_after(store_url, "chunk", chunk, "import", str(bulk_file), log=tmp_path / "child.err")
    # Where the kill landed: the chunks were in the database within the import's transaction ...
    assert inside == before + min(chunk * CHUNK, BULK)
    # ... and none of it was committed: the kill landed between the write and the commit.
    assert _events(store_url) == before
    assert ctrack.ok("checkpoint").stdout == checkpoint  # same digest: no link of the chain either
    _verified(ctrack, before)
    assert [item["id"] for item in _board(ctrack)["commitments"]] == ["deliver"]
    # The store takes the same file again, whole.
    ctrack.ok("import", str(bulk_file))
    assert _events(store_url) == before + BULK
    _verified(ctrack, before + BULK)


def test_the_first_import_into_a_new_store_killed_mid_write_leaves_an_empty_store(
    store_url: str, tmp_path: Path, bulk_file: Path
) -> None:
    # The store is created (and committed) before the import's transaction opens: what the kill
    # may leave is a store without events, never a store with some.
    store = store_url if store_url.startswith("postgresql") else str(tmp_path / "new" / "tracker.db")
    ctrack = Ctrack(store)
    assert _kill_after(store, "chunk", 1, "import", str(bulk_file), log=tmp_path / "child.err") == CHUNK
    assert _events(store) == 0
    ctrack.ok("status")
    _verified(ctrack, 0)
    ctrack.ok("import", str(bulk_file))
    assert _events(store) == BULK
    _verified(ctrack, BULK)


# --- the status view: rebuild and a first catch-up -----------------------------------------------

VIEW_CASES = [
    # (command, step, nth, where the view was left when the kill landed)
    pytest.param("rebuild", "page", 1, PAGE, id="rebuild-after-its-first-page-committed"),
    pytest.param("rebuild", "page-open", 2, PAGE, id="rebuild-with-its-second-page-uncommitted"),
    pytest.param("rebuild", "page-open", 1, 0, id="rebuild-with-its-first-page-uncommitted"),
    pytest.param("status", "page", 1, PAGE, id="first-catch-up-after-its-first-page-committed"),
    pytest.param("status", "page-open", 2, PAGE, id="first-catch-up-with-its-second-page-uncommitted"),
]


def _view_position(store: str) -> int:
    from commitment_tracker.projections.view.reader import ViewReader

    with open_tracker(resolve_store(store)) as tracker:
        reader = ViewReader(tracker)
        try:
            return reader.projection.position()
        finally:
            reader.close()


@pytest.mark.parametrize(("command", "step", "nth", "left_at"), VIEW_CASES)
def test_a_view_write_killed_mid_way_is_caught_up_by_the_next_query(
    store_url: str, tmp_path: Path, bulk_file: Path, command: str, step: str, nth: int, left_at: int
) -> None:
    ctrack = Ctrack(store_url)
    # For a first catch-up, a store no query has read yet: its view stands at position 0.
    before = _seeded(ctrack, tmp_path, read=command == "rebuild")
    ctrack.ok("import", str(bulk_file))
    total = before + BULK
    if command == "rebuild":
        board = _board(ctrack)  # the view caught up whole: what any later query must answer
    else:
        assert _view_position(store_url) == 0

    _kill_after(store_url, step, nth, command, log=tmp_path / "child.err")
    # The view stands where the last committed page left it, never inside a page.
    assert _view_position(store_url) == left_at
    assert _events(store_url) == total  # the log is never touched by the view's writers

    # verify checks as much of the view as there is; the next query catches it up.
    _verified(ctrack, total)
    caught_up = _board(ctrack)
    assert _view_position(store_url) == total
    # The indexes a first catch-up or a rebuild drops while it writes (SQLite) are back once the
    # next query has caught the view up: else every later query would scan what they index.
    assert _missing_indexes(store_url) == set()
    if command == "status":
        ctrack.ok("rebuild")
        board = _board(ctrack)
    assert caught_up == board
    assert _verified(ctrack, total)["view_events"] == total


def _missing_indexes(store: str) -> set[str]:
    """The indexes the view's layout names that the store lacks (none are dropped on PostgreSQL)."""
    from commitment_tracker.projections.view.tables import INDEXES

    if store.startswith("postgresql"):
        return set()
    import sqlite3

    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as connection:
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    return {name for name, _, _ in INDEXES} - present
