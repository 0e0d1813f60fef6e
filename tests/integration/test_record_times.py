"""The record times a report chooses its stops from are those of the log it folds, from either reader.

``record_times(slugs, K)`` reads, by SQL on the view (or from the log, when the log is folded), the
record times up to K of some commitments' events and of every meeting, source and statement: what
``log_of(slugs)`` holds besides other commitments. The report picks its stops from them before it
reads a single event, so they must be exactly the log's.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from benchmarks.spread import generate
from commitment_tracker.projections import Log
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store


def test_both_readers_give_the_record_times_of_the_log_of_those_commitments(tmp_path):
    lines = tmp_path / "h.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(1500, 7)))
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(lines, "tester")
        view = ViewReader(tracker)
        view.catch_up()
        log = Log(tracker.log())
        commitments = [slug for slug, records in log.streams.items() if records[0].event.type == "commitment_made"]
        times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
        for few in (commitments[:1], commitments[2:9]):
            for known_at in (None, times[len(times) // 2], times[0]):
                expected = Counter(r.event.recorded_at for slug, records in log.streams.items()
                                   if slug in few or records[0].event.type != "commitment_made" for r in records
                                   if known_at is None or r.event.recorded_at <= known_at)  # fmt: skip
                for reader in (view, FoldReader(tracker)):
                    found = Counter(t for batch in reader.record_times(few, Clocks(date(2030, 1, 1), known_at))
                                    for t in batch)  # fmt: skip
                    assert found == expected, (type(reader).__name__, few, known_at)
        view.close()
