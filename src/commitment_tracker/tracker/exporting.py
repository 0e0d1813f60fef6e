"""Export: every event in record order, as interchange JSON Lines (re-importable) or CSV.

A JSON line is the event's interchange JSON: where the stored bytes already hold exactly that (an
event of the current class version, every value spelt as export spells it; see stored_form.py),
they are written as they are, after decryption; any other event is decoded (upcast, validated)
and written from its model, as every event once was."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from commitment_tracker.events import EVENT_TYPES, to_data
from commitment_tracker.tracker import stored_form
from commitment_tracker.tracker.bulk import paused_gc
from commitment_tracker.tracker.outputs import csv_rows
from commitment_tracker.tracker.records import Recorded

if TYPE_CHECKING:
    from commitment_tracker.tracker.application import Tracker

PAGE = 5000  # lines written at a time

#: CSV columns: every field of every event type, in schema order.
CSV_COLUMNS = ["ref", *dict.fromkeys(name for cls in EVENT_TYPES.values() for name in cls.model_fields)]


def write_export(tracker: Tracker, fmt: str, output: Path | None, advance: Callable[[int], None] | None = None) -> int:
    """Write the export to ``output`` (atomically: a partial file never appears) or stdout;
    ``advance`` is told how many events each page wrote."""
    if output is None:
        return _export(tracker, fmt, sys.stdout, advance)
    from commitment_tracker.tracker.outputs import atomic_output

    with atomic_output(output) as handle:
        return _export(tracker, fmt, handle, advance)


def _export(tracker: Tracker, fmt: str, handle: IO[str], advance: Callable[[int], None] | None) -> int:
    if fmt == "csv":
        return _write(_counted(tracker.log(), advance), fmt, handle)
    return _write_lines(_pages(tracker), handle, advance)


def _pages(tracker: Tracker) -> Iterator[tuple[str, int]]:
    """Every event's JSON line, in record order: a page of lines at a time (each ending in a line
    feed), with how many."""
    mapper = tracker.mapper
    rows = tracker.stored_rows()
    while page := list(islice(rows, PAGE)):
        with paused_gc():
            plains = [mapper.decrypt(stored) for stored in page]  # type: ignore[attr-defined]
            read = stored_form.read_page(plains, [stored.topic for stored in page], exporting=True)
            bodies = read.bodies if read is not None else [_body(plain) for plain in plains]
            lines = [body if body is not None else _decoded(mapper, stored) for stored, body in zip(page, bodies)]
        yield (b"\n".join(lines) + b"\n").decode("utf-8"), len(lines)


def _body(plain: bytes) -> bytes | None:
    """One event's own JSON where its bytes are its line (a page with a refused value is read
    event by event: the others keep their bytes)."""
    found = stored_form.read(plain, exporting=True)
    return found.body if found is not None else None


def _decoded(mapper: Any, stored: Any) -> bytes:
    """The line of an event decoded (upcast, validated) and written from its model."""
    record: Recorded = mapper.to_domain_event(stored)
    return json.dumps(to_data(record.event), ensure_ascii=False, separators=(",", ":")).encode()


def _write_lines(pages: Iterator[tuple[str, int]], handle: IO[str], advance: Callable[[int], None] | None) -> int:
    # The first page is read before anything is written (see _write).
    count = 0
    for text, lines in pages:
        handle.write(text)
        count += lines
        if advance is not None:
            advance(lines)
    return count


def _counted(records: Iterable[Recorded], advance: Callable[[int], None] | None) -> Iterator[Recorded]:
    for number, record in enumerate(records, 1):
        if advance is not None and number % PAGE == 0:
            advance(PAGE)
        yield record


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
