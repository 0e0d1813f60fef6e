"""The value types of compliance assessments (SPEC §8): scores, cycles, issue areas, reference codes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from commitment_tracker.events.dates import first_day
from commitment_tracker.events import patterns
from commitment_tracker.events.fields import SLUG_PATTERN, _text


def _has_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _not_bool(value: object) -> object:
    # JSON true/false would otherwise pass as 1/0 (bool is an int in Python).
    if isinstance(value, bool):
        raise ValueError("a score is the number -1, 0 or 1, not true/false")
    return value


Score = Annotated[
    Literal[-1, 0, 1],
    BeforeValidator(_not_bool),
    Field(description="1 full compliance, 0 partial compliance or work in progress, -1 no compliance."),
]
Cycle = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description="An assessment cycle label such as 'interim' or 'final'; stored lowercase."),
    # The published schema says what the input may be (any case), as for every slug.
    WithJsonSchema({"type": "string", "pattern": patterns.SLUG_INPUT,
                    "description": "An assessment cycle label such as 'interim' or 'final'; stored lowercase."}),
]
# Not blank, in the published schema as in the model: a schema that took "   " would call valid a
# line import refuses.
Area = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_has_text), _text(200)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_has_text), _text(100)]
#: A summit: its year and the research groups' letter for it when the year had two ('2010S'), or
#: the year alone ('2021').
Summit = Annotated[str, StringConstraints(min_length=1, max_length=20), AfterValidator(_has_text), _text(20)]
PublishedAverage = Annotated[float, Field(ge=-1, le=1)]


def summit_of(year: int, letter: str) -> str:
    """A summit as ``commitment_made`` records it: the year, then the letter of the summit when
    the year had two ('2010S'), else the year alone ('2021')."""
    return f"{year}{letter.strip().upper()}"


def summit_parts(summit: str) -> tuple[int, str] | None:
    """A summit's year and letter ('2010S' -> (2010, 'S'); '2021' -> (2021, '')), as ``summit_of``
    writes them; None for a summit recorded otherwise (the schema takes any short text)."""
    if len(summit) >= 4 and summit[:4].isascii() and summit[:4].isdigit():
        return int(summit[:4]), summit[4:]
    return None


def in_summit(summit: str | None, wanted: str) -> bool:
    """Whether a commitment's summit is ``wanted`` (any case); a bare year is each summit of it.
    A commitment without a summit (imported before they were recorded) is in none."""
    if summit is None:
        return False
    wanted = wanted.strip().upper()
    return summit.upper() == wanted or (len(wanted) == 4 and wanted.isdigit() and summit[:4] == wanted)


def counting_scores(assessments: Iterable[Any], as_of: date, cycle: str | None = None) -> dict[str, int]:
    """The score that counts for each party (SPEC §8), from a commitment's effective (not retracted,
    corrected) ``compliance_assessed`` events given in (``on``, record order): the last one on or
    before ``as_of`` wins. ``cycle``: None for every cycle, a label for that cycle's alone, ""
    for the assessments without a label."""
    scores: dict[str, int] = {}
    for event in assessments:
        if first_day(event.on) > as_of:
            break
        if cycle is None or event.cycle == (cycle or None):
            scores[event.party] = event.score
    return scores
