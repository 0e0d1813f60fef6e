"""What did we learn? ``diff --known-from/--known-to`` compares the answers known at two record
times; ``replay --known-from/--known-to`` lists each change as it was learned. Both agree with
``status --known-at`` at either end, and name the events recorded in between."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import error_line

TCM = "trilateral-coordinating-mechanism"
AS_OF = ("--as-of", "2024-11-20")


@pytest.fixture
def demo(trilateral_sqlite: Any) -> Any:
    return trilateral_sqlite


def board(demo: Any, known: str) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in demo.json("status", *AS_OF, "--known-at", known)["commitments"]}


def test_the_retraction_is_what_was_learned_that_week(demo):
    learned = demo.json("diff", "--known-from", "2024-10-19", "--known-to", "2024-10-23", *AS_OF)
    rows = {r["id"]: r for r in learned["changes"]}
    assert rows[TCM]["status_from"] == "fulfilled" and rows[TCM]["status_to"] == "pledged"
    assert rows[TCM]["causes"] == [f"{TCM}#3"]
    assert "status" in rows[TCM]["changed"]


@pytest.mark.parametrize(("k1", "k2"), [("2024-05-01", "2024-06-01"), ("2024-10-16", "2024-10-18"),
                                        ("2024-10-18T09:30:00Z", f"{TCM}#3"), ("2023-01-01", "2030-01-01")])  # fmt: skip
def test_diff_by_record_time_lists_exactly_the_commitments_whose_answer_differs(demo, k1, k2):
    before, after = board(demo, k1), board(demo, k2)
    differ = {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}
    learned = demo.json("diff", "--known-from", k1, "--known-to", k2, *AS_OF)["changes"]
    assert {r["id"] for r in learned} == differ
    for row in learned:
        assert row["status_from"] == (before.get(row["id"]) or {}).get("status")
        assert row["status_to"] == (after.get(row["id"]) or {}).get("status")
        assert row["causes"], row


def test_replay_by_record_time_steps_through_every_change_and_ends_where_diff_does(demo):
    steps = demo.json("replay", "--known-from", "2024-10-01", "--known-to", "2024-10-23", *AS_OF)["changes"]
    moments = [s["known_at"] for s in steps]
    assert moments == sorted(moments)
    mistaken = [s for s in steps if s["id"] == TCM]
    assert [(s["status_from"], s["status_to"]) for s in mistaken][-2:] == [("pledged", "fulfilled"), ("fulfilled", "pledged")]
    # each step agrees with status --known-at at its own moment
    for step in steps[-3:]:
        assert board(demo, step["known_at"]).get(step["id"], {}).get("status") == step["status_to"]
    # the last answer of each commitment in the walk is the answer at the window's end
    end = board(demo, "2024-10-23")
    for step in steps:
        last = [s for s in steps if s["id"] == step["id"]][-1]
        assert end[step["id"]]["status"] == last["status_to"]


def test_record_time_mode_refuses_mixed_clocks(demo):
    error_line(demo("diff", "--known-from", "2024-10-01", "--from", "2024-01-01"), 2, "--known-from")
    error_line(demo("diff", "--known-to", "2024-10-01"), 2, "--known-to needs --known-from")
    error_line(demo("diff", "--known-from", "2024-10-02", "--known-to", "2024-10-01"), 2, "before --known-from")
    error_line(demo("replay", "--known-from", "2024-10-01", "--known-at", "2024-10-05"), 2, "--known-at")
    error_line(demo("diff"), 2, "--from")


def test_the_table_never_folds_a_reference(demo):
    out = demo.ok("diff", "--known-from", "2024-10-19", "--known-to", "2024-10-23", *AS_OF,
                  env={"COLUMNS": "80"}).stdout  # fmt: skip
    assert f"{TCM}#3" in out.split()
