"""The status fold of SPEC §5, as a user of ``status``/``show``/``history``/``replay``/``diff`` sees it.

Given events -> folded as of a valid date D, known at a record time K -> then the status.
Pure: records are built in memory (see ``builders.py``), no store is involved.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from .builders import BASE, Story, day
from commitment_tracker.projections import diff, history, replay, walk

H = timedelta(hours=1)


def once(slug: str = "c", on: str = "2024-01-10", **fields: object) -> Story:
    story = Story()
    story.made(slug, on, **fields)
    return story


# --- once: pledged -> in_progress -> fulfilled; stalled; abandoned; superseded --------------------


def test_a_new_once_commitment_is_pledged_from_the_day_it_is_made():
    story = once()
    status = story.status("c", "2024-01-10")
    assert status is not None
    assert (status.status, status.made_on, status.last_event_on) == ("pledged", "2024-01-10", "2024-01-10")
    assert status.party_status == {"US": "pending", "JP": "pending"}
    assert (status.due_on, status.overdue, status.late, status.fulfilled_on) == (None, False, False, None)


def test_a_commitment_made_after_the_as_of_date_does_not_exist_then():
    story = once(on="2024-01-10")
    story.made("later", "2024-03-01")
    assert story.status("c", "2024-01-09") is None
    assert [s.id for s in story.knowledge().board(day("2024-02-01"))] == ["c"]
    assert [s.id for s in story.knowledge().board(day("2024-03-01"))] == ["c", "later"]


def test_progress_makes_a_once_commitment_in_progress_from_its_date():
    story = once()
    story.event("progress_reported", "c", "2024-02-01")
    assert story.state("c", "2024-01-31") == "pledged"
    assert story.state("c", "2024-02-01") == "in_progress"
    assert story.status("c", "2024-02-01").last_event_on == "2024-02-01"


def test_partial_fulfilment_makes_a_once_commitment_in_progress():
    story = once()
    story.event("commitment_fulfilled", "c", "2024-03-01", parties=("US",))
    status = story.status("c", "2024-03-01")
    assert status.status == "in_progress"
    assert status.party_status == {"US": "fulfilled", "JP": "pending"}
    assert status.fulfilled_on is None


def test_fulfilment_without_parties_fulfils_for_every_party():
    story = once()
    story.event("commitment_fulfilled", "c", "2024-03-01")
    status = story.status("c", "2024-03-01")
    assert status.status == "fulfilled"
    assert status.party_status == {"US": "fulfilled", "JP": "fulfilled"}
    assert status.fulfilled_on == "2024-03-01"
    assert story.state("c", "2024-02-29") == "pledged"


def test_fulfilment_accumulates_party_by_party_across_events():
    story = once(parties=("US", "JP", "KR"))
    story.event("commitment_fulfilled", "c", "2024-03-01", parties=("US",))
    story.event("commitment_fulfilled", "c", "2024-04-01", parties=("JP", "KR"))
    assert story.state("c", "2024-03-31") == "in_progress"
    status = story.status("c", "2024-04-01")
    assert status.status == "fulfilled"
    assert status.fulfilled_on == "2024-04-01"  # the day the last party delivered
    assert status.party_status == {"US": "fulfilled", "JP": "fulfilled", "KR": "fulfilled"}


def test_the_rok_alias_names_the_same_party_as_kr():
    story = once(parties=("US", "ROK"))
    story.event("commitment_fulfilled", "c", "2024-03-01", parties=("KR",))
    story.event("commitment_fulfilled", "c", "2024-03-02", parties=("US",))
    assert story.state("c", "2024-03-02") == "fulfilled"


def test_a_stalled_commitment_stays_stalled_until_the_next_progress():
    story = once()
    story.event("commitment_stalled", "c", "2024-02-01")
    story.event("commitment_reaffirmed", "c", "2024-02-15")
    story.event("progress_reported", "c", "2024-03-01")
    assert story.state("c", "2024-02-01") == "stalled"
    assert story.state("c", "2024-02-29") == "stalled"  # a reaffirmation does not unstall it
    assert story.state("c", "2024-03-01") == "in_progress"


def test_a_stalled_commitment_leaves_stalled_when_fulfilled():
    story = once()
    story.event("progress_reported", "c", "2024-01-20")
    story.event("commitment_stalled", "c", "2024-02-01")
    story.event("commitment_fulfilled", "c", "2024-03-01")
    assert story.state("c", "2024-02-10") == "stalled"
    assert story.state("c", "2024-03-01") == "fulfilled"


def test_a_partial_fulfilment_also_ends_a_stall():
    story = once()
    story.event("commitment_stalled", "c", "2024-02-01")
    story.event("commitment_fulfilled", "c", "2024-03-01", parties=("JP",))
    assert story.state("c", "2024-03-01") == "in_progress"


def test_abandonment_by_every_party_abandons_a_once_commitment():
    story = once()
    story.event("progress_reported", "c", "2024-02-01")
    story.event("commitment_abandoned", "c", "2024-03-01")
    status = story.status("c", "2024-03-01")
    assert status.status == "abandoned"
    assert status.party_status == {"US": "abandoned", "JP": "abandoned"}
    assert story.state("c", "2024-02-29") == "in_progress"


def test_abandonment_by_one_party_leaves_the_commitment_open_for_the_others():
    story = once(parties=("US", "JP", "KR"))
    story.event("commitment_abandoned", "c", "2024-03-01", parties=("JP",))
    status = story.status("c", "2024-03-01")
    assert status.status == "pledged"
    assert status.party_status == {"US": "pending", "JP": "abandoned", "KR": "pending"}


def test_a_commitment_everyone_either_delivered_or_walked_away_from_is_abandoned_not_fulfilled():
    # fold.py's documented resolution: "every party has either walked away or already delivered".
    story = once()
    story.event("commitment_abandoned", "c", "2024-03-01", parties=("JP",))
    story.event("commitment_fulfilled", "c", "2024-04-01", parties=("US",))
    status = story.status("c", "2024-04-01")
    assert status.status == "abandoned"
    assert status.fulfilled_on is None
    assert status.party_status == {"US": "fulfilled", "JP": "abandoned"}


def test_a_superseded_commitment_is_superseded_and_names_its_successor():
    story = once()
    story.made("c2", "2024-02-01")
    story.event("commitment_superseded", "c", "2024-02-01", by="c2")
    assert story.state("c", "2024-01-31") == "pledged"
    status = story.status("c", "2024-02-01")
    assert (status.status, status.superseded_by) == ("superseded", "c2")
    assert story.state("c2", "2024-02-01") == "pledged"


def test_a_redundant_later_fulfilment_keeps_the_day_it_first_became_fulfilled():
    story = once(due="2024-03-31")
    story.event("commitment_fulfilled", "c", "2024-03-01")
    story.event("commitment_fulfilled", "c", "2024-06-01", parties=("JP",))  # says it again, later
    status = story.status("c", "2024-07-01")
    assert (status.status, status.fulfilled_on, status.late) == ("fulfilled", "2024-03-01", False)
    changes = [(c.on, c.after) for c in walk(story.knowledge(), "c")]
    assert changes == [("2024-01-10", "pledged"), ("2024-03-01", "fulfilled")]


def test_a_fulfilment_after_a_reversal_is_a_new_fulfilment():
    story = once()
    story.event("commitment_fulfilled", "c", "2024-03-01")
    story.event("commitment_abandoned", "c", "2024-04-01", parties=("JP",))
    story.event("commitment_fulfilled", "c", "2024-05-01", parties=("JP",))
    status = story.status("c", "2024-05-01")
    assert (status.status, status.fulfilled_on) == ("fulfilled", "2024-05-01")


def test_a_partial_abandonment_does_not_end_a_stall():
    # SPEC §5: stalled "until the next progress or fulfilment"; walking away is neither.
    story = once(parties=("US", "JP", "KR"))
    story.event("commitment_fulfilled", "c", "2024-02-01", parties=("US",))
    story.event("commitment_stalled", "c", "2024-03-01")
    story.event("commitment_abandoned", "c", "2024-04-01", parties=("JP",))
    status = story.status("c", "2024-04-01")
    assert status.status == "stalled"
    assert status.party_status == {"US": "fulfilled", "JP": "abandoned", "KR": "pending"}


# --- closed: fulfilled, abandoned and superseded close a once commitment -------------------------

CLOSING = {
    "fulfilled": ("commitment_fulfilled", {}),
    "abandoned": ("commitment_abandoned", {}),
    "superseded": ("commitment_superseded", {"by": "other"}),
}
LATER = {
    "progress_reported": {},
    "commitment_reaffirmed": {},
    "commitment_stalled": {},
}


@pytest.mark.parametrize("closed", sorted(CLOSING))
@pytest.mark.parametrize("later", sorted(LATER))
def test_progress_reaffirmation_or_stall_after_a_closing_event_changes_no_status(closed, later):
    story = once()
    story.made("other", "2024-01-01")
    type_, fields = CLOSING[closed]
    story.event(type_, "c", "2024-02-01", **fields)
    story.event(later, "c", "2024-03-01")
    status = story.status("c", "2024-03-01")
    assert status.status == closed
    assert status.last_event_on == "2024-03-01"  # kept in the history all the same


def test_a_reaffirmation_after_fulfilment_is_still_counted():
    story = once()
    story.event("commitment_fulfilled", "c", "2024-02-01")
    story.event("commitment_reaffirmed", "c", "2024-03-01")
    status = story.status("c", "2024-03-01")
    assert (status.status, status.reaffirmations, status.last_reaffirmed_on) == ("fulfilled", 1, "2024-03-01")


def test_abandonment_after_fulfilment_is_a_reversal():
    story = once()
    story.event("commitment_fulfilled", "c", "2024-02-01")
    story.event("commitment_abandoned", "c", "2024-05-01")
    assert story.state("c", "2024-04-30") == "fulfilled"
    status = story.status("c", "2024-05-01")
    assert status.status == "abandoned"
    assert status.fulfilled_on is None


def test_one_party_abandoning_after_fulfilment_leaves_none_pending_so_the_commitment_is_abandoned():
    story = once(parties=("US", "JP", "KR"))
    story.event("commitment_fulfilled", "c", "2024-02-01")
    story.event("commitment_abandoned", "c", "2024-05-01", parties=("KR",))
    status = story.status("c", "2024-05-01")
    assert status.status == "abandoned"
    assert status.fulfilled_on is None
    assert status.party_status == {"US": "fulfilled", "JP": "fulfilled", "KR": "abandoned"}


# --- standing ---------------------------------------------------------------------------------------


def test_a_standing_commitment_is_active_and_stays_active_through_progress_and_stalls():
    story = once(cadence="standing")
    story.event("progress_reported", "c", "2024-02-01")
    story.event("commitment_stalled", "c", "2024-03-01")
    story.event("commitment_reaffirmed", "c", "2024-04-01")
    for as_of in ("2024-01-10", "2024-02-01", "2024-03-01", "2024-04-01", "2030-01-01"):
        status = story.status("c", as_of)
        assert (status.status, status.overdue, status.due_on) == ("active", False, None)


def test_a_standing_commitment_is_never_done():
    story = once(cadence="standing")
    story.event("commitment_fulfilled", "c", "2024-02-01")
    status = story.status("c", "2024-02-01")
    assert status.status == "active"
    assert status.fulfilled_on is None


def test_a_standing_commitment_is_abandoned_only_when_every_party_abandons_it():
    story = once(cadence="standing")
    story.event("commitment_abandoned", "c", "2024-02-01", parties=("US",))
    story.event("commitment_abandoned", "c", "2024-03-01", parties=("JP",))
    assert story.state("c", "2024-02-01") == "active"
    assert story.status("c", "2024-02-01").party_status == {"US": "abandoned", "JP": "pending"}
    assert story.state("c", "2024-03-01") == "abandoned"


def test_a_standing_commitment_can_be_superseded():
    story = once(cadence="standing")
    story.made("c2", "2024-01-01", cadence="standing")
    story.event("commitment_superseded", "c", "2024-06-01", by="c2")
    assert story.state("c", "2024-05-31") == "active"
    assert story.state("c", "2024-06-01") == "superseded"


# --- recurring ---------------------------------------------------------------------------------------

# made 2024-01-15; first period ends on; an instance on 2024-01-20; its period ends on
RECURRING = [
    ("annual", "2025-01-15", "2025-01-20"),
    ("semiannual", "2024-07-15", "2024-07-20"),
    ("quarterly", "2024-04-15", "2024-04-20"),
    ("monthly", "2024-02-15", "2024-02-20"),
]


def next_day(text: str) -> date:
    return day(text) + timedelta(days=1)


@pytest.mark.parametrize(("cadence", "first_due", "_"), RECURRING)
def test_a_recurring_commitment_is_pledged_through_its_first_period_then_lapses(cadence, first_due, _):
    story = once(on="2024-01-15", cadence=cadence)
    status = story.status("c", first_due)
    assert (status.status, status.due_on, status.overdue, status.instances) == ("pledged", first_due, False, ())
    status = story.status("c", next_day(first_due))
    assert (status.status, status.due_on, status.overdue) == ("lapsed", first_due, True)


@pytest.mark.parametrize(("cadence", "_", "next_due"), RECURRING)
def test_an_instance_puts_a_recurring_commitment_on_track_for_one_period(cadence, _, next_due):
    story = once(on="2024-01-15", cadence=cadence)
    story.event("commitment_fulfilled", "c", "2024-01-20")
    assert story.state("c", "2024-01-19") == "pledged"
    status = story.status("c", "2024-01-20")
    assert (status.status, status.due_on, status.instances) == ("on_track", next_due, ("2024-01-20",))
    assert status.party_status == {"US": "fulfilled", "JP": "fulfilled"}
    at_due = story.status("c", next_due)
    assert (at_due.status, at_due.overdue) == ("on_track", False)  # exactly at the due day: not lapsed
    after = story.status("c", next_day(next_due))
    assert (after.status, after.overdue, after.due_on) == ("lapsed", True, next_due)
    assert after.party_status == {"US": "pending", "JP": "pending"}


def test_an_instance_held_by_some_parties_only_counts_those_parties_as_fulfilled():
    story = once(on="2024-01-15", cadence="annual", parties=("US", "JP", "KR"))
    story.event("commitment_fulfilled", "c", "2024-08-18", parties=("US", "KR"))
    status = story.status("c", "2024-09-01")
    assert status.status == "on_track"
    assert status.party_status == {"US": "fulfilled", "JP": "pending", "KR": "fulfilled"}


def test_a_lapsed_recurring_commitment_is_back_on_track_with_a_late_instance():
    story = once(on="2024-01-15", cadence="quarterly")
    story.event("commitment_fulfilled", "c", "2024-01-20")
    story.event("commitment_fulfilled", "c", "2024-05-10")
    assert story.state("c", "2024-04-21") == "lapsed"
    status = story.status("c", "2024-05-10")
    assert (status.status, status.late, status.due_on) == ("on_track", True, "2024-08-10")
    assert status.instances == ("2024-01-20", "2024-05-10")
    assert story.status("c", "2024-04-21").late is False


def test_an_instance_within_the_period_is_not_late():
    story = once(on="2024-01-15", cadence="quarterly")
    story.event("commitment_fulfilled", "c", "2024-01-20")
    story.event("commitment_fulfilled", "c", "2024-04-20")  # exactly at the end of the period
    status = story.status("c", "2024-04-20")
    assert (status.status, status.late, status.due_on) == ("on_track", False, "2024-07-20")


def test_recurring_instances_are_listed_in_valid_time_order_whatever_the_record_order():
    story = once(on="2024-01-15", cadence="annual")
    story.event("commitment_fulfilled", "c", "2025-08-01")
    story.event("commitment_fulfilled", "c", "2024-08-01")
    status = story.status("c", "2025-12-31")
    assert status.instances == ("2024-08-01", "2025-08-01")
    assert (status.status, status.due_on) == ("on_track", "2026-08-01")


def test_a_coarse_instance_runs_its_period_from_its_last_day():
    story = once(on="2023-08-18", cadence="annual")
    story.event("commitment_fulfilled", "c", "2024")
    status = story.status("c", "2025-12-31")
    assert (status.status, status.due_on) == ("on_track", "2025-12-31")
    assert story.state("c", "2026-01-01") == "lapsed"


def test_a_monthly_period_from_the_31st_ends_on_the_last_day_of_a_shorter_month():
    story = once(on="2024-01-31", cadence="monthly")
    assert story.status("c", "2024-02-29").due_on == "2024-02-29"
    assert story.state("c", "2024-02-29") == "pledged"
    assert story.state("c", "2024-03-01") == "lapsed"


@pytest.mark.parametrize("cadence", ["annual", "semiannual", "quarterly", "monthly"])
def test_an_abandoned_recurring_commitment_stays_abandoned_and_never_lapses(cadence):
    story = once(on="2024-01-15", cadence=cadence)
    story.event("commitment_fulfilled", "c", "2024-01-20")
    story.event("commitment_abandoned", "c", "2024-02-01")
    assert story.state("c", "2024-01-31") == "on_track"
    status = story.status("c", "2030-01-01")
    assert (status.status, status.overdue) == ("abandoned", False)


@pytest.mark.parametrize("cadence", ["annual", "semiannual", "quarterly", "monthly"])
def test_a_superseded_recurring_commitment_stays_superseded_and_never_lapses(cadence):
    story = once(on="2024-01-15", cadence=cadence)
    story.made("c2", "2024-01-01", cadence=cadence)
    story.event("commitment_superseded", "c", "2024-02-01", by="c2")
    status = story.status("c", "2030-01-01")
    assert (status.status, status.overdue, status.superseded_by) == ("superseded", False, "c2")


def test_one_party_leaving_a_recurring_commitment_does_not_end_it():
    story = once(on="2024-01-15", cadence="annual")
    story.event("commitment_abandoned", "c", "2024-02-01", parties=("JP",))
    status = story.status("c", "2024-02-01")
    assert status.status == "pledged"
    assert status.party_status == {"US": "pending", "JP": "abandoned"}


def test_a_recurring_commitment_made_on_a_coarse_date_runs_its_first_period_from_that_month_end():
    story = once(on="2024-05", cadence="monthly")
    assert story.status("c", "2024-05-01").made_on == "2024-05"
    assert story.state("c", "2024-06-30") == "pledged"
    assert story.state("c", "2024-07-01") == "lapsed"


# --- due_on, overdue, late, deadline_changed --------------------------------------------------------


def test_a_once_commitment_is_overdue_the_day_after_its_due_date():
    story = once(due="2024-06-30")
    at_due = story.status("c", "2024-06-30")
    assert (at_due.due_on, at_due.overdue) == ("2024-06-30", False)
    assert story.status("c", "2024-07-01").overdue is True


def test_a_commitment_without_a_deadline_is_never_overdue():
    story = once()
    status = story.status("c", "2030-01-01")
    assert (status.due_on, status.overdue) == (None, False)


@pytest.mark.parametrize(("due", "last", "first_overdue"), [
    ("2024-06", "2024-06-30", "2024-07-01"),
    ("2024", "2024-12-31", "2025-01-01"),
])  # fmt: skip
def test_a_coarse_due_date_means_by_its_last_day(due, last, first_overdue):
    story = once(due=due)
    status = story.status("c", last)
    assert (status.due_on, status.overdue) == (due, False)
    assert story.status("c", first_overdue).overdue is True


@pytest.mark.parametrize("closing", ["commitment_fulfilled", "commitment_abandoned"])
def test_a_closed_commitment_is_not_overdue(closing):
    story = once(due="2024-06-30")
    story.event(closing, "c", "2024-06-01")
    assert story.status("c", "2024-12-31").overdue is False


def test_a_superseded_commitment_is_not_overdue():
    story = once(due="2024-06-30")
    story.made("c2", "2024-05-01")
    story.event("commitment_superseded", "c", "2024-06-01", by="c2")
    assert story.status("c", "2024-12-31").overdue is False


@pytest.mark.parametrize("open_state", ["progress_reported", "commitment_stalled"])
def test_an_open_commitment_past_its_deadline_is_overdue_whatever_its_progress(open_state):
    story = once(due="2024-06-30")
    story.event(open_state, "c", "2024-06-01")
    assert story.status("c", "2024-07-01").overdue is True


def test_fulfilment_after_the_due_date_is_late_and_no_longer_overdue():
    story = once(due="2024-06-30")
    story.event("commitment_fulfilled", "c", "2024-07-15")
    before = story.status("c", "2024-07-14")
    assert (before.overdue, before.late) == (True, False)
    after = story.status("c", "2024-07-15")
    assert (after.status, after.overdue, after.late) == ("fulfilled", False, True)


@pytest.mark.parametrize("closing", ["commitment_abandoned", "commitment_superseded"])
def test_late_holds_only_while_the_commitment_stands_fulfilled(closing):
    story = once(due="2024-03-31")
    story.made("other", "2024-01-01")
    story.event("commitment_fulfilled", "c", "2024-05-01")
    story.event(closing, "c", "2024-06-01", **({"by": "other"} if closing == "commitment_superseded" else {}))
    assert story.status("c", "2024-05-01").late is True
    after = story.status("c", "2024-06-01")
    assert (after.status, after.late) == (closing.split("_")[1], False)


@pytest.mark.parametrize("closing", ["commitment_abandoned", "commitment_superseded"])
def test_a_closed_recurring_commitment_is_not_late(closing):
    story = once(on="2024-01-10", cadence="annual")
    story.made("other", "2024-01-01")
    story.event("commitment_fulfilled", "c", "2025-03-01")  # due by 2025-01-10: late
    story.event(closing, "c", "2025-06-01", **({"by": "other"} if closing == "commitment_superseded" else {}))
    assert story.status("c", "2025-03-01").late is True
    assert story.status("c", "2025-06-01").late is False


def test_fulfilment_on_the_due_date_is_not_late():
    story = once(due="2024-06")
    story.event("commitment_fulfilled", "c", "2024-06-30")
    assert story.status("c", "2024-12-31").late is False


def test_a_partial_fulfilment_after_the_deadline_is_not_yet_late_but_overdue():
    story = once(due="2024-06-30")
    story.event("commitment_fulfilled", "c", "2024-07-15", parties=("US",))
    status = story.status("c", "2024-07-15")
    assert (status.status, status.late, status.overdue) == ("in_progress", False, True)


def test_a_deadline_change_moves_due_on_from_its_own_date():
    story = once(due="2024-06-30")
    story.event("deadline_changed", "c", "2024-06-01", due="2024-12-31")
    before = story.status("c", "2024-05-31")
    assert (before.due_on, before.due) == ("2024-06-30", "2024-06-30")
    after = story.status("c", "2024-07-01")
    assert (after.due_on, after.overdue) == ("2024-12-31", False)
    assert story.status("c", "2025-01-01").overdue is True


def test_a_deadline_change_to_the_next_meeting_replaces_a_fixed_date():
    story = once(due="2024-06-30")
    story.event("deadline_changed", "c", "2024-06-01", due_next="summit")
    status = story.status("c", "2024-07-01")
    assert (status.due, status.due_next, status.due_on, status.overdue) == (None, "summit", None, False)
    story.add("meeting_scheduled", meeting="m", on="2024-07-10", scheduled_for="2024-11-01", kind="summit")
    assert story.status("c", "2024-07-10").due_on == "2024-11-01"


def test_an_earlier_deadline_can_make_a_commitment_overdue():
    story = once(due="2024-12-31")
    story.event("deadline_changed", "c", "2024-03-01", due="2024-05-31")
    assert story.status("c", "2024-06-01").overdue is True
    assert story.status("c", "2024-02-29").due_on == "2024-12-31"


# --- due_next: "by the next meeting of this kind" -----------------------------------------------


def test_a_due_next_deadline_is_unresolved_until_a_meeting_of_that_kind_is_known():
    story = once(due_next="trilateral-summit")
    story.add("meeting_held", meeting="other", on="2024-03-01", kind="ministerial")
    status = story.status("c", "2025-01-01")
    assert (status.due_on, status.due_meeting, status.overdue, status.due_next) == (
        None, None, False, "trilateral-summit")  # fmt: skip


def test_a_due_next_deadline_resolves_to_a_meeting_scheduled_by_the_as_of_date():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="summit")
    assert story.status("c", "2024-02-29").due_on is None
    status = story.status("c", "2024-03-01")
    assert (status.due_on, status.due_meeting, status.overdue) == ("2024-10-16", "seoul", False)
    assert story.status("c", "2024-10-17").overdue is True  # scheduled, passed, not (known to be) held


def test_a_due_next_deadline_resolves_to_the_held_meeting():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_held", meeting="seoul", on="2024-09-01", kind="summit")
    assert story.status("c", "2024-08-31").due_on is None
    status = story.status("c", "2024-09-01")
    assert (status.due_on, status.due_meeting, status.overdue) == ("2024-09-01", "seoul", False)
    assert story.status("c", "2024-09-02").overdue is True


def test_a_meeting_held_before_the_commitment_is_not_its_next_meeting():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_held", meeting="old", on="2023-12-01", kind="summit")
    story.add("meeting_held", meeting="same-day", on="2024-01-10", kind="summit")
    assert story.status("c", "2024-06-01").due_on is None
    story.add("meeting_held", meeting="new", on="2024-09-01", kind="summit")
    assert story.status("c", "2024-09-01").due_meeting == "new"


def test_the_first_of_several_later_meetings_is_the_deadline():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_held", meeting="second", on="2024-11-01", kind="summit")
    story.add("meeting_held", meeting="first", on="2024-05-01", kind="summit")
    assert story.status("c", "2024-12-31").due_meeting == "first"


def test_a_held_meeting_wins_over_an_earlier_scheduled_one_only_once_it_is_held():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="summit")
    story.add("meeting_held", meeting="seoul", on="2024-10-20", kind="summit")
    assert story.status("c", "2024-10-19").due_on == "2024-10-16"
    status = story.status("c", "2024-10-20")
    assert (status.due_on, status.overdue) == ("2024-10-20", False)


def test_a_rescheduled_meeting_moves_the_deadline_from_the_new_announcement():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-05-01", scheduled_for="2024-11-20", kind="summit")
    assert story.status("c", "2024-04-30").due_on == "2024-10-16"
    assert story.status("c", "2024-05-01").due_on == "2024-11-20"


def test_a_rescheduling_recorded_before_the_original_announcement_still_wins_from_its_date():
    # SPEC §2: events recorded out of valid-time order give the same answer as in order.
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-05-01", scheduled_for="2024-11-20", kind="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="summit")
    assert story.status("c", "2024-04-30").due_on == "2024-10-16"
    assert story.status("c", "2024-05-01").due_on == "2024-11-20"


def test_a_meetings_latest_announcement_as_corrected_defines_its_kind_and_date():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="summit")
    again = story.add("meeting_scheduled", meeting="seoul", on="2024-05-01", scheduled_for="2024-11-20", kind="summit")
    story.correct(again, kind="ministerial")
    assert story.status("c", "2024-04-30").due_on == "2024-10-16"
    status = story.status("c", "2024-05-01")  # from then on it is a ministerial, not a summit
    assert (status.due_on, status.due_meeting) == (None, None)


def test_a_meeting_announced_as_another_kind_becomes_the_deadline_once_re_announced_as_its_kind():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="ministerial")
    story.add("meeting_scheduled", meeting="seoul", on="2024-05-01", scheduled_for="2024-11-20", kind="summit")
    assert story.status("c", "2024-04-30").due_on is None
    assert story.status("c", "2024-05-01").due_on == "2024-11-20"


def test_fulfilment_after_the_next_meeting_is_late():
    story = once(on="2024-01-10", due_next="summit")
    story.add("meeting_held", meeting="seoul", on="2024-10-16", kind="summit")
    story.event("commitment_fulfilled", "c", "2024-11-01")
    status = story.status("c", "2024-11-01")
    assert (status.status, status.late, status.due_on, status.overdue) == ("fulfilled", True, "2024-10-16", False)


# --- reaffirmations ----------------------------------------------------------------------------------


def test_reaffirmations_are_counted_with_the_latest_date_and_change_no_status():
    story = once()
    story.event("commitment_reaffirmed", "c", "2024-05-01")
    story.event("commitment_reaffirmed", "c", "2024-03-01", parties=("JP",))
    assert (story.status("c", "2024-02-01").reaffirmations, story.status("c", "2024-02-01").last_reaffirmed_on) == (0, None)
    march = story.status("c", "2024-03-01")
    assert (march.reaffirmations, march.last_reaffirmed_on, march.status) == (1, "2024-03-01", "pledged")
    may = story.status("c", "2024-05-01")
    assert (may.reaffirmations, may.last_reaffirmed_on, may.status) == (2, "2024-05-01", "pledged")


def test_a_reaffirmed_recurring_commitment_still_lapses_without_an_instance():
    story = once(on="2024-01-15", cadence="annual")
    story.event("commitment_reaffirmed", "c", "2024-12-01")
    assert story.state("c", "2025-01-16") == "lapsed"


# --- precision dates --------------------------------------------------------------------------------


def test_a_month_precision_event_counts_from_the_first_of_the_month_and_keeps_its_precision():
    story = once()
    story.event("progress_reported", "c", "2024-05")
    assert story.state("c", "2024-04-30") == "pledged"
    status = story.status("c", "2024-05-01")
    assert (status.status, status.last_event_on) == ("in_progress", "2024-05")


def test_a_commitment_made_in_a_month_exists_from_its_first_day():
    story = once(on="2024-05")
    assert story.status("c", "2024-04-30") is None
    assert story.status("c", "2024-05-01").made_on == "2024-05"


def test_a_year_precision_fulfilment_counts_from_january_first():
    story = once(on="2023-06-01")
    story.event("commitment_fulfilled", "c", "2024")
    assert story.state("c", "2023-12-31") == "pledged"
    assert story.status("c", "2024-01-01").fulfilled_on == "2024"


# --- valid time and record time -----------------------------------------------------------------


def test_events_recorded_out_of_valid_time_order_fold_in_valid_time_order():
    story = once()
    story.event("commitment_fulfilled", "c", "2024-04-01")
    story.event("commitment_stalled", "c", "2024-03-01")
    story.event("progress_reported", "c", "2024-02-01")
    assert [story.state("c", d) for d in ("2024-02-01", "2024-03-01", "2024-04-01")] == [
        "in_progress", "stalled", "fulfilled"]  # fmt: skip


def test_events_on_the_same_day_apply_in_record_order():
    story = once()
    story.event("commitment_stalled", "c", "2024-03-01")
    story.event("progress_reported", "c", "2024-03-01")
    assert story.state("c", "2024-03-01") == "in_progress"
    story = once()
    story.event("progress_reported", "c", "2024-03-01")
    story.event("commitment_stalled", "c", "2024-03-01")
    assert story.state("c", "2024-03-01") == "stalled"


def test_an_event_recorded_after_the_known_at_time_is_invisible():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    story.event("commitment_fulfilled", "c", "2024-02-01", at=BASE + 3 * H)
    assert story.state("c", "2024-12-31", known_at=BASE + 2 * H) == "pledged"
    assert story.state("c", "2024-12-31", known_at=BASE + 3 * H) == "fulfilled"  # at K: known
    assert story.state("c", "2024-12-31") == "fulfilled"  # known at now
    assert story.status("c", "2024-12-31", known_at=BASE) is None  # not yet recorded at all


def test_a_retracted_event_no_longer_counts_but_only_once_the_retraction_is_known():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    fulfilled = story.event("commitment_fulfilled", "c", "2024-02-01", at=BASE + 2 * H)
    story.retract(fulfilled, at=BASE + 4 * H)
    assert story.state("c", "2024-12-31", known_at=BASE + 3 * H) == "fulfilled"
    assert story.state("c", "2024-12-31", known_at=BASE + 4 * H) == "pledged"
    assert story.state("c", "2024-12-31") == "pledged"


def test_a_retracted_making_removes_the_commitment_from_the_board():
    story = Story()
    made = story.made("c", "2024-01-10", at=BASE + 1 * H)
    story.retract(made, at=BASE + 2 * H)
    assert story.status("c", "2024-12-31") is None
    assert list(story.knowledge().board(day("2024-12-31"))) == []
    assert story.state("c", "2024-12-31", known_at=BASE + 1 * H) == "pledged"


def test_a_correction_of_the_date_applies_only_once_known():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    progress = story.event("progress_reported", "c", "2024-03-01", at=BASE + 2 * H)
    story.correct(progress, on="2024-05-01", at=BASE + 3 * H)
    assert story.state("c", "2024-04-01", known_at=BASE + 2 * H) == "in_progress"
    assert story.state("c", "2024-04-01", known_at=BASE + 3 * H) == "pledged"
    assert story.state("c", "2024-05-01") == "in_progress"


def test_a_correction_of_the_fulfilling_parties_completes_a_partial_fulfilment():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    fulfilled = story.event("commitment_fulfilled", "c", "2024-02-01", parties=("US",), at=BASE + 2 * H)
    story.correct(fulfilled, parties=("US", "JP"), at=BASE + 3 * H)
    assert story.state("c", "2024-02-01", known_at=BASE + 2 * H) == "in_progress"
    assert story.state("c", "2024-02-01") == "fulfilled"


def test_a_correction_adding_a_party_to_the_commitment_undoes_its_fulfilment():
    story = Story()
    made = story.made("c", "2024-01-10", at=BASE + 1 * H)
    story.event("commitment_fulfilled", "c", "2024-02-01", parties=("US", "JP"), at=BASE + 2 * H)
    story.correct(made, parties=("US", "JP", "KR"), at=BASE + 3 * H)
    assert story.state("c", "2024-02-01", known_at=BASE + 2 * H) == "fulfilled"
    status = story.status("c", "2024-02-01")
    assert status.status == "in_progress"
    assert status.parties == ("US", "JP", "KR")
    assert status.party_status["KR"] == "pending"


def test_a_correction_of_the_due_date_changes_overdue_once_known():
    story = Story()
    made = story.made("c", "2024-01-10", due="2024-12-31", at=BASE + 1 * H)
    story.correct(made, due="2024-03-31", at=BASE + 2 * H)
    early = story.status("c", "2024-04-01", known_at=BASE + 1 * H)
    assert (early.due_on, early.overdue) == ("2024-12-31", False)
    late = story.status("c", "2024-04-01")
    assert (late.due_on, late.overdue) == ("2024-03-31", True)


def test_a_correction_of_the_making_date_moves_when_the_commitment_exists():
    story = Story()
    made = story.made("c", "2024-01-10", at=BASE + 1 * H)
    story.correct(made, on="2024-03-01", at=BASE + 2 * H)
    assert story.state("c", "2024-02-01", known_at=BASE + 1 * H) == "pledged"
    assert story.status("c", "2024-02-01") is None
    assert story.status("c", "2024-03-01").made_on == "2024-03-01"


def test_retracting_a_retraction_restores_its_target():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    fulfilled = story.event("commitment_fulfilled", "c", "2024-02-01", at=BASE + 2 * H)
    retraction = story.retract(fulfilled, at=BASE + 3 * H)
    story.retract(retraction, at=BASE + 4 * H)
    assert story.state("c", "2024-12-31", known_at=BASE + 3 * H) == "pledged"
    assert story.state("c", "2024-12-31") == "fulfilled"


def test_a_retracted_correction_no_longer_applies():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    progress = story.event("progress_reported", "c", "2024-03-01", at=BASE + 2 * H)
    correction = story.correct(progress, on="2024-05-01", at=BASE + 3 * H)
    story.retract(correction, at=BASE + 4 * H)
    assert story.state("c", "2024-04-01", known_at=BASE + 3 * H) == "pledged"
    assert story.state("c", "2024-04-01") == "in_progress"


def test_a_retracted_meeting_no_longer_resolves_a_deadline():
    story = once(due_next="summit")
    held = story.add("meeting_held", meeting="seoul", on="2024-09-01", kind="summit")
    story.retract(held)
    assert story.status("c", "2024-12-31").due_on is None


def test_a_meeting_recorded_after_the_known_at_time_does_not_resolve_the_deadline():
    story = Story()
    story.made("c", "2024-01-10", due_next="summit", at=BASE + 1 * H)
    story.add("meeting_held", meeting="seoul", on="2024-09-01", kind="summit", at=BASE + 3 * H)
    assert story.status("c", "2024-12-31", known_at=BASE + 2 * H).due_on is None
    assert story.status("c", "2024-12-31", known_at=BASE + 3 * H).due_on == "2024-09-01"


# --- history -------------------------------------------------------------------------------------------


def audit_story() -> Story:
    story = Story()
    story.made("c", "2024-01-10")  # c#1
    story.event("progress_reported", "c", "2024-03-01")  # c#2
    story.event("commitment_stalled", "c", "2024-02-01")  # c#3 (recorded late)
    story.event("commitment_fulfilled", "c", "2024-04-01")  # c#4
    story.retract("c#3")  # c#5
    return story


def test_history_in_valid_time_order_shows_each_events_effect_on_the_status():
    story = audit_story()
    rows = history(story.log(), story.knowledge(), "c", by_record=False, as_of=day("2024-12-31"))
    summary = [(r["ref"], r["type"], r["retracted"], r["status_before"], r["status_after"]) for r in rows]
    assert summary == [
        ("c#1", "commitment_made", False, None, "pledged"),
        ("c#3", "commitment_stalled", True, "pledged", "pledged"),  # retracted: no effect
        ("c#5", "event_retracted", False, "pledged", "pledged"),  # sits with its target
        ("c#2", "progress_reported", False, "pledged", "in_progress"),
        ("c#4", "commitment_fulfilled", False, "in_progress", "fulfilled"),
    ]
    assert rows[1]["retracted_by"] == ["c#5"]


def test_history_in_record_order_shows_what_the_tracker_said_as_each_event_arrived():
    story = audit_story()
    rows = history(story.log(), story.knowledge(), "c", by_record=True, as_of=day("2024-02-15"))
    summary = [(r["ref"], r["status_before"], r["status_after"]) for r in rows]
    assert summary == [
        ("c#1", None, "pledged"),
        ("c#2", "pledged", "pledged"),  # dated after the as-of date
        ("c#3", "pledged", "stalled"),
        ("c#4", "stalled", "stalled"),
        ("c#5", "stalled", "pledged"),  # the retraction undid the stall
    ]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]


def test_history_marks_corrected_events_and_shows_the_effective_values():
    story = once()
    progress = story.event("progress_reported", "c", "2024-03-01")
    story.correct(progress, on="2024-05-01")
    rows = history(story.log(), story.knowledge(), "c", by_record=False, as_of=day("2024-12-31"))
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["c#2"]["corrected_by"] == ["c#3"]
    assert by_ref["c#2"]["on"] == "2024-05-01"  # the effective value, where it sorts
    assert by_ref["c#2"]["original"] == {"on": "2024-03-01"}  # as recorded
    assert by_ref["c#2"]["effective"]["on"] == "2024-05-01"


def test_history_in_valid_time_order_lists_corrected_events_at_their_effective_date():
    story = once()
    early = story.event("progress_reported", "c", "2024-02-01")
    story.event("commitment_stalled", "c", "2024-03-01")
    story.correct(early, on="2024-04-01")
    rows = history(story.log(), story.knowledge(), "c", by_record=False, as_of=day("2024-12-31"))
    assert [(r["ref"], r["on"]) for r in rows] == [
        ("c#1", "2024-01-10"), ("c#3", "2024-03-01"), ("c#2", "2024-04-01"), ("c#4", "2024-04-01")]  # fmt: skip


def test_history_in_valid_time_order_stops_at_the_as_of_date():
    story = once()
    story.event("progress_reported", "c", "2024-02-01")
    fulfilled = story.event("commitment_fulfilled", "c", "2024-05-01")
    story.correct(fulfilled, note="delivered")
    rows = history(story.log(), story.knowledge(), "c", by_record=False, as_of=day("2024-03-01"), until_as_of=True)
    assert [r["ref"] for r in rows] == ["c#1", "c#2"]
    assert rows[-1]["status_after"] == "in_progress"


def test_history_known_at_an_earlier_time_omits_later_records():
    story = Story()
    story.made("c", "2024-01-10", at=BASE + 1 * H)
    story.event("progress_reported", "c", "2024-02-01", at=BASE + 2 * H)
    story.event("commitment_fulfilled", "c", "2024-03-01", at=BASE + 3 * H)
    knowledge = story.knowledge(BASE + 2 * H)
    rows = history(story.log(), knowledge, "c", by_record=False, as_of=day("2024-12-31"))
    assert [r["ref"] for r in rows] == ["c#1", "c#2"]


# --- replay, diff, walk -----------------------------------------------------------------------------


def replay_story() -> Story:
    story = Story()
    story.made("c-once", "2024-01-10")
    story.made("c-annual", "2024-02-01", cadence="annual")
    story.event("commitment_fulfilled", "c-once", "2024-05-01")
    story.event("progress_reported", "c-once", "2024-03-01")
    story.event("commitment_reaffirmed", "c-once", "2024-04-01")  # changes no status
    return story


def test_replay_lists_every_status_change_in_valid_time_order_including_lapses():
    story = replay_story()
    changes = [c.to_data() for c in replay(story.knowledge(), None, day("2025-12-31"))]
    assert [(c["on"], c["commitment"], c["status_before"], c["status_after"], c["cause"], c["cause_type"])
            for c in changes] == [
        ("2024-01-10", "c-once", None, "pledged", "c-once#1", "commitment_made"),
        ("2024-02-01", "c-annual", None, "pledged", "c-annual#1", "commitment_made"),
        ("2024-03-01", "c-once", "pledged", "in_progress", "c-once#3", "progress_reported"),
        ("2024-05-01", "c-once", "in_progress", "fulfilled", "c-once#2", "commitment_fulfilled"),
        ("2025-02-02", "c-annual", "pledged", "lapsed", None, "period_elapsed"),
    ]  # fmt: skip


def test_replay_within_a_window_keeps_only_the_changes_inside_it():
    story = replay_story()
    changes = replay(story.knowledge(), day("2024-03-01"), day("2025-02-01"))
    assert [(c.on, c.commitment, c.after) for c in changes] == [
        ("2024-03-01", "c-once", "in_progress"),
        ("2024-05-01", "c-once", "fulfilled"),
    ]


def test_diff_lists_the_commitments_whose_status_changed_between_two_dates():
    story = replay_story()
    rows = diff(story.knowledge(), day("2024-02-15"), day("2025-03-01"))
    assert [(r["id"], r["status_from"], r["status_to"], r["overdue_to"]) for r in rows] == [
        ("c-once", "pledged", "fulfilled", False),
        ("c-annual", "pledged", "lapsed", True),
    ]
    rows = diff(story.knowledge(), day("2024-01-01"), day("2024-01-15"))
    assert [(r["id"], r["status_from"], r["status_to"]) for r in rows] == [("c-once", None, "pledged")]
    assert diff(story.knowledge(), day("2024-05-01"), day("2025-02-01")) == []


def test_walk_follows_a_recurring_commitment_through_its_lapses_and_instances():
    story = once(on="2024-01-15", cadence="quarterly")
    story.event("commitment_fulfilled", "c", "2024-05-10")
    story.event("commitment_abandoned", "c", "2024-12-01")
    changes = [(c.on, c.before, c.after, c.cause_type) for c in walk(story.knowledge(), "c")]
    assert changes == [
        ("2024-01-15", None, "pledged", "commitment_made"),
        ("2024-04-16", "pledged", "lapsed", "period_elapsed"),
        ("2024-05-10", "lapsed", "on_track", "commitment_fulfilled"),
        ("2024-08-11", "on_track", "lapsed", "period_elapsed"),
        ("2024-12-01", "lapsed", "abandoned", "commitment_abandoned"),
    ]


def test_replay_agrees_with_the_status_on_every_day():
    story = replay_story()
    story.event("commitment_fulfilled", "c-annual", "2025-03-01")
    knowledge = story.knowledge()
    changes = replay(knowledge, None, day("2026-12-31"))
    current: dict[str, str] = {}
    d = day("2024-01-01")
    index = 0
    while d <= day("2026-12-31"):
        while index < len(changes) and changes[index].day <= d:
            current[changes[index].commitment] = changes[index].after
            index += 1
        assert {s.id: s.status for s in knowledge.board(d)} == current, d
        d += timedelta(days=1)
