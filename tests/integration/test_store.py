"""The Tracker on real stores: atomic writes, concurrent writers, configuration, upcasting."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from commitment_tracker import events as ev
from commitment_tracker.tracker import (
    RuleViolation,
    StoreError,
    open_tracker,
    resolve_store,
)


def made(slug: str, **fields: object) -> ev.Event:
    values = {"on": "2023-08-18", "title": f"Commitment {slug}", "parties": ("US", "JP", "KR")} | fields
    return ev.build("commitment_made", commitment=slug, **values)


def test_a_write_touching_several_streams_is_all_or_nothing(store_url: str) -> None:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([made("a")], "tester")
        good = ev.build("commitment_reaffirmed", commitment="a", on="2024-01-01")
        bad = ev.build("commitment_fulfilled", commitment="a", on="2024-01-02", parties=("FR",))
        with pytest.raises(RuleViolation):
            tracker.record([made("b"), good, bad], "tester")
        assert [r.ref for r in tracker.log()] == ["a#1"]
        assert tracker.stream("b") == []


def test_a_meeting_that_fulfils_two_commitments_is_one_transaction(store_url: str) -> None:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([made("a", cadence="annual"), made("b")], "tester")
        held = ev.build("meeting_held", meeting="m", on="2024-06-01", kind="summit", title="S",
                        parties=("US", "JP", "KR"))  # fmt: skip
        refs = [r.ref for r in tracker.hold_meeting(held, ["a", "b"], "tester")]
        assert refs == ["m#1", "a#2", "b#2"]
        with pytest.raises(Exception):
            tracker.hold_meeting(held.model_copy(update={"meeting": "m2"}), ["a", "nope"], "tester")
        assert tracker.stream("m2") == []
        assert len(tracker.stream("a")) == 2


def test_the_store_is_a_real_file_that_survives_reopening(tmp_path) -> None:
    path = tmp_path / "sub" / "dir" / "t.db"
    with open_tracker(resolve_store(str(path))) as tracker:
        tracker.record([made("a")], "tester")
    assert path.exists()
    with open_tracker(resolve_store(str(path))) as tracker:
        assert [r.ref for r in tracker.log()] == ["a#1"]
        assert tracker.log().__next__().event.recorded_by == "tester"


def test_the_in_memory_store_is_never_selected(monkeypatch) -> None:
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")
    monkeypatch.setenv("TRACKER_PERSISTENCE_MODULE", "eventsourcing.popo")
    with pytest.raises(StoreError):
        resolve_store(":memory:")
    store = resolve_store("x.db")
    assert store.settings()["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"


def test_an_unreachable_postgres_server_is_a_one_line_error_within_seconds() -> None:
    import time

    start = time.monotonic()
    with pytest.raises(StoreError) as caught:
        open_tracker(resolve_store("postgresql://postgres:pw@127.0.0.1:1/nothing"))
    assert time.monotonic() - start < 10
    assert "\n" not in str(caught.value)
    assert "pw" not in str(caught.value)


WRITER = textwrap.dedent(
    """
    import sys
    from commitment_tracker import events as ev
    from commitment_tracker.tracker import open_tracker, resolve_store
    store, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open_tracker(resolve_store(store)) as tracker:
        for i in range(count):
            note = f"{name} {i}"
            tracker.record([ev.build("progress_reported", commitment="shared", on="2024-01-01", note=note)], name)
    """
)


@pytest.mark.slow
def test_two_processes_writing_to_the_same_commitment_lose_nothing(store_url: str) -> None:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([made("shared")], "tester")
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, store_url, name, "25"], stderr=subprocess.PIPE, text=True)
        for name in ("alice", "bob")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with open_tracker(resolve_store(store_url)) as tracker:
        stream = tracker.stream("shared")
    notes = sorted(r.event.note for r in stream[1:])
    assert notes == sorted(f"{n} {i}" for n in ("alice", "bob") for i in range(25))
    assert [r.position for r in stream] == list(range(1, 52))
    # Each event's chain link points at the event before it in the stream.
    assert all(b.prev == a.hash for a, b in zip(stream, stream[1:]))


def test_an_older_payload_is_upcast_when_read(sqlite_url: str, monkeypatch) -> None:
    """A v1 stored payload (parties as one comma-separated string) read by a v2 model."""
    from eventsourcing.persistence import StoredEvent

    from commitment_tracker.events import models
    from commitment_tracker.tracker import mapper

    class ReaffirmedV2(models.CommitmentReaffirmed):
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["parties"] = state.pop("who").split(",")

    monkeypatch.setitem(models.EVENT_TYPES, "commitment_reaffirmed", ReaffirmedV2)
    old = {"event": {"type": "commitment_reaffirmed", "commitment": "a", "on": "2024-01-01", "who": "US,JP"},
           "prev": ""}  # fmt: skip
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        stored = StoredEvent(
            originator_id=__import__("uuid").uuid4(),
            originator_version=2,
            topic=mapper.topic_of("commitment_reaffirmed"),
            state=json.dumps(old).encode(),
        )
        record = tracker.mapper.to_domain_event(stored)
    assert isinstance(record.event, ReaffirmedV2)
    assert record.event.parties == ("US", "JP")
    # What is written now carries its class version, so it is never upcast twice.
    assert json.loads(mapper.canonical(record.event, ""))["class_version"] == 2


def test_a_writer_whose_clock_is_behind_the_log_is_not_refused(sqlite_url: str, tmp_path) -> None:
    """Another writer's clock ran ahead: record time still never runs backwards along the log."""
    from datetime import timedelta

    from commitment_tracker.tracker import utcnow

    ahead = (utcnow() + timedelta(minutes=2)).isoformat()
    lines = tmp_path / "ahead.jsonl"
    lines.write_text(
        '{"type": "commitment_made", "commitment": "a", "on": "2024-01-01", "title": "A", '
        f'"parties": ["US"], "recorded_at": "{ahead}"}}\n'
    )
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.import_file(lines, "tester")
        [later] = tracker.record([ev.build("commitment_reaffirmed", commitment="a", on="2024-02-01")], "tester")
        first = tracker.stream("a")[0].event.recorded_at
    assert later.event.recorded_at >= first
