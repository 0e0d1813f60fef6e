"""``show MEETING`` reads the board rows of the commitments due by that meeting's kind made within
its window, with the meetings of its kind near it, not the whole board nor every meeting, and agrees
with the fold of the whole log (the oracle) at any as-of and known-at."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from commitment_tracker.cli.main import cli
from commitment_tracker.projections import Log
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.integration.histories import imported_history
from tests.unit.test_out_of_order import START, histories


def _due_at(log: Log, meeting: str, clocks: Clocks) -> list[dict]:
    """The oracle: the fold's board rows whose next-meeting deadline is ``meeting``."""
    board = [s.to_data() for s in log.known_at(clocks.known_at).board(clocks.as_of)]
    return [row for row in board if row["due_meeting"] == meeting]


def _meeting_ids(log: Log) -> list[str]:
    return sorted(slug for slug, records in log.streams.items()
                  if records[0].event.type in ("meeting_held", "meeting_scheduled"))  # fmt: skip


def _agree_at_every_meeting(tracker, reader: ViewReader, log: Log, clocks: Clocks) -> int:
    """Each meeting's rows (read for the commitments made within its window alone) are the fold's;
    how many rows were due by some meeting, so that a test can tell it has not compared nothing."""
    found = 0
    for meeting in _meeting_ids(log):
        expected = _due_at(log, meeting, clocks)
        assert reader.board_due_at(meeting, clocks) == expected, (meeting, clocks)
        assert FoldReader(tracker).board_due_at(meeting, clocks) == expected
        found += len(expected)
    return found


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), size=st.integers(300, 1500), as_of=st.integers(0, 6000), fraction=st.floats(0, 1))
def test_the_rows_due_by_each_meeting_agree_with_the_fold(tmp_path_factory, seed, size, as_of, fraction) -> None:
    """Generated histories: many meetings of each kind, commitments made before, between and after
    them, some due by a kind no meeting of which comes after; as known now and earlier."""
    folder = tmp_path_factory.mktemp("due-at")
    (folder / "h.jsonl").write_text("".join(json.dumps(e) + "\n" for e in generate(size, seed)))
    with open_tracker(resolve_store(str(folder / "t.db"))) as tracker:
        tracker.import_file(folder / "h.jsonl", "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        times = sorted(r.event.recorded_at for r in tracker.log())
        day = date(2014, 6, 1) + timedelta(days=as_of)
        for known_at in (None, times[int(fraction * (len(times) - 1))]):
            _agree_at_every_meeting(tracker, reader, log, Clocks(day, known_at))
        reader.close()


def test_the_rows_due_by_each_meeting_are_found_on_a_long_history() -> None:
    """Not vacuous: on a history with many meetings, the meetings are the deadline of many rows."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "h.jsonl").write_text("".join(json.dumps(e) + "\n" for e in generate(3000, 7)))
        with open_tracker(resolve_store(str(folder / "t.db"))) as tracker:
            tracker.import_file(folder / "h.jsonl", "tester")
            reader = ViewReader(tracker)
            reader.catch_up()
            log = Log(tracker.log())
            days = (date(2016, 6, 1), date(2019, 1, 1), date(2030, 1, 1))
            assert sum(_agree_at_every_meeting(tracker, reader, log, Clocks(day, None)) for day in days) > 5
            reader.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])  # fmt: skip
@given(items=histories(distinct_days=False), rng=st.randoms(use_true_random=False))
def test_the_rows_due_by_each_meeting_agree_with_the_fold_when_deadlines_move_and_meetings_change_kind(
    tmp_path_factory, items, rng
) -> None:
    """The fold's own hypothesis histories: deadlines moved to another kind, commitments made due
    by one kind and corrected to another, meetings re-announced as another kind."""
    with imported_history(items, rng, tmp_path_factory.mktemp("due-by")) as (tracker, reader, stored, moments):
        for known_at in moments:
            for offset in (-10, 30, 400, 1000):
                clocks = Clocks(START + timedelta(days=offset), known_at)
                _agree_at_every_meeting(tracker, reader, stored, clocks)


def _events(tmp_path, events: list[dict]) -> str:
    path = tmp_path / "h.jsonl"
    path.write_text("".join(json.dumps(e | {"recorded_by": "tester"}) + "\n" for e in events))
    return str(path)


MEETINGS = [
    {"type": "meeting_held", "meeting": "s1", "on": "2024-01-10", "kind": "summit", "title": "Summit 1",
     "parties": ["US", "JP"], "recorded_at": "2024-01-11T00:00:00+00:00"},
    {"type": "meeting_held", "meeting": "s2", "on": "2024-06-10", "kind": "summit", "title": "Summit 2",
     "parties": ["US", "JP"], "recorded_at": "2024-06-11T00:00:00+00:00"},
    {"type": "meeting_held", "meeting": "d1", "on": "2024-05-01", "kind": "dialogue", "title": "Dialogue 1",
     "parties": ["US", "JP"], "recorded_at": "2024-06-11T00:01:00+00:00"},
]  # fmt: skip


def test_show_meeting_reads_neither_the_whole_board_nor_the_whole_log(sqlite_url, tmp_path, monkeypatch, forbid_whole_log) -> None:
    events = [*MEETINGS, *({"type": "commitment_made", "commitment": f"c{n}", "on": "2024-02-01", "title": f"C {n}",
                            "parties": ["US", "JP"], "cadence": "once", "due_next": "summit" if n % 2 else "dialogue",
                            "recorded_at": f"2024-06-12T00:00:{n:02d}+00:00"} for n in range(10))]  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", _events(tmp_path, events)]).exit_code == 0
    assert runner.invoke(cli, ["--store", sqlite_url, "status"]).exit_code == 0
    forbid_whole_log()

    def whole_board(self, clocks):
        raise AssertionError("the whole board was read")

    monkeypatch.setattr(ViewReader, "board", whole_board)
    result = runner.invoke(cli, ["--store", sqlite_url, "show", "s2", "--json", "--as-of", "2024-07-01"])
    assert result.exit_code == 0, result.output
    assert [row["commitment"] for row in json.loads(result.output)["deadline_for"]] == [f"c{n}" for n in range(1, 10, 2)]


@pytest.mark.parametrize("known_at, due", [("2024-07-15T00:00:00Z", ["c1"]), (None, [])])
def test_a_commitment_corrected_away_from_the_meetings_kind_is_due_by_it_as_known_before(sqlite_url, tmp_path, known_at, due) -> None:
    """The view's kind column holds what the commitment is due by now; as known before a
    correction it was due by another kind, and ``show MEETING`` at that record time says so."""
    events = [*MEETINGS,
              {"type": "commitment_made", "commitment": "c1", "on": "2024-02-01", "title": "C 1", "parties": ["US", "JP"],
               "cadence": "once", "due_next": "summit", "recorded_at": "2024-06-12T00:00:00+00:00"},
              {"type": "event_corrected", "target": "c1#1", "due_next": "dialogue", "reason": "misread",
               "recorded_at": "2024-08-01T00:00:00+00:00"}]  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", _events(tmp_path, events)]).exit_code == 0
    clocks = ["--known-at", known_at] if known_at else []
    result = runner.invoke(cli, ["--store", sqlite_url, "show", "s2", "--json", "--as-of", "2024-07-01", *clocks])
    assert result.exit_code == 0, result.output
    assert [row["commitment"] for row in json.loads(result.output)["deadline_for"]] == due


def test_an_encrypted_store_finds_the_commitments_due_by_a_meeting_as_one_in_clear(store_url, tmp_path) -> None:
    """On an encrypted store the kinds are sealed: found by unsealing them, with the same answer."""
    from tests.integration.test_encryption import key, run

    events = [*MEETINGS, *({"type": "commitment_made", "commitment": f"c{n}", "on": "2024-02-01", "title": f"C {n}",
                            "parties": ["US", "JP"], "cadence": "once", "due_next": ("summit", "dialogue")[n % 2],
                            "recorded_at": f"2024-06-12T00:00:{n:02d}+00:00"} for n in range(6))]  # fmt: skip
    lines, clear, secret = _events(tmp_path, events), str(tmp_path / "clear.db"), key()
    assert run(clear, None, "import", lines).exit_code == 0
    assert run(store_url, secret, "import", lines).exit_code == 0
    for meeting, due in (("s2", ["c0", "c2", "c4"]), ("d1", ["c1", "c3", "c5"]), ("s1", [])):
        mine, theirs = (run(store, k, "show", meeting, "--as-of", "2024-07-01", "--json") for store, k in ((store_url, secret), (clear, None)))
        assert mine.exit_code == theirs.exit_code == 0, mine.output
        assert json.loads(mine.stdout)["deadline_for"] == json.loads(theirs.stdout)["deadline_for"]
        assert [row["commitment"] for row in json.loads(mine.stdout)["deadline_for"]] == due


@pytest.mark.parametrize("meeting, known_at, due", [("s2", "2024-07-15T00:00:00Z", ["c1"]), ("s2", None, []),
                                                     ("s1", "2024-07-15T00:00:00Z", []), ("s1", None, ["c1"])])  # fmt: skip
def test_a_commitment_whose_making_is_corrected_to_an_earlier_day_is_due_by_the_meeting_its_day_then_says(
    sqlite_url, tmp_path, meeting, known_at, due
) -> None:
    """A meeting is the deadline of the commitments made between the last meeting of its kind and
    itself; the view's making day is the one known now, and as known before a correction moved
    it, the commitment was made in another meeting's window."""
    events = [*MEETINGS,
              {"type": "commitment_made", "commitment": "c1", "on": "2024-02-01", "title": "C 1", "parties": ["US", "JP"],
               "cadence": "once", "due_next": "summit", "recorded_at": "2024-06-12T00:00:00+00:00"},
              {"type": "event_corrected", "target": "c1#1", "on": "2023-12-01", "reason": "misdated",
               "recorded_at": "2024-08-01T00:00:00+00:00"}]  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", _events(tmp_path, events)]).exit_code == 0
    clocks = ["--known-at", known_at] if known_at else []
    result = runner.invoke(cli, ["--store", sqlite_url, "show", meeting, "--json", "--as-of", "2024-07-01", *clocks])
    assert result.exit_code == 0, result.output
    assert [row["commitment"] for row in json.loads(result.output)["deadline_for"]] == due
