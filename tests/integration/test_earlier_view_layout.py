"""A store whose view an earlier release wrote (before ``view_steps``) opens, answers and verifies:
its view is rebuilt in this release's layout on first use (SPEC §7)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from benchmarks.spread import generate
from commitment_tracker.projections import Log
from tests.conftest import Ctrack

#: The tables of the view as the release before ``view_steps`` made them (and catch-up filled).
EARLIER_TABLES = ("view_facts", "view_entities", "view_intervals", "view_gaps", "view_refs", "view_assessments",
                  "view_batches")  # fmt: skip


def test_a_view_without_steps_is_rebuilt_on_first_use_and_answers_as_the_fold(tmp_path) -> None:
    lines = tmp_path / "h.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(1200, 5)))
    store = Ctrack(str(tmp_path / "tracker.db"))
    store.ok("import", str(lines))
    store.ok("status")
    with sqlite3.connect(store.store) as conn:
        # The earlier release's layout: every table it had, filled as it filled them, and no view_steps.
        conn.execute("INSERT INTO view_writer VALUES (1)")
        for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'view_steps'").fetchall():
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.execute("DROP TABLE view_steps")
        conn.execute("DELETE FROM view_writer")
        held = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(EARLIER_TABLES) <= held and "view_steps" not in held
    # The next record arrives while the view is in the earlier layout.
    store.ok("reaffirm", "s0000004", "--on", "2016-05-01")
    board = store.json("status", "--as-of", "2016-06-01")["commitments"]

    from commitment_tracker.tracker import open_tracker, resolve_store

    with open_tracker(resolve_store(store.store)) as tracker:
        expected = [c.to_data() for c in Log(tracker.log()).known_at(None).board(date(2016, 6, 1))]
    assert [(c["id"], c["status"], c["reaffirmations"]) for c in board] == [
        (c["id"], c["status"], c["reaffirmations"]) for c in expected
    ]
    with sqlite3.connect(store.store) as conn:
        assert conn.execute("SELECT count(*) FROM view_steps").fetchone()[0] > 0
    store.ok("verify")
