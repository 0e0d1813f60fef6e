"""The report's time sliders: the answers it embeds are the fold's, for every (as of D, known at K) a reader can pick.

Pure: records are built in memory (see ``builders.py``). The page's JavaScript picks, for a stop
and a day, the last run on or before the day; ``pick`` below does the same, and the tests compare
it with the fold asked directly, on every day of the window and at every stop.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from .builders import Story, day, record
from commitment_tracker.events import parse_obj
from commitment_tracker.projections import Knowledge, Log
from commitment_tracker.projections.time_travel import answer, stops, time_travel
from tests.cli.helpers import DATASET


def pick(data: dict[str, Any], stop: int, as_of: date) -> dict[str, dict[str, Any]]:
    """The board the page draws at stop index ``stop`` as of ``as_of``: id -> answer."""
    board = {}
    for slug, entries in data["commitments"].items():
        current = [runs for first, runs in entries if first <= stop]
        if not current:
            continue
        held = [index for on, index in current[-1] if on <= as_of.isoformat()]
        if held:
            board[slug] = data["answers"][held[-1]]
    return board


def the_fold(knowledge: Knowledge, as_of: date) -> dict[str, dict[str, Any]]:
    return {s.id: answer(knowledge, s, as_of) for s in knowledge.board(as_of)}


def every_day(first: str, last: str) -> list[date]:
    start, end = day(first), day(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_on_the_bundled_dataset_the_page_answers_what_the_fold_answers_on_every_day_at_every_stop():
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    log = Log(record(parse_obj(json.loads(line)) for line in lines if line.strip()))
    data = time_travel(log)
    found = stops(log)
    assert len(data["stops"]) == len(found) >= 20
    days = every_day("2023-08-01", "2026-12-31")
    for number, stop in enumerate(found):
        knowledge = log.known_at(stop.at)
        # Every day at every fourth stop and at the last; every ninth day (all weekdays in turn) at the others.
        sample = days if number % 4 == 0 or number == len(found) - 1 else days[number % 9 :: 9]
        for as_of in sample:
            assert pick(data, number, as_of) == the_fold(knowledge, as_of), (stop.label, as_of)


def test_a_stop_is_a_record_time_and_says_which_events_it_adds():
    story = Story()
    first = story.made("c", "2024-01-10", due="2024-06-30")
    second = story.event("progress_reported", "c", "2024-03-01")
    found = stops(story.log())
    assert [s.refs for s in found] == [(first,), (second,)]
    assert found[1].label == f"after {second}"
    assert found[1].to_data()["at"].endswith("Z")


def test_coarse_deadlines_lapses_retractions_and_next_meetings_are_exact_between_events():
    story = Story()
    story.made("once", "2024-01-10", due="2024")  # overdue from 2025-01-01: the deadline's last day has passed
    story.made("yearly", "2024-02", cadence="annual")
    done = story.event("commitment_fulfilled", "once", "2024-05-01")
    story.retract(done)
    story.made("next", "2024-03-01", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-06-01", scheduled_for="2024-11-15", kind="summit")
    story.add("meeting_held", meeting="seoul", on="2024-11-20", kind="summit")
    log = story.log()
    data = time_travel(log)
    for number, stop in enumerate(stops(log)):
        knowledge = log.known_at(stop.at)
        for as_of in every_day("2023-12-01", "2026-03-31"):
            assert pick(data, number, as_of) == the_fold(knowledge, as_of), (stop.label, as_of)
    last = len(data["stops"]) - 1
    assert pick(data, last, day("2024-12-31"))["once"]["overdue"] is False
    assert pick(data, last, day("2025-01-01"))["once"]["overdue"] is True


def synthetic_log(tmp_path: Any, size: int) -> Log:
    """A history recorded one event at a time (every event its own record time), with meetings
    that decide next-meeting deadlines, retractions and corrections: the benchmark's shape."""
    from benchmarks.synthetic import write

    lines = write(tmp_path / "history.jsonl", size).read_text(encoding="utf-8").splitlines()
    return Log(record(parse_obj(json.loads(line)) for line in lines))


def test_stop_by_stop_only_what_changed_is_folded_again_and_the_answers_are_still_the_folds(tmp_path):
    log = synthetic_log(tmp_path, 700)
    found = stops(log)
    data = time_travel(log, limit=len(found))
    assert len(data["stops"]) == len(found) == data["recorded_times"]
    days = every_day("2015-01-01", "2024-12-31")
    for number, stop in enumerate(found):
        if number % 7 and number != len(found) - 1:
            continue
        knowledge = log.known_at(stop.at)
        for as_of in days[number % 23 :: 23]:
            assert pick(data, number, as_of) == the_fold(knowledge, as_of), (stop.label, as_of)


def test_a_log_of_many_record_times_offers_some_evenly_each_saying_until_when_its_answer_holds(tmp_path):
    log = synthetic_log(tmp_path, 1200)
    every = stops(log)
    data = time_travel(log, limit=6)
    offered = data["stops"]
    assert len(offered) == 6 < len(every) == data["recorded_times"]
    assert offered[-1]["at"] == every[-1].to_data()["at"] and offered[-1]["until_us"] is None
    by_time = {s.to_data()["us"]: n for n, s in enumerate(every)}
    days = every_day("2015-01-01", "2024-12-31")
    for number, stop in enumerate(offered[:-1]):
        following = every[by_time[stop["us"]] + 1]
        assert stop["until_us"] == following.to_data()["us"]  # its answer holds only until the next record
    for number, stop in enumerate(offered):
        knowledge = log.known_at(every[by_time[stop["us"]]].at)
        for as_of in days[number % 17 :: 17]:
            assert pick(data, number, as_of) == the_fold(knowledge, as_of), (stop["label"], as_of)


def budget_case(tmp_path: Any) -> tuple[Log, list[Any], list[Any], dict[str, Any], int]:
    """A log whose sliders offer 8 stops, their data held whole, and the length of its answers'
    JSON: the budget at which they just fit."""
    from commitment_tracker.projections.time_travel import moments, offer, travel_data

    log = synthetic_log(tmp_path, 400)
    every = stops(log)
    offered = offer(every, 8)
    whole = travel_data(moments(log, every, offered), every, offered)
    return log, every, offered, whole, len(json.dumps(whole["answers"]))


def test_a_budget_stops_the_answers_exactly_when_their_json_would_outgrow_it(tmp_path):
    import pytest

    from commitment_tracker.projections.time_travel import OverBudget, moments, travel_data

    log, every, offered, whole, size = budget_case(tmp_path)
    assert travel_data(moments(log, every, offered), every, offered, budget=size) == whole
    with pytest.raises(OverBudget):
        travel_data(moments(log, every, offered), every, offered, budget=size - 1)


def test_the_runs_of_a_few_commitments_from_a_log_of_them_alone_are_the_whole_logs(tmp_path):
    from commitment_tracker.projections.time_travel import Answers, moments, moments_at, offer, travel_runs

    log = synthetic_log(tmp_path, 900)
    every = stops(log)
    offered = offer(every, 9)
    answers = Answers()
    whole = travel_runs(moments(log, every, offered), answers)
    commitments = [slug for slug in log.streams if log.streams[slug][0].event.type == "commitment_made"]
    for few in (commitments[:1], commitments[3:9], commitments[-4:]):
        # A log of these commitments with every other kind of stream (the meetings, what a report reads).
        part = Log(r for slug, records in log.streams.items() if slug in few or slug not in commitments for r in records)
        alone = Answers()
        runs = travel_runs(moments_at(part, [stop.at for stop in offered]), alone)
        assert set(runs) == {slug for slug in few if slug in whole}
        for slug, entries in runs.items():
            spelled = [[stop, [[day, alone.rows[i]] for day, i in held]] for stop, held in entries]
            assert spelled == [[stop, [[day, answers.rows[i]] for day, i in held]] for stop, held in whole[slug]]


def test_each_moment_of_a_log_resolves_again_exactly_the_streams_recorded_since_the_one_before(tmp_path):
    from datetime import timedelta

    from commitment_tracker.projections.time_travel import moments_at
    from commitment_tracker.tracker.streams import KIND_OF_FIRST

    log = synthetic_log(tmp_path, 600)
    times = sorted({r.event.recorded_at for records in log.streams.values() for r in records})
    half = timedelta(microseconds=1)
    # Offered times on records, between records, before the first and after the last.
    for offered in ([times[0], times[-1]], times[::37] + [times[-1]], [times[0] - half, times[5] + half, times[-1] + half],
                    [times[-1]]):  # fmt: skip
        previous = None
        for moment, at in zip(moments_at(log, offered), offered, strict=True):
            if previous is None:
                expected = set(log.streams)
            else:
                expected = {slug for slug, records in log.streams.items()
                            if any(previous < r.event.recorded_at <= at for r in records)}  # fmt: skip
            assert moment.changed == expected, (moment.number, at)
            assert moment.meetings_changed == any(KIND_OF_FIRST.get(log.streams[s][0].event.type) == "meeting"
                                                  for s in moment.changed)  # fmt: skip
            assert moment.knowledge.streams.keys() == log.known_at(at).streams.keys()
            previous = at
