"""The value types every event shares: ids, parties, kinds, references, dates and text."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator, AwareDatetime, BeforeValidator, Field, GetCoreSchemaHandler, StringConstraints, WithJsonSchema,
)
from pydantic_core import CoreSchema, core_schema

from commitment_tracker.events import patterns
from commitment_tracker.events.dates import PRECISION_DATE_PATTERN, check_precision_date

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
REF_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}#[1-9][0-9]{0,8}$"
PARTY_PATTERN = r"^[A-Z][A-Z0-9]{1,7}$"

#: Party codes analysts type that mean another code.
PARTY_ALIASES = {"ROK": "KR", "USA": "US", "JPN": "JP", "KOR": "KR"}


#: The one character no store can hold in text: PostgreSQL refuses it in every text value, so one
#: title that held it made every later write of the status view fail. Every other control
#: character is stored, exported and imported exactly (what is printed shows it as an escape).
NUL = "\x00"
#: What every string of every event matches (see ``nul_free``); a pattern of its own excludes NUL.
NUL_FREE = r"^[^\x00]*$"


def nul_free(schema: CoreSchema) -> CoreSchema:
    """``schema`` with every string that has no pattern of its own checked for NUL, by
    pydantic-core itself: the same check in Python, on every field, slowed an import by several
    percent. A string that has a pattern (ids, dates, URLs...) matches no NUL already."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "str" and "pattern" not in node:
                node["pattern"] = NUL_FREE
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema


def without_nul(text: str) -> str:
    """Text of an event stored before NUL was refused, as a text column of any store can hold it."""
    return text.replace(NUL, "\ufffd")


#: The whitespace ids and codes may carry around them: ASCII only (as the JSON Schema says).
_EDGE = " \t\n\r\x0b\x0c"


def _lower(value: object) -> object:
    # ASCII only: "\u212a".lower() is "k", which no published pattern could foresee.
    return value.strip(_EDGE).lower() if isinstance(value, str) and value.isascii() else value


def _party(value: object) -> object:
    if not isinstance(value, str) or not value.isascii():
        return value
    code = value.strip(_EDGE).upper()
    return PARTY_ALIASES.get(code, code)


_TIMESTAMP = re.compile(patterns.TIMESTAMP_INPUT)


NOT_A_TIMESTAMP = "not a timestamp (use e.g. 2024-07-01T12:00:00Z)"


def _rfc3339(value: object) -> object:
    """Record times in one spelling: RFC 3339 with upper-case T and Z (pydantic reads more)."""
    if not isinstance(value, str):
        return value
    if not _TIMESTAMP.match(value):
        raise ValueError(NOT_A_TIMESTAMP)
    return datetime.fromisoformat(value)  # strict models take no text after a before-validator


#: ``patterns.TIMESTAMP_INPUT`` as pydantic-core's engine reads it: it has no look-ahead, and its
#: ``$`` is the end of the text already (Python's also matches before a final newline).
TIMESTAMP_PATTERN = "^" + patterns.TIMESTAMP_INPUT.removeprefix("^").removesuffix("$(?!\\n)") + "$"
assert "(?!" not in TIMESTAMP_PATTERN, "no look-ahead left for the Rust engine"


class _RecordTimeText:
    """A record time in JSON (every line of an import) checked and read without a validator in
    Python: the text matched against ``TIMESTAMP_PATTERN`` by pydantic-core, then handed straight
    to ``datetime.fromisoformat``, the value ``_rfc3339`` gives (pydantic-core's own datetime
    parsing gives another tzinfo, whose ``tzname()`` differs). Python values go to ``_rfc3339``.
    A value that is not text is refused in the words the datetime type uses, and a text that does
    not match in ``_rfc3339``'s (``errors.describe``): 0.88 µs a line, against 0.23 here."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text = core_schema.chain_schema([
            # Only whether it is text; the pattern of its own (any text) keeps ``nul_free`` off it:
            # a record time holding NUL is "not a timestamp", as it was.
            core_schema.custom_error_schema(core_schema.str_schema(pattern=""), "datetime_type"),
            core_schema.str_schema(pattern=TIMESTAMP_PATTERN),
            core_schema.no_info_plain_validator_function(datetime.fromisoformat),
        ])  # fmt: skip
        return core_schema.json_or_python_schema(json_schema=text, python_schema=handler(source))


def _input(pattern: str, description: str, **extra: object) -> WithJsonSchema:
    """The published schema of a value: the pattern its *input* must match (see patterns.py)."""
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description, **extra})


def _text(max_length: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "minLength": 1, "maxLength": max_length, "pattern": patterns.NOT_BLANK,
                           "not": {"pattern": patterns.NUL}})  # fmt: skip


def _distinct(parties: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(parties)) != len(parties):
        raise ValueError("a party is listed twice")
    return parties


#: What a free text (a title, note, quote, text or name) matches: no NUL, and some character that
#: is not whitespace as Python's ``str.strip()`` has it (``patterns.BLANK``, spelled out for the
#: Rust engine, whose ``\s`` is another set). pydantic-core checks it with the lengths, rather than
#: a Python validator on every text of every line; ``errors.describe`` tells the two faults apart
#: by the input (NUL in it, or else blank), in the words the two checks had before.
TEXT_PATTERN = f"^[^\\x00]*[^{patterns.BLANK}\\x00][^\\x00]*$"


_SLUG_TEXT = "A case-insensitive id: letters, digits, '-', '_', '.'; stored lowercase."
Slug = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description=_SLUG_TEXT),
    _input(patterns.SLUG_INPUT, _SLUG_TEXT),
]
_KIND_TEXT = "A meeting kind, e.g. 'trilateral-summit'; stored lowercase."
Kind = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description=_KIND_TEXT),
    _input(patterns.SLUG_INPUT, _KIND_TEXT),
]
_REF_TEXT = "An event reference ENTITY_ID#N: the N-th event of that entity's stream."
Ref = Annotated[
    str,
    BeforeValidator(_lower),
    StringConstraints(pattern=REF_PATTERN),
    Field(description=_REF_TEXT),
    _input(patterns.REF_INPUT, _REF_TEXT),
]
_PARTY_TEXT = "An upper-case party code such as US, JP, KR ('ROK' is read as KR)."
Party = Annotated[
    str,
    BeforeValidator(_party),
    StringConstraints(pattern=PARTY_PATTERN),
    Field(description=_PARTY_TEXT),
    _input(patterns.PARTY_INPUT, _PARTY_TEXT),
]
Parties = Annotated[
    tuple[Party, ...],
    Field(min_length=1, max_length=60, json_schema_extra={"uniqueItems": True}),
    AfterValidator(_distinct),
]
_DATE_TEXT = "A date with precision: YYYY-MM-DD, YYYY-MM or YYYY (years 1000-2999)."
PrecisionDate = Annotated[
    str,
    StringConstraints(pattern=PRECISION_DATE_PATTERN),
    AfterValidator(check_precision_date),
    Field(description=_DATE_TEXT),
    _input(patterns.PRECISION_DATE_INPUT, _DATE_TEXT),
]
Title = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=TEXT_PATTERN), _text(500)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=5000, pattern=TEXT_PATTERN), _text(5000)]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=5000, pattern=TEXT_PATTERN), _text(5000)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=100_000, pattern=TEXT_PATTERN), _text(100_000)]
Person = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=TEXT_PATTERN), _text(200)]
Sha256 = Annotated[
    str, BeforeValidator(_lower), StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    _input(patterns.SHA256_INPUT, "A sha256 digest: 64 hexadecimal digits."),
]  # fmt: skip
Url = Annotated[
    str, StringConstraints(max_length=2000, pattern=patterns.URL_PATTERN),
    _input(patterns.URL_INPUT, "An http(s) URL without whitespace.", maxLength=2000),
]  # fmt: skip
Timestamp = Annotated[
    AwareDatetime, BeforeValidator(_rfc3339), _RecordTimeText(),
    _input(patterns.TIMESTAMP_INPUT, "A record time (RFC 3339, e.g. 2024-07-01T12:00:00Z).", format="date-time"),
]  # fmt: skip
Cadence = Literal["once", "standing", "annual", "semiannual", "quarterly", "monthly"]

SLUG = re.compile(SLUG_PATTERN)
