"""Turn a pydantic ValidationError into one line a user can act on."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from commitment_tracker.events.fields import NOT_A_TIMESTAMP, NUL, NUL_FREE, TEXT_PATTERN, TIMESTAMP_PATTERN


def describe(error: ValidationError) -> str:
    """``field: problem; other: problem``, without pydantic's URLs or the union's tag names."""
    parts = []
    for item in error.errors(include_url=False):
        location = [str(p) for p in item["loc"]]
        # The first element of a tagged union's location is the tag: keep only the field path.
        if location and location[0] in _TAGS:
            location = location[1:]
        message = item["msg"].removeprefix("Value error, ")
        if _nul_refused(item):
            message = "must not contain the NUL character (\\u0000): no store can hold it in text"
        elif _blank(item):
            message = "must not be blank"
        elif item["type"] == "string_pattern_mismatch" and item.get("ctx", {}).get("pattern") == TIMESTAMP_PATTERN:
            message = NOT_A_TIMESTAMP  # a record time's text, checked in pydantic-core (``fields._RecordTimeText``)
        elif item["type"] == "string_pattern_mismatch":
            what = _PATTERN_NAMES.get(str(item.get("ctx", {}).get("pattern")), "value")
            message = f"{item['input']!r} is not a valid {what}"
        elif item["type"] == "union_tag_invalid":
            message = f"unknown event type {item['input'].get('type')!r}" if isinstance(item["input"], dict) else message
        elif item["type"] == "union_tag_not_found":
            message = "missing event type (the 'type' field)"
        elif item["type"] == "json_invalid":
            message = _json_problem(message)
        parts.append(f"{'.'.join(location)}: {message}" if location else message)
    return "; ".join(parts)


def _json_problem(message: str) -> str:
    """pydantic's "Invalid JSON: trailing comma at line 1 column 128" of one event's text: the
    event is one line of a file, whose number the caller gives, so only the column is said."""
    found = re.fullmatch(r"Invalid JSON: (.*) at line ([0-9]+) column ([0-9]+)", message)
    if found is None:
        return message
    problem, line, column = found.groups()
    where = f"column {column}" if line == "1" else f"line {line} of the event, column {column}"
    return f"invalid JSON at {where}: {problem}"


def holds_nul_only(error: ValidationError) -> bool:
    """Whether all that is wrong is some text holding NUL (which an earlier release stored)."""
    return all(_nul_refused(item) for item in error.errors(include_url=False))


def _nul_refused(item: Any) -> bool:
    if item["type"] != "string_pattern_mismatch":
        return False
    pattern = item.get("ctx", {}).get("pattern")
    # A free text's one pattern refuses NUL and blank text alike: the input says which it was.
    return pattern == NUL_FREE or (pattern == TEXT_PATTERN and NUL in item["input"])


def _blank(item: Any) -> bool:
    """A free text that holds no NUL and failed its pattern: nothing in it but whitespace."""
    return item["type"] == "string_pattern_mismatch" and item.get("ctx", {}).get("pattern") == TEXT_PATTERN


def _pattern_names() -> dict[str, str]:
    from commitment_tracker.events.dates import PRECISION_DATE_PATTERN
    from commitment_tracker.events.fields import PARTY_PATTERN, REF_PATTERN, SLUG_PATTERN
    from commitment_tracker.events.patterns import URL_PATTERN

    return {
        PRECISION_DATE_PATTERN: "date (YYYY-MM-DD, YYYY-MM or YYYY)",
        SLUG_PATTERN: "id (letters, digits, '-', '_', '.')",
        REF_PATTERN: "event reference (ENTITY_ID#N)",
        PARTY_PATTERN: "party code (e.g. US, JP, KR)",
        r"^[0-9a-f]{64}$": "sha256 (64 hex digits)",
        URL_PATTERN: "URL (http:// or https://)",
    }


def _tags() -> frozenset[str]:
    from commitment_tracker.events.models import EVENT_TYPES

    return frozenset(EVENT_TYPES)


_TAGS = _tags()
_PATTERN_NAMES = _pattern_names()
