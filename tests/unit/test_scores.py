"""Compliance scores (SPEC §8): which score counts as of D, known at K, and the averages.

Given assessments -> the score sheet as of D, known at K -> then each party's counting score and
the averages of commitments, parties, areas, years and cycles.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from .builders import BASE, Story, day
from commitment_tracker.projections.scores import UNLABELLED, score_only, score_sheet, summarise

G3 = ("US", "JP", "KR")


def scores(story: Story, as_of: str = "2030-01-01", known_at=None, **filters) -> dict[str, dict[str, int]]:
    sheet = score_sheet(story.knowledge(known_at), day(as_of), **filters)
    return {row.id: row.scores for row in sheet}


def assess(story: Story, slug: str, party: str, score: int, on: str, **fields) -> str:
    return story.event("compliance_assessed", slug, on, party=party, score=score, **fields)


def test_the_latest_assessment_by_valid_date_counts_whatever_order_it_was_recorded_in():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "US", 1, "2021-06-01")  # the final report, recorded first
    assess(story, "c", "US", -1, "2020-12-01")  # the interim report, recorded late
    assert scores(story) == {"c": {"US": 1}}
    assert scores(story, "2021-01-01") == {"c": {"US": -1}}
    assert scores(story, "2020-11-30") == {"c": {}}


def test_two_assessments_on_the_same_day_the_later_recorded_counts():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "JP", 0, "2021-06-01")
    assess(story, "c", "JP", 1, "2021-06-01")  # recalibrated the same day
    assert scores(story) == {"c": {"JP": 1}}


def test_a_recalibration_replaces_the_score_from_its_date_on():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "KR", 0, "2021-06-01", cycle="final")
    assess(story, "c", "KR", 1, "2022-03-01", cycle="final", note="new evidence")
    assert scores(story, "2021-12-31") == {"c": {"KR": 0}}
    assert scores(story, "2022-03-01") == {"c": {"KR": 1}}


def test_a_cycle_filter_keeps_only_that_cycles_assessments():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "US", -1, "2020-12-01", cycle="interim")
    assess(story, "c", "US", 1, "2021-06-01", cycle="final")
    assess(story, "c", "JP", 0, "2020-12-01", cycle="interim")
    assert scores(story, cycle="interim") == {"c": {"US": -1, "JP": 0}}
    assert scores(story, cycle="final") == {"c": {"US": 1}}
    assert scores(story) == {"c": {"US": 1, "JP": 0}}
    assess(story, "c", "KR", 1, "2021-06-01")
    assert scores(story, cycle=UNLABELLED) == {"c": {"KR": 1}}


def test_a_retracted_assessment_no_longer_counts_and_the_previous_one_does_again():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "US", 0, "2020-12-01")
    wrong = assess(story, "c", "US", -1, "2021-06-01")
    story.retract(wrong)
    assert scores(story) == {"c": {"US": 0}}


def test_a_corrected_score_counts_with_its_corrected_value_and_date():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    typo = assess(story, "c", "US", -1, "2021-06-01")
    story.correct(typo, score=1)
    assert scores(story) == {"c": {"US": 1}}
    story.correct(typo, on="2022-01-01")
    assert scores(story, "2021-12-31") == {"c": {}}
    assert scores(story, "2022-01-01") == {"c": {"US": 1}}


def test_known_at_sees_only_assessments_retractions_and_corrections_recorded_by_then():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    first = assess(story, "c", "US", -1, "2021-06-01")
    before_correction = story.clock
    story.correct(first, score=0)
    before_retraction = story.clock
    story.retract(first)
    assert scores(story, known_at=BASE) == {}  # nothing known yet: not even the commitment
    assert scores(story, known_at=before_correction) == {"c": {"US": -1}}
    assert scores(story, known_at=before_retraction) == {"c": {"US": 0}}
    assert scores(story) == {"c": {}}
    assert scores(story, known_at=before_retraction + timedelta(days=1)) == {"c": {}}


def test_an_unassessed_party_is_left_out_of_every_average_never_counted_as_zero():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "US", 1, "2021-06-01")
    assess(story, "c", "JP", 1, "2021-06-01")
    sheet = score_sheet(story.knowledge(), day("2030-01-01"))
    summary = summarise(sheet, "commitment")
    assert summary["groups"][0]["average"] == 1.0  # not 2/3: KR has no score
    assert summary["groups"][0]["percent"] == 100.0
    assert summary["groups"][0]["party_scores"] == {"JP": 1, "US": 1}
    assert summary["overall"] == {"average": 1.0, "percent": 100.0, "scores": 2, "commitments": 1}
    parties = {g["key"]: g["scores"] for g in summarise(sheet, "party")["groups"]}
    assert parties == {"US": 1, "JP": 1}


def test_averages_by_party_area_and_year_count_each_commitment_party_score_once():
    story = Story()
    story.made("a", "2019-03-01", parties=G3, area="Trade", code="2019-1")
    story.made("b", "2020-03-01", parties=G3, area="Trade", code="2020-1")
    story.made("c", "2020-05-01", parties=G3, area="Health", code="2020-2")
    for slug, marks in {"a": (1, 1, 0), "b": (-1, 0, 1), "c": (1, -1, -1)}.items():
        for party, mark in zip(G3, marks):
            assess(story, slug, party, mark, "2021-01-01")
    assess(story, "a", "US", 1, "2021-02-01")  # the same score again: still counted once
    sheet = score_sheet(story.knowledge(), day("2030-01-01"))
    by_party = {g["key"]: (g["average"], g["scores"], g["commitments"]) for g in summarise(sheet, "party")["groups"]}
    assert by_party == {"US": (1 / 3, 3, 3), "JP": (0.0, 3, 3), "KR": (0.0, 3, 3)}
    assert [g["key"] for g in summarise(sheet, "party")["groups"]] == ["US", "JP", "KR"]  # ranked
    assert summarise(sheet, "party")["groups"][0]["name"] == "United States"
    by_area = {g["key"]: (g["average"], g["commitments"]) for g in summarise(sheet, "area")["groups"]}
    assert by_area == {"Health": (-1 / 3, 1), "Trade": (pytest.approx(1 / 3), 2)}
    by_year = {g["key"]: g["average"] for g in summarise(sheet, "year")["groups"]}
    assert by_year == {2019: pytest.approx(2 / 3), 2020: pytest.approx(-1 / 6)}
    assert summarise(sheet, "year")["overall"]["average"] == pytest.approx(1 / 9)
    assert summarise(sheet, "year")["overall"]["percent"] == pytest.approx((1 / 9 + 1) / 2 * 100)


def test_area_and_party_filters():
    story = Story()
    story.made("a", "2019-03-01", parties=G3, area="Trade")
    story.made("b", "2019-03-01", parties=G3, area="Health")
    assess(story, "a", "US", 1, "2020-01-01")
    assess(story, "a", "JP", -1, "2020-01-01")
    assess(story, "b", "US", 0, "2020-01-01")
    assert scores(story, area="trade") == {"a": {"US": 1, "JP": -1}}
    assert scores(story, party="US") == {"a": {"US": 1}, "b": {"US": 0}}


def test_a_commitment_made_after_the_date_has_no_scores_then():
    story = Story()
    story.made("c", "2021-01-01", parties=G3)
    assess(story, "c", "US", 1, "2021-06-01")
    assert scores(story, "2020-12-31") == {}


def _score_only(story: Story, slug: str, as_of: str) -> bool:
    from commitment_tracker.projections.scores import score_only

    return score_only(story.knowledge(), slug, day(as_of))


def test_a_commitment_with_only_scores_is_score_only_from_its_first_score():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assert not _score_only(story, "c", "2030-01-01")  # a plain pledge: its status is the news
    assess(story, "c", "US", 1, "2021-06-01")
    assert not _score_only(story, "c", "2021-05-31")
    assert _score_only(story, "c", "2021-06-01")
    story.correct("c#1", title="Renamed")  # import-scores corrects a making: still only scores
    assert _score_only(story, "c", "2030-01-01")


def test_other_news_ends_score_only_from_its_date_and_a_retraction_does_not_hide_it():
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "US", 1, "2021-06-01")
    progress = story.event("progress_reported", "c", "2022-01-01", note="a step")
    assert _score_only(story, "c", "2021-12-31")
    assert not _score_only(story, "c", "2022-01-01")
    story.retract(progress, reason="wrong commitment")
    assert not _score_only(story, "c", "2030-01-01")  # its history tells of it: the status is not noise


@pytest.mark.parametrize("making", [{"cadence": "annual"}, {"due": "2022-06-30"}, {"due_next": "summit"}],
                         ids=["recurring", "due by a date", "due by the next meeting"])  # fmt: skip
def test_a_commitment_whose_making_sets_a_deadline_or_a_cadence_is_never_score_only(making) -> None:
    """Its status tells something with no other event of its own: it lapses, falls due, or is
    fulfilled by a meeting (another stream): shown as its scores, "lapsed" would be hidden."""
    story = Story()
    story.made("c", "2020-01-01", parties=G3, **making)
    assess(story, "c", "US", 1, "2021-06-01")
    assert not _score_only(story, "c", "2021-06-01")
    assert not _score_only(story, "c", "2030-01-01")


def test_a_correction_that_gives_the_making_a_deadline_ends_score_only_as_known_from_then() -> None:
    story = Story()
    story.made("c", "2020-01-01", parties=G3)
    assess(story, "c", "US", 1, "2021-06-01")
    assert _score_only(story, "c", "2030-01-01")
    story.correct("c#1", due="2022-06-30")
    assert not _score_only(story, "c", "2030-01-01")
    assessed_at = story.log().streams["c"][1].event.recorded_at
    assert score_only(story.knowledge(assessed_at), "c", day("2030-01-01"))  # as known before the correction
