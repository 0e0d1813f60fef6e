"""An import file is read in chunks, but its errors are those of reading it line by line: the first
bad line is the one named, with the very message that line alone gets, wherever in a chunk it
falls and whatever bad lines follow it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commitment_tracker import events as ev
from commitment_tracker.tracker.errors import InputError
from commitment_tracker.tracker.importing import read_events

GOOD = json.dumps({"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-01-01", "note": "fine"})
SCHEMA = json.dumps({"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-02-30"})
UNKNOWN = json.dumps({"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-01-01", "colour": "red"})
BROKEN = '{"type": "commitment_reaffirmed", "commitment": "c1"'
# Two lines that are not JSON on their own, but would be two events if joined with a comma: what
# reading many lines in one call must never take them for.
HALVES = ('{"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-01-01", "note": "a}',
          '{", "quote": "q"}, {"type": "commitment_reaffirmed", "commitment": "c2", "on": "2024-01-01"}')  # fmt: skip
ARRAY = ('{"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-01-01", "note": "n", "x": [{"a": 1}',
         '{"b": 2}]}, {"type": "commitment_reaffirmed", "commitment": "c2", "on": "2024-01-01"}')  # fmt: skip

#: Enough good lines first that the bad ones fall inside a later chunk, not at its start.
BEFORE = 1234


def _alone(line: str) -> str:
    """What the line gets when it is validated by itself: the message every chunk must reproduce."""
    try:
        ev.parse_json(line)
    except ev.InvalidEvent as error:
        return str(error)
    raise AssertionError(f"{line!r} is valid on its own")


CASES = {
    "a schema error, then worse": ([SCHEMA, BROKEN, "not json", UNKNOWN], 0, _alone(SCHEMA)),
    "broken JSON, then a schema error": ([BROKEN, SCHEMA], 0, _alone(BROKEN)),
    "an unknown field": ([UNKNOWN, SCHEMA], 0, _alone(UNKNOWN)),
    "a schema error before a line that is no object": ([SCHEMA, "[1, 2]"], 0, _alone(SCHEMA)),
    "a line that is no object before a schema error": (["[1, 2]", SCHEMA], 0, "expected one JSON object per line"),
    "halves that a comma would join": ([*HALVES, GOOD], 0, _alone(HALVES[0])),
    "halves that an array would join": ([*ARRAY, GOOD], 0, _alone(ARRAY[0])),
    "a bad line after good ones in its chunk": ([GOOD, GOOD, SCHEMA, BROKEN], 2, _alone(SCHEMA)),
}


@pytest.mark.parametrize(("bad", "index", "message"), CASES.values(), ids=CASES.keys())
def test_the_first_bad_line_is_named_with_its_own_message(tmp_path: Path, bad, index, message) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([GOOD] * BEFORE + bad + [GOOD] * 50) + "\n", encoding="utf-8")
    read = []
    with pytest.raises(InputError) as raised:
        for number, _ in read_events(path):
            read.append(number)
    assert str(raised.value) == f"line {BEFORE + index + 1}: {message}"
    # Every line before it was read, in order, as its own event: the import checks them first.
    assert read == list(range(1, BEFORE + index + 1))


def test_a_bad_byte_after_a_schema_error_is_not_named_first(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(("\n".join([GOOD] * BEFORE + [SCHEMA]) + "\n").encode() + b'{"note": "\xff"}\n')
    with pytest.raises(InputError, match=rf"^line {BEFORE + 1}: "):
        list(read_events(path))


def test_blank_lines_and_a_byte_order_mark_keep_every_line_number(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    lines = ["\ufeff" + GOOD, "", "  ", *[GOOD] * 1500, "", GOOD]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    numbers = [number for number, _ in read_events(path)]
    assert numbers == [1, *range(4, 1504), 1505]
