"""How a quote is matched against a source's archived text (tracker.rules.normalise_quote)."""

from __future__ import annotations

import pytest

from commitment_tracker.tracker.rules import normalise_quote


def found(quote: str, text: str) -> bool:
    return normalise_quote(quote) in normalise_quote(text)


@pytest.mark.parametrize(("quote", "text"), [
    ("meet in person at least annually", "meet in person\n   at least\tannually"),  # line breaks, runs of spaces
    ("at least annually", "at\u00a0least annually"),  # a no-break space is a space
    ("the Leaders' Summit", "the Leaders\u2019 Summit"),  # apostrophes
    ('"Freedom Edge"', "\u201cFreedom Edge\u201d"),  # double quotes
    ("Caf\u00e9 culture", "Cafe\u0301 culture"),  # the same letter, composed or not
])  # fmt: skip
def test_a_quote_matches_whatever_the_spacing_and_typography(quote, text):
    assert found(quote, text)


@pytest.mark.parametrize(("quote", "text"), [
    ("Meet in person", "meet in person"),  # case matters
    ("meet in-person", "meet in person"),  # so do hyphens
    ("meet annually", "meet in person at least annually"),  # and every word between
    ("Freedom Edge\u2014a", "Freedom Edge-a"),  # dashes are not hyphens
])  # fmt: skip
def test_a_quote_with_other_words_or_letters_does_not_match(quote, text):
    assert not found(quote, text)
