"""verify's view check replays catch-up's batches at what they cost catch-up, and still catches a
lie told about any of them.

On a log recorded on the same commitments for years, every batch touches nearly every
commitment. Deriving each commitment again from its whole stream so far at every batch that
touched it costs the square of its stream: the check took 2.5 times a rebuild. Catch-up resumes a
commitment's fold where a batch of status events changes it; the check, replaying the batches,
resumes where catch-up did, from its own rows (derived from the log's facts, never read back
from the view it checks), and derives whole where catch-up derived whole.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from benchmarks.spread import generate
from commitment_tracker.projections.view import catchup, check
from commitment_tracker.projections.view.check import check_view
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.integration.test_view_guard import View

FOREVER = "9999-12-31T23:59:59.999999Z"


def _derived_records(monkeypatch, module) -> list[int]:
    """From now on, how many records each whole derivation of a commitment in ``module`` folds."""
    folded: list[int] = []
    original = module.derive_commitment

    def counted(entity, records, clear=True):
        folded.append(len(records))
        return original(entity, records, clear=clear)

    monkeypatch.setattr(module, "derive_commitment", counted)
    return folded


def _paged_spread(tmp_path, monkeypatch, size: int = 3000, page: int = 97) -> str:
    """A log recorded on 30 commitments for years, caught up in pages of ``page`` events."""
    lines = tmp_path / "spread.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(size, 11)))
    path = str(tmp_path / "t.db")
    monkeypatch.setattr(catchup, "PAGE", page)
    with open_tracker(resolve_store(path)) as tracker:
        tracker.import_file(lines, "tester")
    return path


def test_the_check_folds_no_more_of_each_stream_than_catch_up_did(tmp_path, monkeypatch) -> None:
    path = _paged_spread(tmp_path, monkeypatch)
    with open_tracker(resolve_store(path)) as tracker:
        by_catch_up = _derived_records(monkeypatch, catchup)
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
        by_check = _derived_records(monkeypatch, check)
        assert check_view(tracker) is None
    log = 3000
    # Catch-up derives a commitment whole at its making and where a batch brings more than status
    # events; it resumes every other batch. The check derives whole no more than that.
    assert sum(by_check) <= sum(by_catch_up) + log // 10, (sum(by_check), sum(by_catch_up))
    assert sum(by_catch_up) < 3 * log  # the history does resume (else this test proves nothing)


def _closed(view: View, table: str, key: str, entity: str) -> list[tuple]:
    return view.run(f"SELECT {key}, known_from FROM {table} WHERE entity = '{entity}' AND known_to <> '{FOREVER}' "
                    "ORDER BY known_from")  # fmt: skip


@pytest.mark.parametrize(
    "attack",
    ["closed interval's status", "closed interval's end", "open interval's known_from",
     "closed step's day", "open step's known_from", "closed interval deleted"],
)  # fmt: skip
def test_a_lie_about_a_resumed_batch_is_caught(tmp_path, monkeypatch, attack: str) -> None:
    """Rows written by resumed batches, in the middle of the history: rewritten, moved in record
    time or deleted, each is named by the check."""
    path = _paged_spread(tmp_path, monkeypatch)
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
        assert check_view(tracker) is None
    view = View(path)
    view.drop_guards()
    entity = "s0000003"
    table = "view_steps" if "step" in attack else "view_intervals"
    key = "position" if table == "view_steps" else "valid_from"
    if attack.startswith("open"):
        rows = view.run(f"SELECT {key}, known_from FROM {table} WHERE entity = '{entity}' AND known_to = '{FOREVER}' "
                        "ORDER BY known_from")  # fmt: skip
    else:
        rows = _closed(view, table, key, entity)
    assert len(rows) >= 5, "the history must leave rows written batch after batch"
    value, known_from = rows[len(rows) // 2]
    where = f"entity = '{entity}' AND {key} = ? AND known_from = ?"
    statement = {
        "closed interval's status": f"UPDATE {table} SET status = 'abandoned' WHERE {where}",
        "closed interval's end": f"UPDATE {table} SET valid_to = '2099-01-01' WHERE {where}",
        "open interval's known_from": f"UPDATE {table} SET known_from = '2000-01-01T00:00:00.000000Z' WHERE {where}",
        "closed step's day": f"UPDATE {table} SET day = '1999-01-01' WHERE {where}",
        "open step's known_from": f"UPDATE {table} SET known_from = '2000-01-01T00:00:00.000000Z' WHERE {where}",
        "closed interval deleted": f"DELETE FROM {table} WHERE {where}",
    }[attack]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert conn.execute(statement, [value, known_from]).rowcount == 1
    finally:
        conn.close()
    with open_tracker(resolve_store(path)) as tracker:
        found = check_view(tracker)
    assert found is not None and table in found and entity in found, found


def test_the_search_index_is_checked_without_holding_it(tmp_path, monkeypatch) -> None:
    """FTS5's integrity-check runs on a copy of the index's shadow tables (it is an INSERT: the
    store is not written). At a million events the index is some hundreds of MB: the copy is made a
    few thousand rows at a time into a temporary file, not read whole into memory."""
    import tracemalloc

    from commitment_tracker.projections.view import sqlite as view_sqlite
    from commitment_tracker.projections.view.creation import open_view

    path = _paged_spread(tmp_path, monkeypatch, size=20000, page=20000)
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
        view = open_view(tracker, create=False)
        held = view.read("SELECT sum(length(block)) FROM view_search_data")[0][0]
        held += view.read("SELECT sum(length(c0) + length(c2) + length(c3) + length(c4)) FROM view_search_content")[0][0]
        assert held > 500_000
        monkeypatch.setattr(view_sqlite, "COPIED", 10)
        tracemalloc.start()
        try:
            assert view.search_index_problem() is None
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            view.datastore.close()
    assert peak < held / 4, (peak, held)


def _work_per_event(tmp_path, monkeypatch, size: int) -> float:
    """SQLite's virtual-machine steps (counted every 100 by a progress handler) that the check's
    first pass (the log's facts against ``view_facts``, a page of the log at a time) takes per
    event, on a spread log of ``size`` events checked in pages of 100."""
    import eventsourcing.sqlite

    steps = [0]
    counting = [False]
    connect = eventsourcing.sqlite.sqlite3.connect

    def counted(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + counting[0]) or 0, 100)
        return conn

    (tmp_path / str(size)).mkdir()
    path = _paged_spread(tmp_path / str(size), monkeypatch, size=size, page=5000)
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
    monkeypatch.setattr(eventsourcing.sqlite.sqlite3, "connect", counted)
    monkeypatch.setattr(check, "PAGE", 100)
    compare = check._page_difference

    def page_difference(*args):
        counting[0] = True
        try:
            return compare(*args)
        finally:
            counting[0] = False

    monkeypatch.setattr(check, "_page_difference", page_difference)
    with open_tracker(resolve_store(path)) as tracker:
        assert check_view(tracker) is None
    return steps[0] / size


def test_the_check_finds_each_fact_by_its_key_whatever_the_log_holds(tmp_path, monkeypatch) -> None:
    """Each page of the log is compared with the facts stored for it, found by their keys: reading
    every fact of every commitment the page names (and keeping those of the page) costs the whole
    log per page on a log kept on the same commitments for years."""
    small = _work_per_event(tmp_path, monkeypatch, 2000)
    large = _work_per_event(tmp_path, monkeypatch, 8000)
    assert small > 0
    assert large < 1.5 * small, (small, large)
