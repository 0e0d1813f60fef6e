"""``replay --known-from/--known-to`` on a log recorded one event at a time, with meetings that
move next-meeting deadlines: it folds again only what each moment touched, so it is checked here
against the plain definition -- the board as known at every moment of the window, compared with
the one before -- asked of ``status --known-at`` itself."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from benchmarks.synthetic import RECORDED_FROM, write


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_replay_by_record_time_is_the_board_compared_moment_by_moment(ctrack_sqlite: Any, tmp_path):
    history = write(tmp_path / "history.jsonl", 1200)
    ctrack_sqlite.ok("import", str(history))
    moments = sorted({json.loads(line)["recorded_at"] for line in history.read_text().splitlines()})
    as_of = "2021-06-30"
    start, end = RECORDED_FROM + timedelta(seconds=300), RECORDED_FROM + timedelta(seconds=520)
    window = [m for m in moments if start < datetime.fromisoformat(m) <= end]
    assert len(window) == 220

    def board(known: datetime | str) -> dict[str, dict[str, Any]]:
        known = stamp(known) if isinstance(known, datetime) else known
        rows = ctrack_sqlite.json("status", "--as-of", as_of, "--known-at", known)["commitments"]
        return {row["id"]: row for row in rows}

    expected = []
    before = board(start)
    for moment in window:
        now = board(moment)
        for slug in sorted(before.keys() | now.keys(), key=lambda s: ((before.get(s) or now[s])["made_on"], s)):
            old, new = before.get(slug), now.get(slug)
            # every field of the answer counts (its id names the commitment)
            changed = ["exists"] if old is None or new is None else sorted(f for f in new if old.get(f) != new[f])
            if changed:
                expected.append((datetime.fromisoformat(moment), slug, changed, (old or {}).get("status"),
                                 (new or {}).get("status")))  # fmt: skip
        before = now
    steps = ctrack_sqlite.json("replay", "--as-of", as_of, "--known-from", stamp(start), "--known-to", stamp(end))["changes"]
    found = [(datetime.fromisoformat(s["known_at"]), s["id"], sorted(s["changed"]), s["status_from"], s["status_to"])
             for s in steps]  # fmt: skip
    assert found == expected and len(found) > 40


def test_a_meeting_recorded_in_the_window_moves_a_next_meeting_deadline_and_is_named_its_cause(ctrack, tmp_path):
    # On both stores: PostgreSQL once lost a column of the window's rows (two named kind).
    lines = [
        {"type": "commitment_made", "commitment": "c1", "on": "2024-01-10", "title": "Meet again", "parties": ["US", "JP"],
         "due_next": "summit", "recorded_at": "2024-02-01T10:00:00Z"},
        {"type": "commitment_made", "commitment": "c2", "on": "2024-01-10", "title": "Dated", "parties": ["US", "JP"],
         "due": "2024-12-31", "recorded_at": "2024-02-01T10:00:01Z"},
        {"type": "meeting_held", "meeting": "s1", "on": "2024-03-01", "kind": "summit", "title": "Summit",
         "parties": ["US", "JP"], "recorded_at": "2024-03-05T09:00:00Z"},
    ]  # fmt: skip
    history = tmp_path / "h.jsonl"
    history.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ctrack.ok("import", str(history))
    window = ("--as-of", "2024-06-30", "--known-from", "2024-02-02", "--known-to", "2024-04-01")
    steps = ctrack.json("replay", *window)["changes"]
    assert [(s["id"], s["causes"]) for s in steps] == [("c1", ["s1#1"])]
    assert [(r["id"], r["causes"]) for r in ctrack.json("diff", *window)["changes"]] == [("c1", ["s1#1"])]
    assert "due_on" in steps[0]["changed"] and steps[0]["known_at"].startswith("2024-03-05T09:00:00")



def test_the_causes_are_the_events_that_moved_the_answer_not_every_meeting_recorded_in_between(ctrack, tmp_path):
    """SPEC §6: each changed answer with "the refs of the events recorded in between that caused
    it". A meeting of another kind, or one later than the deadline it does not move, caused
    nothing; a commitment changed by its own event and by a meeting names both."""
    made = {"type": "commitment_made", "on": "2024-01-10", "parties": ["US", "JP"], "due_next": "summit"}

    def held(slug: str, kind: str, on: str, recorded: str) -> dict[str, Any]:
        return {"type": "meeting_held", "meeting": slug, "on": on, "kind": kind, "title": slug, "parties": ["US", "JP"],
                "recorded_at": recorded}  # fmt: skip

    lines = [
        made | {"commitment": "c1", "title": "Meet again", "recorded_at": "2024-02-01T10:00:00Z"},
        made | {"commitment": "c2", "title": "Meet again, and report", "recorded_at": "2024-02-01T10:00:01Z"},
        held("d1", "dialogue", "2024-02-20", "2024-03-01T09:00:00Z"),
        held("s1", "summit", "2024-03-01", "2024-03-05T09:00:00Z"),
        held("s2", "summit", "2024-05-01", "2024-03-06T09:00:00Z"),
        {"type": "progress_reported", "commitment": "c2", "on": "2024-02-15", "note": "drafted",
         "recorded_at": "2024-03-07T09:00:00Z"},
    ]  # fmt: skip
    history = tmp_path / "h.jsonl"
    history.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ctrack.ok("import", str(history))
    window = ("--as-of", "2024-06-30", "--known-from", "2024-02-02", "--known-to", "2024-04-01")
    found = {r["id"]: r["causes"] for r in ctrack.json("diff", *window)["changes"]}
    assert found == {"c1": ["s1#1"], "c2": ["c2#2", "s1#1"]}
    steps = [(s["id"], s["causes"]) for s in ctrack.json("replay", *window)["changes"]]
    assert steps == [("c1", ["s1#1"]), ("c2", ["s1#1"]), ("c2", ["c2#2"])]


def test_diff_by_record_time_reads_the_board_once_at_each_end(sqlite_url, tmp_path, monkeypatch):
    """The answers and the scores compare the same two boards: each is read once, not once for
    the answers and again for the scores (a board is the costliest read of the command)."""
    from click.testing import CliRunner

    from commitment_tracker.cli.main import cli
    from commitment_tracker.projections.view.reader import ViewReader

    history = write(tmp_path / "history.jsonl", 600)
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", str(history)]).exit_code == 0
    assert runner.invoke(cli, ["--store", sqlite_url, "status"]).exit_code == 0
    read = []
    board, among = ViewReader.board, ViewReader.board_among
    monkeypatch.setattr(ViewReader, "board", lambda self, clocks: read.append(clocks) or board(self, clocks))
    # The window's commitments alone, at each end (test_learned_window.py): still once per end.
    monkeypatch.setattr(ViewReader, "board_among", lambda self, slugs, clocks: read.append(clocks) or among(self, slugs, clocks))
    middle = stamp(RECORDED_FROM + timedelta(seconds=300))
    result = runner.invoke(cli, ["--store", sqlite_url, "diff", "--known-from", middle, "--as-of", "2021-06-30", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes"] and len(read) == 2
