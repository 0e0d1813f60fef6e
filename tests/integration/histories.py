"""The fold's own hypothesis histories (``tests.unit.test_out_of_order``) in a real store: what the
view tests compare the view with the fold on."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from commitment_tracker.events import to_data
from commitment_tracker.projections import Log
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import Tracker, open_tracker, resolve_store
from tests.unit.test_out_of_order import linear, recorded


@contextmanager
def imported_history(items: Any, rng: random.Random, folder: Path) -> Iterator[tuple[Tracker, ViewReader, Log, list[datetime | None]]]:
    """A history recorded in a shuffled order, imported into a store in ``folder`` and its view
    caught up: (tracker, reader, the log as stored, the record times to ask at -- None, as known
    now, and two of the history's)."""
    shuffled = [i.key for i in items]
    rng.shuffle(shuffled)
    log = recorded(linear(items, {k: n for n, k in enumerate(shuffled)}))
    records = sorted((r for stream in log.streams.values() for r in stream), key=lambda r: r.seq)
    (folder / "h.jsonl").write_text("".join(json.dumps(to_data(r.event)) + "\n" for r in records))
    with open_tracker(resolve_store(str(folder / "t.db"))) as tracker:
        tracker.import_file(folder / "h.jsonl", "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        times = [r.event.recorded_at for r in records]
        try:
            yield tracker, reader, Log(tracker.log()), [None, *rng.sample(times, min(2, len(times)))]
        finally:
            reader.close()
