"""Suspicious records are written, with a note on stderr: never a refusal, never on stdout."""

from __future__ import annotations

import json

from tests.cli.conftest import DATASET


def notes(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Note: ")]


def test_a_second_fulfilment_is_written_with_a_pointer_to_correct(ctrack):
    ctrack.ok("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US", "--party", "JP")
    assert notes(ctrack.ok("fulfil", "a", "--on", "2024-02-01", "--party", "JP")) == []
    assert notes(ctrack.ok("fulfil", "a", "--on", "2024-02-10", "--party", "US")) == []
    again = ctrack.ok("fulfil", "a", "--on", "2024-03-01")
    assert again.stdout == "a#4\n"
    (note,) = notes(again)
    assert "already fulfilled" in note and "ctrack correct a#2" in note
    # an earlier-dated fulfilment does change the date: no note
    assert notes(ctrack.ok("fulfil", "a", "--on", "2024-01-15")) == []


def test_a_retracted_fulfilment_does_not_count_as_the_first(ctrack):
    ctrack.ok("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")
    ctrack.ok("fulfil", "a", "--on", "2024-02-01")
    ctrack.ok("retract", "a#2", "--reason", "misread")
    assert notes(ctrack.ok("fulfil", "a", "--on", "2024-03-01")) == []


def test_recurring_commitments_are_fulfilled_again_and_again_without_notes(ctrack):
    ctrack.ok("pledge", "r", "--on", "2024-01-01", "--title", "R", "--party", "US", "--cadence", "annual")
    ctrack.ok("fulfil", "r", "--on", "2024-06-01")
    assert notes(ctrack.ok("fulfil", "r", "--on", "2025-06-01")) == []


def test_a_pledge_dated_in_the_future_is_noted(ctrack):
    result = ctrack.ok("pledge", "later", "--on", "2999-01-01", "--title", "Later", "--party", "US")
    (note,) = notes(result)
    assert "2999-01-01" in note and "future" in note
    assert notes(ctrack.ok("pledge", "now", "--on", "2024-01-01", "--title", "Now", "--party", "US")) == []


def test_a_fulfilment_at_a_meeting_of_another_kind_than_the_deadline_is_noted(ctrack):
    ctrack.ok("pledge", "c", "--on", "2024-01-01", "--title", "C", "--party", "US", "--party", "JP",
              "--due-next", "trilateral-summit")  # fmt: skip
    result = ctrack.ok("meeting", "add", "vm", "--on", "2024-04-01", "--kind", "vice-ministerial", "--title", "VM",
                       "--party", "US", "--party", "JP", "--fulfils", "c")  # fmt: skip
    (note,) = notes(result)
    assert "trilateral-summit" in note and "vice-ministerial" in note
    ctrack.ok("meeting", "add", "summit", "--on", "2024-05-01", "--kind", "trilateral-summit", "--title", "S",
              "--party", "US", "--party", "JP")  # fmt: skip
    ctrack.ok("pledge", "d", "--on", "2024-01-01", "--title", "D", "--party", "US", "--due-next", "trilateral-summit")
    assert notes(ctrack.ok("fulfil", "d", "--on", "2024-05-01", "--meeting", "summit")) == []


def test_import_names_the_line_of_each_note_and_still_imports(ctrack, tmp_path):
    result = ctrack.ok("import", str(DATASET))
    (note,) = notes(result)
    assert note.startswith("Note: line 42: trilateral-coordinating-mechanism is due by the next trilateral-summit")
    lines = DATASET.read_text().splitlines()
    assert json.loads(lines[41])["type"] == "commitment_fulfilled"


def test_an_assessment_dated_in_the_future_is_noted_as_a_pledge_is(ctrack):
    ctrack.ok("pledge", "c", "--on", "2024-01-01", "--title", "C", "--party", "US")
    result = ctrack.ok("assess", "c", "--party", "US", "--score", "1", "--on", "2999-01-01")
    assert result.stdout == "c#2\n"
    (note,) = notes(result)
    assert "2999-01-01" in note and "future" in note and "US" in note
    assert notes(ctrack.ok("assess", "c", "--party", "US", "--score", "0", "--on", "2024-06-01")) == []
