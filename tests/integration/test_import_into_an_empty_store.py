"""An import into an empty store reads no stream from it, but never on the word of a store that has
since stopped being empty: another writer recording first makes the import decide again, so it is
as if it had begun after that writer."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from commitment_tracker import events as ev
from commitment_tracker.tracker import application, open_tracker, resolve_store, utcnow
from commitment_tracker.tracker.integrity import verify

MADE = {"type": "commitment_made", "on": "2024-01-01", "title": "T", "parties": ["US", "JP"]}


def _write(path: Path, *lines: dict) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def another_writer_first(monkeypatch: pytest.MonkeyPatch, sqlite_url: str):
    """While the import reads its first line (its first attempt only), another connection
    records the commitment ``other``."""
    reading = application.read_events
    attempts = []

    def read_events(path: Path):
        attempts.append(path)
        for number, event in reading(path):
            if len(attempts) == 1 and number == 1:
                with open_tracker(resolve_store(sqlite_url)) as other:
                    other.record([ev.build("commitment_made", commitment="other", on="2023-01-01", title="O",
                                           parties=("US",))], "someone else")  # fmt: skip
            yield number, event

    monkeypatch.setattr(application, "read_events", read_events)
    return attempts


def test_an_import_begun_on_an_empty_store_another_writer_fills_is_decided_again(
    tmp_path: Path, sqlite_url: str, another_writer_first
) -> None:
    # Stamped after the other writer's event: the log's clock check lets the first chunk in.
    stamp = {"recorded_at": (utcnow() + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")}
    path = _write(tmp_path / "e.jsonl", {**MADE, "commitment": "c1", **stamp},
                  *[{"type": "commitment_reaffirmed", "commitment": "c1", "on": "2024-02-01", **stamp}] * 1500)  # fmt: skip
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        assert tracker.import_file(path, "tester") == 1501
        assert len(another_writer_first) == 2
        assert [r.ref for r in tracker.log()][:2] == ["other#1", "c1#1"]
        assert tracker.count_events() == 1502
        assert verify(tracker).ok


def test_a_line_that_needs_what_another_writer_recorded_meanwhile_is_not_refused(
    tmp_path: Path, sqlite_url: str, another_writer_first
) -> None:
    path = _write(tmp_path / "e.jsonl", {**MADE, "commitment": "c1"},
                  {"type": "commitment_reaffirmed", "commitment": "other", "on": "2024-02-01"})  # fmt: skip
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        assert tracker.import_file(path, "tester") == 2
        assert len(another_writer_first) == 2
        assert tracker.stream("other")[-1].event.type == "commitment_reaffirmed"
