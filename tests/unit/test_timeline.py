"""Timelines (what ``chart`` draws and ``report`` embeds): status intervals, events, deadline, instances.

Given events -> the timelines as of D, known at K, over a window -> then the intervals and marks.
Pure: records are built in memory (see ``builders.py``), no store is involved.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from .builders import BASE, Story, day, record
from commitment_tracker.events import first_day, parse_obj
from commitment_tracker.projections import Log
from commitment_tracker.projections.timeline import Interval, Timeline, timelines
from commitment_tracker.tracker import NotFound
from tests.cli.helpers import DATASET


def spans(row: Timeline) -> list[tuple[str, str, str]]:
    return [(i.status, i.valid_from.isoformat(), i.valid_to.isoformat()) for i in row.intervals]


def marks(row: Timeline) -> list[tuple[str, str, str]]:
    return [(m.on, m.type, m.ref) for m in row.events]


def only(story: Story, as_of: str, known_at: object = None, **window: str) -> Timeline:
    found = timelines(story.knowledge(known_at), day(as_of), **{k: day(v) for k, v in window.items()})  # type: ignore[arg-type]
    assert len(found.rows) == 1
    return found.rows[0]


def test_a_once_commitment_is_a_run_of_status_intervals_ending_on_the_as_of_date():
    story = Story()
    made = story.made("c", "2024-01-10", due="2024-06-30")
    progress = story.event("progress_reported", "c", "2024-03-01")
    done = story.event("commitment_fulfilled", "c", "2024-05-01")
    row = only(story, "2024-12-31")
    assert spans(row) == [
        ("pledged", "2024-01-10", "2024-02-29"),
        ("in_progress", "2024-03-01", "2024-04-30"),
        ("fulfilled", "2024-05-01", "2024-12-31"),
    ]
    assert [i.continues for i in row.intervals] == [False, False, True]
    assert marks(row) == [
        ("2024-01-10", "commitment_made", made),
        ("2024-03-01", "progress_reported", progress),
        ("2024-05-01", "commitment_fulfilled", done),
    ]
    assert (row.status, row.due_on, row.overdue, row.instances) == ("fulfilled", "2024-06-30", False, ())


def test_a_recurring_commitment_shows_its_instances_and_the_lapse_after_a_missed_period():
    story = Story()
    story.made("fe", "2023-08-18", cadence="annual")
    held = story.event("commitment_fulfilled", "fe", "2024-06-27")
    row = only(story, "2025-10-01")
    assert spans(row) == [
        ("pledged", "2023-08-18", "2024-06-26"),
        ("on_track", "2024-06-27", "2025-06-27"),
        ("lapsed", "2025-06-28", "2025-10-01"),
    ]
    assert [(m.on, m.ref) for m in row.instances] == [("2024-06-27", held)]
    assert (row.due_on, row.overdue) == ("2025-06-27", True)
    assert row.summary == "lapsed \u00b7 overdue since 2025-06-27"


def test_the_window_clips_intervals_and_drops_events_outside_it():
    story = Story()
    story.made("c", "2024-01-10")
    story.event("progress_reported", "c", "2024-03-01")
    story.event("commitment_fulfilled", "c", "2024-05-01")
    row = only(story, "2024-12-31", start="2024-02-01", end="2024-03-31")
    assert spans(row) == [("pledged", "2024-02-01", "2024-02-29"), ("in_progress", "2024-03-01", "2024-03-31")]
    assert row.intervals[-1].continues  # still in progress when the window closes
    assert [m.type for m in row.events] == ["progress_reported"]
    assert row.status == "in_progress"  # where it stood at the window's end, not as of D


def test_the_window_never_reaches_past_the_as_of_date():
    story = Story()
    story.made("c", "2024-01-10")
    story.event("commitment_fulfilled", "c", "2024-05-01")
    found = timelines(story.knowledge(), day("2024-03-01"), end=day("2024-12-31"))
    assert (found.start, found.end) == (day("2024-01-10"), day("2024-03-01"))
    assert spans(found.rows[0]) == [("pledged", "2024-01-10", "2024-03-01")]
    assert [m.type for m in found.rows[0].events] == ["commitment_made"]


def test_known_at_hides_what_was_recorded_later():
    story = Story()
    story.made("c", "2024-01-10")
    story.event("commitment_fulfilled", "c", "2024-05-01")  # recorded at BASE + 2 minutes
    before = only(story, "2024-12-31", known_at=BASE + timedelta(minutes=1))
    assert spans(before) == [("pledged", "2024-01-10", "2024-12-31")]
    assert [m.type for m in before.events] == ["commitment_made"]
    assert spans(only(story, "2024-12-31"))[-1] == ("fulfilled", "2024-05-01", "2024-12-31")


def test_a_retracted_event_leaves_no_interval_and_no_marker_and_a_correction_moves_them():
    story = Story()
    story.made("c", "2024-01-10")
    wrong = story.event("commitment_fulfilled", "c", "2024-05-01")
    progress = story.event("progress_reported", "c", "2024-03-01")
    story.retract(wrong)
    story.correct(progress, on="2024-04-01")
    row = only(story, "2024-12-31")
    assert spans(row) == [("pledged", "2024-01-10", "2024-03-31"), ("in_progress", "2024-04-01", "2024-12-31")]
    assert marks(row) == [("2024-01-10", "commitment_made", "c#1"), ("2024-04-01", "progress_reported", progress)]


def test_two_changes_on_one_day_leave_only_the_second_status():
    story = Story()
    story.made("c", "2024-01-10")
    story.event("progress_reported", "c", "2024-03-01")
    story.event("commitment_fulfilled", "c", "2024-03-01")
    assert spans(only(story, "2024-04-01")) == [("pledged", "2024-01-10", "2024-02-29"),
                                                  ("fulfilled", "2024-03-01", "2024-04-01")]  # fmt: skip


def test_all_commitments_made_by_the_window_end_in_the_order_made_or_the_ids_asked_for_in_that_order():
    story = Story()
    story.made("b", "2024-02-01")
    story.made("a", "2024-01-10")
    story.made("later", "2024-06-01")
    found = timelines(story.knowledge(), day("2024-03-01"))
    assert [r.id for r in found.rows] == ["a", "b"]
    assert found.start == day("2024-01-10")  # the earliest making
    chosen = timelines(story.knowledge(), day("2024-12-31"), ["later", "b"])
    assert [r.id for r in chosen.rows] == ["later", "b"]
    assert chosen.start == day("2024-02-01")


@pytest.mark.parametrize(
    ("slug", "message"),
    [("nope", "unknown commitment 'nope'"), ("m", "'m' is not a commitment"),
     ("later", "commitment 'later' was not yet made as of 2024-03-01"), ("gone", "commitment 'gone' was retracted")],
)  # fmt: skip
def test_asking_for_something_that_is_not_a_commitment_then_is_an_error(slug, message):
    story = Story()
    story.add("meeting_held", meeting="m", on="2024-01-01", kind="summit")
    story.made("later", "2024-06-01")
    story.retract(story.made("gone", "2024-01-01"))
    with pytest.raises(NotFound, match=message):
        timelines(story.knowledge(), day("2024-03-01"), [slug])


def test_an_unresolved_next_meeting_deadline_is_said_in_words():
    story = Story()
    story.made("tcm", "2024-10-16", due_next="trilateral-summit")
    row = only(story, "2025-01-01")
    assert (row.due_on, row.due_next) == (None, "trilateral-summit")
    assert row.summary == "pledged \u00b7 due at the next trilateral-summit"


def _dataset_log() -> Log:
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    return Log(record(parse_obj(json.loads(line)) for line in lines if line.strip()))


@pytest.mark.parametrize("as_of", ["2023-12-31", "2024-07-01", "2025-10-01", "2026-06-30"])
def test_on_the_bundled_dataset_every_timeline_tiles_its_window_and_ends_in_the_boards_status(as_of):
    knowledge = _dataset_log().known_at(None)
    found = timelines(knowledge, day(as_of))
    board = {status.id: status for status in knowledge.board(day(as_of))}
    assert [row.id for row in found.rows] == list(board)
    for row in found.rows:
        first = max(found.start, first_day(board[row.id].made_on))
        intervals: list[Interval] = list(row.intervals)
        assert intervals[0].valid_from == first, row.id
        for before, after in zip(intervals, intervals[1:]):
            assert after.valid_from == before.valid_to + timedelta(days=1), row.id  # no gap, no overlap
            assert after.status != before.status, row.id
        assert intervals[-1].valid_to == found.end, row.id
        assert row.status == board[row.id].status, row.id
        assert [m.on for m in row.instances] == list(board[row.id].instances), row.id


def test_a_coarse_deadline_is_drawn_at_its_last_day_where_overdue_begins_the_day_after():
    from commitment_tracker.projections.render.timeline_svg import layout

    story = Story()
    story.made("c", "2024-01-10", due="2025")
    found = timelines(story.knowledge(), day("2026-06-30"))
    row = found.rows[0]
    assert row.due_day == day("2025-12-31")
    assert story.status("c", "2025-12-31").overdue is False and story.status("c", "2026-01-01").overdue is True
    drawing = layout(found)
    x = {t.label: t.x for t in drawing.ticks}
    assert drawing.rows[0].deadline is not None
    assert x["Oct"] < drawing.rows[0].deadline["x"] < x["2026"]  # at the end of 2025, not at its start
    assert drawing.rows[0].deadline["title"] == "deadline 2025"


def test_markers_of_events_on_the_same_day_are_drawn_side_by_side():
    from commitment_tracker.projections.render.timeline_svg import MARK, layout

    story = Story()
    story.made("c", "2024-01-10", due="2024-12-31")
    story.event("commitment_reaffirmed", "c", "2024-03-01")
    story.event("progress_reported", "c", "2024-03-01")
    story.event("commitment_reaffirmed", "c", "2024-03-01")
    row = only(story, "2024-06-30")
    assert row.slots == (0, -1, 0, 1)
    xs = [mark["x"] for mark in layout(timelines(story.knowledge(), day("2024-06-30"))).rows[0].marks]
    assert xs[2] - xs[1] == xs[3] - xs[2] == MARK  # one marker's width apart, centred on the day
