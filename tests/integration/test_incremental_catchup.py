"""Catch-up folds each commitment on from where the view left it: a page costs what it brings.

A log kept on the same commitments for years touches every stream on every page; re-deriving
every touched stream from its first event made catch-up quadratic in the log. The view keeps
each commitment's fold where it stood (its open intervals, and its live steps by valid date), so a
page re-reads only what lies after the first valid date it changes. The pure fold stays the
oracle: on a log whose events spread over every commitment, late, retracted and corrected, caught
up in pages of any size, the view answers as the fold does and ``verify``'s check re-derives it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.spread import generate
from commitment_tracker import events as ev
from commitment_tracker.projections import Log, replay
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view import catchup, resume
from commitment_tracker.projections.view.check import check_view
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.tracker import open_tracker, resolve_store


def _spread_store(tmp_path, size: int, seed: int = 7):
    lines = tmp_path / "spread.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(size, seed)))
    return lines


def _count_rows_read(monkeypatch, read: str = "facts") -> list[int]:
    """From now on, how many rows each call of the view's ``read`` returns (by default its reads of
    whole streams' facts; none: nothing read back)."""
    read_back: list[int] = []
    original = getattr(ViewSQL, read)

    def counted(self, *args):
        rows = original(self, *args)
        read_back.append(len(rows))
        return rows

    monkeypatch.setattr(ViewSQL, read, counted)
    return read_back


def _agree(reader: ViewReader, log: Log, as_of: date, known_at) -> None:
    knowledge = log.known_at(known_at)
    assert reader.board(Clocks(as_of, known_at)) == [c.to_data() for c in knowledge.board(as_of)]
    key = lambda c: (c.day, c.commitment, c.before, c.after, c.cause, c.on)  # noqa: E731
    assert [key(c) for c in reader.replay(None, Clocks(as_of, known_at))] == [key(c) for c in replay(knowledge, None, as_of)]


def _agree_every(reader: ViewReader, tracker, first: date, days: int, step: int) -> None:
    """The view agrees with the fold of the log as it now stands, as known now, every ``step``
    days over ``days`` from ``first``."""
    log = Log(tracker.log())
    for day in range(0, days, step):
        _agree(reader, log, first + timedelta(days=day), None)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(300, 1500),
    page=st.sampled_from([2, 37, 250, 5000]),
    probes=st.lists(st.tuples(st.integers(0, 5500), st.one_of(st.none(), st.floats(0, 1))), min_size=3, max_size=6),
)
def test_the_view_agrees_with_the_fold_on_a_log_spread_over_every_commitment(
    tmp_path_factory, monkeypatch, seed, size, page, probes
) -> None:
    monkeypatch.setattr(catchup, "PAGE", page)  # many pages, each touching most streams
    monkeypatch.setattr(catchup, "RESUME_CHUNK", 3)  # each resumed a few commitments at a time
    folder = tmp_path_factory.mktemp("spread")
    lines = _spread_store(folder, size, seed)
    with open_tracker(resolve_store(str(folder / "t.db"))) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        applied = reader.catch_up()
        batches = reader.view.read("SELECT count(*) FROM {view_batches}")[0][0]
        assert batches == -(-applied // page)  # it was caught up in pages of that size
        log = Log(tracker.log())
        times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
        for offset, fraction in probes:
            as_of = date(2011, 6, 1) + timedelta(days=offset)
            known_at = None if fraction is None else times[int(fraction * (len(times) - 1))]
            _agree(reader, log, as_of, known_at)
        reader.close()
        assert check_view(tracker) is None


def test_records_arriving_one_at_a_time_late_retracted_and_corrected_keep_the_view_exact(sqlite_url: str) -> None:
    """Each record its own catch-up: a late one, a retraction and a correction of an event dated
    before the view's last interval, and one dated after everything."""
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="c", on="2020-01-01", title="C", parties=("US", "JP"),
                                 cadence="annual")], "t")  # fmt: skip
        reader = ViewReader(tracker)
        steps = [
            ev.build("commitment_fulfilled", commitment="c", on="2020-06-01"),
            ev.build("commitment_reaffirmed", commitment="c", on="2022-03-01"),
            ev.build("commitment_fulfilled", commitment="c", on="2021-05-01", parties=("US",)),  # late
            ev.build("commitment_abandoned", commitment="c", on="2023-01-01", parties=("JP",)),
            ev.build("event_retracted", target="c#3", reason="wrong"),
            ev.build("event_corrected", target="c#4", reason="typo", on="2021-07-01"),
            ev.build("commitment_fulfilled", commitment="c", on="2023-02-01", parties=("US",)),
            ev.build("progress_reported", commitment="c", on="2022-12-31", note="late again"),
        ]
        for step in steps:
            tracker.record([step], "t")
            reader.catch_up()
            _agree_every(reader, tracker, date(2020, 1, 1), 1600, 37)
        reader.close()
        assert check_view(tracker) is None


def test_a_page_reads_back_no_earlier_event_of_the_streams_it_touches(tmp_path, monkeypatch) -> None:
    """A new event on a long stream, on time or late, re-reads none of that stream's earlier facts."""
    lines = _spread_store(tmp_path, 2000)
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        read_back = _count_rows_read(monkeypatch)
        for on in ("2024-06-01", "2016-03-01"):  # after every event of the log; amid them
            tracker.record([ev.build("commitment_reaffirmed", commitment="s0000003", on=on)], "t")
            assert reader.catch_up() == 1
        assert sum(read_back) == 0
        log = Log(tracker.log())
        for day in ("2016-02-29", "2016-03-01", "2020-01-01", "2024-06-01"):
            _agree(reader, log, date.fromisoformat(day), None)
        reader.close()
        assert check_view(tracker) is None


@pytest.mark.parametrize("shape", ["spread"])
def test_verify_rederives_a_view_caught_up_in_many_pages(tmp_path, monkeypatch, shape) -> None:
    monkeypatch.setattr(catchup, "PAGE", 97)
    lines = _spread_store(tmp_path, 3000, seed=11)
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
        assert check_view(tracker) is None


def test_a_retraction_or_correction_of_a_status_event_reads_back_no_earlier_event(tmp_path, monkeypatch) -> None:
    """Retracting or correcting a status event changes the rows from the earlier of its old and new
    dates on: the page resumes there, as for the status event itself, instead of re-reading the stream."""
    lines = _spread_store(tmp_path, 2000)
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        read_back = _count_rows_read(monkeypatch)
        log = Log(tracker.log())
        live = [r for r in log.streams["s0000003"][1:] if r.event.type in resume.RESUMING]
        first, second = live[3].ref, live[-2].ref
        for step in (ev.build("event_corrected", target=first, reason="date", on="2013-02-03"),
                     ev.build("event_retracted", target=second, reason="wrong")):  # fmt: skip
            tracker.record([step], "t")
            assert reader.catch_up() == 1
        assert sum(read_back) == 0
        _agree_every(reader, tracker, date(2012, 1, 1), 4800, 41)
        reader.close()
        assert check_view(tracker) is None


@pytest.mark.parametrize("page", [1, 2, 3, 100])
def test_retractions_and_corrections_of_every_kind_in_any_page_keep_the_view_exact(store_url: str, monkeypatch, page) -> None:
    """Corrections of corrected events, a retracted correction, a retracted retraction, a target in
    the same page as its retraction or correction, a correction naming a deadline: the pages that
    can resume do, the others derive the commitment whole, and every answer is the fold's."""
    monkeypatch.setattr(catchup, "PAGE", page)
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="c", on="2020-01-01", title="C", parties=("US", "JP"),
                                 cadence="annual")], "t")  # fmt: skip
        reader = ViewReader(tracker)
        reader.catch_up()
        batches = [
            [ev.build("commitment_fulfilled", commitment="c", on="2020-06-01"),
             ev.build("progress_reported", commitment="c", on="2020-09-01", note="a"),
             ev.build("commitment_stalled", commitment="c", on="2021-02-01", note="b")],
            [ev.build("event_corrected", target="c#3", reason="r", on="2021-03-01"),
             ev.build("event_corrected", target="c#3", reason="r", on="2020-01-01")],  # onto the making's day
            [ev.build("event_corrected", target="c#2", reason="r", on="2020-07-15"),
             ev.build("event_retracted", target="c#6", reason="r")],  # a retracted correction
            [ev.build("event_retracted", target="c#4", reason="r"),
             ev.build("event_retracted", target="c#9", reason="r")],  # a retracted retraction
            [ev.build("commitment_reaffirmed", commitment="c", on="2021-06-01"),
             ev.build("event_corrected", target="c#11", reason="r", on="2021-05-01"),
             ev.build("event_retracted", target="c#11", reason="r")],  # targets in their own page
            [ev.build("commitment_abandoned", commitment="c", on="2022-01-01", parties=("JP",)),
             ev.build("event_corrected", target="c#14", reason="r", parties=("US",))],
        ]
        for batch in batches:
            tracker.record(batch, "t")
            reader.catch_up()
            _agree_every(reader, tracker, date(2019, 12, 1), 1200, 17)
        log = Log(tracker.log())
        times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
        for known_at in times:
            for day in range(0, 1200, 53):
                _agree(reader, log, date(2019, 12, 1) + timedelta(days=day), known_at)
        reader.close()
        assert check_view(tracker) is None


@pytest.mark.parametrize("page", [1, 2])
def test_a_correction_that_changes_nothing_leaves_the_step_as_it_was(store_url: str, monkeypatch, page) -> None:
    """A correction to the date a step already has (an analyst confirming it) changes no row: the
    step stays open from when it was first known, as ``verify`` derives it, not closed and opened
    again at the correction."""
    monkeypatch.setattr(catchup, "PAGE", page)
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="c", on="2020-01-01", title="C", parties=("US", "JP"))], "t")
        tracker.record([ev.build("commitment_stalled", commitment="c", on="2020-06-01", note="a")], "t")
        reader = ViewReader(tracker)
        reader.catch_up()
        tracker.record([ev.build("event_corrected", target="c#2", reason="confirmed", on="2020-06-01"),
                        ev.build("progress_reported", commitment="c", on="2020-09-01", note="b")], "t")  # fmt: skip
        reader.catch_up()
        _agree_every(reader, tracker, date(2020, 1, 1), 400, 7)
        reader.close()
        assert check_view(tracker) is None
