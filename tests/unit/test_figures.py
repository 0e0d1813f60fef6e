"""Averages and percents as every table, image and page prints them: rounded half away from zero,
as compliance reports print them (+0.25 is 63%), on the exact value the float stands for."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from commitment_tracker.projections.figures import average_text, percent_text


def test_a_half_rounds_away_from_zero():
    assert [average_text(x) for x in (0.125, -0.125, 0.375, 0.005, -0.005, 0.0, None)] == [
        "+0.13", "-0.13", "+0.38", "+0.01", "-0.01", "+0.00", ""]  # fmt: skip
    # (average + 1) / 2 x 100 of +0.25, +0.75, -0.75: the research groups' 63%, 88%, 13%.
    assert [percent_text((a + 1) * 50) for a in (0.25, 0.75, -0.75)] == ["63%", "88%", "13%"]
    # +0.15 is 3/20: its percent is 57.5 exactly, though the float holding it is 57.49999999999999.
    assert (0.15 + 1) * 50 < 57.5 and percent_text((0.15 + 1) * 50) == "58%"
    assert percent_text(None) == "" and average_text(-0.001) == "-0.00"


@given(st.integers(-1000, 1000), st.integers(1, 1000))
def test_every_average_of_scores_prints_as_its_exact_value_rounds(total, count):
    # An average of scores is a fraction total/count in [-1, 1]: printed as that fraction rounds.
    total = max(-count, min(count, total))
    exact = Fraction(total, count)
    assert average_text(total / count) == _half_up(exact, 2, signed=True)
    assert percent_text((total / count + 1) * 50) == _half_up((exact + 1) * 50, 0) + "%"


def _half_up(value: Fraction, places: int, signed: bool = False) -> str:
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))  # floor of |x| + 1/2: half away from zero
    text = f"{whole // 10**places}" + (f".{whole % 10**places:0{places}d}" if places else "")
    return (("-" if value < 0 else "+") + text) if signed else text
