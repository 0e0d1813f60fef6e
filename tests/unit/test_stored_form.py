"""verify's log check reads an event from its stored bytes: what it reads must be what the model
reads, and it must accept nothing the model refuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from commitment_tracker.events import EVENT_TYPES, parse_json
from commitment_tracker.events.fields import Timestamp
from commitment_tracker.events.patterns import TIMESTAMP_INPUT, TIMESTAMP_UTC
from commitment_tracker.tracker import stored_form
from commitment_tracker.tracker.mapper import canonical, topic_of

DATASET = Path(__file__).parents[2] / "src/commitment_tracker/data/trilateral.jsonl"
PREV = "ab" * 32


def _events():
    return [parse_json(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_bundled_event_reads_as_its_model_reads_it() -> None:
    fast = 0
    for event in _events():
        read = stored_form.read(canonical(event, PREV))
        if read is None:
            decorators = type(event).__pydantic_decorators__
            assert decorators.model_validators or decorators.field_validators, event.type  # only those go the long way
            continue
        fast += 1
        assert (read.entity, read.recorded_at, read.prev) == (event.entity, event.recorded_at, PREV)
    assert fast  # the rest: types whose models check fields together


def _bytes(fields: str, kind: str = "commitment_abandoned") -> bytes:
    return (f'{{"event":{{"type":"{kind}","recorded_by":"a","recorded_at":"2024-01-01T00:00:00Z",{fields}}},'
            f'"prev":"{PREV}"}}').encode()  # fmt: skip


def test_an_event_in_the_tracker_shape_is_read_without_its_model() -> None:
    read = stored_form.read(_bytes('"commitment":"c1","on":"2024-01-01","parties":["US"]'))
    assert read is not None and read.entity == "c1" and read.prev == PREV


@pytest.mark.parametrize(
    "fields",
    ['"commitment":"c1","on":"2024-02-30"',  # a date that does not exist
     '"commitment":"c1","on":"2024-01-01","parties":["US","US"]',  # a party twice
     '"commitment":"C 1","on":"2024-01-01"',  # not a slug
     '"commitment":"c1","on":"2024-01-01","note":" "',  # blank text
     '"commitment":"c1","on":"2024-01-01","note":"a\\u0000b"',  # NUL
     '"commitment":"c1","on":"2024-01-01","secret":"x"',  # a field the model lacks
     '"on":"2024-01-01","commitment":"c1"',  # schema order broken
     '"commitment":"c1","on":"2024-01-01","on":"2024-01-02"',  # a key twice
     '"commitment":"c1", "on":"2024-01-01"',  # a space
     '"commitment":"c1"'],  # a required field missing
)  # fmt: skip
def test_anything_else_is_left_to_the_full_decode(fields: str) -> None:
    assert stored_form.read(_bytes(fields)) is None


def test_a_model_that_checks_fields_together_is_left_to_the_full_decode() -> None:
    made = '"commitment":"c1","on":"2024-01-01","title":"T","parties":["US"],"due":"2025-01-01","due_next":"summit"'
    assert stored_form.read(_bytes(made, "commitment_made")) is None


def test_every_event_type_has_a_shape_or_is_decoded_in_full() -> None:
    for kind in EVENT_TYPES:
        stored_form._form(kind.encode())  # builds every shape: a field type it cannot read would raise here


def test_a_page_of_events_reads_as_each_event_alone_reads() -> None:
    events = _events()
    plains = [canonical(event, PREV) for event in events]
    topics = [topic_of(event.type) for event in events]
    page = stored_form.read_page(plains, topics)
    exported = stored_form.read_page(plains, topics, exporting=True)
    assert page is not None and exported is not None
    for at, plain in enumerate(plains):
        alone = stored_form.read(plain, exporting=True)
        if alone is None:  # a type whose model checks fields together: left to the full decode
            assert page.entities[at] is None and exported.bodies[at] is None
            continue
        assert (page.entities[at], page.stamps[at], page.prevs[at]) == (alone.entity, alone.recorded_at, alone.prev)
        assert exported.bodies[at] == alone.body


def test_a_topic_that_is_not_the_events_type_leaves_the_event_to_the_full_decode() -> None:
    plain = _bytes('"commitment":"c1","on":"2024-01-01"')
    page = stored_form.read_page([plain], [topic_of("commitment_reaffirmed")])
    assert page is not None and page.entities == [None]


def test_a_page_holding_a_value_its_field_refuses_is_left_to_be_read_event_by_event() -> None:
    good = _bytes('"commitment":"c1","on":"2024-01-01"')
    bad = _bytes('"commitment":"c1","on":"2024-02-30"')
    topic = topic_of("commitment_abandoned")
    assert stored_form.read_page([good, good], [topic, topic]) is not None
    assert stored_form.read_page([good, bad], [topic, topic]) is None


def test_a_page_with_events_of_one_type_out_of_the_shape_reads_as_each_event_alone_reads() -> None:
    """Where not every event of a type is in the shape (here: one in another valid spelling, one
    holding a line break), its events are matched one by one, and each reads as alone."""
    events = _events()
    plains = [canonical(event, PREV) for event in events]
    topics = [topic_of(event.type) for event in events]
    plains[3] = plains[3].replace(b'{"event":{', b'{"event": {', 1)
    plains[5] = plains[5] + b"\n" + plains[6]
    page = stored_form.read_page(plains, topics)
    assert page is not None and page.entities[3] is None and page.entities[5] is None
    for at, plain in enumerate(plains):
        alone = stored_form.read(plain)
        if alone is None:
            assert page.entities[at] is None
            continue
        assert (page.entities[at], page.stamps[at], page.prevs[at]) == (alone.entity, alone.recorded_at, alone.prev)


_TIMESTAMP = TypeAdapter(list[Timestamp])


@given(st.lists(st.from_regex(f"\\A{TIMESTAMP_UTC}\\Z", fullmatch=True), min_size=1, max_size=20))
def test_record_times_in_the_trackers_spelling_read_as_their_type_reads_them(stamps: list[str]) -> None:
    raws = [json.dumps(stamp).encode() for stamp in stamps]
    read = stored_form._utc_stamps(raws)
    expected = _TIMESTAMP.validate_json(b"[" + b",".join(raws) + b"]", strict=False)
    assert read == expected and [value.tzinfo for value in read] == [value.tzinfo for value in expected]  # type: ignore[union-attr]
    assert all(re.match(TIMESTAMP_INPUT, stamp) for stamp in stamps)


@pytest.mark.parametrize(
    "stamp",
    ["2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-12-31T23:59:60Z", "0999-01-01T00:00:00Z",
     "3000-01-01T00:00:00Z", "2024-01-01T00:00:00.1234567Z", "2024-01-01T00:00:00z", "2024-01-01T00:00:00+00:00",
     "2024-01-01T09:00:00+09:00", "2024-01-01T00:00:00", "\\u00322024-01-01T00:00:00Z", "2024-01-01T00:00:00Z\\n"],
)  # fmt: skip
def test_a_record_time_spelt_otherwise_is_left_to_its_type(stamp: str) -> None:
    """Refused by the type or only spelt otherwise: either way not read without it."""
    good = json.dumps("2024-01-01T00:00:00Z").encode()
    assert stored_form._utc_stamps([good, f'"{stamp}"'.encode()]) is None
