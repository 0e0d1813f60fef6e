"""Concurrent writers never lose updates: on a conflict the command reloads, decides again and
retries (README, "concurrent writers never lose updates"); and record time never runs backwards
along the log, which the tracker checks under its write lock ("Integrity").

What is attacked is the window between a writer's decision and its commit. A writer decides (and
stamps its record time) before it holds the append lock, so another writer can commit in between:

- two writers retract the SAME event. A retraction of an event already retracted is refused by the
  rules ("a#2 is already retracted"), so exactly one retraction may be stored, and the writer that
  lost must find that out by deciding again from what is stored -- not write a second retraction
  (a version conflict it ignored) and not fail with a traceback or "gave up after 8 attempts";
- a writer whose stamp fell behind an event committed while it waited. ``check_clock`` refuses the
  append under the lock (``StampBehind``) and ``_retrying`` decides again with a fresh stamp: the
  command succeeds, its event is stamped after the other one, and ``verify`` (which refuses a log
  whose record times run backwards) passes. An import that carries its own record times cannot be
  stamped again: it is refused whole, as it would have been had it come second.

The races are made deterministic: the first writer's decision is wrapped so that the second writer
(a real ``ctrack`` process) commits exactly between that decision and the first writer's commit.
The real-process race makes every racer decide before any of them commits (a barrier in each
process's decision), so that every loser goes through the retry path in a process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from commitment_tracker.tracker import application, recorders, utcnow
from commitment_tracker.tracker.application import Tracker
from commitment_tracker.tracker.bulk import BulkWriter
from tests.cli.helpers import error_line, jsonl
from tests.conftest import Ctrack

PLEDGE_A = ("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")


def ctrack_process(store: str, *args: str, user: str = "bob") -> subprocess.CompletedProcess[str]:
    """``ctrack`` as another user runs it: a process of its own, with a connection of its own."""
    env = {**os.environ, "TRACKER_USER": user}
    env.pop("TRACKER_STORE", None)
    return subprocess.run([sys.executable, "-m", "commitment_tracker", "--store", store, *args],
                          capture_output=True, text=True, env=env, timeout=60)  # fmt: skip


def decisions(monkeypatch: pytest.MonkeyPatch, between: Callable[[], None]) -> list[Any]:
    """Wrap ``Tracker.decide``: ``between`` runs once, right after the first decision, before that
    writer goes on to commit it. Returns the list of decisions made (each ledger, or the error)."""
    real = Tracker.decide
    made: list[Any] = []

    def decide(self: Tracker, events: Any, recorded_by: str) -> Any:
        try:
            ledger = real(self, events, recorded_by)
        except Exception as error:  # a refusal on deciding again is still a decision
            made.append(error)
            raise
        made.append(ledger)
        if len(made) == 1:
            between()
        return ledger

    monkeypatch.setattr(Tracker, "decide", decide)
    return made


def stamp_behind_raised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every refusal of the record-time check under the write lock, as its message."""
    real = recorders.check_clock
    refused: list[str] = []

    def check_clock(*args: Any) -> None:
        try:
            real(*args)
        except recorders.StampBehind as error:
            refused.append(str(error))
            raise

    monkeypatch.setattr(recorders, "check_clock", check_clock)
    return refused


def record_times(ctrack: Ctrack) -> list[datetime]:
    """The record time of every event, in record (log) order."""
    events = jsonl(ctrack.ok("export").stdout)
    return [datetime.fromisoformat(e["recorded_at"].replace("Z", "+00:00")) for e in events]


def assert_sound(ctrack: Ctrack) -> None:
    """verify passes (it refuses a log whose record times run backwards), and they do not."""
    assert ctrack.ok("verify").stdout.startswith("OK: ")
    times = record_times(ctrack)
    assert times == sorted(times), f"record times run backwards along the log: {times}"


@pytest.fixture
def progress_to_retract(store_url: str) -> Ctrack:
    """A store holding a#1 (a pledge) and a#2 (a progress report): a#2 is what the writers retract."""
    ctrack = Ctrack(store_url)
    ctrack.ok(*PLEDGE_A)
    assert ctrack.ok("progress", "a", "--on", "2024-02-01", "--note", "drafting").stdout == "a#2\n"
    return ctrack


# --- two writers retract the same event ------------------------------------------------------------


def test_a_writer_that_lost_the_race_to_retract_decides_again_and_is_refused_in_one_line(
    progress_to_retract: Ctrack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctrack = progress_to_retract
    bob: list[subprocess.CompletedProcess[str]] = []
    # Alice has decided "a#2 is not retracted: a#3 retracts it"; Bob commits his retraction first.
    made = decisions(monkeypatch,
                     lambda: bob.append(ctrack_process(ctrack.store, "retract", "a#2", "--reason", "bob")))
    alice = ctrack("retract", "a#2", "--reason", "alice")
    assert bob and bob[0].returncode == 0 and bob[0].stdout == "a#3\n", bob
    error_line(alice, 1, "a#2 is already retracted")
    # She decided twice: once before Bob committed, once again from what was then stored (and the
    # second decision, not a version error or "gave up", is what she was told).
    assert len(made) == 2 and isinstance(made[1], application.RuleViolation), made
    events = ctrack.json("history", "a")["events"]
    assert [e["ref"] for e in events] == ["a#1", "a#2", "a#3"]
    retractions = [e for e in jsonl(ctrack.ok("export").stdout) if e["type"] == "event_retracted"]
    assert [(r["target"], r["reason"], r["recorded_by"]) for r in retractions] == [("a#2", "bob", "bob")]
    assert_sound(ctrack)


#: A real ``ctrack`` whose decision waits, once made, until every racer has made its own: all of
#: them decide on the same store, and all but one must then find their decision out of date.
RACER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from commitment_tracker.cli import main
    from commitment_tracker.tracker.application import Tracker

    barrier, racers, name, args = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    real, count = Tracker.decide, []

    def decide(self, events, recorded_by):
        count.append(1)
        (barrier / f"decisions-{name}").write_text(str(len(count)))
        ledger = real(self, events, recorded_by)
        if len(count) == 1:
            (barrier / f"decided-{name}").touch()
            deadline = time.monotonic() + 30
            while len(list(barrier.glob("decided-*"))) < racers and time.monotonic() < deadline:
                time.sleep(0.005)
        return ledger

    Tracker.decide = decide
    sys.argv = ["ctrack", *args]
    main()
    """
)


def test_racing_processes_store_exactly_one_retraction_and_every_other_one_is_refused(
    progress_to_retract: Ctrack, tmp_path: Path
) -> None:
    ctrack, racers = progress_to_retract, 3
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {**os.environ}
    env.pop("TRACKER_STORE", None)
    processes = {
        f"w{n}": subprocess.Popen(
            [sys.executable, "-c", RACER, str(barrier), str(racers), f"w{n}",
             "--store", ctrack.store, "--by", f"w{n}", "retract", "a#2", "--reason", f"w{n}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        for n in range(racers)
    }
    results = {name: (p.wait(timeout=90), *p.communicate()) for name, p in processes.items()}
    winners = [name for name, (code, _, _) in results.items() if code == 0]
    assert len(winners) == 1, results
    [winner] = winners
    assert results[winner][1] == "a#3\n", results
    for name, (code, out, err) in results.items():
        if name == winner:
            continue
        assert code == 1 and out == "" and "Traceback" not in err, results
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0] == "Error: a#2 is already retracted", results
    # Each racer decided before any committed (the barrier): every loser decided exactly twice.
    counts = {name: int((barrier / f"decisions-{name}").read_text()) for name in processes}
    assert counts == {name: 1 if name == winner else 2 for name in processes}, counts
    retractions = [e for e in jsonl(ctrack.ok("export").stdout) if e["type"] == "event_retracted"]
    assert [(r["target"], r["recorded_by"]) for r in retractions] == [("a#2", winner)]
    assert_sound(ctrack)


# --- the record-time check under the write lock --------------------------------------------------


def test_a_writer_whose_stamp_fell_behind_a_later_commit_stamps_again_and_records(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctrack = Ctrack(store_url)
    ctrack.ok(*PLEDGE_A)
    bob: list[subprocess.CompletedProcess[str]] = []
    # Alice stamps "x" and decides; Bob (another entity: no version conflict) commits "b" after it.
    made = decisions(monkeypatch, lambda: bob.append(
        ctrack_process(store_url, "pledge", "b", "--on", "2024-01-01", "--title", "B", "--party", "US")))
    refused = stamp_behind_raised(monkeypatch)
    alice = ctrack("pledge", "x", "--on", "2024-01-01", "--title", "X", "--party", "US")
    assert bob and bob[0].returncode == 0 and bob[0].stdout == "b#1\n", bob
    assert alice.exit_code == 0 and alice.stdout == "x#1\n", alice.stderr
    first_stamp = made[0].new[0].event.recorded_at
    stored = {e.get("commitment"): datetime.fromisoformat(e["recorded_at"].replace("Z", "+00:00"))
              for e in jsonl(ctrack.ok("export").stdout)}  # fmt: skip
    # The premise: Bob's event is stamped after Alice's first stamp (else nothing was attacked).
    assert stored["b"] > first_stamp
    # The append was refused under the lock once, decided again with a fresh stamp, and written.
    assert len(refused) == 1 and len(made) == 2, (refused, made)
    assert stored["x"] >= stored["b"] > first_stamp
    assert_sound(ctrack)


def test_a_writer_whose_clock_is_behind_a_commit_made_while_it_waited_is_stamped_after_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Bob's clock runs two minutes ahead (his import carries that record time): Alice's second
    stamp cannot come from her clock alone, or it would still be behind; it must be Bob's at least."""
    ctrack = Ctrack(store_url)
    ctrack.ok(*PLEDGE_A)
    ahead = utcnow() + timedelta(minutes=2)
    lines = tmp_path / "ahead.jsonl"
    lines.write_text(json.dumps({"type": "commitment_made", "commitment": "b", "on": "2024-01-01", "title": "B",
                                 "parties": ["US"], "recorded_at": ahead.isoformat()}) + "\n")  # fmt: skip
    bob: list[subprocess.CompletedProcess[str]] = []
    made = decisions(monkeypatch, lambda: bob.append(ctrack_process(store_url, "import", str(lines))))
    refused = stamp_behind_raised(monkeypatch)
    alice = ctrack("pledge", "x", "--on", "2024-01-01", "--title", "X", "--party", "US")
    assert bob and bob[0].returncode == 0, bob
    assert alice.exit_code == 0 and alice.stdout == "x#1\n", alice.stderr
    assert len(refused) == 1 and len(made) == 2, (refused, made)
    times = record_times(ctrack)
    assert times[-1] >= ahead  # x#1, last in the log, stamped no earlier than Bob's b#1
    assert_sound(ctrack)


def test_an_import_whose_own_record_times_fell_behind_while_it_waited_is_refused_whole(
    store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An import keeps the record times its file carries: it cannot be stamped again. One that
    fell behind a commit made while it waited for the lock is refused as it would have been had it
    come second, and writes nothing (README: record times in an import file are kept only while
    they move forward)."""
    ctrack = Ctrack(store_url)
    ctrack.ok(*PLEDGE_A)
    own = utcnow()  # after a#1, before what Bob will commit: valid when the import decides
    lines = tmp_path / "own-times.jsonl"
    lines.write_text("".join(json.dumps({"type": "commitment_made", "commitment": slug, "on": "2024-01-01",
                                         "title": slug, "parties": ["US"], "recorded_at": own.isoformat()}) + "\n"
                             for slug in ("x", "y")))  # fmt: skip
    real = BulkWriter.write
    bob: list[subprocess.CompletedProcess[str]] = []

    def write(self: BulkWriter, *args: Any) -> None:
        if not bob:  # the import has decided its first chunk and is about to append it
            bob.append(ctrack_process(store_url, "pledge", "b", "--on", "2024-01-01", "--title", "B", "--party", "US"))
        real(self, *args)

    monkeypatch.setattr(BulkWriter, "write", write)
    refused = stamp_behind_raised(monkeypatch)
    before = ctrack.ok("export").stdout
    alice = ctrack("import", str(lines))
    assert bob[0].returncode == 0 and bob[0].stdout == "b#1\n", bob
    assert len(refused) == 1, refused
    error_line(alice, 1, "line 1", "earlier than the latest record time")
    after = jsonl(ctrack.ok("export").stdout)
    assert [e["commitment"] for e in after] == ["a", "b"]  # nothing of the import, Bob's pledge kept
    assert ctrack.ok("export").stdout.startswith(before)
    assert_sound(ctrack)
