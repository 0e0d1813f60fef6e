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


def _already_fulfilled(tracker, slug: str, position: int) -> bool:
    """Whether every party of the fulfilment at ``position`` had a live fulfilment dated on or before
    it among the stream's earlier events, worked out from scratch: each earlier event resolved as
    known when it arrived (retractions, corrections), nothing kept from one fulfilment to the next."""
    from commitment_tracker.tracker.resolution import resolve

    records = tracker.stream(slug)
    before = resolve(records[: position - 1])
    made = before[0].event
    event = records[position - 1].event
    if before[0].retracted or made.cadence in ("standing", "annual", "semiannual", "quarterly", "monthly"):
        return False
    day = ev.first_day(event.on)
    done = {party for r in before if r.event.type == "commitment_fulfilled" and not r.retracted
            and ev.first_day(r.event.on) <= day for party in (r.event.parties or made.parties)}  # fmt: skip
    return set(event.parties or made.parties) <= done


def test_an_import_notes_what_recording_each_event_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same notes, word for word and in order, whether each event is judged in a command of its
    own (every stream read afresh from the store) or in an import that keeps its streams from one
    line to the next and lets go of written events; and a fulfilment is noted as changing nothing
    exactly when its parties had all fulfilled it already, by the stream as then known."""
    from commitment_tracker.tracker import application

    monkeypatch.setattr(application, "MAX_CAUTIONS", 1_000_000)
    lines = write(tmp_path / "generated.jsonl", 2500, seed=5)
    events = [ev.parse_json(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    imported: list[str] = []
    with open_tracker(resolve_store(str(tmp_path / "imported.db"))) as tracker:
        tracker.import_file(lines, "tester", warn=imported.append)
        noted = {(r.event.entity, r.position) for r in tracker.log() if r.event.type == "commitment_fulfilled"
                 and _already_fulfilled(tracker, r.event.entity, r.position)}  # fmt: skip
    recorded: list[str] = []
    with open_tracker(resolve_store(str(tmp_path / "recorded.db"))) as tracker:
        for event in events:
            tracker.record([event], "tester", warn=recorded.append)

    assert [note.split(": ", 1)[1] for note in imported] == recorded
    already = [note for note in recorded if "this fulfilment changes nothing" in note]
    assert len(already) == len(noted) > 20


def test_an_import_into_a_store_that_holds_its_streams_stores_what_recording_stores(tmp_path: Path) -> None:
    """A file imported in two parts, the second into the store the first made (its streams read
    from the store, continued, retracted and corrected), stores the rows and chain that recording
    each event in a command of its own does."""
    lines = write(tmp_path / "generated.jsonl", 2500, seed=7).read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:1200]), encoding="utf-8")
    second.write_text("".join(lines[1200:]), encoding="utf-8")
    with open_tracker(resolve_store(str(tmp_path / "imported.db"))) as tracker:
        tracker.import_file(first, "tester")
        tracker.import_file(second, "tester")
        imported = checkpoint(tracker)
    with open_tracker(resolve_store(str(tmp_path / "recorded.db"))) as tracker:
        for line in lines:
            tracker.record([ev.parse_json(line)], "tester")
        recorded = checkpoint(tracker)

    assert (imported.digest, imported.count) == (recorded.digest, recorded.count) == (imported.digest, 2500)
    assert _rows(tmp_path / "imported.db") == _rows(tmp_path / "recorded.db")
