"""The commands' JSON text is the standard library's ``json.dumps(data, ensure_ascii=False, indent=2)``,
written in pieces (``cli.jsontext``): the oracle is the standard library itself, on any JSON value."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitment_tracker.cli.jsontext import json_pieces

#: Floats the two encoders spell alike: the standard library writes ``1e-05`` where another
#: encoder may write ``1e-5``, the same number (checked separately, by value).
plain_floats = st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or 1e-4 <= abs(x) < 1e16)
scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | plain_floats
           | st.text(st.characters(codec="utf-8")) | st.text(alphabet=st.sampled_from("a\n\t\"\\<>&\x01\x7f\u2028é漢")))  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=130) | st.dictionaries(st.text(max_size=8), inner, max_size=130),
    max_leaves=400,
)


def text_of(data: object) -> str:
    return "".join(json_pieces(data))


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_text_is_the_standard_librarys_to_the_byte(data):
    assert text_of(data) == json.dumps(data, ensure_ascii=False, indent=2)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.floats(allow_nan=False, allow_infinity=False), lambda inner: st.lists(inner, max_size=5), max_leaves=20))
def test_every_float_reads_back_as_itself(data):
    assert json.loads(text_of(data)) == data


def test_what_the_fast_encoder_refuses_is_spelled_as_the_standard_library_spells_it():
    # Keys that are not text, integers past 64 bits, lone surrogates, tuples: each piece the fast
    # encoder refuses falls back to the standard library, alone.
    rows = [{"n": i} for i in range(150)]
    for odd in ({1: "a", None: "b"}, 2**70, -(2**70), "\ud800", ("a", 1)):
        data = {"rows": rows, "odd": odd, "more": [odd] * 120}
        assert text_of(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_a_number_json_cannot_hold_is_null_not_text_no_parser_reads():
    # The standard library writes NaN and Infinity, which strict JSON (RFC 8259) has no words for.
    data = {"rows": [{"n": i} for i in range(150)], "odd": [math.inf, -math.inf, math.nan]}
    found = json.loads(text_of(data), parse_constant=lambda word: pytest.fail(f"{word} is not JSON"))
    assert found["odd"] == [None, None, None]


def test_a_long_list_is_written_in_pieces_not_one_string():
    rows = [{"id": f"c{i}", "parties": ["US", "JP"], "status": "pledged"} for i in range(5000)]
    pieces = list(json_pieces({"as_of": "2024-01-01", "commitments": rows}))
    assert len(pieces) >= 5000
    assert max(map(len, pieces)) < 200
    assert "".join(pieces) == json.dumps({"as_of": "2024-01-01", "commitments": rows}, ensure_ascii=False, indent=2)


def test_empty_containers_and_scalars_at_the_top():
    for data in ([], {}, [[]], {"a": {}}, None, 0, "x", [{}] * 200, {"k": []}):
        assert text_of(data) == json.dumps(data, ensure_ascii=False, indent=2)
