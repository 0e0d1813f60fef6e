"""The exact set of texts a free-text field accepts (a title, note, quote, text or name), and what
it says about the rest, pinned code point by code point.

A text field refuses the empty text, a text longer than its limit, a text that holds NUL (which
no store can hold) and a text that is blank: nothing but what Python's ``str.isspace`` counts as
whitespace. The first three are pydantic-core's checks; "blank" is Python's own definition, so
whatever checks it must agree with ``str.strip()`` on every character of Unicode.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from commitment_tracker.events import InvalidEvent, build, holds_nul_only, parse_json
from commitment_tracker.events import EVENT_TYPES
from commitment_tracker.tracker.mapper import decode_event
from pydantic import ValidationError

PLEDGE: dict[str, Any] = {"type": "commitment_made", "commitment": "c1", "on": "2024-01-01", "title": "A title",
                          "parties": ["US", "JP"], "cadence": "once"}  # fmt: skip
NUL_MESSAGE = "must not contain the NUL character (\\u0000): no store can hold it in text"
#: Every character Python counts as whitespace (``str.strip()`` removes exactly these).
WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
#: One field of each text type (title: Title, note: Note, quote: Quote, text: Text, recorded_by:
#: Person), and an optional Title of another event (a meeting's place).
FIELDS = [("commitment_made", "title"), ("commitment_made", "note"), ("commitment_made", "quote"),
          ("commitment_made", "text"), ("commitment_made", "recorded_by"), ("meeting_held", "place")]  # fmt: skip


def expected(field: str, text: str) -> str | None:
    """What the importer says of ``text`` in ``field`` (None: accepted), in Python's own terms."""
    if text == "":
        return f"{field}: String should have at least 1 character"
    if "\x00" in text:
        return f"{field}: {NUL_MESSAGE}"
    if not text.strip():
        return f"{field}: must not be blank"
    return None


def verdict(line: dict[str, Any]) -> str | None:
    try:
        parse_json(json.dumps(line))
    except InvalidEvent as error:
        return str(error)
    return None


def test_python_whitespace_is_what_is_listed() -> None:
    # The list this module checks against, as Python 3.11+ has it: 29 characters.
    assert len(WHITESPACE) == 29
    assert "".join(WHITESPACE).strip() == ""


def test_every_code_point_alone_and_among_blanks_as_python_says() -> None:
    """Each character (surrogates aside: JSON cannot carry one alone) between ASCII and
    non-ASCII blanks is accepted exactly when Python does not count it as whitespace."""
    wrong = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f"\t{chr(code)}\u3000"
        got = verdict({**PLEDGE, "note": text})
        if got != expected("note", text):
            wrong.append((hex(code), got))
    assert wrong == []


@pytest.mark.parametrize(("type_", "field"), FIELDS)
def test_blank_nul_empty_and_text_in_each_text_field(type_: str, field: str) -> None:
    base = PLEDGE if type_ == "commitment_made" else {"type": "meeting_held", "meeting": "m1", "on": "2024-01-01",
                                                      "kind": "summit", "title": "A meeting", "parties": ["US", "JP"]}  # fmt: skip
    blanks = ["".join(WHITESPACE), " ", "\u3000", "\x1c\x1d\x1e\x1f", "\x85", "\u2028"]
    texts = ["", "\x00", " \x00 ", "\x00x", "a\x00", "x", " x ", "\u200b", "\ufeff", "\u180e", "\U0001f600",
             *blanks, *(w + "\x00" for w in WHITESPACE), *(w + "x" + w for w in WHITESPACE)]  # fmt: skip
    for text in texts:
        assert verdict({**base, field: text}) == expected(field, text), (field, text)
        # The same from Python values (the ``record`` commands): the same first words.
        fields = {k: v for k, v in {**base, field: text}.items() if k != "type"}
        fields["parties"] = tuple(fields["parties"])
        try:
            build(type_, **fields)
            got = None
        except InvalidEvent as error:
            got = str(error)
        assert got == expected(field, text), (field, text)


def test_a_stored_text_with_nul_reads_back_and_a_blank_one_does_not() -> None:
    """Stored payloads are read leniently: NUL alone (stored by an earlier release) is read as it
    was written, but a blank text is a real fault."""
    for text in ("\x00", " \x00", "\u3000\x00\u3000", "a\x00b"):
        state = {"event": {**PLEDGE, "note": text}}
        assert decode_event(state).note == text  # type: ignore[attr-defined]
    for text in (" ", "\u3000", "\t\n"):
        with pytest.raises(ValidationError) as caught:
            decode_event({"event": {**PLEDGE, "note": text}})
        assert not holds_nul_only(caught.value)
    with pytest.raises(ValidationError) as caught:
        EVENT_TYPES["commitment_made"].model_validate({**PLEDGE, "note": " \x00", "title": " "}, strict=False)
    assert not holds_nul_only(caught.value)
