"""What did we learn? ``diff --known-from/--known-to`` compares the answers known at two record
times; ``replay --known-from/--known-to`` lists each change as it was learned. Both agree with
``status --known-at`` at either end, and name the events recorded in between."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.helpers import error_line

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


# --- every field of the answer counts ------------------------------------------------------------


def _made(slug: str, **fields: Any) -> dict[str, Any]:
    return {"type": "commitment_made", "commitment": slug, "on": "2024-01-10", "title": f"Title of {slug}",
            "parties": ["US", "JP"], **fields}  # fmt: skip


def _fix(ref: str, **fields: Any) -> dict[str, Any]:
    return {"type": "event_corrected", "target": ref, "reason": "fix", **fields}


def _event(type_: str, slug: str, on: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "commitment": slug, "on": on, **fields}


def _meeting(slug: str, kind: str, on: str) -> dict[str, Any]:
    return {"type": "meeting_held", "meeting": slug, "on": on, "kind": kind, "title": slug, "parties": ["US", "JP"]}


#: For each commitment, what was recorded first and what was learned later (changing one field
#: of its answer as of LATER_AS_OF, or the fields that go with it).
LEARNED_LATER = {
    "c-title": ([_made("c-title")], [_fix("c-title#1", title="Another title")]),
    "c-parties": ([_made("c-parties")], [_fix("c-parties#1", parties=["US", "JP", "KR"])]),
    "c-cadence": ([_made("c-cadence")], [_fix("c-cadence#1", cadence="standing")]),
    "c-made-on": ([_made("c-made-on")], [_fix("c-made-on#1", on="2024-01-05")]),
    "c-progress": ([_made("c-progress")], [_event("progress_reported", "c-progress", "2024-03-01", note="n")]),
    "c-due": ([_made("c-due", due="2026-01-01")], [_event("deadline_changed", "c-due", "2024-02-01", due="2025-01-01")]),
    "c-late": ([_made("c-late", due="2024-06-30"), _event("commitment_fulfilled", "c-late", "2024-06-01")],
               [_fix("c-late#2", on="2024-08-01")]),
    "c-fulfilled-on": ([_made("c-fulfilled-on"), _event("commitment_fulfilled", "c-fulfilled-on", "2024-03-01"),
                        _event("progress_reported", "c-fulfilled-on", "2024-05-01", note="n")],
                       [_fix("c-fulfilled-on#2", on="2024-04-01")]),
    "c-reaffirmed": ([_made("c-reaffirmed", cadence="standing")],
                     [_event("commitment_reaffirmed", "c-reaffirmed", "2024-05-01")]),
    "c-reaffirmed-on": ([_made("c-reaffirmed-on", cadence="standing"),
                         _event("commitment_reaffirmed", "c-reaffirmed-on", "2024-05-01"),
                         _event("progress_reported", "c-reaffirmed-on", "2024-06-01", note="n")],
                        [_fix("c-reaffirmed-on#2", on="2024-04-01")]),
    "c-instances": ([_made("c-instances", cadence="annual")],
                    [_event("commitment_fulfilled", "c-instances", "2024-06-01")]),
    "c-party-status": ([_made("c-party-status")],
                       [_event("commitment_fulfilled", "c-party-status", "2024-03-01", parties=["US"])]),
    "c-due-next": ([_meeting("summit-1", "summit", "2024-09-01"), _made("c-due-next")],
                   [_event("deadline_changed", "c-due-next", "2024-02-01", due_next="summit")]),
    "c-due-meeting": ([_made("c-due-meeting", due_next="ministerial")], [_meeting("min-1", "ministerial", "2024-09-01")]),
    "c-superseded": ([_made("c-superseded"), _made("c-successor", on="2024-02-01")],
                     [_event("commitment_superseded", "c-superseded", "2024-03-01", by="c-successor")]),
    "c-meeting": ([_meeting("summit-0", "summit", "2024-01-10"), _meeting("summit-00", "summit", "2024-01-09"),
                   _made("c-meeting", meeting="summit-0")], [_fix("c-meeting#1", meeting="summit-00")]),
    "c-area": ([_made("c-area", area="Trade")], [_fix("c-area#1", area="Health")]),
    "c-code": ([_made("c-code", code="2024-1")], [_fix("c-code#1", code="2024-2")]),
}  # fmt: skip
LATER_AS_OF = ("--as-of", "2025-06-01")
#: The commitment's identity: a row of another id is another commitment (reported as "exists").
NOT_A_CHANGE = {"id"}


def test_a_change_of_any_field_of_the_answer_is_learned(ctrack_sqlite: Any, tmp_path: Any) -> None:
    from tests.cli.helpers import write_jsonl

    first = [e for before, _ in LEARNED_LATER.values() for e in before]
    later = [e for _, after in LEARNED_LATER.values() for e in after]
    ctrack_sqlite.ok("import", str(write_jsonl(tmp_path / "first.jsonl", *first,
                                               {"type": "source_registered", "source": "mark", "title": "M"})))  # fmt: skip
    ctrack_sqlite.ok("import", str(write_jsonl(tmp_path / "later.jsonl", *later)))
    known = ("--known-from", "mark#1", *LATER_AS_OF)

    def rows(*clock: str) -> dict[str, dict[str, Any]]:
        return {c["id"]: c for c in ctrack_sqlite.json("status", *LATER_AS_OF, *clock)["commitments"]}

    before, after = rows("--known-at", "mark#1"), rows()
    truth = {slug: {f for f in after[slug] if before[slug].get(f) != after[slug][f]} for slug in LEARNED_LATER}
    fields = {f for row in after.values() for f in row} - NOT_A_CHANGE
    assert fields <= set().union(*truth.values()), "a field of the answer that no history above changes"
    learned = {r["id"]: r for r in ctrack_sqlite.json("diff", *known)["changes"]}
    assert {slug: set(r["changed"]) for slug, r in learned.items()} == {s: f for s, f in truth.items() if f}
    steps: dict[str, set[str]] = {}
    for step in ctrack_sqlite.json("replay", *known)["changes"]:
        steps.setdefault(step["id"], set()).update(step["changed"])
    assert steps == {s: f for s, f in truth.items() if f}
