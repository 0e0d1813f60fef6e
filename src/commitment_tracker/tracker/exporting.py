"""Export: every event in record order, as interchange JSON Lines (re-importable) or CSV."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import IO, Any

from commitment_tracker.events import EVENT_TYPES, to_data
from commitment_tracker.tracker.outputs import csv_rows
from commitment_tracker.tracker.records import Recorded

#: CSV columns: every field of every event type, in schema order.
CSV_COLUMNS = ["ref", *dict.fromkeys(name for cls in EVENT_TYPES.values() for name in cls.model_fields)]


def write_export(records: Iterable[Recorded], fmt: str, output: Path | None) -> int:
    """Write the export to ``output`` (atomically: a partial file never appears) or stdout."""
    if output is None:
        return _write(records, fmt, sys.stdout)
    from commitment_tracker.tracker.outputs import atomic_output

    with atomic_output(output) as handle:
        return _write(records, fmt, handle)


def _write(records: Iterable[Recorded], fmt: str, handle: IO[str]) -> int:
    # The first event is read before anything is written: a store that cannot be read (a missing
    # key, say) is one error line, not a CSV header followed by one.
    records = iter(records)
    first = next(records, None)
    records = chain([first] if first is not None else [], records)
    count = 0
    write = csv_rows(handle) if fmt == "csv" else None
    if write is not None:
        write(CSV_COLUMNS)
    for record in records:
        data = to_data(record.event)
        if write is None:
            handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            data["ref"] = record.ref
            write([_cell(data.get(column)) for column in CSV_COLUMNS])
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)
