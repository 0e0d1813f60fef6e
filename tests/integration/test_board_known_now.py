"""The board as known now reads one row per commitment, however many batches wrote the view.

Every catch-up batch that changes a commitment closes its open rows from the first day it changes
and opens new ones. On a log recorded on the same commitments for years, each batch closes the
row that holds "today" and opens another: every closed version of it still satisfies
``valid_from <= today < valid_to``, so reading the board by those dates visited one row per batch
that ever touched each commitment (430,000 rows for 10,000 commitments at a million events).
The rows known now are the open ones, and a commitment's open rows never overlap in valid time:
the one that holds a day is the last one starting on or before it, one index search away.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date

import pytest

from benchmarks.spread import generate
from commitment_tracker.projections import Log
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view import catchup
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.view.tables import FOREVER, stamp
from commitment_tracker.tracker import open_tracker, resolve_store

DAYS = (date(2011, 6, 1), date(2012, 1, 1), date(2013, 7, 15), date(2018, 3, 3), date(2023, 12, 31), date(2030, 1, 1))
SIZE = 2000  # a spread log of 20 commitments


def _store(url: str, tmp_path, monkeypatch, page: int, size: int = SIZE) -> str:
    """The first ``size`` events of the spread log, caught up in pages of ``page``."""
    lines = tmp_path / f"spread-{page}-{size}.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in list(generate(SIZE, 5))[:size]))
    monkeypatch.setattr(catchup, "PAGE", page)
    with open_tracker(resolve_store(url)) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
    return url


def _counting(monkeypatch) -> list[int]:
    """From now on, the SQLite virtual machine's steps (in hundreds) on every new connection, while
    ``counting[1]`` is set."""
    import eventsourcing.sqlite

    steps = [0, 0]
    connect = eventsourcing.sqlite.sqlite3.connect

    def counted(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + steps[1]) or 0, 100)
        return conn

    monkeypatch.setattr(eventsourcing.sqlite.sqlite3, "connect", counted)
    return steps


def test_the_board_known_now_is_the_folds_on_a_view_written_by_many_batches(store_url, tmp_path, monkeypatch) -> None:
    url = _store(store_url, tmp_path, monkeypatch, page=25)
    with open_tracker(resolve_store(url)) as tracker:
        reader = ViewReader(tracker)
        whole = Log(tracker.log()).known_at(None)
        some = sorted(whole.commitments)[3:9]
        for day in DAYS:
            expected = [status.to_data() for status in whole.board(day)]
            assert reader.board(Clocks(day)) == expected
            assert reader.board_among(some, Clocks(day)) == [row for row in expected if row["id"] in some]
        reader.close()


def _board_steps(url: str, steps: list[int], ids: list[str] | None = None) -> tuple[int, list]:
    with open_tracker(resolve_store(url)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        steps[0], steps[1] = 0, 1
        try:
            rows = [reader.view.board(day.isoformat(), stamp(None)) if ids is None
                    else reader.view.board_of(ids, day.isoformat(), stamp(None)) for day in DAYS]  # fmt: skip
        finally:
            steps[1] = 0
        reader.close()
    return steps[0], [sorted(map(tuple, found)) for found in rows]


@pytest.mark.parametrize("some", [False, True], ids=["every commitment", "some commitments"])
def test_reading_the_board_known_now_costs_what_the_answer_does(tmp_path, monkeypatch, some: bool) -> None:
    """The same commitments, after a quarter of their history caught up in one batch, and after
    all of it caught up in two hundred: the same number of rows to read, at the same cost."""
    short = _store(str(tmp_path / "short.db"), tmp_path, monkeypatch, page=1000, size=SIZE // 4)
    long = _store(str(tmp_path / "long.db"), tmp_path, monkeypatch, page=10)
    with closing(sqlite3.connect(long)) as db:
        versions = db.execute("SELECT count(*) FROM view_intervals WHERE known_to <> ?", [FOREVER]).fetchone()[0]
        commitments = [row[0] for row in db.execute("SELECT entity FROM view_entities WHERE kind = 'commitment' ORDER BY entity")]
    ids = commitments[2:12] if some else None
    assert versions > 30 * len(commitments)  # many versions of every commitment's rows (else this proves nothing)
    steps = _counting(monkeypatch)
    cost_short, rows_short = _board_steps(short, steps, ids)
    cost_long, rows_long = _board_steps(long, steps, ids)
    assert [len(rows) for rows in rows_long] == [len(rows) for rows in rows_short]  # as many rows...
    assert cost_long <= 1.5 * cost_short + 20, (cost_long, cost_short)  # ...at the same cost


@pytest.mark.parametrize("command", [["status"], ["status", "--area", "security"], ["matrix"], ["matrix", "--json"]])
def test_a_board_shown_with_its_scores_is_read_once(sqlite_url: str, monkeypatch, command: list[str]) -> None:
    """``status`` (a score-only commitment shows its average) and ``matrix`` (each cell its score)
    read the board and the score sheet of the same commitments: the sheet is made from the board
    the command read, not from a second reading of it."""
    from click.testing import CliRunner

    from commitment_tracker.cli.main import cli
    from commitment_tracker.projections.view.recorder import ViewSQL
    from tests.integration.demo_view import DATASET

    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", str(DATASET)]).exit_code == 0
    assert runner.invoke(cli, ["--store", sqlite_url, "assess", "denuclearization", "--party", "JP", "--score", "1",
                               "--on", "2025-01-10"]).exit_code == 0  # fmt: skip
    # Two commitments that are only their making and a score: one score-only, one with a deadline.
    for slug, deadline in (("scored-pledge", []), ("scored-annual", ["--cadence", "annual"])):
        assert runner.invoke(cli, ["--store", sqlite_url, "pledge", slug, "--on", "2024-01-10", "--title", slug,
                                   "--party", "US", "--party", "JP", *deadline]).exit_code == 0  # fmt: skip
        assert runner.invoke(cli, ["--store", sqlite_url, "assess", slug, "--party", "US", "--score", "0",
                                   "--on", "2025-02-01"]).exit_code == 0  # fmt: skip
    expected = runner.invoke(cli, ["--store", sqlite_url, *command])
    assert expected.exit_code == 0, expected.output
    reads: list[str] = []
    some: list[list[str]] = []  # the board rows of some commitments read again (which are score-only, say)
    original, original_of = ViewSQL.board, ViewSQL.board_of
    monkeypatch.setattr(ViewSQL, "board", lambda self, day, known: reads.append(day) or original(self, day, known))
    monkeypatch.setattr(ViewSQL, "board_of", lambda self, ids, day, known: some.append(list(ids)) or original_of(self, ids, day, known))
    again = runner.invoke(cli, ["--store", sqlite_url, *command])
    assert again.exit_code == 0, again.output
    assert _shown(again.stdout) == _shown(expected.stdout)  # the same page, whichever way it is read
    assert len(reads) == 1, reads
    assert not some, some


def _shown(output: str) -> object:
    """A command's output, without the moment it ran at (``known_at`` in JSON)."""
    if not output.startswith("{"):
        return output
    data = json.loads(output)
    data.pop("known_at")
    return data


def test_nothing_is_changing_now_and_finding_that_out_reads_no_gap(tmp_path, monkeypatch) -> None:
    """A gap is a window of record time inside one catch-up batch: none is open now. Every read
    known now asks for the gaps at now (the commitments to fold exactly); the gaps' index is by
    their start, and every gap starts before now: that question read all of them, to find none."""
    short = _store(str(tmp_path / "short.db"), tmp_path, monkeypatch, page=1000, size=SIZE // 4)
    long = _store(str(tmp_path / "long.db"), tmp_path, monkeypatch, page=10)
    with closing(sqlite3.connect(long)) as db:
        assert db.execute("SELECT count(*) FROM view_gaps").fetchone()[0] > 300  # else this proves nothing
    steps = _counting(monkeypatch)
    costs = []
    for url in (short, long):
        with open_tracker(resolve_store(url)) as tracker:
            reader = ViewReader(tracker)
            steps[0], steps[1] = 0, 1
            assert reader.view.gaps(stamp(None)) == []
            steps[1] = 0
            costs.append(steps[0])
            reader.close()
    assert costs[1] <= costs[0] + 5, costs


def test_the_board_known_earlier_reads_closed_rows_by_their_own_index_and_open_rows_one_per_commitment(
        tmp_path, monkeypatch) -> None:  # fmt: skip
    """Known at an earlier record time, the rows are the open ones known by then (one search per
    commitment, as now) and the closed ones known then: those closed after that time and opened
    by it, found inside an index of the closed rows by their record times and valid dates. By the
    day alone, every version of the rows holding it was looked up in the table (at 1M, 430,000
    for 10,000 answers, whatever the record time)."""
    from commitment_tracker.projections.view.sqlite import SQLiteStatusView

    url = _store(str(tmp_path / "long.db"), tmp_path, monkeypatch, page=10)
    plans: list[str] = []
    read = SQLiteStatusView.read

    def explained(self, statement, params=()):
        if "view_intervals" in statement:
            plans.extend(str(tuple(row)) for row in read(self, "EXPLAIN QUERY PLAN " + statement, params))
        return read(self, statement, params)

    with open_tracker(resolve_store(url)) as tracker:
        whole = Log(tracker.log())
        times = sorted(r.event.recorded_at for records in whole.streams.values() for r in records)
        reader = ViewReader(tracker)
        monkeypatch.setattr(SQLiteStatusView, "read", explained)
        for known_at in (times[len(times) // 3], times[-40]):
            for day in DAYS:
                expected = [status.to_data() for status in whole.known_at(known_at).board(day)]
                assert reader.board(Clocks(day, known_at)) == expected
        reader.close()
    assert plans and not any("view_intervals_valid" in plan for plan in plans), plans
    assert any("view_intervals_closed" in plan for plan in plans), plans
