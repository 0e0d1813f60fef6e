"""SPEC §8.2's refusals: a review by whoever recorded or made the assessment, a review of what is not
an assessment, a reconciliation of another unit or dated before what it settles. Each is one
``Error:`` line, and nothing is recorded."""

from __future__ import annotations

import pytest

from tests.cli.helpers import error_line, untouched


@pytest.fixture
def two_analysts(ctrack):
    """open#2: ana scores US 1 (final); open#3: bob, US 0 (final); open#4: ana, JP 1 (final);
    open#5: recorded by clerk for the assessor dora, US 1 (interim)."""
    ctrack.ok("--by", "ana", "pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open",
              "--party", "US", "--party", "JP")  # fmt: skip
    ctrack.ok("--by", "ana", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01", "--cycle", "final")
    ctrack.ok("--by", "bob", "assess", "open", "--party", "US", "--score", "0", "--on", "2024-06-02", "--cycle", "final")
    ctrack.ok("--by", "ana", "assess", "open", "--party", "JP", "--score", "1", "--on", "2024-06-01", "--cycle", "final")
    ctrack.ok("--by", "clerk", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01",
              "--cycle", "interim", "--assessor", "Dora")  # fmt: skip
    return ctrack


def test_a_reviewer_never_approves_what_they_recorded_or_scored(two_analysts):
    ctrack = two_analysts
    with untouched(ctrack):
        error_line(ctrack("--by", "ana", "review", "open#2", "--approve", "--on", "2024-07-01"), 1, "ana", "open#2")
        error_line(ctrack("--by", "clerk", "review", "open#5", "--approve", "--on", "2024-07-01"), 1, "clerk", "open#5")
        # The analyst is the assessor when one is named, whoever typed it in; names as people type them.
        error_line(ctrack("--by", "dora", "review", "open#5", "--return", "--on", "2024-07-01"), 1, "analyst", "open#5")
    ctrack.ok("--by", "bob", "review", "open#2", "--approve", "--on", "2024-07-01")


def test_a_review_names_an_assessment(two_analysts):
    ctrack = two_analysts
    ctrack.ok("retract", "open#4", "--reason", "scored twice")  # open#6
    with untouched(ctrack):
        error_line(ctrack("--by", "cy", "review", "open#1", "--approve", "--on", "2024-07-01"), 1,
                   "open#1", "not an assessment")  # fmt: skip
        error_line(ctrack("--by", "cy", "review", "open#6", "--approve", "--on", "2024-07-01"), 1, "not an assessment")
        error_line(ctrack("--by", "cy", "review", "open#4", "--approve", "--on", "2024-07-01"), 1, "retracted")
        error_line(ctrack("--by", "cy", "review", "open#9", "--approve", "--on", "2024-07-01"), 1, "open#9")
        error_line(ctrack("--by", "cy", "review", "nowhere#2", "--approve", "--on", "2024-07-01"), 1, "nowhere#2")
        error_line(ctrack("--by", "cy", "review", "open#2", "--approve", "--on", "2024-05-01"), 1, "before")
        error_line(ctrack("--by", "cy", "review", "open#2", "--on", "2024-07-01"), 2, "--approve or --return")


def test_a_reconciliation_settles_assessments_of_its_own_unit_dated_before_it(two_analysts):
    ctrack = two_analysts
    ctrack.ok("pledge", "other", "--on", "2024-01-10", "--title", "Another", "--party", "US")
    ctrack.ok("--by", "bob", "assess", "other", "--party", "US", "--score", "0", "--on", "2024-06-01")  # other#2
    settle = ("--by", "cy", "assess", "open", "--party", "US", "--score", "1", "--cycle", "final")
    with untouched(ctrack):
        # another party, another cycle, another commitment
        error_line(ctrack(*settle, "--on", "2024-07-01", "--reconciles", "open#2", "--reconciles", "open#4"), 1,
                   "open#4", "another unit")  # fmt: skip
        error_line(ctrack(*settle, "--on", "2024-07-01", "--reconciles", "open#5"), 1, "open#5", "another unit")
        error_line(ctrack(*settle, "--on", "2024-07-01", "--reconciles", "other#2"), 1, "other#2", "'open'")
        error_line(ctrack(*settle, "--on", "2024-07-01", "--reconciles", "open#1"), 1, "open#1", "not an assessment")
        # dated before what it settles: it would not be the score that counts after them
        error_line(ctrack(*settle, "--on", "2024-06-01", "--reconciles", "open#2", "--reconciles", "open#3"), 1,
                   "before", "open#3")  # fmt: skip
    ctrack.ok(*settle, "--on", "2024-06-02", "--reconciles", "open#2", "--reconciles", "open#3")


def test_an_import_is_refused_whole_for_a_review_by_the_analyst(two_analysts, write):
    ctrack = two_analysts
    path = write("reviews.jsonl",
                 '{"type": "assessment_reviewed", "target": "open#3", "decision": "approved", "on": "2024-07-01", '
                 '"recorded_by": "ana"}\n'
                 '{"type": "assessment_reviewed", "target": "open#2", "decision": "approved", "on": "2024-07-01", '
                 '"recorded_by": "ana"}\n')  # fmt: skip
    with untouched(ctrack):
        error_line(ctrack("import", str(path)), 1, "line 2", "ana")


def test_a_correction_cannot_undo_what_a_reconciliation_was_checked_for(two_analysts, write):
    """A reconciliation was refused if dated before what it settles, or naming another unit: a
    correction of an assessment it settles may not make it so afterwards."""
    ctrack = two_analysts
    ctrack.ok("--by", "cy", "assess", "open", "--party", "US", "--score", "1", "--cycle", "final", "--on", "2024-06-10",
              "--reconciles", "open#2", "--reconciles", "open#3")  # open#6 settles open#2 and open#3  # fmt: skip
    with untouched(ctrack):
        error_line(ctrack("correct", "open#3", "--on", "2024-06-20", "--reason", "r"), 1, "open#6", "open#3")
        error_line(ctrack("correct", "open#2", "--party", "JP", "--reason", "r"), 1, "open#6", "another unit")
        party = write("party.jsonl", '{"type": "event_corrected", "target": "open#2", "reason": "r", "party": "JP"}\n')
        error_line(ctrack("import", str(party)), 1, "open#6", "another unit")
        error_line(ctrack("correct", "open#2", "--cycle", "interim", "--reason", "r"), 1, "open#6", "another unit")
    ctrack.ok("correct", "open#3", "--on", "2024-06-10", "--reason", "the same day still settles it")
    ctrack.ok("correct", "open#2", "--score", "0", "--reason", "a score is the analyst's to correct")


def test_a_correction_cannot_undo_what_a_review_was_checked_for(two_analysts):
    """A review was refused if dated before its assessment, or by the assessment's analyst: a
    correction of the assessment, or of the review, may not make it so afterwards."""
    ctrack = two_analysts
    ctrack.ok("--by", "bob", "review", "open#2", "--approve", "--on", "2024-07-01")  # open#6
    with untouched(ctrack):
        error_line(ctrack("correct", "open#2", "--on", "2024-07-02", "--reason", "r"), 1, "open#6", "before")
        error_line(ctrack("correct", "open#6", "--on", "2024-05-31", "--reason", "r"), 1, "before", "open#2")
        error_line(ctrack("correct", "open#2", "--assessor", "Bob", "--reason", "r"), 1, "open#6", "analyst")
    ctrack.ok("correct", "open#2", "--on", "2024-07-01", "--reason", "the review's day still follows it")
    ctrack.ok("correct", "open#6", "--on", "2024-07-03", "--reason", "reviewed later")
    ctrack.ok("correct", "open#2", "--assessor", "Ana", "--reason", "named")
