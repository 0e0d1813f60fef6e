"""``ctrack demo``: the bundled trilateral dataset in a fresh store, and a first look at it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from tests.cli.helpers import DATASET_COMMITMENTS, DATASET_EVENTS, board, error_line, jsonl, untouched


def test_demo_without_a_store_uses_a_fresh_demo_store(bare_cli, tmp_path):
    result = bare_cli("demo")
    assert result.exit_code == 0, result.stderr
    today = datetime.now(timezone.utc).date().isoformat()
    out = result.stdout
    # a board as of today, an audit trail, and the board as it stood on 1 July 2024, in that order
    board_now = out.index(f"Commitments as of {today}")
    trail = out.index("History of trilateral-coordinating-mechanism")
    board_then = out.index("Commitments as of 2024-07-01")
    assert board_now < trail < board_then
    assert "RETRACTED" in out[trail:board_then]
    assert "freedom-edge-exercise" in out[board_then:] and "human-rights-nk" not in out[board_then:]
    location = tmp_path / "xdg-data" / "commitment-tracker" / "demo.db"
    assert location.is_file()
    assert f"Loaded {DATASET_EVENTS} events" in result.stderr
    assert str(location) in result.stderr
    # what the user is told to type next works
    status = bare_cli("--store", str(location), "status", "--json")
    assert status.exit_code == 0
    assert len(json.loads(status.stdout)["commitments"]) == DATASET_COMMITMENTS
    # and the demo can be run again: the demo store is recreated, not appended to
    assert bare_cli("demo").exit_code == 0
    assert len(jsonl(bare_cli("--store", str(location), "export").stdout)) == DATASET_EVENTS


def test_demo_does_not_touch_the_default_store(bare_cli, tmp_path):
    bare_cli("pledge", "mine", "--on", "2024-01-01", "--title", "My own", "--party", "US")
    before = bare_cli("export").stdout
    assert bare_cli("demo").exit_code == 0
    assert bare_cli("export").stdout == before
    assert (tmp_path / "xdg-data" / "commitment-tracker" / "tracker.db").is_file()


def test_demo_into_an_empty_store(ctrack):
    result = ctrack.ok("demo")
    assert "Commitments as of 2024-07-01" in result.stdout
    assert len(jsonl(ctrack.ok("export").stdout)) == DATASET_EVENTS
    items = board(ctrack, "--as-of", "2024-07-01")
    assert len(items) == 11
    assert items["freedom-edge-exercise"]["status"] == "on_track"
    assert {e["recorded_by"] for e in jsonl(ctrack.ok("export").stdout)} == {"demo-analyst"}


def test_demo_refuses_a_store_that_is_not_empty(ctrack):
    ctrack.ok("pledge", "mine", "--on", "2024-01-01", "--title", "My own", "--party", "US")
    with untouched(ctrack):
        error_line(ctrack("demo"), 1, "empty")


def test_demo_recreates_the_demo_store_when_tracker_store_names_it(bare_cli, tmp_path):
    """The README says: run ``make demo``, then ``export TRACKER_STORE=<the demo store>``; the next
    ``make demo`` must still work, and so must naming the demo store with --store."""
    assert bare_cli("demo").exit_code == 0
    location = str(tmp_path / "xdg-data" / "commitment-tracker" / "demo.db")
    for args, env in ((("demo",), {"TRACKER_STORE": location}), (("--store", location, "demo"), None)):
        result = bare_cli(*args, env=env)
        assert result.exit_code == 0, result.stderr
        assert len(jsonl(bare_cli("--store", location, "export").stdout)) == DATASET_EVENTS


def test_demo_still_refuses_any_other_store_that_tracker_store_names(bare_cli, tmp_path):
    mine = str(tmp_path / "mine.db")
    assert bare_cli("--store", mine, "pledge", "mine", "--on", "2024-01-01", "--title", "Mine", "--party", "US").exit_code == 0
    before = bare_cli("--store", mine, "export").stdout
    error_line(bare_cli("demo", env={"TRACKER_STORE": mine}), 1, "empty")
    assert bare_cli("--store", mine, "export").stdout == before


def test_demo_says_how_to_explore_the_store_last(bare_cli):
    result = bare_cli("demo")
    said = [line for line in result.stderr.splitlines() if line.strip()]
    assert said[-1].startswith("Explore it with:"), said
    assert "Replaying history" in " ".join(said[:-1])
