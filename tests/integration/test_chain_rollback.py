"""An event and its chain row are written together or not at all, whatever fails in between.

The library's PostgreSQL recorder holds back an error raised after its INSERT until the
transaction has committed; a failure while the chain rows were computed there (a bug, a
MemoryError) used to commit the events without their chain rows, and ``verify`` then called the
log forged. Here the chain computation fails on purpose, in a recording command and an import.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commitment_tracker.tracker import open_tracker, recorders, resolve_store
from tests.conftest import Ctrack
from tests.cli.helpers import error_line, untouched

PLEDGE = ("pledge", "b", "--on", "2024-02-01", "--title", "B", "--party", "US")


def _log(url: str) -> tuple[int, int]:
    """How many events the log holds, and how many chain rows."""
    with open_tracker(resolve_store(url)) as tracker:
        return tracker.count_events(), tracker.recorder.chain_tail()[1]  # type: ignore[attr-defined]


def _failing(*args: object, **kwargs: object) -> None:
    raise MemoryError("injected while the chain was computed")


@pytest.mark.parametrize("command", ["pledge", "import"])
def test_a_failure_while_chaining_writes_neither_the_event_nor_its_chain_row(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    ctrack = Ctrack(store_url)
    ctrack.ok("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps({"type": "commitment_made", "commitment": "b", "on": "2024-02-01", "title": "B",
                                "parties": ["US"]}) + "\n", encoding="utf-8")  # fmt: skip
    args = PLEDGE if command == "pledge" else ("import", str(path))
    with untouched(ctrack):
        monkeypatch.setattr(recorders, "chain_rows", _failing)
        error_line(ctrack(*args), 1, "injected")
        monkeypatch.undo()
    assert _log(store_url) == (1, 1)
    assert ctrack.ok("verify").stdout.startswith("OK: 1 events")
    ctrack.ok(*args)  # the same command, with nothing failing, records and chains as ever
    assert _log(store_url) == (2, 2)
    assert ctrack.ok("verify").stdout.startswith("OK: 2 events")
