"""The summit report's pure parts: ranks as the research groups give them, and the days a page holds."""

from __future__ import annotations

from datetime import date, timedelta

from commitment_tracker.projections.render.summit_page import offered_days
from commitment_tracker.projections.summit_report import ranked, matching_summits, member_order


def test_equal_averages_share_a_rank_and_the_next_rank_counts_them():
    groups = [{"key": k, "average": a} for k, a in [("GB", 0.9), ("EU", 0.8), ("DE", 0.8), ("JP", 0.5)]]
    assert [g["rank"] for g in ranked(groups)] == [1, 2, 2, 4]


def test_a_year_names_each_of_its_summits_and_a_summit_itself_in_any_case():
    summits = ["2009L", "2009P", "2010S", "2021"]
    assert matching_summits(summits, "2009") == ["2009L", "2009P"]
    assert matching_summits(summits, "2010s") == ["2010S"] and matching_summits(summits, "2030") == []


def test_members_are_listed_by_name_with_the_european_union_last():
    assert member_order(["EU", "US", "AR", "GB", "DE"]) == ["AR", "DE", "GB", "US", "EU"]


def test_a_page_holds_every_change_day_or_says_until_when_each_held_day_holds():
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(10)]
    assert offered_days(days, 20) == [(d, None) for d in days]
    held = offered_days(days, 4)
    assert [d for d, _ in held] == [days[0], days[3], days[6], days[9]]
    # Each held day holds until the next change day the page skipped; the last holds to the end.
    assert [until for _, until in held] == [days[1], days[4], days[7], None]
