"""An import refused after it has already written chunks leaves the store exactly as it was.

An import is written a chunk at a time (``IMPORT_CHUNK`` events, 1,000) inside one transaction,
so a bad line past the first chunk is met with a thousand or more events already in the database,
uncommitted. The README promises a whole import "is written entirely or not at all" and that bad
input is one ``Error:`` line naming the line: the earlier tests of bad files all fail within the
first chunk, where nothing has been written yet and all-or-nothing is free. These fail after one or
two flushes, on an existing store and on a store not created yet, and a spy on the bulk writer
proves the chunks really were in the database (counted inside the import's transaction) when the
bad line came: otherwise a change that validated the whole file before writing, or a larger chunk,
would turn these into tests of nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import generate
from commitment_tracker.tracker import application, bulk
from tests.cli.helpers import error_line, events_in, made, untouched
from tests.conftest import Ctrack

pytestmark = pytest.mark.slow

#: A bad file is not a bad option: SPEC §6 leaves 1 or 2 open (as tests/cli/test_bad_input.py).
FILE_ERROR = (1, 2)
CHUNK = application.IMPORT_CHUNK

SEED = [
    {"type": "source_registered", "source": "tdi", "title": "Trilateral cooperation"},
    made("deliver", due="2024-06-30", source="tdi"),
    {"type": "commitment_reaffirmed", "commitment": "deliver", "on": "2024-02-01"},
]


def _valid(count: int) -> list[dict[str, Any]]:
    """``count`` events the rules accept in this order, without record times (the store already
    holds events recorded now, and an import may not claim to have known anything earlier)."""
    return list(generate(count, seed=7, record_times=False, prefix="bulk-"))


def _write(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    return path


def _first_made(events: list[dict[str, Any]]) -> str:
    """A commitment pledged in the first chunk: a line about it must be judged against a stream
    that chunk has already written (and partly let go of, see ``Ledger.release``)."""
    for event in events[:CHUNK]:
        if event["type"] == "commitment_made":
            return event["commitment"]
    raise AssertionError("no commitment pledged in the first chunk")


def _unknown_commitment(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "commitment_fulfilled", "commitment": "nowhere", "on": "2024-03-01"}


def _retraction_past_a_written_stream(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "event_retracted", "target": f"{_first_made(events)}#999", "reason": "no such event"}


def _fulfilled_before_its_pledge(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "commitment_fulfilled", "commitment": _first_made(events), "on": "2001-01-01"}


def _invalid_field(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {**made("late-comer"), "colour": "red"}


# (valid lines before the bad one, the bad line, what the error names besides the line)
CASES = [
    pytest.param(1501, _unknown_commitment, ("nowhere",), id="rule-unknown-commitment-at-1502"),
    pytest.param(1501, _retraction_past_a_written_stream, ("#999",),
                 id="rule-retraction-in-a-flushed-stream-at-1502"),
    pytest.param(1501, _fulfilled_before_its_pledge, ("before",),
                 id="rule-fulfilled-before-flushed-pledge-at-1502"),
    pytest.param(2500, _invalid_field, ("colour",), id="schema-invalid-field-at-2501"),
]


@pytest.fixture
def chunks_in_the_transaction(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """After each chunk the import writes: how many events the log holds, counted within the
    import's own transaction (what another connection cannot see yet)."""
    counts: list[int] = []
    write = bulk.BulkWriter.write

    def counted(self: bulk.BulkWriter, records: Any, streams: Any) -> None:
        write(self, records, streams)
        self.cursor.execute(self.count)
        counts.append(self.cursor.fetchone()["n"])

    monkeypatch.setattr(bulk.BulkWriter, "write", counted)
    return counts


def _seeded(ctrack: Ctrack, folder: Path) -> Ctrack:
    ctrack.ok("import", str(_write(folder / "seed.jsonl", SEED)))
    ctrack.ok("status")  # the view caught up: a refused import must not move it either
    return ctrack


def _checkpoint(ctrack: Ctrack) -> str:
    return ctrack.ok("checkpoint").stdout


def _board(ctrack: Ctrack) -> object:
    """The board as the view answers it now, without the moment it was asked."""
    data = ctrack.json("status")
    data.pop("known_at")  # type: ignore[union-attr]
    return data


@pytest.mark.parametrize(("valid", "bad", "says"), CASES)
def test_a_bad_line_after_chunks_were_flushed_leaves_the_store_as_it_was(
    ctrack: Ctrack, tmp_path: Path, chunks_in_the_transaction: list[int],
    valid: int, bad: Any, says: tuple[str, ...],
) -> None:  # fmt: skip
    _seeded(ctrack, tmp_path)
    events = _valid(valid)
    line = valid + 1
    path = _write(tmp_path / "bulk.jsonl", [*events, bad(events)])
    before, board = _checkpoint(ctrack), _board(ctrack)
    chunks_in_the_transaction.clear()  # the seed's own import wrote one (short) chunk

    with untouched(ctrack):
        message = error_line(ctrack("import", str(path)), FILE_ERROR, *says)
    assert f"line {line}:" in message, message
    # The bad line came only after whole chunks were in the database, inside the transaction.
    assert chunks_in_the_transaction == [len(SEED) + CHUNK * n for n in range(1, valid // CHUNK + 1)]
    assert chunks_in_the_transaction, "nothing was flushed before the bad line: the test proves nothing"

    assert _checkpoint(ctrack) == before  # same digest, same count: nothing committed, nothing half-linked
    assert _board(ctrack) == board
    assert ctrack.ok("verify").stdout.startswith("OK:")
    # Nothing of the refused import lingers (a leaked chunk would make its own lines "already used"):
    # the same lines without the bad one import completely.
    ctrack.ok("import", str(_write(tmp_path / "good.jsonl", events)))
    assert ctrack.ok("checkpoint").stdout.split()[1] == str(len(SEED) + valid)
    assert ctrack.ok("verify").stdout.startswith("OK:")


@pytest.fixture
def new_store(store_url: str, tmp_path: Path) -> Iterator[tuple[Ctrack, Path | None]]:
    """A store location nothing exists at yet: a SQLite file in directories not made yet (the
    import must make them, and take them away again), or a PostgreSQL schema without tables."""
    if store_url.startswith("postgresql"):
        yield Ctrack(store_url), None
    else:
        yield Ctrack(str(tmp_path / "not-yet" / "made" / "tracker.db")), tmp_path / "not-yet"


@pytest.mark.parametrize(("valid", "bad", "says"), [CASES[0], CASES[3]])
def test_a_bad_line_after_chunks_were_flushed_into_a_new_store_creates_no_store(
    new_store: tuple[Ctrack, Path | None], tmp_path: Path, chunks_in_the_transaction: list[int],
    valid: int, bad: Any, says: tuple[str, ...],
) -> None:  # fmt: skip
    ctrack, made_dirs = new_store
    events = _valid(valid)
    path = _write(tmp_path / "bulk.jsonl", [*events, bad(events)])

    message = error_line(ctrack("import", str(path)), FILE_ERROR, *says)
    assert f"line {valid + 1}:" in message, message
    assert chunks_in_the_transaction == [CHUNK * n for n in range(1, valid // CHUNK + 1)]

    if made_dirs is not None:
        # No file, no -wal or -shm beside it, and not the directories made for it.
        assert not made_dirs.exists(), sorted(str(p) for p in made_dirs.rglob("*"))
        error_line(ctrack("status"), 1, "no store at")
    else:
        # On PostgreSQL the empty tables stay (README, discard_new_store); not one event may.
        assert events_in(ctrack) == ""
