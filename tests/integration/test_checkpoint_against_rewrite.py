"""Attacks on the promise of an anchored checkpoint: "everything up to the anchor is fixed; only what
came after it can still be rewritten unnoticed" (README, "What verify cannot catch").

The intruder has the SQLite file. After the team took a checkpoint and put it outside the store,
the intruder drops the triggers, changes one event's title with raw SQL, recomputes every stream
link and the whole running digest as the tracker would (``rechain``, the forger of
test_rechained_forgery.py) and rebuilds the status view from the rewritten log. The result is a
log consistent in itself, which plain ``verify`` cannot tell from an honest one (the README says
so, and the tests below hold it to that, so that the limit stays documented); only
``verify --against`` the anchored checkpoint can, for an edit at or before the anchor. An edit
after it is the limit the README admits, and is asserted as such.

Each attack is run with verify judging the log a page at a time in pages of several sizes, so
that the anchor's digest is sought inside one page of the whole log, as the second digest of a
page of four, and as a page on its own.

SQLite only, and without a key: ``rechain`` rewrites SQLite's ``stored_events``/``log_chain``
with the canonical bytes in clear, as every forgery of test_rechained_forgery.py does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import DATASET, error_line
from tests.conftest import Ctrack
from tests.integration.test_rechained_forgery import paged  # noqa: F401  (fixture)
from tests.integration.test_rechained_forgery import Row, _rows, _with_state, rechain

LINES = DATASET.read_text(encoding="utf-8").splitlines()
#: The checkpoint is taken when the log holds the dataset's first ANCHOR events: the anchor is a
#: commitment_made with a title, so each attack below edits the same kind of field.
ANCHOR = 26
EARLY = 3  # cd-consult-expeditiously, made at Camp David: long before the anchor
LATER = 33  # trilateral-coordinating-mechanism, recorded after the checkpoint was taken
FORGED = "Consult only when it suits all three"


def _made(number: int) -> dict[str, str]:
    """The dataset's event at log position ``number`` (the import keeps the file's order)."""
    event = json.loads(LINES[number - 1])
    assert event["type"] == "commitment_made" and event["title"], event
    return event


@pytest.fixture
def anchored(ctrack_sqlite: Ctrack, tmp_path: Path) -> tuple[Ctrack, str]:
    """The dataset recorded in two batches with a checkpoint taken between them (as a user
    appends its line to a file outside the store), the view built by a query; the checkpoint as
    the user would paste it."""
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("\n".join(LINES[:ANCHOR]) + "\n", encoding="utf-8")
    rest.write_text("\n".join(LINES[ANCHOR:]) + "\n", encoding="utf-8")
    ctrack_sqlite.ok("import", str(first))
    line = ctrack_sqlite.ok("checkpoint").stdout.split()
    assert line[1:3] == [str(ANCHOR), "events"], line
    ctrack_sqlite.ok("import", str(rest))
    ctrack_sqlite.ok("status")  # the team has read the store: there is a view the intruder must redo
    # Before any attack, the log extends its checkpoint: a failure below is the attack's doing.
    assert "extends checkpoint" in ctrack_sqlite.ok("verify", "--against", line[0]).stdout
    return ctrack_sqlite, line[0]


def _retitle(ctrack: Ctrack, number: int) -> None:
    """The intruder's whole rewrite: the title of the event at log position ``number`` replaced,
    every link and digest after it recomputed, the view rebuilt from the rewritten log."""
    event = _made(number)
    rows = _rows(ctrack.store)
    old = f'"title":"{event["title"]}"'.encode()
    state = rows[number - 1][3]
    assert f'"commitment":"{event["commitment"]}"'.encode() in state and state.count(old) == 1, state
    forged = state.replace(old, f'"title":"{FORGED}"'.encode())

    def edit(rows: list[Row]) -> list[Row]:
        return _with_state(rows, number - 1, forged)

    rechain(ctrack.store, edit)
    ctrack.ok("rebuild")  # anyone who can write the file can run this: the view now agrees with the lie
    # The lie is what the store now answers.
    assert ctrack.json("show", event["commitment"])["title"] == FORGED


def _plain_verify_passes(ctrack: Ctrack) -> None:
    """README: after a consistent rewrite "`verify` alone will pass" -- the limit, kept visible."""
    said = ctrack.ok("verify").stdout
    assert said.startswith(f"OK: {len(LINES)} events in "), said


@pytest.mark.parametrize("number", [EARLY, ANCHOR], ids=["early-event", "the-anchors-own-event"])
def test_a_consistent_rewrite_at_or_before_the_anchor_passes_plain_verify_but_not_verify_against_it(
    anchored: tuple[Ctrack, str], paged: None, number: int  # noqa: F811
) -> None:
    ctrack, point = anchored
    _retitle(ctrack, number)
    _plain_verify_passes(ctrack)
    # The anchor's digest covers every event up to it, the edited one included: the rewritten log
    # never passes through it, and verify against it must say so, in one line.
    refused = ctrack("verify", "--against", point)
    error_line(refused, 1, "verification failed", "no longer extends the checkpoint")
    # ...and the same verdict, in the report a script reads.
    report = json.loads(ctrack("verify", "--against", point, "--json").stdout)
    assert report["ok"] is False and report["checkpoint_found"] is False, report


def test_a_rewrite_of_an_event_after_the_anchor_is_not_caught_by_the_anchor(
    anchored: tuple[Ctrack, str], paged: None  # noqa: F811
) -> None:
    """The other side of the promise: what came after the anchor can still be rewritten unnoticed.
    Only an anchor taken after it would fix it; asserted so that the limit is documented, not
    mistaken for a guarantee."""
    ctrack, point = anchored
    _retitle(ctrack, LATER)
    _plain_verify_passes(ctrack)
    said = ctrack.ok("verify", "--against", point).stdout
    assert f"extends checkpoint {point}" in said, said

