"""Real processes: several writers at once, and an import killed half-way with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from benchmarks.synthetic import write
from commitment_tracker import events as ev
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker.integrity import verify

pytestmark = pytest.mark.slow

RECORDER = textwrap.dedent(
    """
    import sys
    from commitment_tracker import events as ev
    from commitment_tracker.tracker import open_tracker, resolve_store
    store, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open_tracker(resolve_store(store)) as tracker:
        for i in range(count):
            own = f"{name}-{i}"
            # Half the writes go to one shared commitment, half create commitments of their own.
            events = [ev.build("commitment_reaffirmed", commitment="shared", on="2024-01-01", note=own)]
            if i % 2:
                events = [ev.build("commitment_made", commitment=own, on="2024-01-01", title=own, parties=("US",))]
            tracker.record(events, name)
    """
)


@pytest.fixture(scope="module")
def bulk_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("bulk") / "bulk.jsonl", 20_000, record_times=False)


def _count(url: str) -> int:
    with open_tracker(resolve_store(url)) as tracker:
        return tracker.count_events()


def test_concurrent_writers_and_a_bulk_import_lose_nothing(store_url: str, bulk_file: Path) -> None:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment="shared", on="2023-01-01", title="Shared",
                                 parties=("US", "JP"))], "setup")  # fmt: skip
    writers = [
        subprocess.Popen([sys.executable, "-c", RECORDER, store_url, f"w{n}", "30"], stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    importer = subprocess.Popen(
        [sys.executable, "-m", "commitment_tracker", "--store", store_url, "import", str(bulk_file)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    for process in [*writers, importer]:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    with open_tracker(resolve_store(store_url)) as tracker:
        shared = tracker.stream("shared")
        notes = sorted(r.event.note for r in shared[1:])
        assert notes == sorted(f"w{n}-{i}" for n in range(4) for i in range(0, 30, 2))
        for n in range(4):
            for i in range(1, 30, 2):
                assert len(tracker.stream(f"w{n}-{i}")) == 1
        assert tracker.count_events() == 1 + 4 * 30 + 20_000
        report = verify(tracker)
    assert report.ok, report.problem


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.5])
def test_an_import_killed_half_way_leaves_all_or_nothing(store_url: str, bulk_file: Path, delay: float) -> None:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("source_registered", source="before", title="Before")], "setup")
    process = subprocess.Popen(
        [sys.executable, "-m", "commitment_tracker", "--store", store_url, "import", str(bulk_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(delay)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    count = _count(store_url)
    assert count in (1, 1 + 20_000)
    # The store stays writable and verifiable.
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([ev.build("source_registered", source="after", title="After")], "setup")
        report = verify(tracker)
    assert report.ok, report.problem
    assert report.count == count + 1
