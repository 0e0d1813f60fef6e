"""Dates and record times have one spelling each: ASCII digits, ISO 8601's extended form."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import error_line, untouched, write_jsonl


def test_a_date_in_other_digits_is_refused_by_record_and_import(ctrack_sqlite, tmp_path):
    ctrack = ctrack_sqlite
    with untouched(ctrack):
        error_line(ctrack("pledge", "c", "--on", "\u0662\u0660\u0662\u0664-\u0660\u0666", "--title", "T",
                          "--party", "US"), 2, "not a date")  # fmt: skip
        made = {"type": "commitment_made", "commitment": "c", "on": "\u0662\u0660\u0662\u0664-06", "title": "T",
                "parties": ["US"]}  # fmt: skip
        error_line(ctrack("import", str(write_jsonl(tmp_path / "e.jsonl", made))), 1, "line 1", "on")


@pytest.mark.parametrize("known_at", ["20241018", "2024-W42-5", "2024-10-18T\u0661\u0662:00", "2024-292"])
def test_known_at_refuses_what_is_not_an_extended_iso_timestamp(ctrack_sqlite, known_at):
    error_line(ctrack_sqlite("status", "--known-at", known_at), 2, "not a timestamp")


def test_known_at_a_date_means_the_end_of_that_day_in_utc(ctrack_sqlite):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "T", "--party", "US")
    for spelled in ("2999-10-18", "2999-10-18T23:59:59.999999Z", "2999-10-18 23:59:59.999999+00:00"):
        out = json.loads(ctrack.ok("status", "--json", "--known-at", spelled).stdout)
        assert out["known_at"] == "2999-10-18T23:59:59.999999+00:00"
        assert [c["id"] for c in out["commitments"]] == ["c"]
