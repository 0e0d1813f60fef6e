"""A board row as ``view_intervals`` stores it: its fields' values in one fixed order, a JSON array.

A row stored as a JSON object repeated its 22 field names in every interval: half of the row's
bytes, where the intervals are half of a store (at 100k events, 102 of 234 MB; now 59 MB, and a
rebuild takes about 0.9 of the CPU it did; at a million events the rebuild's time is elsewhere).
The names are kept once, here: ``BOARD_FIELDS``, the fields of ``CommitmentStatus`` in sorted
order, the order in which the object's keys were stored, so a row reads back as the same dict,
key for key.

A row of the release before (an object) still reads as itself: a user who may not write the view
reads it as it stands; one who may rebuilds it once, on the first read (``ViewReader.catch_up``).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from commitment_tracker.projections.fold import CommitmentStatus
from commitment_tracker.projections.view.decode import loads

BOARD_FIELDS = tuple(sorted(f.name for f in fields(CommitmentStatus)))
#: Sorted keys inside a value too (a party's status): the stored text is one text per row.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def board_text(row: dict[str, Any]) -> str:
    """The stored text of a board row (a dict with exactly the fields of ``BOARD_FIELDS``)."""
    return _encode([row[name] for name in BOARD_FIELDS])


def board_row(text: str) -> dict[str, Any]:
    """A stored row back as the board row it was made from (an earlier release's object as is)."""
    values = loads(text)
    if isinstance(values, dict):
        return values
    return dict(zip(BOARD_FIELDS, values, strict=True))


def names_fields(text: str) -> bool:
    """Whether a stored row is an earlier release's (a JSON object, naming its fields)."""
    return text.startswith("{")
