"""The compliance matrix (``ctrack matrix``): each party's cell, what counts as due, each party's share.

Given events -> the matrix as of D, known at K -> then cells and the per-party summary.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .builders import BASE, Story, day
from commitment_tracker.projections.compliance import matrix


def cells(story: Story, as_of: str, known_at: datetime | None = None) -> dict[str, dict[str, str]]:
    """{commitment: {party: status, with '!' when overdue}}."""
    built = matrix(story.knowledge(known_at), day(as_of))
    return {
        row.commitment.id: {p: c.status + ("!" if c.overdue else "") for p, c in row.cells.items()}
        for row in built.rows
    }


def summary(story: Story, as_of: str, known_at: datetime | None = None) -> dict[str, tuple[int, int, float | None]]:
    """{party: (due, fulfilled, share)}."""
    built = matrix(story.knowledge(known_at), day(as_of))
    return {p: (s.due, s.fulfilled, s.share) for p, s in built.summary.items()}


def test_a_party_that_delivers_by_the_deadline_scores_and_the_other_is_marked_overdue():
    story = Story()
    story.made("c", "2024-01-10", parties=("US", "JP"), due="2024-06-30")
    story.event("commitment_fulfilled", "c", "2024-05-01", parties=("US",))
    assert cells(story, "2024-07-01") == {"c": {"US": "fulfilled", "JP": "pending!"}}
    assert summary(story, "2024-07-01") == {"US": (1, 1, 1.0), "JP": (1, 0, 0.0)}


def test_a_commitment_counts_as_due_from_its_deadline_day_not_before():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06-30")
    story.event("commitment_fulfilled", "c", "2024-05-01")  # early: counted once the deadline arrives
    assert summary(story, "2024-06-29") == {"US": (0, 0, None), "JP": (0, 0, None)}
    assert summary(story, "2024-06-30") == {"US": (1, 1, 1.0), "JP": (1, 1, 1.0)}


def test_a_coarse_deadline_arrives_on_its_last_day():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06")
    assert summary(story, "2024-06-29")["US"] == (0, 0, None)
    assert summary(story, "2024-06-30")["US"] == (1, 0, 0.0)
    assert cells(story, "2024-06-30")["c"]["US"] == "pending"  # due today, not yet overdue
    assert cells(story, "2024-07-01")["c"]["US"] == "pending!"


def test_a_due_next_commitment_is_due_from_the_meeting_it_resolves_to():
    story = Story()
    story.made("c", "2024-01-10", due_next="summit")
    assert summary(story, "2024-12-31")["US"] == (0, 0, None)  # no summit known: not due
    story.add("meeting_scheduled", meeting="seoul", on="2024-03-01", scheduled_for="2024-10-16", kind="summit")
    assert summary(story, "2024-10-15")["US"] == (0, 0, None)
    assert summary(story, "2024-10-16")["US"] == (1, 0, 0.0)
    assert cells(story, "2024-10-17")["c"] == {"US": "pending!", "JP": "pending!"}


def test_a_recurring_commitment_is_due_once_its_first_period_has_run_out():
    story = Story()
    story.made("r", "2023-08-18", parties=("US", "JP", "KR"), cadence="annual")
    story.event("commitment_fulfilled", "r", "2024-06-27", parties=("US", "JP"))
    # The first instance fell within the first period, but the period is still running.
    assert summary(story, "2024-08-17")["US"] == (0, 0, None)
    # From the end of the first period: judged by whether each party is keeping up.
    assert cells(story, "2024-08-18")["r"] == {"US": "fulfilled", "JP": "fulfilled", "KR": "pending"}
    assert summary(story, "2024-08-18") == {"US": (1, 1, 1.0), "JP": (1, 1, 1.0), "KR": (1, 0, 0.0)}
    # A year after the instance with none since, it has lapsed: every party owes it.
    assert cells(story, "2025-06-28")["r"] == {"US": "pending!", "JP": "pending!", "KR": "pending!"}
    assert summary(story, "2025-06-28")["US"] == (1, 0, 0.0)


def test_standing_principles_and_superseded_commitments_are_never_due():
    story = Story()
    story.made("principle", "2023-08-18", cadence="standing")
    story.made("old", "2024-01-10", due="2024-03-01")
    story.made("new", "2024-02-01", due="2025-01-01")
    story.event("commitment_superseded", "old", "2024-02-01", by="new")
    assert cells(story, "2024-06-01") == {
        "principle": {"US": "active", "JP": "active"},
        "old": {"US": "superseded", "JP": "superseded"},
        "new": {"US": "pending", "JP": "pending"},
    }
    assert summary(story, "2024-06-01")["US"] == (0, 0, None)


def test_a_commitment_without_a_deadline_is_shown_but_never_due():
    story = Story()
    story.made("c", "2024-01-10")
    story.event("commitment_fulfilled", "c", "2024-02-01")
    assert cells(story, "2030-01-01") == {"c": {"US": "fulfilled", "JP": "fulfilled"}}
    assert summary(story, "2030-01-01")["US"] == (0, 0, None)


def test_abandoning_is_a_due_commitment_not_fulfilled():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06-30")
    story.event("commitment_abandoned", "c", "2024-03-01", parties=("JP",))
    story.event("commitment_fulfilled", "c", "2024-04-01", parties=("US",))
    assert cells(story, "2024-07-01") == {"c": {"US": "fulfilled", "JP": "abandoned"}}
    assert summary(story, "2024-07-01") == {"US": (1, 1, 1.0), "JP": (1, 0, 0.0)}


def test_parties_in_order_of_appearance_and_no_cell_where_a_party_is_not_party():
    story = Story()
    story.made("a", "2024-01-10", parties=("US", "JP"), due="2024-02-01")
    story.made("b", "2024-01-11", parties=("KR", "US"), due="2024-02-01")
    story.event("commitment_fulfilled", "b", "2024-01-20")
    built = matrix(story.knowledge(), day("2024-03-01"))
    assert built.parties == ("US", "JP", "KR")
    assert cells(story, "2024-03-01") == {"a": {"US": "pending!", "JP": "pending!"}, "b": {"KR": "fulfilled", "US": "fulfilled"}}
    assert summary(story, "2024-03-01") == {"US": (2, 1, 0.5), "JP": (1, 0, 0.0), "KR": (1, 1, 1.0)}
    data = built.to_data()
    assert data["rows"][0]["cells"] == {"US": {"status": "pending", "overdue": True}, "JP": {"status": "pending", "overdue": True}}
    assert data["summary"]["US"] == {"due": 2, "fulfilled": 1, "share": 0.5}


def test_a_commitment_made_after_the_date_is_not_in_the_matrix():
    story = Story()
    story.made("c", "2024-05-01", due="2024-06-01")
    built = matrix(story.knowledge(), day("2024-04-30"))
    assert (built.parties, built.rows, built.summary) == ((), (), {})


def test_known_at_counts_only_what_had_been_recorded():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06-30")
    story.event("commitment_fulfilled", "c", "2024-05-01", at=BASE + timedelta(days=30))
    assert summary(story, "2024-07-01", known_at=BASE + timedelta(days=29))["US"] == (1, 0, 0.0)
    assert summary(story, "2024-07-01")["US"] == (1, 1, 1.0)


def test_a_retracted_fulfilment_no_longer_counts():
    story = Story()
    story.made("c", "2024-01-10", due="2024-06-30")
    ref = story.event("commitment_fulfilled", "c", "2024-05-01")
    story.retract(ref)
    assert summary(story, "2024-07-01")["US"] == (1, 0, 0.0)
