"""Encryption at rest: with TRACKER_CIPHER_KEY the database holds no plaintext of any event."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.integration.test_integrity import DATASET, Raw


def run(store: str, key: str | None, *args: str):
    env = {"TRACKER_CIPHER_KEY": key} if key else {}
    return CliRunner().invoke(cli, ["--store", store, *args], env=env)


def key() -> str:
    result = CliRunner().invoke(cli, ["keygen"])
    assert result.exit_code == 0
    return result.stdout.strip()


def test_an_encrypted_store_holds_no_plaintext_and_reads_back(store_url: str) -> None:
    secret = key()
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    raw = Raw(store_url)
    states = b"".join(bytes(r[0]) for r in raw.run(f"SELECT state FROM {raw.events}"))
    for plaintext in (b"Camp David", b"Freedom", b"commitment", b"demo-analyst", b"2024-10-16"):
        assert plaintext not in states
    if not raw.postgres:
        assert b"Camp David" not in Path(store_url).read_bytes()
    board = run(store_url, secret, "status", "--json")
    assert board.exit_code == 0 and "freedom-edge-exercise" in board.stdout
    assert run(store_url, secret, "verify").exit_code == 0


@pytest.mark.parametrize("wrong", ["other", "malformed", "missing"])
def test_a_wrong_key_is_a_one_line_error(store_url: str, wrong: str) -> None:
    assert run(store_url, key(), "import", str(DATASET)).exit_code == 0
    given = {"other": key(), "malformed": "not-a-key", "missing": None}[wrong]
    result = run(store_url, given, "status")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
