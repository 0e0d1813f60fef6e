"""Files the tracker writes for people (report, chart, exports) are shared files: they get the
mode the umask gives, as every tool's output does, and are still never half-written."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import DATASET

pytest.importorskip("matplotlib", reason="the chart comes with the charts extra")


@pytest.fixture(params=[0o022, 0o077, 0o002], ids=lambda m: f"umask-{m:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import Ctrack

    ctrack = Ctrack(str(tmp_path_factory.mktemp("modes") / "tracker.db"))
    ctrack.ok("import", str(DATASET))
    ctrack.ok("assess", "tscf-moc", "--party", "US", "--score", "1", "--on", "2025-01-01")
    return ctrack


#: Each command that writes a file, and how it is told where.
WRITERS = {
    "export": ("export", "-o"),
    "export-csv": ("export", "--format", "csv", "-o"),
    "export-scores": ("export-scores", "-o"),
    "chart-png": ("chart", "--out"),
    "chart-svg": ("chart", "--out"),
    "heat-map": ("chart", "--scores", "--out"),
    "report": ("report", "--out"),
}
SUFFIX = {"chart-png": ".png", "chart-svg": ".svg", "heat-map": ".png", "report": ".html", "export-scores": ".csv",
          "export-csv": ".csv"}  # fmt: skip


@pytest.mark.parametrize("writer", WRITERS)
def test_written_files_get_the_mode_the_umask_gives(store, tmp_path, umask, writer):
    out = tmp_path / f"out{SUFFIX.get(writer, '.jsonl')}"
    store.ok(*WRITERS[writer], str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left beside it


@pytest.mark.parametrize("writer", ["export", "report"])
def test_overwriting_a_file_gives_the_new_one_the_umask_mode_too(store, tmp_path, umask, writer):
    out = tmp_path / f"out{SUFFIX.get(writer, '.jsonl')}"
    out.write_text("old")
    out.chmod(0o600)
    store.ok(*WRITERS[writer], str(out), "--force")
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert out.read_text() != "old"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, umask):
    from commitment_tracker.tracker.outputs import atomic_output

    out = tmp_path / "kept.txt"
    out.write_text("kept")
    with pytest.raises(RuntimeError), atomic_output(Path(out)) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert out.read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]
