"""Deadlines (``ctrack due``): overdue, upcoming within a window, and awaiting the next meeting of a kind.

Given events -> the deadlines as of D within N days -> then which commitments, in what state.
"""

from __future__ import annotations

from .builders import Story, day
from commitment_tracker.projections.deadlines import deadlines


def due(story: Story, as_of: str, within: int = 30) -> list[tuple[str, str, int | None]]:
    """[(commitment, state, days)] in the order ``ctrack due`` lists them."""
    return [(d.commitment.id, d.state, d.days) for d in deadlines(story.knowledge(), day(as_of), within)]


def test_an_open_commitment_past_its_due_date_is_overdue_by_so_many_days():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06-30")
    assert due(story, "2024-07-03") == [("c", "overdue", -3)]


def test_a_due_date_within_the_window_is_upcoming_and_one_beyond_it_is_left_out():
    story = Story()
    story.made("soon", "2024-01-10", due="2024-06-30")
    story.made("today", "2024-01-10", due="2024-06-01")
    story.made("later", "2024-01-10", due="2024-08-01")
    assert due(story, "2024-06-01") == [("today", "upcoming", 0), ("soon", "upcoming", 29)]
    assert due(story, "2024-06-01", within=61) == [("today", "upcoming", 0), ("soon", "upcoming", 29),
                                                    ("later", "upcoming", 61)]  # fmt: skip


def test_a_coarse_due_date_is_met_by_its_last_day():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06")
    assert due(story, "2024-06-01") == [("c", "upcoming", 29)]
    assert due(story, "2024-07-01") == [("c", "overdue", -1)]


def test_closed_commitments_and_standing_principles_have_no_deadline():
    story = Story()
    story.made("done", "2024-01-10", due="2024-03-01")
    story.event("commitment_fulfilled", "done", "2024-02-01")
    story.made("dropped", "2024-01-10", due="2024-03-01")
    story.event("commitment_abandoned", "dropped", "2024-02-01")
    story.made("principle", "2024-01-10", cadence="standing")
    story.made("nodate", "2024-01-10")
    assert due(story, "2024-03-15", within=365) == []


def test_a_partly_fulfilled_commitment_lists_the_parties_that_still_owe_it():
    story = Story()
    story.made("c", "2024-01-10", parties=("US", "JP", "KR"), due="2024-06-30")
    story.event("commitment_fulfilled", "c", "2024-05-01", parties=("JP",))
    [found] = deadlines(story.knowledge(), day("2024-06-20"), 30)
    assert (found.state, found.pending) == ("upcoming", ("US", "KR"))


def test_a_due_next_commitment_awaits_a_meeting_until_one_is_scheduled_then_held():
    story = Story()
    story.made("c", "2024-01-10", due_next="summit")
    assert due(story, "2024-02-01") == [("c", "awaiting", None)]
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-04-15", kind="summit")
    assert due(story, "2024-02-29") == [("c", "awaiting", None)]  # not yet announced then
    [found] = deadlines(story.knowledge(), day("2024-04-01"), 30)
    assert (found.state, found.days, found.commitment.due_meeting, found.meeting_held) == ("upcoming", 14, "seoul", False)
    story.add("meeting_held", meeting="seoul", on="2024-04-16", kind="summit")
    [found] = deadlines(story.knowledge(), day("2024-04-20"), 30)
    assert (found.state, found.days, found.commitment.due_on, found.meeting_held) == ("overdue", -4, "2024-04-16", True)


def test_a_recurring_commitment_is_due_one_period_after_its_last_instance_and_overdue_once_lapsed():
    story = Story()
    story.made("r", "2023-08-18", cadence="annual")
    story.event("commitment_fulfilled", "r", "2024-06-27")
    assert due(story, "2025-06-01") == [("r", "upcoming", 26)]
    assert due(story, "2025-07-01") == [("r", "overdue", -4)]


def test_overdue_first_most_overdue_first_then_upcoming_soonest_first_then_awaiting():
    story = Story()
    story.made("awaits", "2024-01-01", due_next="summit")
    story.made("up-late", "2024-01-02", due="2024-06-20")
    story.made("up-soon", "2024-01-03", due="2024-06-05")
    story.made("over-little", "2024-01-04", due="2024-05-30")
    story.made("over-much", "2024-01-05", due="2024-05-01")
    assert [d[0] for d in due(story, "2024-06-01")] == ["over-much", "over-little", "up-soon", "up-late", "awaits"]
