"""Every recording command of SPEC §6, typed as a user types it: the reference it prints and
what the board, show and history then say."""

from __future__ import annotations

import hashlib

import pytest

from tests.cli.helpers import board, error_line, history, jsonl, refs, statuses, talk, untouched


def test_source_add_prints_its_reference_and_is_listed(ctrack):
    result = ctrack.ok("source", "add", "TDI-2024", "--title", "Trilateral trade", "--publisher", "TDI",
                       "--url", "https://example.org/a", "--published", "2024-05")  # fmt: skip
    assert result.stdout == "tdi-2024#1\n"
    assert talk(result) == ""
    [listed] = ctrack.json("sources")["sources"]
    assert listed["id"] == "tdi-2024"
    assert (listed["title"], listed["publisher"], listed["url"], listed["published_on"]) == (
        "Trilateral trade", "TDI", "https://example.org/a", "2024-05")  # fmt: skip
    assert listed["archived"] is False


def test_source_add_file_archives_the_text_with_its_sha256(ctrack, write):
    text = "Seoul, 16 October 2024 — the Vice Foreign Ministers met.\n"
    path = write("article.txt", text)
    assert refs(ctrack.ok("source", "add", "omai", "--title", "Seoul meeting", "--file", str(path))) == ["omai#1"]
    [listed] = ctrack.json("sources")["sources"]
    assert listed["archived"] is True
    assert listed["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    [exported] = jsonl(ctrack.ok("export").stdout)
    assert exported["text"] == text and exported["sha256"] == listed["sha256"]


def test_sources_table_and_empty_list(ctrack):
    ctrack.ok("store", "init")
    assert ctrack.json("sources") == {"sources": []}
    ctrack.ok("source", "add", "s1", "--title", "First source")
    table = ctrack.ok("sources").stdout
    assert "s1" in table and "First source" in table


def test_meeting_add_records_a_held_meeting(ctrack):
    result = ctrack.ok("meeting", "add", "Freedom-Edge-2024", "--on", "2024-06-27", "--end", "2024-06-29",
                       "--kind", "Exercise", "--title", "Freedom Edge 2024", "--party", "US", "--party", "JP",
                       "--party", "ROK", "--place", "East China Sea")  # fmt: skip
    assert result.stdout == "freedom-edge-2024#1\n"
    [event] = history(ctrack, "freedom-edge-2024")
    assert event["type"] == "meeting_held"
    assert (event["on"], event["end_on"], event["kind"], event["place"]) == (
        "2024-06-27", "2024-06-29", "exercise", "East China Sea")  # fmt: skip
    assert event["parties"] == ["US", "JP", "KR"]
    assert event["status_before"] is None and event["status_after"] is None


def test_meeting_add_fulfils_several_commitments_at_once(seeded):
    seeded.ok("pledge", "trio", "--on", "2024-01-01", "--title", "A trilateral deliverable", "--party", "US",
              "--party", "JP", "--party", "KR")  # fmt: skip
    result = seeded.ok("meeting", "add", "tokyo", "--on", "2024-03-01", "--kind", "ministerial", "--title",
                       "Tokyo ministerial", "--party", "US", "--party", "JP", "--fulfils", "deliver",
                       "--fulfils", "trio")  # fmt: skip
    assert refs(result) == ["tokyo#1", "deliver#2", "trio#2"]
    items = board(seeded, "--as-of", "2024-03-02")
    assert items["deliver"]["status"] == "fulfilled"
    # KR was not at the meeting: a partial fulfilment of a trilateral commitment
    assert items["trio"]["status"] == "in_progress"
    assert items["trio"]["party_status"] == {"US": "fulfilled", "JP": "fulfilled", "KR": "pending"}
    fulfilment = history(seeded, "deliver")[-1]
    assert (fulfilment["type"], fulfilment["meeting"], fulfilment["on"]) == ("commitment_fulfilled", "tokyo", "2024-03-01")


def test_meeting_schedule_sets_and_moves_a_due_next_deadline(ctrack):
    ctrack.ok("pledge", "mechanism", "--on", "2024-10-16", "--title", "Finalize a coordinating mechanism",
              "--party", "US", "--party", "JP", "--party", "KR", "--due-next", "trilateral-summit")  # fmt: skip
    assert board(ctrack, "--as-of", "2024-11-01")["mechanism"]["due_on"] is None
    first = ctrack.ok("meeting", "schedule", "summit-2025", "--on", "2024-12-01", "--for", "2025-06-15",
                      "--kind", "trilateral-summit", "--title", "Next summit", "--party", "US", "--party", "JP",
                      "--party", "KR")  # fmt: skip
    assert first.stdout == "summit-2025#1\n"
    # announced on 2024-12-01: unknown before, the scheduled date after
    assert board(ctrack, "--as-of", "2024-11-30")["mechanism"]["due_on"] is None
    assert board(ctrack, "--as-of", "2024-12-01")["mechanism"]["due_on"] == "2025-06-15"
    again = ctrack.ok("meeting", "schedule", "summit-2025", "--on", "2025-03-01", "--for", "2025-09-01",
                      "--kind", "trilateral-summit", "--title", "Next summit", "--party", "US", "--party", "JP",
                      "--party", "KR")  # fmt: skip
    assert again.stdout == "summit-2025#2\n"
    assert board(ctrack, "--as-of", "2025-02-01")["mechanism"]["due_on"] == "2025-06-15"
    assert board(ctrack, "--as-of", "2025-03-01")["mechanism"]["due_on"] == "2025-09-01"
    held = ctrack.ok("meeting", "add", "summit-2025", "--on", "2025-08-20", "--kind", "trilateral-summit",
                     "--title", "Next summit", "--party", "US", "--party", "JP", "--party", "KR")  # fmt: skip
    assert held.stdout == "summit-2025#3\n"
    item = board(ctrack, "--as-of", "2025-10-01")["mechanism"]
    assert item["due_on"] == "2025-08-20"
    assert item["overdue"] is True


def test_statement_add_is_evidence_about_a_commitment(seeded):
    result = seeded.ok("statement", "add", "joint-2024", "--on", "2024-03-01", "--party", "US", "--party", "JP",
                       "--text", "We reaffirm our commitment.", "--meeting", "camp-david", "--about", "deliver",
                       "--about", "principle", "--source", "tdi", "--quote", "we reaffirm")  # fmt: skip
    assert result.stdout == "joint-2024#1\n"
    shown = seeded.json("show", "deliver")
    assert [s["ref"] for s in shown["statements"]] == ["joint-2024#1"]
    assert shown["statements"][0]["text"] == "We reaffirm our commitment."
    [event] = history(seeded, "joint-2024")
    assert event["about"] == ["deliver", "principle"] and event["meeting"] == "camp-david"


@pytest.mark.parametrize(
    ("cadence", "status", "due_on"),
    [
        ("once", "pledged", None),
        ("standing", "active", None),
        ("annual", "pledged", "2025-01-31"),
        ("semiannual", "pledged", "2024-07-31"),
        ("quarterly", "pledged", "2024-04-30"),
        ("monthly", "pledged", "2024-02-29"),
    ],
)
def test_pledge_every_cadence(ctrack, cadence, status, due_on):
    result = ctrack.ok("pledge", "c", "--on", "2024-01-31", "--title", "A promise", "--party", "US",
                       "--cadence", cadence)  # fmt: skip
    assert result.stdout == "c#1\n" and talk(result) == ""
    item = board(ctrack, "--as-of", "2024-02-01")["c"]
    assert (item["cadence"], item["status"], item["due_on"], item["made_on"]) == (cadence, status, due_on, "2024-01-31")


def test_pledge_without_cadence_is_once(ctrack):
    ctrack.ok("pledge", "c", "--on", "2024-01-31", "--title", "A promise", "--party", "US")
    assert board(ctrack)["c"]["cadence"] == "once"


def test_pledge_due_and_overdue(ctrack):
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "T", "--party", "US", "--due", "2024-06-30")
    assert board(ctrack, "--as-of", "2024-06-30")["c"]["overdue"] is False
    item = board(ctrack, "--as-of", "2024-07-01")["c"]
    assert (item["due_on"], item["overdue"], item["status"]) == ("2024-06-30", True, "pledged")


def test_pledge_due_next_resolves_to_the_next_meeting_of_that_kind(ctrack):
    ctrack.ok("meeting", "add", "before", "--on", "2024-01-01", "--kind", "summit", "--title", "Earlier summit",
              "--party", "US")  # fmt: skip
    ctrack.ok("pledge", "c", "--on", "2024-02-01", "--title", "T", "--party", "US", "--due-next", "summit")
    ctrack.ok("meeting", "add", "other-kind", "--on", "2024-03-01", "--kind", "dialogue", "--title", "A dialogue",
              "--party", "US")  # fmt: skip
    assert board(ctrack, "--as-of", "2024-04-01")["c"]["due_on"] is None
    ctrack.ok("meeting", "add", "after", "--on", "2024-05-01", "--kind", "summit", "--title", "Next summit",
              "--party", "US")  # fmt: skip
    assert board(ctrack, "--as-of", "2024-04-30")["c"]["due_on"] is None
    assert board(ctrack, "--as-of", "2024-05-01")["c"]["due_on"] == "2024-05-01"
    assert ctrack.json("show", "c", "--as-of", "2024-06-01")["overdue"] is True


def test_reaffirm_counts_reaffirmations(seeded):
    assert seeded.ok("reaffirm", "principle", "--on", "2024-04", "--meeting", "camp-david").stdout == "principle#2\n"
    assert seeded.ok("reaffirm", "principle", "--on", "2024-10-16", "--party", "US").stdout == "principle#3\n"
    item = board(seeded)["principle"]
    assert (item["status"], item["reaffirmations"], item["last_reaffirmed_on"]) == ("active", 2, "2024-10-16")
    assert board(seeded, "--as-of", "2024-05-01")["principle"]["reaffirmations"] == 1


def test_progress_stall_and_fulfil_move_a_once_commitment(seeded):
    steps = [
        (("progress", "deliver", "--on", "2024-02-01", "--note", "drafting"), "deliver#2", "in_progress"),
        (("stall", "deliver", "--on", "2024-03-01", "--note", "talks broke down"), "deliver#3", "stalled"),
        (("progress", "deliver", "--on", "2024-04-01", "--note", "talks resumed"), "deliver#4", "in_progress"),
        (("fulfil", "deliver", "--on", "2024-05-01"), "deliver#5", "fulfilled"),
    ]
    for args, ref, status in steps:
        assert seeded.ok(*args).stdout == ref + "\n"
        assert statuses(seeded)["deliver"] == status
    item = board(seeded)["deliver"]
    assert (item["late"], item["overdue"], item["last_event_on"]) == (False, False, "2024-05-01")
    assert item["party_status"] == {"US": "fulfilled", "JP": "fulfilled"}


@pytest.mark.parametrize("command", ["fulfil", "fulfill"])
def test_fulfil_and_fulfill_are_the_same(seeded, command):
    assert seeded.ok(command, "deliver", "--on", "2024-08-01").stdout == "deliver#2\n"
    assert history(seeded, "deliver")[-1]["type"] == "commitment_fulfilled"
    item = board(seeded)["deliver"]
    assert (item["status"], item["late"]) == ("fulfilled", True)  # due 2024-06-30


def test_partial_fulfilment_then_the_rest(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01", "--party", "US")
    item = board(seeded)["deliver"]
    assert item["status"] == "in_progress"
    assert item["party_status"] == {"US": "fulfilled", "JP": "pending"}
    seeded.ok("fulfil", "deliver", "--on", "2024-04-01", "--party", "jp")
    assert board(seeded)["deliver"]["status"] == "fulfilled"
    assert board(seeded, "--as-of", "2024-03-15")["deliver"]["status"] == "in_progress"


def test_a_closed_commitment_ignores_later_progress_but_not_abandonment(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    seeded.ok("progress", "deliver", "--on", "2024-04-01", "--note", "more work")
    seeded.ok("stall", "deliver", "--on", "2024-04-15", "--note", "stuck")
    seeded.ok("reaffirm", "deliver", "--on", "2024-04-20")
    assert statuses(seeded)["deliver"] == "fulfilled"
    assert len(history(seeded, "deliver")) == 5  # kept in the history
    assert seeded.ok("abandon", "deliver", "--on", "2024-05-01").stdout == "deliver#6\n"
    assert statuses(seeded)["deliver"] == "abandoned"
    assert statuses(seeded, "--as-of", "2024-04-30")["deliver"] == "fulfilled"


def test_abandon_a_standing_commitment_and_by_one_party(seeded):
    seeded.ok("abandon", "deliver", "--on", "2024-03-01", "--party", "JP")
    assert board(seeded)["deliver"]["party_status"]["JP"] == "abandoned"
    seeded.ok("abandon", "principle", "--on", "2024-03-01", "--note", "dropped from the agenda")
    assert statuses(seeded)["principle"] == "abandoned"


def test_supersede(seeded):
    assert seeded.ok("supersede", "deliver", "--by", "later", "--on", "2024-03-01").stdout == "deliver#2\n"
    item = board(seeded)["deliver"]
    assert (item["status"], item["overdue"]) == ("superseded", False)
    assert seeded.json("show", "deliver")["superseded_by"] == "later"
    assert statuses(seeded, "--as-of", "2024-02-29")["deliver"] == "pledged"


def test_deadline_moves_the_due_date_from_its_own_date(seeded):
    assert seeded.ok("deadline", "deliver", "--on", "2024-06-01", "--due", "2024-12-31").stdout == "deliver#2\n"
    assert board(seeded, "--as-of", "2024-05-31")["deliver"]["due_on"] == "2024-06-30"
    item = board(seeded, "--as-of", "2024-07-01")["deliver"]
    assert (item["due_on"], item["overdue"]) == ("2024-12-31", False)
    seeded.ok("deadline", "deliver", "--on", "2024-08-01", "--due-next", "trilateral-summit")
    assert board(seeded, "--as-of", "2024-08-02")["deliver"]["due_on"] is None


def test_recurring_instances_on_track_and_lapsed(seeded):
    assert seeded.ok("fulfil", "yearly", "--on", "2024-08-01").stdout == "yearly#2\n"
    assert statuses(seeded, "--as-of", "2024-07-31")["yearly"] == "pledged"
    item = board(seeded, "--as-of", "2024-09-01")["yearly"]
    assert (item["status"], item["instances"], item["due_on"]) == ("on_track", ["2024-08-01"], "2025-08-01")
    item = board(seeded, "--as-of", "2025-08-02")["yearly"]
    assert (item["status"], item["overdue"]) == ("lapsed", True)
    # with no instance yet, the first period runs from the pledge
    seeded.ok("pledge", "monthly", "--on", "2024-01-15", "--title", "Monthly call", "--party", "US",
              "--cadence", "monthly")  # fmt: skip
    assert statuses(seeded, "--as-of", "2024-02-15")["monthly"] == "pledged"
    assert statuses(seeded, "--as-of", "2024-02-16")["monthly"] == "lapsed"


def test_retract_takes_an_event_out_of_effect_but_not_out_of_the_audit(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    assert seeded.ok("retract", "deliver#2", "--reason", "misread the source").stdout == "deliver#3\n"
    assert statuses(seeded)["deliver"] == "pledged"
    events = history(seeded, "deliver")
    assert [e["ref"] for e in events] == ["deliver#1", "deliver#2", "deliver#3"]
    assert events[1]["retracted"] is True and events[1]["retracted_by"] == ["deliver#3"]
    assert (events[2]["type"], events[2]["target"], events[2]["reason"]) == (
        "event_retracted", "deliver#2", "misread the source")  # fmt: skip


def test_retracting_a_retraction_restores_its_target(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    seeded.ok("retract", "deliver#2", "--reason", "wrong")
    assert seeded.ok("retract", "DELIVER#3", "--reason", "it was right after all").stdout == "deliver#4\n"
    assert statuses(seeded)["deliver"] == "fulfilled"


def test_retracting_the_pledge_removes_the_commitment_from_the_board(seeded):
    seeded.ok("retract", "later#1", "--reason", "never pledged")
    assert "later" not in board(seeded)
    assert history(seeded, "later")[0]["retracted"] is True


def test_correct_changes_the_effective_event(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-08-01")
    assert board(seeded)["deliver"]["late"] is True
    result = seeded.ok("correct", "deliver#2", "--reason", "the source says June", "--on", "2024-06-01")
    assert result.stdout == "deliver#3\n"
    item = board(seeded)["deliver"]
    assert (item["late"], item["last_event_on"]) == (False, "2024-06-01")
    assert statuses(seeded, "--as-of", "2024-06-15")["deliver"] == "fulfilled"
    corrected = history(seeded, "deliver")[1]
    assert corrected["on"] == "2024-06-01"  # the effective value
    assert corrected["original"] == {"on": "2024-08-01"}  # as recorded
    assert corrected["corrected_by"] == ["deliver#3"]


def test_retracting_a_correction_restores_the_original(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-02-01", "--party", "US")
    seeded.ok("correct", "deliver#2", "--reason", "it was Japan", "--party", "JP")
    assert board(seeded)["deliver"]["party_status"] == {"US": "pending", "JP": "fulfilled"}
    seeded.ok("retract", "deliver#3", "--reason", "no, it was the US")
    assert board(seeded)["deliver"]["party_status"]["US"] == "fulfilled"
    assert board(seeded)["deliver"]["party_status"]["JP"] == "pending"
    assert history(seeded, "deliver")[1]["corrected_by"] == []


def test_correct_the_pledge_itself(seeded):
    seeded.ok("correct", "deliver#1", "--reason", "typo", "--title", "Deliver the right thing", "--due", "2024-09-30")
    item = board(seeded, "--as-of", "2024-07-15")["deliver"]
    assert (item["title"], item["due_on"], item["overdue"]) == ("Deliver the right thing", "2024-09-30", False)


def test_ids_are_case_insensitive_and_stored_lowercase(ctrack):
    assert ctrack.ok("pledge", "Meet-Annually", "--on", "2024-01-01", "--title", "T", "--party", "us").stdout == "meet-annually#1\n"
    assert ctrack.ok("reaffirm", "MEET-ANNUALLY", "--on", "2024-02-01").stdout == "meet-annually#2\n"
    assert ctrack.json("show", "Meet-Annually")["id"] == "meet-annually"
    assert board(ctrack)["meet-annually"]["parties"] == ["US"]


def test_coarse_dates_keep_their_precision(ctrack):
    ctrack.ok("pledge", "c", "--on", "2024-06", "--title", "T", "--party", "US")
    assert "c" not in board(ctrack, "--as-of", "2024-05-31")
    item = board(ctrack, "--as-of", "2024-06-01")["c"]
    assert item["made_on"] == "2024-06"
    ctrack.ok("fulfil", "c", "--on", "2024")
    assert history(ctrack, "c")[-1]["on"] == "2024"


def test_recorded_by_comes_from_by_then_tracker_user(bare_cli, sqlite_url):
    assert bare_cli("--store", sqlite_url, "--by", "alice", "pledge", "a", "--on", "2024-01-01", "--title", "T",
                    "--party", "US").exit_code == 0  # fmt: skip
    assert bare_cli("--store", sqlite_url, "pledge", "b", "--on", "2024-01-01", "--title", "T", "--party", "US",
                    env={"TRACKER_USER": "bob"}).exit_code == 0  # fmt: skip
    exported = jsonl(bare_cli("--store", sqlite_url, "export").stdout)
    assert [e["recorded_by"] for e in exported] == ["alice", "bob"]


def test_store_from_tracker_store_variable_and_default_location(bare_cli, store_url, tmp_path):
    assert bare_cli("pledge", "a", "--on", "2024-01-01", "--title", "T", "--party", "US",
                    env={"TRACKER_STORE": store_url}).stdout == "a#1\n"  # fmt: skip
    assert "a" in bare_cli("status", "--json", env={"TRACKER_STORE": store_url}).stdout
    # without either, the store is a file in the user's data directory
    assert bare_cli("pledge", "b", "--on", "2024-01-01", "--title", "T", "--party", "US").stdout == "b#1\n"
    assert (tmp_path / "xdg-data" / "commitment-tracker" / "tracker.db").is_file()


EVIDENCE_COMMANDS = [
    ("reaffirm", "deliver", "--on", "2024-02-01"),
    ("progress", "deliver", "--on", "2024-02-01", "--note", "n"),
    ("fulfil", "deliver", "--on", "2024-02-01"),
    ("fulfill", "deliver", "--on", "2024-02-01"),
    ("stall", "deliver", "--on", "2024-02-01", "--note", "n"),
    ("abandon", "deliver", "--on", "2024-02-01"),
    ("supersede", "deliver", "--by", "later", "--on", "2024-02-01"),
    ("deadline", "deliver", "--on", "2024-02-01", "--due", "2024-12-01"),
    ("pledge", "new", "--on", "2024-02-01", "--title", "T", "--party", "US"),
    ("meeting", "add", "held", "--on", "2024-02-01", "--kind", "k", "--title", "T", "--party", "US"),
    ("meeting", "schedule", "planned", "--on", "2024-02-01", "--for", "2024-03-01", "--kind", "k", "--title", "T",
     "--party", "US"),
    ("statement", "add", "said", "--on", "2024-02-01", "--party", "US", "--text", "T"),
]


def test_every_recording_command_carries_evidence(seeded):
    for command in EVIDENCE_COMMANDS:
        with_evidence = [*command, "--source", "tdi", "--quote", f"verbatim {command[0]}"]
        if "--note" not in command:
            with_evidence += ["--note", "an analyst's note"]
        [ref] = refs(seeded.ok(*with_evidence))
        entity = ref.split("#")[0]
        event = next(e for e in history(seeded, entity) if e["ref"] == ref)
        assert (event["source"], event["quote"]) == ("tdi", f"verbatim {command[0]}"), command
        assert event["note"] in ("an analyst's note", "n"), command
        assert event["recorded_by"] == "tester", command


def test_retract_carries_its_source(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    seeded.ok("retract", "deliver#2", "--reason", "misread", "--source", "tdi")
    assert history(seeded, "deliver")[-1]["source"] == "tdi"


def test_retract_takes_quote_and_note_like_every_recording_command(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    result = seeded("retract", "deliver#2", "--reason", "misread", "--source", "tdi", "--quote", "verbatim",
                    "--note", "see p. 2")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    event = history(seeded, "deliver")[-1]
    assert (event["quote"], event["note"]) == ("verbatim", "see p. 2")


def test_a_mistyped_id_in_a_recording_command_gets_the_close_ones(ctrack):
    # show and history said "did you mean"; the commands that record said only "unknown".
    ctrack.ok("pledge", "cd-meet-annually", "--on", "2023-08-18", "--title", "Meet annually", "--party", "US",
              "--party", "JP", "--cadence", "annual")  # fmt: skip
    with untouched(ctrack):
        for args in (("fulfil", "cd-meet-anually", "--on", "2024-01-01", "--party", "US"),
                     ("assess", "cd-meet-anually", "--party", "US", "--score", "1", "--on", "2024-01-01"),
                     ("reaffirm", "cd-meet-anually", "--on", "2024-01-01"),
                     ("correct", "cd-meet-anually#1", "--reason", "typo", "--title", "Meet"),
                     ("retract", "cd-meet-anually#1", "--reason", "typo")):  # fmt: skip
            error_line(ctrack(*args), 1, "'cd-meet-anually", "did you mean 'cd-meet-annually'?")
