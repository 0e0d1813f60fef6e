"""The value types every event shares: ids, parties, kinds, references, dates and text."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from commitment_tracker.events.dates import PRECISION_DATE_PATTERN, check_precision_date

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
REF_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}#[1-9][0-9]{0,8}$"
PARTY_PATTERN = r"^[A-Z][A-Z0-9]{1,7}$"

#: Party codes analysts type that mean another code.
PARTY_ALIASES = {"ROK": "KR", "USA": "US", "JPN": "JP", "KOR": "KR"}


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _party(value: object) -> object:
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    return PARTY_ALIASES.get(code, code)


def _distinct(parties: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(parties)) != len(parties):
        raise ValueError("a party is listed twice")
    return parties


def _has_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Slug = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description="A case-insensitive id: letters, digits, '-', '_', '.'; stored lowercase."),
]
Kind = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description="A meeting kind, e.g. 'trilateral-summit'; stored lowercase."),
]
Ref = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=REF_PATTERN),
    Field(description="An event reference ENTITY_ID#N: the N-th event of that entity's stream."),
]
Party = Annotated[
    str,
    BeforeValidator(_party),
    StringConstraints(pattern=PARTY_PATTERN),
    Field(description="An upper-case party code such as US, JP, KR ('ROK' is read as KR)."),
]
Parties = Annotated[tuple[Party, ...], Field(min_length=1, max_length=60), AfterValidator(_distinct)]
PrecisionDate = Annotated[
    str,
    StringConstraints(pattern=PRECISION_DATE_PATTERN),
    AfterValidator(check_precision_date),
    Field(description="A date with precision: YYYY-MM-DD, YYYY-MM or YYYY."),
]
Title = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_has_text)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_has_text)]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_has_text)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=100_000), AfterValidator(_has_text)]
Person = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_has_text)]
Sha256 = Annotated[str, BeforeValidator(_lower), StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Cadence = Literal["once", "standing", "annual", "semiannual", "quarterly", "monthly"]

SLUG = re.compile(SLUG_PATTERN)
