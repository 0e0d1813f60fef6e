"""Krippendorff's alpha (SPEC §8.2): the library the tracker uses, checked against the published
worked example and against a slow computation written here from the definition."""

from __future__ import annotations

from collections import Counter
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitment_tracker.projections.agreement import alpha, figure
from commitment_tracker.projections.reviews import Coding, units

# K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): four coders, twelve units.
PUBLISHED = """
A 1 2 3 3 2 1 4 1 2 . . .
B 1 2 3 3 2 2 4 1 2 5 . 3
C . 3 3 3 2 3 4 2 2 5 1 .
D 1 2 3 3 2 4 4 1 2 5 1 .
"""
PUBLISHED_ALPHAS = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def published() -> list[list[float | None]]:
    return [[None if v == "." else float(v) for v in line.split()[1:]] for line in PUBLISHED.strip().splitlines()]


def reference_alpha(matrix: list[list[float | None]], level: str) -> float | None:
    """Alpha from its definition: the coincidence matrix of pairable values, then 1 - D_o / D_e."""
    coincidences: Counter[tuple[float, float]] = Counter()
    for column in zip(*matrix):
        values = [v for v in column if v is not None]
        if len(values) < 2:
            continue
        for c, k in permutations(values, 2):
            coincidences[(c, k)] += 1 / (len(values) - 1)
    totals: Counter[float] = Counter()
    for (c, _), count in coincidences.items():
        totals[c] += count
    n = sum(totals.values())
    ranked = sorted(totals)

    def delta(c: float, k: float) -> float:
        if level == "nominal":
            return 0.0 if c == k else 1.0
        if level == "interval":
            return (c - k) ** 2
        if level == "ratio":
            return ((c - k) / (c + k)) ** 2 if c + k else 0.0
        low, high = sorted((c, k))  # ordinal: the marginal counts between the two values
        between = sum(totals[g] for g in ranked if low <= g <= high)
        return (between - (totals[c] + totals[k]) / 2) ** 2

    observed = sum(count * delta(c, k) for (c, k), count in coincidences.items())
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in ranked for k in ranked)
    if n < 2 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


@pytest.mark.parametrize("level", sorted(PUBLISHED_ALPHAS))
def test_the_published_example_gives_the_published_alphas(level):
    assert round(alpha(published(), level, domain=None), 3) == PUBLISHED_ALPHAS[level]  # type: ignore[arg-type]
    assert round(reference_alpha(published(), level), 3) == PUBLISHED_ALPHAS[level]  # type: ignore[arg-type]


cells = st.one_of(st.none(), st.sampled_from([-1, 0, 1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=40))
def test_alpha_on_a_two_coder_table_is_the_definitions(table):
    matrix = [[a for a, _ in table], [b for _, b in table]]
    expected = reference_alpha(matrix, "ordinal")
    found = alpha(matrix)
    if expected is None:
        assert found is None
    else:
        assert found == pytest.approx(expected, abs=1e-9)


def test_alpha_is_undefined_without_two_pairable_values_or_without_variation():
    assert alpha([[1, None], [None, 0]]) is None  # nothing pairable
    assert alpha([[1, 1, 0], [1, 1, None]]) is None  # pairable values all 1: no variation
    assert alpha([[1, 0], [1, 0]]) == 1.0
    assert alpha([[1, 0], [0, 1]]) < 0


def coding(position, party, score, analyst, on="2024-06-01", cycle="final", reconciles=()):
    return Coding("c", position, on, party, score, cycle, analyst, tuple(reconciles))


def test_the_figure_pairs_each_analysts_latest_coding_and_leaves_reconciliations_out():
    found = [
        coding(2, "US", 1, "ana"), coding(3, "US", -1, "ana", on="2024-06-03"),  # ana's latest: -1
        coding(4, "US", 0, "bob"),
        coding(5, "JP", 1, "ana"), coding(6, "JP", 1, "bob"),
        coding(7, "KR", 1, "ana"),  # one analyst: nothing to pair
        coding(8, "US", -1, "cy", on="2024-06-04", reconciles=(3, 4)),  # not a coding
    ]
    from datetime import date

    scored = units(found, date(2024, 12, 31))
    result = figure(scored)
    assert result["units"] == 2 and result["pairable_values"] == 4 and result["analysts"] == ["ana", "bob"]
    assert result["alpha"] == pytest.approx(reference_alpha([[-1, 1], [0, 1]], "ordinal"))
    us = next(u for u in scored if u.party == "US")
    assert us.differs and not us.disputed and us.reconciled_by.position == 8  # type: ignore[union-attr]


def test_one_commitments_agreement_and_disputed_cells_for_the_summit_report():
    from datetime import date

    from commitment_tracker.projections.agreement import of_commitment

    found = [coding(2, "US", 1, "ana"), coding(3, "US", 0, "bob"), coding(4, "JP", 1, "ana"), coding(5, "JP", 1, "bob")]
    result = of_commitment(found, date(2024, 12, 31))
    assert (result["units"], result["pairable_values"]) == (2, 4)
    assert result["alpha"] == pytest.approx(reference_alpha([[1, 1], [0, 1]], "ordinal"))
    assert result["disputed"] == [{"party": "US", "cycle": "final", "scores": [
        {"analyst": "ana", "score": 1, "ref": "c#2"}, {"analyst": "bob", "score": 0, "ref": "c#3"}]}]
    assert of_commitment(found, date(2024, 5, 1)) == {"alpha": None, "units": 0, "pairable_values": 0,
                                                      "analysts": [], "disputed": []}
