"""Tables fit the terminal: at 80, 120 and 200 columns every line fits, ids, references, dates and
statuses are never cut, free text wraps in its column, and what gives way is said on stderr."""

from __future__ import annotations

import re
from typing import Any

import pytest

from commitment_tracker.cli.main import cli
from tests.conftest import Ctrack

WIDTHS = (80, 120, 200)
QUERIES = {
    "status": ("status", "--as-of", "2024-11-20"),
    "show": ("show", "trilateral-coordinating-mechanism"),
    "history": ("history", "trilateral-coordinating-mechanism"),
    "replay": ("replay", "--from", "2024-01-01", "--to", "2024-12-31"),
    "diff": ("diff", "--from", "2024-07-01", "--to", "2024-11-01"),
    "matrix": ("matrix", "--as-of", "2024-11-20"),
    "due": ("due", "--within", "1y", "--as-of", "2024-11-20"),
    "sources": ("sources",),
    "meetings": ("meetings",),
    "statements": ("statements",),
    "search": ("search", "Freedom", "Edge"),
    "learned": ("diff", "--known-from", "2024-10-19", "--known-to", "2024-10-23", "--as-of", "2024-11-20"),
    "parties": ("parties",),
}


@pytest.fixture
def demo(trilateral_sqlite: Any) -> Any:
    return trilateral_sqlite


def table(demo: Any, *args: str, width: int | None = None) -> Any:
    env = {"COLUMNS": str(width) if width else None, "NO_COLOR": "1"}
    return demo.ok(*args, env=env)


def tokens(text: str) -> set[str]:
    return set(re.split(r"\s+", text))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_every_line_fits_and_carries_no_trailing_blanks(demo, query, width):
    lines = table(demo, *query, width=width).stdout.splitlines()
    assert lines
    too_wide = [line for line in lines if len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}: {too_wide[:2]}"
    assert not [line for line in lines if line != line.rstrip()]


@pytest.mark.parametrize("width", WIDTHS)
def test_status_never_cuts_an_id_a_status_or_a_date(demo, width):
    board = demo.json(*QUERIES["status"])["commitments"]
    shown = tokens(table(demo, *QUERIES["status"], width=width).stdout)
    for item in board:
        assert item["id"] in shown
        assert item["status"] in shown
        if item["due_on"]:
            assert item["due_on"] in shown
    assert "…" not in table(demo, *QUERIES["status"], width=width).stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_status_titles_wrap_whole_at_every_width(demo, width):
    """A title is never cut short: all of its words are on the board, in order."""
    out = table(demo, *QUERIES["status"], width=width).stdout
    words = " ".join(out.split())
    for item in demo.json(*QUERIES["status"])["commitments"]:
        assert " ".join(item["title"].split()[:3]) in words


@pytest.mark.parametrize("width", WIDTHS)
def test_history_keeps_every_reference_and_event_type(demo, width):
    events = demo.json(*QUERIES["history"])["events"]
    out = table(demo, *QUERIES["history"], width=width).stdout
    shown = tokens(out)
    for event in events:
        assert "#" + event["ref"].split("#")[1] in shown
        assert event["type"] in shown
    assert "RETRACTED" in out  # the detail column is shown or stacked, never dropped


@pytest.mark.parametrize("width", WIDTHS)
def test_matrix_and_due_keep_ids_and_party_cells(demo, width):
    matrix = demo.json(*QUERIES["matrix"])
    shown = tokens(table(demo, *QUERIES["matrix"], width=width).stdout)
    for row in matrix["rows"]:
        assert row["id"] in shown
    for party in matrix["parties"]:
        assert party in shown
    due = demo.json(*QUERIES["due"])
    items = due["deadlines"] if isinstance(due, dict) and "deadlines" in due else due
    shown = tokens(table(demo, *QUERIES["due"], width=width).stdout)
    for item in items if isinstance(items, list) else []:
        assert item["id"] in shown


def test_narrow_terminals_say_what_they_left_out_and_wide_shows_it(demo):
    narrow = table(demo, *QUERIES["status"], width=80)
    assert "cadence" not in narrow.stdout.splitlines()[2]
    assert "cadence" in narrow.stderr and "--wide" in narrow.stderr
    wide = table(demo, "--wide", *QUERIES["status"], width=80)
    header = next(line for line in wide.stdout.splitlines() if line.lstrip().startswith("id"))
    assert tokens(header) >= {"id", "status", "due", "cadence", "parties", "title"}
    assert wide.stderr == ""
    roomy = table(demo, *QUERIES["status"], width=200)
    assert roomy.stderr == ""
    assert "cadence" in roomy.stdout


def test_piped_tables_are_laid_out_for_a_wide_page_without_padding(demo):
    out = table(demo, *QUERIES["status"]).stdout
    lines = out.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert max(map(len, lines)) <= 130
    assert "cadence" in out and "title" in out  # at 130 columns, every column has room
    wide = table(demo, "--wide", *QUERIES["status"]).stdout
    longest = max((i["title"] for i in demo.json(*QUERIES["status"])["commitments"]), key=len)
    assert longest in wide  # --wide: on one line, nothing wraps or is cut


def test_history_shows_record_time_to_the_second(demo):
    events = demo.json(*QUERIES["history"])["events"]
    out = table(demo, *QUERIES["history"], width=200).stdout
    first = events[0]["recorded_at"][:19].replace("T", " ")
    assert first in out


def test_global_options_may_follow_the_command(demo, tmp_path):
    after = demo.runner.invoke(cli,
                               ["status", "--as-of", "2024-11-20", "--known-at", "2030-01-01", "--store",
                                demo.store, "--json"])  # fmt: skip
    assert after.exit_code == 0, after.stderr
    assert after.stdout == demo.ok(*QUERIES["status"], "--known-at", "2030-01-01", "--json").stdout
    other = Ctrack(str(tmp_path / "other.db"))
    other.ok("pledge", "p", "--on", "2024-01-01", "--title", "A pledge", "--party", "US", "--by", "late-analyst")
    other.ok("pledge", "q", "--on", "2024-01-01", "--title", "Another", "--party", "US")
    # supersede's own --by names the commitment that supersedes, as SPEC §6 has it
    other.ok("supersede", "p", "--by", "q", "--on", "2024-02-01")
    events = other.json("history", "p")["events"]
    assert events[0]["recorded_by"] == "late-analyst"
    assert events[1]["by"] == "q" and events[1]["recorded_by"] == "tester"


def test_a_matrix_of_many_parties_is_printed_in_parts_that_fit(tmp_path):
    parties = ["US", "JP", "KR", "GB", "FR", "DE", "IT", "CA", "AU", "IN", "BR", "MX", "ZA", "CN"]
    store = Ctrack(str(tmp_path / "wide.db"))
    for n in range(3):
        store.ok("pledge", f"c{n}", "--on", "2024-01-01", "--title", f"Commitment number {n} of the summit",
                 *[arg for p in parties for arg in ("--party", p)])  # fmt: skip
    store.ok("fulfil", "c1", "--on", "2024-02-01", "--party", "ZA")
    result = store.ok("matrix", "--as-of", "2024-06-01", env={"COLUMNS": "80", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    words = tokens(result.stdout)
    assert set(parties) <= words
    parts = result.stdout.count("Compliance as of 2024-06-01")
    assert parts > 1 and f"Printed in {parts} parts" in result.stderr
    for n in range(3):
        assert result.stdout.count(f" c{n} ") + result.stdout.count(f" c{n}\n") >= parts  # the id in every part
    assert "fulfilled" in words  # ZA's cell, in whichever part it falls
    wide = store.ok("--wide", "matrix", "--as-of", "2024-06-01", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert wide.stdout.count("Compliance as of 2024-06-01") == 1
