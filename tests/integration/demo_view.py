"""The bundled dataset in a real store with its view caught up, and the whole log beside it: the
set-up of every test that checks an answer read from the view against the fold of the whole log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commitment_tracker.projections import Log
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import Tracker, open_tracker, resolve_store

DATASET = Path(__file__).parents[2] / "src/commitment_tracker/data/trilateral.jsonl"


@dataclass
class DemoView:
    tracker: Tracker
    reader: ViewReader
    log: Log  # the whole log: what the fold, the oracle, reads
    times: list[datetime]  # every distinct record time, in order

    @property
    def moments(self) -> list[datetime | None]:
        """Now, and every record time: where a known-at answer can change."""
        return [None, *self.times]


@contextmanager
def demo_view(store_url: str) -> Iterator[DemoView]:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.import_file(DATASET, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        times = sorted({r.event.recorded_at for records in log.streams.values() for r in records})
        try:
            yield DemoView(tracker, reader, log, times)  # type: ignore[arg-type]
        finally:
            reader.close()
