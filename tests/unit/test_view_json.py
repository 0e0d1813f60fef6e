"""The view's JSON columns read back (``projections.view.decode.loads``) as the standard library
reads them, whatever the text: the oracle is ``json.loads`` itself, on the text of any JSON value
as the view writes it, and on text no writer of the view produces (an intruder's edit)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitment_tracker.projections.view.decode import loads

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
           | st.text(alphabet=st.sampled_from("a\n\t\"\\<>&\x00\x7f\u2028é漢\ud800\udfff")))  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=20) | st.dictionaries(st.text(max_size=8), inner, max_size=20),
    max_leaves=100,
)


def same(a: object, b: object) -> bool:
    """Equal values of equal types, all the way down (NaN equal to NaN, 1 not equal to 1.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)  # type: ignore[index]
    return a == b


@settings(max_examples=400, deadline=None)
@given(values, st.booleans())
def test_any_value_reads_back_as_the_standard_library_reads_it(data, ascii_only):
    text = json.dumps(data, ensure_ascii=ascii_only)
    assert same(loads(text), json.loads(text))
    assert same(loads(text.encode("utf-8", "surrogatepass")), json.loads(text))


@pytest.mark.parametrize("text", [
    '{"a":1,"a":2}',  # a second key: the last one, as json.loads takes it
    "[18446744073709551616]", "[-9223372036854775809]", "[123456789012345678901234567890]",  # past 64 bits: exact
    "[NaN]", "[Infinity]", "[-Infinity]", "[1e400]",
    '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"',
    " [1] ", "[1.5e-7]", "[0.1]", "[-0.0]",
])  # fmt: skip
def test_text_no_writer_of_the_view_produces_reads_as_json_loads_reads_it(text):
    assert same(loads(text), json.loads(text))


@pytest.mark.parametrize("text", ["", "[1", "{'a': 1}", "[1] x", "\ufeff[1]"])
def test_text_that_is_not_json_is_refused_as_json_loads_refuses_it(text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        loads(text)
