"""Every entity can be listed and shown: meetings, statements and sources, not just commitments."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.conftest import Ctrack
from tests.cli.conftest import DATASET
from tests.cli.helpers import error_line, parse_csv


@pytest.fixture
def demo(trilateral_sqlite: Any) -> Any:
    return trilateral_sqlite


def test_meetings_lists_what_was_held_with_filters(demo):
    listed = demo.json("meetings")["meetings"]
    assert [m["id"] for m in listed][:2] == ["camp-david-2023", "trilateral-defense-dialogue-2024"]
    assert all(m["state"] == "held" for m in listed)
    assert [m["id"] for m in demo.json("meetings", "--kind", "trilateral-summit")["meetings"]] == ["camp-david-2023"]
    two = demo.json("meetings", "--party", "JP", "--from", "2024-05-01", "--to", "2024-06-30")["meetings"]
    assert [m["id"] for m in two] == ["us-jp-sddd-2024-05-30", "virginia-vfm-2024-05-31", "freedom-edge-2024"]
    assert demo.json("meetings", "--as-of", "2023-01-01")["meetings"] == []


def test_a_scheduled_meeting_is_listed_as_scheduled_until_it_is_held(tmp_path):
    store = Ctrack(str(tmp_path / "t.db"))
    store.ok("meeting", "schedule", "lima-2024", "--on", "2024-11-08", "--for", "2024-11-15", "--kind",
             "trilateral-summit", "--title", "Lima summit", "--party", "US", "--party", "JP")  # fmt: skip
    assert store.json("meetings", "--as-of", "2024-11-01")["meetings"] == []
    (scheduled,) = store.json("meetings", "--as-of", "2024-11-10")["meetings"]
    assert (scheduled["state"], scheduled["on"], scheduled["announced_on"]) == ("scheduled", "2024-11-15", "2024-11-08")
    store.ok("meeting", "add", "lima-2024", "--on", "2024-11-16", "--kind", "trilateral-summit", "--title",
             "Lima summit", "--party", "US", "--party", "JP")  # fmt: skip
    (held,) = store.json("meetings", "--as-of", "2024-11-20")["meetings"]
    assert (held["state"], held["on"]) == ("held", "2024-11-16")
    assert store.json("meetings", "--as-of", "2024-11-15")["meetings"][0]["state"] == "scheduled"


def test_statements_lists_with_filters(demo):
    listed = demo.json("statements")["statements"]
    assert len(listed) == 3
    about = demo.json("statements", "--about", "cd-meet-annually")["statements"]
    assert [s["id"] for s in about] == ["cd-announcement-2023-08-18"]
    at = demo.json("statements", "--meeting", "seoul-vfm-2024-10-16")["statements"]
    assert [s["id"] for s in at] == ["seoul-statement-2024-10-16"]
    rows = parse_csv(demo.ok("statements", "--format", "csv").stdout)
    assert len(rows) == 3 and rows[0]["id"] == "cd-announcement-2023-08-18"


def test_show_a_meeting_lists_what_was_made_and_done_there(demo):
    shown = demo.json("show", "camp-david-2023")
    assert shown["state"] == "held" and shown["kind"] == "trilateral-summit"
    made = {item["commitment"] for item in shown["commitments_made"]}
    assert {"cd-meet-annually", "freedom-edge-exercise"} <= made
    assert [s["id"] for s in shown["statements"]] == ["cd-announcement-2023-08-18"]
    assert shown["events"][0]["ref"] == "camp-david-2023#1"
    freedom = demo.json("show", "freedom-edge-2024")
    assert [f["commitment"] for f in freedom["fulfilments"]] == ["freedom-edge-exercise"]
    table = demo.ok("show", "camp-david-2023").stdout
    assert "Commitments at camp-david-2023" in table and "cd-meet-annually#1" in table


def test_show_a_meeting_names_the_commitments_it_is_the_deadline_of(demo, tmp_path):
    store = Ctrack(str(tmp_path / "t.db"))
    store.ok("import", str(DATASET))
    store.ok("meeting", "schedule", "lima-2024", "--on", "2024-11-08", "--for", "2024-11-15", "--kind",
             "trilateral-summit", "--title", "Lima summit", "--party", "US", "--party", "JP", "--party", "KR")  # fmt: skip
    shown = store.json("show", "lima-2024", "--as-of", "2024-11-20")
    assert shown["state"] == "scheduled"
    assert {"commitment": "trilateral-coordinating-mechanism", "status": "pledged", "due_on": "2024-11-15"} in shown["deadline_for"]
    error_line(store("show", "lima-2024", "--as-of", "2024-11-01"), 1, "neither held nor announced")


def test_show_a_statement(demo):
    shown = demo.json("show", "seoul-statement-2024-10-16")
    assert shown["meeting"] == "seoul-vfm-2024-10-16" and "tscf-moc" in shown["about"]
    assert "Freedom Edge" in demo.ok("show", "seoul-statement-2024-10-16").stdout


def test_sources_show_prints_the_archived_text_and_checks_its_hash(tmp_path):
    store = Ctrack(str(tmp_path / "t.db"))
    text = "The leaders decided to meet in person at least annually.\n"
    path = tmp_path / "article.txt"
    path.write_text(text)
    store.ok("source", "add", "article", "--title", "An article", "--file", str(path))
    store.ok("pledge", "meet", "--on", "2023-08-18", "--title", "Meet", "--party", "US", "--source", "article",
             "--quote", "meet in person at least annually")  # fmt: skip
    shown = store.json("sources", "show", "article")
    assert shown["text"] == text
    assert shown["sha256"] == shown["computed_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert shown["text_matches"] is True
    assert [c["ref"] for c in shown["cited_by"]] == ["meet#1"]
    out = store.ok("sources", "show", "article").stdout
    assert text.strip() in out and "matches the archived text" in out
    assert store.json("show", "article") == shown  # show of a source id is sources show
    listed = store.json("sources")["sources"]
    assert [s["id"] for s in listed] == ["article"]


def test_unknown_entities_are_one_error_line(demo):
    error_line(demo("sources", "show", "nope"), 1, "unknown source 'nope'")
    error_line(demo("sources", "show", "camp-david-2023"), 1, "is not a registered source")
    error_line(demo("show", "seoul-statement-2024-10-16", "--as-of", "2020-01-01"), 1, "not issued as of")
