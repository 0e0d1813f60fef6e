"""``show`` of a commitment as known at an earlier record time agrees with ``status --known-at``:
it reads only the meetings of the kinds the commitment is due by, so those kinds must include every
kind it was ever due by, not only the one it is due by now."""

from __future__ import annotations

import json


def test_show_known_at_before_a_deadline_was_retracted_finds_the_meeting_it_was_due_by(ctrack, tmp_path):
    # show reads only the meetings of the kinds a commitment is due by; a kind named by an event
    # retracted since still decides its deadline as known before the retraction.
    lines = [
        {"type": "commitment_made", "commitment": "c1", "on": "2024-01-10", "title": "Meet", "parties": ["US", "JP"],
         "due": "2024-12-31", "recorded_at": "2024-02-01T10:00:00Z"},
        {"type": "meeting_held", "meeting": "s1", "on": "2024-03-01", "kind": "summit", "title": "Summit",
         "parties": ["US", "JP"], "recorded_at": "2024-02-01T10:00:01Z"},
        {"type": "deadline_changed", "commitment": "c1", "on": "2024-02-01", "due_next": "summit",
         "recorded_at": "2024-02-02T10:00:00Z"},
        {"type": "event_retracted", "target": "c1#2", "reason": "wrong", "recorded_at": "2024-02-05T10:00:00Z"},
    ]  # fmt: skip
    history = tmp_path / "h.jsonl"
    history.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ctrack.ok("import", str(history))
    for known in ("2024-02-03T00:00:00Z", "2024-02-06T00:00:00Z"):
        clocks = ("--as-of", "2024-06-30", "--known-at", known)
        board = {row["id"]: row for row in ctrack.json("status", *clocks)["commitments"]}
        shown = ctrack.json("show", "c1", *clocks)
        assert {k: shown[k] for k in ("due_on", "due_meeting")} == {k: board["c1"][k] for k in ("due_on", "due_meeting")}
    assert board["c1"]["due_on"] == "2024-12-31"  # as known after the retraction
