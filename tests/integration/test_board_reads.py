"""Deadlines and the compliance matrix are computed from the view's board (and its meetings and
scores), never the whole log, and agree with the fold of the whole log (the oracle)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from benchmarks.synthetic import generate
from commitment_tracker.cli.main import cli
from commitment_tracker.projections import Log
from commitment_tracker.projections.compliance import matrix, matrix_of
from commitment_tracker.projections.deadlines import deadlines, deadlines_of
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.scores import score_sheet
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.projections.clocks import Clocks
from tests.integration.demo_view import DATASET, demo_view


def _agree(reader, log: Log, as_of: date, known_at) -> None:
    whole = log.known_at(known_at)
    statuses = reader.statuses(Clocks(as_of, known_at))
    assert statuses == list(whole.board(as_of))
    assert matrix_of(statuses, as_of).to_data() == matrix(whole, as_of).to_data()
    assert matrix_of(statuses, as_of, "security").to_data() == matrix(whole, as_of, "security").to_data()
    for within in (0, 30, 400):
        got = deadlines_of(statuses, reader.meetings_at(Clocks(as_of, known_at)), as_of, within)
        assert [d.to_data() for d in got] == [d.to_data() for d in deadlines(whole, as_of, within)]
    assert reader.score_sheet(Clocks(as_of, known_at)) == score_sheet(whole, as_of)


def test_the_dataset_at_every_record_time(store_url: str) -> None:
    with demo_view(store_url) as demo:
        for known_at in demo.moments:
            for as_of in (date(2023, 8, 18), date(2024, 7, 1), date(2024, 10, 16), date(2026, 1, 1)):
                _agree(demo.reader, demo.log, as_of, known_at)
                _agree(FoldReader(demo.tracker), demo.log, as_of, known_at)


@pytest.mark.parametrize("seed", [3, 17, 101])
def test_random_histories(tmp_path, seed: int) -> None:
    lines = tmp_path / "h.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(400, seed)))
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
        for offset in (0, 500, 1500, 3000, 5000):
            for known_at in (None, times[len(times) // 3]):
                _agree(reader, log, date(2014, 6, 1) + timedelta(days=offset), known_at)
        reader.close()


@pytest.mark.parametrize("command", [["matrix"], ["due", "--within", "400d"], ["matrix", "--area", "security"],
                                     ["due", "--known-at", "2024-06-01"]])  # fmt: skip
def test_the_board_commands_never_read_the_whole_log(sqlite_url: str, command: list[str], forbid_whole_log) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", str(DATASET)]).exit_code == 0
    assert runner.invoke(cli, ["--store", sqlite_url, "status"]).exit_code == 0
    forbid_whole_log()
    result = runner.invoke(cli, ["--store", sqlite_url, *command, "--json"])
    assert result.exit_code == 0, result.output


def test_a_chart_of_some_commitments_reads_them_and_the_meetings_alone(store_url: str) -> None:
    from commitment_tracker.projections.timeline import timelines

    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.import_file(DATASET, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        ids = list(log.known_at(None).commitments)
        times = sorted({r.event.recorded_at for records in log.streams.values() for r in records})
        for known_at in (None, times[len(times) // 2]):
            for chosen in ([ids[0]], ids[2:5], [ids[-1], ids[1]]):
                for as_of in (date(2024, 7, 1), date(2026, 1, 1)):
                    whole = log.known_at(known_at)
                    try:
                        expected = timelines(whole, as_of, chosen)
                    except Exception as error:  # not made yet, or unknown: the same refusal
                        with pytest.raises(type(error), match=str(error).split(":")[0]):
                            timelines(reader.knowledge_of_ids(chosen, Clocks(as_of, known_at)), as_of, chosen)
                        continue
                    assert timelines(reader.knowledge_of_ids(chosen, Clocks(as_of, known_at)), as_of, chosen) == expected
        reader.close()


def test_a_chart_of_one_commitment_never_reads_the_whole_log(sqlite_url: str, tmp_path, forbid_whole_log) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", str(DATASET)]).exit_code == 0
    assert runner.invoke(cli, ["--store", sqlite_url, "status"]).exit_code == 0
    forbid_whole_log()
    out = tmp_path / "one.svg"
    result = runner.invoke(cli, ["--store", sqlite_url, "chart", "denuclearization", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<?xml") or "<svg" in out.read_text()[:500]


def test_a_chart_of_every_commitment_is_the_whole_folds_when_within_the_limit(store_url: str) -> None:
    from commitment_tracker.projections.timeline import chart_selection, timelines

    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.import_file(DATASET, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        whole = Log(tracker.log()).known_at(None)
        for as_of, end in ((date(2024, 7, 1), None), (date(2026, 1, 1), date(2024, 10, 16)), (date(2023, 1, 1), None)):
            last = min(end, as_of) if end else as_of
            chosen, left_out = chart_selection(reader.board(Clocks(last)))
            assert left_out == 0
            assert timelines(reader.knowledge_of_ids(chosen, Clocks(as_of)), as_of, chosen, end=end) == timelines(whole, as_of, end=end)
        reader.close()


def test_a_chart_of_more_than_the_limit_draws_the_latest_made_and_says_what_it_left_out(sqlite_url: str, tmp_path,
                                                                                       monkeypatch) -> None:  # fmt: skip
    from commitment_tracker.projections import timeline

    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", str(DATASET)]).exit_code == 0
    board = json.loads(runner.invoke(cli, ["--store", sqlite_url, "status", "--as-of", "2026-01-01", "--json"]).stdout)
    ids = [row["id"] for row in board["commitments"]]
    assert len(ids) > 5
    monkeypatch.setattr(timeline, "CHART_LIMIT", 5)
    out = tmp_path / "all.svg"
    result = runner.invoke(cli, ["--store", sqlite_url, "chart", "--as-of", "2026-01-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote a chart of 5 commitments" in result.stderr
    assert f"left out the {len(ids) - 5} earliest-made commitments" in result.stderr
    svg = out.read_text()
    # The board lists commitments in the order they were made: the chart keeps its last five.
    assert all(i in svg for i in ids[-5:]) and not any(i in svg for i in ids[:-5] if not any(i in k for k in ids[-5:]))
