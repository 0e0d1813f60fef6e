"""An import stores exactly what recording the same events one command at a time stores: the same
rows, byte for byte, and the same chain, so the same checkpoint digest. Importing is a faster way
to record, never a different one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from commitment_tracker import events as ev
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker.errors import InputError
from commitment_tracker.tracker.integrity import checkpoint

from benchmarks.synthetic import write

BUNDLED = Path(__file__).parents[2] / "src" / "commitment_tracker" / "data" / "trilateral.jsonl"


def _generated(folder: Path) -> Path:
    # Longer than an import's chunk, with retractions and corrections of events already written.
    return write(folder / "generated.jsonl", 1500, seed=11)


def _rows(db: Path) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
                              "ORDER BY rowid").fetchall()  # fmt: skip
        chain = conn.execute("SELECT * FROM log_chain ORDER BY notification_id").fetchall()
    return events, chain


@pytest.mark.parametrize("history", [lambda folder: BUNDLED, _generated], ids=["bundled", "generated"])
def test_an_import_stores_what_recording_each_event_stores(tmp_path: Path, history) -> None:
    lines = history(tmp_path)
    events = [ev.parse_json(line) for line in lines.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(e.recorded_at is not None for e in events), "the same record times on both sides"

    with open_tracker(resolve_store(str(tmp_path / "imported.db"))) as tracker:
        assert tracker.import_file(lines, "tester") == len(events)
        imported = checkpoint(tracker)
    with open_tracker(resolve_store(str(tmp_path / "recorded.db"))) as tracker:
        for event in events:
            tracker.record([event], "tester")
        recorded = checkpoint(tracker)

    assert (imported.digest, imported.count) == (recorded.digest, recorded.count)
    assert _rows(tmp_path / "imported.db") == _rows(tmp_path / "recorded.db")


def test_a_rule_broken_before_a_bad_line_is_the_error_named(tmp_path: Path) -> None:
    """Lines are checked against the rules in file order: a later line's schema error, in the same
    chunk, does not hide an earlier line's rule violation; nothing is written either way."""
    made = {"type": "commitment_made", "commitment": "c1", "on": "2024-01-01", "title": "T", "parties": ["US"]}
    lines = [made, *[{"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-02-01"}] * 10,
             {"type": "commitment_reaffirmed", "commitment": "nowhere", "on": "2024-02-01"},
             {"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-02-30"}]  # fmt: skip
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        with pytest.raises(InputError, match=r"^line 12: unknown commitment 'nowhere'"):
            tracker.import_file(path, "tester")
        assert tracker.count() == 0
