"""A record time's value and verdict, pinned: exactly ``datetime.fromisoformat`` of the text, with a
``datetime.timezone`` (its ``tzname()`` and ``repr`` included), for exactly the texts the published
pattern (``patterns.TIMESTAMP_INPUT``, read by Python's ``re``) matches; the same words for the rest.

Stored events hash their record time's spelling, and a ``tzname()`` or ``repr`` that differs shows
in what is printed: how the text is parsed may change, the value may not.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from commitment_tracker.events import EVENT_TYPES, InvalidEvent, build, holds_nul_only, parse_json, parse_obj
from commitment_tracker.events.patterns import TIMESTAMP_INPUT
from commitment_tracker.tracker.mapper import decode_event

PLEDGE: dict[str, Any] = {"type": "commitment_made", "commitment": "c1", "on": "2024-01-01", "title": "A title",
                          "parties": ["US", "JP"]}  # fmt: skip
NOT_A_TIMESTAMP = "recorded_at: not a timestamp (use e.g. 2024-07-01T12:00:00Z)"
NOT_A_DATETIME = "recorded_at: Input should be a valid datetime"
BASES = ["2024-07-01T12:00:00Z", "1000-01-01T00:00:00.000001+23:59", "2999-12-31T23:59:59.999999-00:00",
         "2024-02-29T09:30:15.5+05:30", "2023-11-30T00:00:00-12:00"]  # fmt: skip
ALPHABET = "0123456789TtZz+-:. \n\x00\u0663\uff11x"
OFFSETS = ["Z", "+00:00", "-00:00", "+05:30", "-05:30", "+23:59", "-23:59", "+01:00", "-12:45"]


def spellings() -> list[str]:
    """Valid record times: every offset, every number of fraction digits, days at the edges."""
    days = ["1000-01-01", "2024-02-29", "2000-02-29", "2999-12-31", "2023-06-30"]
    times = ["00:00:00", "23:59:59", "12:34:56.7", "12:34:56.78", "12:34:56.789", "12:34:56.7891",
             "12:34:56.78912", "12:34:56.789123", "12:34:56.000000"]  # fmt: skip
    return [f"{day}T{time}{offset}" for day in days for time in times for offset in OFFSETS]


def near_misses() -> list[str]:
    """Every text one character away from a valid one: replaced, dropped or added anywhere."""
    found = set()
    for base in BASES:
        for at in range(len(base) + 1):
            found.add(base[:at] + base[at + 1 :])
            for char in ALPHABET:
                found.add(base[:at] + char + base[at + 1 :])
                found.add(base[:at] + char + base[at:])
    return sorted(found)


def verdict(value: Any) -> Any:
    try:
        return parse_json(json.dumps({**PLEDGE, "recorded_at": value})).recorded_at  # type: ignore[attr-defined]
    except InvalidEvent as error:
        return str(error)


def same_value(got: Any, text: str) -> None:
    want = datetime.fromisoformat(text)
    assert isinstance(got, datetime), (text, got)
    assert type(got.tzinfo) is timezone, (text, type(got.tzinfo))
    assert (got, got.tzinfo, got.tzname(), repr(got), got.isoformat()) == (
        want, want.tzinfo, want.tzname(), repr(want), want.isoformat()), text


@pytest.mark.parametrize("text", spellings())
def test_a_record_time_is_fromisoformat_of_its_text(text: str) -> None:
    same_value(verdict(text), text)
    same_value(parse_obj({**PLEDGE, "recorded_at": text}).recorded_at, text)  # type: ignore[attr-defined]
    same_value(decode_event({"event": {**PLEDGE, "recorded_at": text}}).recorded_at, text)  # type: ignore[attr-defined]
    same_value(build("commitment_made", **{**PLEDGE, "type": None, "parties": ("US",), "recorded_at": text}).recorded_at,  # type: ignore[attr-defined]
               text)  # fmt: skip


def test_the_texts_accepted_are_those_the_published_pattern_matches() -> None:
    pattern = re.compile(TIMESTAMP_INPUT)
    wrong = []
    texts = near_misses()
    for text in texts:
        got = verdict(text)
        if pattern.match(text):
            if not isinstance(got, datetime) or got != datetime.fromisoformat(text) or type(got.tzinfo) is not timezone:
                wrong.append((text, got))
        elif got != NOT_A_TIMESTAMP:
            wrong.append((text, got))
    assert wrong == []
    assert sum(1 for text in texts if pattern.match(text)) > 100  # valid neighbours as well


@pytest.mark.parametrize("value", [5, 0, 1.5, True, False, [], {}, ["2024-07-01T12:00:00Z"], {"at": 1}])
def test_a_record_time_that_is_not_text(value: Any) -> None:
    assert verdict(value) == NOT_A_DATETIME


@pytest.mark.parametrize("text", ["", "\x00", "2024-07-01T12:00:00Z\x00", "2024-07-01T12:00:00Z\n",
                                  "\n2024-07-01T12:00:00Z", " 2024-07-01T12:00:00Z", "2024-07-01T12:00:60Z",
                                  "2024-07-01 12:00:00Z", "2024-07-01T12:00:00.1234567Z", "2024-07-01T12:00Z",
                                  "2024-07-01T12:00:00+0000", "2024-07-01T12:00:00+24:00", "2024-07-01T12:00:00",
                                  "0999-07-01T12:00:00Z", "3000-07-01T12:00:00Z", "2023-02-29T12:00:00Z",
                                  "\u0662\u0660\u0662\u0664-07-01T12:00:00Z", "1700000000"])  # fmt: skip
def test_a_text_that_is_not_a_record_time(text: str) -> None:
    assert verdict(text) == NOT_A_TIMESTAMP
    with pytest.raises(ValidationError) as caught:
        decode_event({"event": {**PLEDGE, "recorded_at": text}})
    assert not holds_nul_only(caught.value)  # a record time holding NUL is not text to keep


def test_python_values_as_before() -> None:
    """From Python (``build``, stored payloads read leniently): an aware datetime is kept as it
    is, a naive one refused, and a lenient read takes a number as seconds since 1970."""
    aware = datetime(2024, 7, 1, 12, tzinfo=timezone(timedelta(hours=2), "CEST"))
    made = build("commitment_made", **{**PLEDGE, "type": None, "parties": ("US",), "recorded_at": aware})
    assert made.recorded_at is aware  # type: ignore[attr-defined]
    with pytest.raises(InvalidEvent, match="recorded_at: Input should have timezone info"):
        build("commitment_made", **{**PLEDGE, "type": None, "parties": ("US",), "recorded_at": datetime(2024, 7, 1)})
    lenient = EVENT_TYPES["commitment_made"].model_validate({**PLEDGE, "recorded_at": 5}, strict=False)
    assert lenient.recorded_at == datetime(1970, 1, 1, 0, 0, 5, tzinfo=timezone.utc)  # type: ignore[attr-defined]
