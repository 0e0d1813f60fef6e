"""The two clocks through the CLI: valid time (--as-of) and record time (--known-at)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.cli.helpers import board, history, statuses


@pytest.fixture
def trilateral(trilateral_shared):
    """Only reads: the dataset imported once for the whole module (checked unchanged at the end)."""
    return trilateral_shared


AS_OF_DAYS = ("2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15", "2024-07-01", "2025-01-01")

# The same story, told in the order things happened...
STORY = [
    ("progress", "--on", "2024-02-01", "--note", "drafting"),
    ("stall", "--on", "2024-03-01", "--note", "talks broke down"),
    ("progress", "--on", "2024-04-01", "--note", "talks resumed"),
    ("fulfil", "--on", "2024-05-01", "--party", "US"),
    ("fulfil", "--on", "2024-08-01", "--party", "JP"),
]


def _pledge(ctrack, slug: str) -> None:
    ctrack.ok("pledge", slug, "--on", "2024-01-10", "--title", "Deliver", "--party", "US", "--party", "JP",
              "--due", "2024-06-30")  # fmt: skip


def _comparable(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "id"}


@pytest.mark.parametrize("order", [[4, 3, 2, 1, 0], [2, 0, 4, 1, 3]], ids=["reversed", "shuffled"])
def test_recording_out_of_order_gives_the_same_answers(ctrack, order):
    _pledge(ctrack, "in-order")
    _pledge(ctrack, "shuffled")
    for command, *args in STORY:
        ctrack.ok(command, "in-order", *args)
    for index in order:
        command, *args = STORY[index]
        ctrack.ok(command, "shuffled", *args)
    for day in AS_OF_DAYS:
        items = board(ctrack, "--as-of", day)
        assert _comparable(items["shuffled"]) == _comparable(items["in-order"]), day
    expected = ["pledged", "in_progress", "stalled", "in_progress", "in_progress", "in_progress", "fulfilled"]
    assert [statuses(ctrack, "--as-of", day)["shuffled"] for day in AS_OF_DAYS] == expected
    final = board(ctrack)["shuffled"]
    assert (final["late"], final["overdue"], final["last_event_on"]) == (True, False, "2024-08-01")
    # the audit in valid time tells the same story whatever the record order
    steps = [(e["type"], e["on"], e["status_after"]) for e in history(ctrack, "shuffled")]
    assert steps == [(e["type"], e["on"], e["status_after"]) for e in history(ctrack, "in-order")]
    replayed = ctrack.json("replay")["changes"]
    assert [(c["on"], c["status_after"]) for c in replayed if c["commitment"] == "shuffled"] == [
        (c["on"], c["status_after"]) for c in replayed if c["commitment"] == "in-order"]


def test_an_instance_recorded_late_changes_the_past(seeded):
    assert statuses(seeded, "--as-of", "2024-09-01")["yearly"] == "lapsed"
    seeded.ok("fulfil", "yearly", "--on", "2024-08-10", "--meeting", "camp-david")
    assert statuses(seeded, "--as-of", "2024-09-01")["yearly"] == "on_track"


def _recorded_at(ctrack, ref: str) -> str:
    entity = ref.split("#")[0]
    return next(e["recorded_at"] for e in history(ctrack, entity) if e["ref"] == ref)


def test_known_at_shows_what_was_known_before_a_retraction(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    seeded.ok("retract", "deliver#2", "--reason", "misread")
    fulfilled_at = _recorded_at(seeded, "deliver#2")
    retracted_at = _recorded_at(seeded, "deliver#3")
    assert fulfilled_at < retracted_at
    assert statuses(seeded, "--known-at", fulfilled_at)["deliver"] == "fulfilled"
    assert statuses(seeded, "--known-at", retracted_at)["deliver"] == "pledged"
    assert statuses(seeded)["deliver"] == "pledged"
    # the history as it stood then: the fulfilment, not yet retracted, and no retraction
    then = history(seeded, "deliver", "--known-at", fulfilled_at)
    assert [e["ref"] for e in then] == ["deliver#1", "deliver#2"]
    assert then[1]["retracted"] is False
    assert seeded.json("show", "deliver", "--known-at", fulfilled_at)["status"] == "fulfilled"
    assert seeded.json("status", "--known-at", fulfilled_at)["known_at"].startswith(fulfilled_at[:19])


def test_known_at_shows_what_was_known_before_a_correction(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-08-01")
    seeded.ok("correct", "deliver#2", "--reason", "it was June", "--on", "2024-06-01")
    before = _recorded_at(seeded, "deliver#2")
    item = board(seeded, "--known-at", before)["deliver"]
    assert (item["late"], item["last_event_on"]) == (True, "2024-08-01")
    assert statuses(seeded, "--known-at", before, "--as-of", "2024-07-01")["deliver"] == "pledged"
    item = board(seeded)["deliver"]
    assert (item["late"], item["last_event_on"]) == (False, "2024-06-01")
    assert statuses(seeded, "--as-of", "2024-07-01")["deliver"] == "fulfilled"
    assert history(seeded, "deliver", "--known-at", before)[1]["corrected_by"] == []


def test_known_at_before_a_commitment_was_recorded(seeded):
    seeded.ok("pledge", "fresh", "--on", "2023-01-01", "--title", "Learned last", "--party", "US")
    seeded_at = datetime.fromisoformat(_recorded_at(seeded, "deliver#1"))
    assert board(seeded, "--known-at", (seeded_at - timedelta(microseconds=1)).isoformat()) == {}
    assert "deliver" in board(seeded, "--known-at", seeded_at.isoformat())
    moment = datetime.fromisoformat(_recorded_at(seeded, "fresh#1")) - timedelta(microseconds=1)
    assert "fresh" not in board(seeded, "--known-at", moment.isoformat(), "--as-of", "2024-01-01")
    assert "deliver" in board(seeded, "--known-at", moment.isoformat())
    assert "fresh" in board(seeded, "--as-of", "2024-01-01")


def test_known_at_in_the_trilateral_dataset(trilateral):
    # the fulfilment of the coordinating mechanism was recorded on 18 Oct 2024 and retracted on
    # 22 Oct 2024 at 11:00 UTC
    tcm = "trilateral-coordinating-mechanism"
    assert statuses(trilateral, "--known-at", "2024-10-20")[tcm] == "fulfilled"  # a date: the end of that day
    assert statuses(trilateral, "--known-at", "2024-10-22T10:59:59Z")[tcm] == "fulfilled"
    assert statuses(trilateral, "--known-at", "2024-10-22T11:00:00Z")[tcm] == "pledged"  # at or before
    assert statuses(trilateral, "--known-at", "2024-10-22T19:59:59+09:00")[tcm] == "fulfilled"
    assert statuses(trilateral, "--known-at", "2024-10-22T20:00:00+09:00")[tcm] == "pledged"
    assert statuses(trilateral, "--known-at", "2024-10-22T10:59:59")[tcm] == "fulfilled"  # UTC unless it says
    # Freedom Edge 2024 was held in June, but the tracker only learned it in late October
    fe = "freedom-edge-exercise"
    assert statuses(trilateral, "--as-of", "2024-07-01", "--known-at", "2024-10-20")[fe] == "pledged"
    assert statuses(trilateral, "--as-of", "2024-07-01")[fe] == "on_track"
    # nothing known before the first record
    assert board(trilateral, "--known-at", "2024-01-01") == {}


def test_replay_and_diff_known_at(trilateral):
    tcm = "trilateral-coordinating-mechanism"
    then = trilateral.json("replay", "--known-at", "2024-10-20", "--to", "2024-12-31")["changes"]
    assert (tcm, "pledged", "fulfilled") in {(c["commitment"], c["status_before"], c["status_after"]) for c in then}
    now = trilateral.json("replay", "--to", "2024-12-31")["changes"]
    assert all(c["status_after"] != "fulfilled" for c in now if c["commitment"] == tcm)
    diff = trilateral.json("diff", "--from", "2024-10-01", "--to", "2024-12-01", "--known-at", "2024-10-20")
    assert {c["id"]: c["status_to"] for c in diff["changes"]}[tcm] == "fulfilled"


def test_as_of_before_a_commitment_was_made(seeded):
    assert "deliver" not in board(seeded, "--as-of", "2024-01-09")
    assert "deliver" in board(seeded, "--as-of", "2024-01-10")
