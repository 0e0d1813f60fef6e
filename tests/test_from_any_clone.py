"""The suite passes from any clone: wherever the working copy lives (a private directory, as
``mktemp -d`` makes one) and whatever seed hypothesis draws.

Each test runs other tests of the suite in a child pytest, from a copy of the working tree in a
directory only its owner may enter, with an environment of its own inside it (its interpreter and
the project's code are reached through that directory only, as after ``git clone`` and ``make test``
there; the installed libraries are this environment's)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import tempfile
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
ARCHIVE = "tests/cli/test_store_safety.py::test_a_read_only_archive_copy_can_be_queried_verified_and_exported"
GUARD = ("tests/unit/test_out_of_order.py::"
         "test_the_generated_histories_do_exercise_retractions_corrections_meetings_and_every_cadence")  # fmt: skip


@pytest.fixture(scope="module")
def private_clone() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="ctrack-clone-"))
    assert home.stat().st_mode & 0o077 == 0, "mkdtemp makes a directory only its owner may enter"
    clone = home / "clone"
    junk = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
    for part in ("src", "tests", "benchmarks"):
        shutil.copytree(ROOT / part, clone / part, ignore=junk)
    shutil.copy2(ROOT / "pyproject.toml", clone / "pyproject.toml")
    venv.create(clone / ".venv", symlinks=True)
    purelib = subprocess.run([str(clone / ".venv/bin/python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    Path(purelib, "clone.pth").write_text(f"{clone / 'src'}\n{sysconfig.get_paths()['purelib']}\n", encoding="utf-8")
    yield clone
    shutil.rmtree(home)


def pytest_in(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "PYTEST_"))} | {"CI": "true"}
    return subprocess.run([str(clone / ".venv/bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=600)  # fmt: skip


def test_the_read_only_archive_test_passes_from_a_clone_in_a_private_directory(private_clone: Path) -> None:
    result = pytest_in(private_clone, "-rs", ARCHIVE)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    if result.returncode == 0 and " passed" not in summary:
        pytest.skip(f"the archive test skipped here: {result.stdout[-300:]}")
    assert result.returncode == 0 and "2 passed" in summary, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize("seed", [1, 10, 19])
def test_the_generator_guard_passes_whatever_the_seed(private_clone: Path, seed: int) -> None:
    # Outside CI too: hypothesis's own CI profile would derandomize every test, hiding the seed.
    result = pytest_in(private_clone, "--hypothesis-profile=default", f"--hypothesis-seed={seed}", GUARD)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-3000:]
