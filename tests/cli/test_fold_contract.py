"""SPEC §5 as the commands tell it: status, show and replay give one answer; recording says when a
fulfilment changes nothing; corrections are judged the same way whichever is typed first."""

from __future__ import annotations

from tests.cli.helpers import board, error_line, history, untouched


def test_a_redundant_fulfilment_changes_nothing_and_says_so(ctrack_sqlite):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US", "--party", "JP",
              "--due", "2024-03-31")  # fmt: skip
    first = ctrack.ok("fulfil", "c", "--on", "2024-03-01")
    assert first.stderr == ""
    again = ctrack.ok("fulfil", "c", "--on", "2024-06-01", "--party", "JP")
    assert again.stdout == "c#3\n"  # recorded all the same: it is what the source said
    assert "changes nothing" in again.stderr and "ctrack correct c#2" in again.stderr
    shown = ctrack.json("show", "c", "--as-of", "2024-12-31")
    assert (shown["status"], shown["fulfilled_on"], shown["late"]) == ("fulfilled", "2024-03-01", False)
    row = board(ctrack, "--as-of", "2024-12-31")["c"]
    assert (row["fulfilled_on"], row["late"]) == ("2024-03-01", False)
    changes = ctrack.json("replay", "--to", "2024-12-31")["changes"]
    assert [(c["on"], c["status_after"]) for c in changes] == [("2024-01-10", "pledged"), ("2024-03-01", "fulfilled")]


def test_a_parties_correction_that_would_orphan_an_event_is_refused_like_the_event_itself(ctrack_sqlite):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US", "--party", "JP")
    ctrack.ok("fulfil", "c", "--on", "2024-03-01", "--party", "JP")
    with untouched(ctrack):
        error_line(ctrack("correct", "c#1", "--reason", "only the US", "--party", "US"), 1, "JP", "c#2")
    # Retracting what names JP first makes the correction possible; then nothing refers to JP.
    ctrack.ok("retract", "c#2", "--reason", "it was the US")
    ctrack.ok("correct", "c#1", "--reason", "only the US", "--party", "US")
    assert board(ctrack)["c"]["party_status"] == {"US": "pending"}


def test_correcting_the_date_of_a_partys_fulfilment_works_while_it_is_a_party(ctrack_sqlite):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US", "--party", "JP")
    ctrack.ok("fulfil", "c", "--on", "2024-03-01", "--party", "JP")
    ctrack.ok("correct", "c#1", "--reason", "Korea joined", "--party", "US", "--party", "JP", "--party", "KR")
    assert ctrack.ok("correct", "c#2", "--reason", "it was April", "--on", "2024-04-01").stdout == "c#4\n"
    assert {e["ref"]: e["on"] for e in history(ctrack, "c")}["c#2"] == "2024-04-01"


def test_history_as_of_a_date_tells_the_story_up_to_that_date_with_effective_values(ctrack_sqlite):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US")
    ctrack.ok("progress", "c", "--on", "2024-02-01", "--note", "talks")
    ctrack.ok("fulfil", "c", "--on", "2024-05-01")
    ctrack.ok("correct", "c#2", "--reason", "it was March", "--on", "2024-03-01")
    # c#2 now happened on 2024-03-01 (its correction c#4 sits with it): not yet by mid-February.
    assert [e["ref"] for e in history(ctrack, "c", "--as-of", "2024-02-15")] == ["c#1"]
    march = history(ctrack, "c", "--as-of", "2024-03-31")
    assert [(e["ref"], e["on"], e["status_after"]) for e in march] == [
        ("c#1", "2024-01-10", "pledged"), ("c#2", "2024-03-01", "in_progress"), ("c#4", "2024-03-01", "in_progress")]
    assert march[1]["original"] == {"on": "2024-02-01"}
    assert [e["ref"] for e in history(ctrack, "c", "--as-of", "2024-12-31")] == ["c#1", "c#2", "c#4", "c#3"]


def test_replay_shows_the_making_then_the_change_its_own_days_events_make(ctrack):
    """Events dated on the day of the making, or before it (a coarse date), take effect on that day:
    replay lists the making, then the change they make, as every reader of the store does."""
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US", "--party", "JP",
              "--due", "2024-12-31")  # fmt: skip
    ctrack.ok("progress", "c", "--on", "2024-01", "--note", "talks began that month")
    ctrack.ok("fulfil", "c", "--on", "2024-01-10")

    def replayed(*args: str) -> list[tuple[str, str | None, str, str]]:
        changes = ctrack.json("replay", "--to", "2024-12-31", *args)["changes"]
        return [(c["on"], c["status_before"], c["status_after"], c["cause"]) for c in changes]

    same_day = [("2024-01-10", None, "pledged", "c#1"), ("2024-01-10", "pledged", "fulfilled", "c#3")]
    assert replayed() == same_day
    assert replayed("--from", "2024-01-10") == same_day
    # The making corrected to an earlier day: the progress ("2024-01") still starts before it, the
    # fulfilment now comes later; as known before the correction, both were of the making's day.
    ctrack.ok("correct", "c#1", "--reason", "it was the 5th", "--on", "2024-01-05")
    assert replayed() == [("2024-01-05", None, "pledged", "c#1"), ("2024-01-05", "pledged", "in_progress", "c#2"),
                          ("2024-01-10", "in_progress", "fulfilled", "c#3")]  # fmt: skip
    assert replayed("--known-at", "c#4^") == same_day
    # The fulfilment corrected onto the making's new day (its cause is still the fulfilment), then
    # retracted.
    ctrack.ok("correct", "c#3", "--reason", "it was the 5th too", "--on", "2024-01-05")
    moved = [("2024-01-05", None, "pledged", "c#1"), ("2024-01-05", "pledged", "fulfilled", "c#3")]
    assert replayed() == moved
    ctrack.ok("retract", "c#3", "--reason", "not yet")
    assert replayed() == [("2024-01-05", None, "pledged", "c#1"), ("2024-01-05", "pledged", "in_progress", "c#2")]
    assert replayed("--known-at", "c#6^") == moved
