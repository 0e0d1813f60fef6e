"""Long work shows a progress bar on an interactive stderr, and never on a pipe (SPEC §6: stderr is
talk; a script reading stderr must not get a bar's redraws)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import DATASET
from tests.cli.test_scoring import TABLE

LABELS = {"verify": "Verifying", "export": "Exporting", "import-scores": "Importing scores", "import": "Importing"}


def _run(store: Path, args: list[str], terminal: bool) -> tuple[int, str]:
    """The command as a process whose stderr is a terminal (a pseudo-terminal) or a pipe; what it
    wrote on stderr."""
    command = [sys.executable, "-m", "commitment_tracker", "--store", str(store), *args]
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    if not terminal:
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        return done.returncode, done.stderr.decode()
    leader, follower = pty.openpty()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    said = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        said += chunk
    os.close(leader)
    return child.wait(), said.decode(errors="replace")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("progress")
    location = directory / "store.db"
    code, said = _run(location, ["import", str(DATASET)], terminal=False)
    assert code == 0, said
    return location


@pytest.mark.parametrize("command", ["verify", "export", "import-scores"])
@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_long_work_shows_progress_on_a_terminal_only(store: Path, tmp_path: Path, command: str, terminal: bool) -> None:
    if command == "import-scores":
        table = tmp_path / "scores.csv"
        table.write_text(TABLE, encoding="utf-8")
        args = ["import-scores", str(table), "--on", "2020-06-01", "--dry-run"]
    else:
        args = [command] if command == "verify" else ["export", "-o", str(tmp_path / "out.jsonl")]
    code, said = _run(store, args, terminal)
    assert code == 0, said
    assert (LABELS[command] in said) is terminal, said


@pytest.fixture(scope="module")
def behind(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose log is more than 2,000 events ahead of its view (a query then says it catches up)."""
    from benchmarks.spread import write

    directory = tmp_path_factory.mktemp("behind")
    events = write(directory / "events.jsonl", 2400)
    location = directory / "store.db"
    code, said = _run(location, ["import", str(events)], terminal=False)
    assert code == 0, said
    return location


#: The other long work, each as it is started here: (its bar's label, how to run it).
MORE = {
    "import": ("Importing", lambda store, tmp: (tmp / "new.db", ["import", str(DATASET)])),
    "rebuild": ("Rebuilding the status view", lambda store, tmp: (_copy(store, tmp), ["rebuild"])),
    "catch-up": ("Updating the status view", None),  # the first query of the store ``behind``
}


def _copy(store: Path, tmp: Path) -> Path:
    import shutil

    shutil.copy(store, tmp / "copy.db")
    return tmp / "copy.db"


@pytest.mark.parametrize("work", sorted(MORE))
@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_the_other_long_work_shows_progress_on_a_terminal_only(store: Path, behind: Path, tmp_path: Path, work: str,
                                                               terminal: bool) -> None:  # fmt: skip
    label, how = MORE[work]
    if how is None:
        target = _copy(behind, tmp_path)
        args = ["status", "--json"]
    else:
        target, args = how(store, tmp_path)
    code, said = _run(target, args, terminal)
    assert code == 0, said
    assert (label in said) is terminal, said


def test_every_progress_bar_of_the_cli_is_tested_above() -> None:
    """The labels of every ``progress(...)`` the CLI starts, read from its sources."""
    import re

    import commitment_tracker.cli as package

    sources = Path(package.__file__).parent.glob("*.py")
    started = {label for path in sources for label in re.findall(r'progress\(\s*"([^"]+)"', path.read_text(encoding="utf-8"))}
    tested = {LABELS[name] for name in ("verify", "export", "import-scores")} | {label for label, _ in MORE.values()}
    assert started == tested
