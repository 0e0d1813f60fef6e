"""Stores with something in them, built through the CLI as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.e2e.helpers import DATASET, DATASET_EVENTS


@pytest.fixture
def seeded(ctrack: Any) -> Any:
    """A source, a meeting and one commitment of each kind of cadence.

    - ``deliver`` (once, US+JP, made 2024-01-10, due 2024-06-30)
    - ``later`` (once, US+JP, made 2024-02-01): something to supersede ``deliver`` with
    - ``principle`` (standing, US+JP+KR, made at camp-david on 2023-08-18)
    - ``yearly`` (annual, US+JP+KR, made 2023-08-18)
    """
    ctrack.ok("source", "add", "tdi", "--title", "Trilateral cooperation to advance trade",
              "--publisher", "The Diplomatic Insight", "--url", "https://example.org/tdi",
              "--published", "2024-05-29")  # fmt: skip
    ctrack.ok("meeting", "add", "camp-david", "--on", "2023-08-18", "--kind", "trilateral-summit",
              "--title", "Camp David Summit", "--party", "US", "--party", "JP", "--party", "ROK",
              "--place", "Camp David")  # fmt: skip
    ctrack.ok("pledge", "deliver", "--on", "2024-01-10", "--title", "Deliver the thing", "--party", "US",
              "--party", "JP", "--due", "2024-06-30", "--source", "tdi", "--quote", "we will deliver")  # fmt: skip
    ctrack.ok("pledge", "later", "--on", "2024-02-01", "--title", "Deliver a better thing", "--party", "US",
              "--party", "JP")  # fmt: skip
    ctrack.ok("pledge", "principle", "--on", "2023-08-18", "--title", "Consult expeditiously", "--party", "US",
              "--party", "JP", "--party", "KR", "--cadence", "standing", "--meeting", "camp-david")  # fmt: skip
    ctrack.ok("pledge", "yearly", "--on", "2023-08-18", "--title", "Meet every year", "--party", "US",
              "--party", "JP", "--party", "KR", "--cadence", "annual", "--meeting", "camp-david")  # fmt: skip
    return ctrack


@pytest.fixture
def trilateral(ctrack: Any) -> Any:
    """The bundled US-Japan-ROK dataset, imported with ``ctrack import``."""
    result = ctrack.ok("import", str(DATASET))
    assert f"imported {DATASET_EVENTS} events" in result.stderr
    return ctrack


@pytest.fixture
def bare_cli() -> Any:
    """``ctrack`` exactly as typed: no --store, no --by (the caller gives env and options)."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Any:
    """write(name, text_or_bytes) -> path of a new file in the test's directory."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
