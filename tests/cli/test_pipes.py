"""A reader that stops early (``ctrack export | head -1``) is not an error: exit 0, nothing on stderr."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.conftest import DATASET


@pytest.mark.parametrize("command", [("export",), ("status", "--as-of", "2024-11-20"), ("history", "tscf-moc")])
def test_a_closed_pipe_ends_the_command_quietly_with_exit_0(tmp_path, command):
    store = str(tmp_path / "tracker.db")
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_STORE", "TRACKER_CIPHER_KEY", "COLUMNS")}
    run = [sys.executable, "-m", "commitment_tracker", "--store", store]
    subprocess.run([*run, "import", str(DATASET)], check=True, capture_output=True, env=env)
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first line is written: every write fails
    try:
        done = subprocess.run([*run, *command], stdout=writer, stderr=subprocess.PIPE, env=env, timeout=60)
    finally:
        os.close(writer)
    assert done.returncode == 0
    assert done.stderr == b""
