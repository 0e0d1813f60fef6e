"""The desk for score data (issue 20): the G20 Research Group's two published editions in one
store, and the bundled dataset, read at 80, 120 and 200 columns as an analyst reads them.

Reads ``../shared/datasets/g20-compliance/`` (CC BY-NC 4.0: never copied into this repository);
skipped when it is absent, except under CI=true (see tests/integration/test_g20_scores.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import Ctrack
from tests.cli.helpers import DATASET
from tests.integration.test_g20_scores import E2022, E2023, SUMMITS

WIDTHS = (80, 120, 200)
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@pytest.fixture(scope="module")
def g20(tmp_path_factory: pytest.TempPathFactory) -> Ctrack:
    ctrack = Ctrack(str(tmp_path_factory.mktemp("g20-desk") / "g20.db"))
    for path, edition, on in ((E2022, "g20-2022", "2022-12-31"), (E2023, "g20-2023", "2023-12-31")):
        ctrack.ok("import-scores", str(path), "--on", on, "--summits", str(SUMMITS), "--edition", edition,
                  "--title", f"G20 compliance, {edition[4:]} edition")  # fmt: skip
    return ctrack


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Ctrack:
    ctrack = Ctrack(str(tmp_path_factory.mktemp("demo-desk") / "demo.db"))
    ctrack.ok("import", str(DATASET))
    return ctrack


def table(store: Ctrack, *args: str, width: int = 80) -> Any:
    return store.ok(*args, env={"COLUMNS": str(width), "NO_COLOR": "1"})


def first_scored(g20: Ctrack) -> str:
    return next(c["id"] for c in g20.json("status")["commitments"] if c["id"].startswith("2010s"))


def fits(out: str, width: int) -> None:
    long = [line for line in out.splitlines() if len(line) > width]
    assert long == [], f"{len(long)} lines wider than {width}: {long[:2]}"


# -- 2. At 80 columns -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("store", ["g20", "demo"])
def test_history_labels_its_record_time_and_author(request, store, width):
    ctrack = request.getfixturevalue(store)
    slug = first_scored(ctrack) if store == "g20" else "trilateral-coordinating-mechanism"
    events = ctrack.json("history", slug)["events"]
    out = table(ctrack, "history", slug, width=width).stdout
    fits(out, width)
    lines = out.splitlines()
    stamped = [line for line in lines if STAMP.search(line)]
    assert len(stamped) == len(events)
    header = next(line for line in lines if line.lstrip().startswith("#"))
    if "recorded" not in header:  # moved under another column: each line says what it is
        assert all("recorded " + STAMP.search(line).group() in line for line in stamped)
        assert sum(f"by {events[0]['recorded_by']}" in line for line in lines) == len(events)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_event_without_a_valid_date_does_not_read_as_dated_by_its_record_time(demo, width):
    events = demo.json("history", "trilateral-coordinating-mechanism")["events"]
    undated = [e for e in events if not e["on"]]
    assert undated  # the retraction
    out = table(demo, "history", "trilateral-coordinating-mechanism", width=width).stdout
    for event in undated:
        n = "#" + event["ref"].split("#")[1]
        line = next(line for line in out.splitlines() if line.lstrip().startswith(n + " "))
        assert not re.match(rf"\s*{n}\s+\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:", line), line


@pytest.mark.parametrize("width", WIDTHS)
def test_references_in_the_detail_are_never_split(demo, width):
    events = demo.json("history", "trilateral-coordinating-mechanism")["events"]
    refs = {e["target"] for e in events if e.get("target")} | {r for e in events for r in e["retracted_by"]}
    assert refs
    out = table(demo, "history", "trilateral-coordinating-mechanism", width=width).stdout
    words = set(re.split(r"[\s;,]+", out))
    for ref in refs:
        assert ref in words, f"{ref} is cut at {width} columns"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("store", ["g20", "demo"])
def test_matrix_labels_the_columns_it_moves(request, store, width):
    ctrack = request.getfixturevalue(store)
    args = ("matrix", "--area", "Trade") if store == "g20" else ("matrix", "--as-of", "2024-11-20")
    out = table(ctrack, *args, width=width)
    fits(out.stdout, width)
    header = next(line for line in out.stdout.splitlines() if line.lstrip().startswith("id "))
    data = ctrack.json(*args)
    for row in data["rows"]:
        if row["due_on"] and "due" not in header.split():
            assert f"due: {row['due_on']}" in out.stdout


def test_twenty_members_fit_in_one_part_at_200_columns_and_columns_are_as_wide_as_their_content(g20):
    out = table(g20, "matrix", "--area", "Trade", width=200)
    assert "Printed in" not in out.stderr
    header = next(line for line in out.stdout.splitlines() if line.lstrip().startswith("id "))
    members = g20.json("matrix", "--area", "Trade")["parties"]
    assert len(members) == 20 and all(m in header.split() for m in members)
    # each member's column no wider than its widest cell ("+1", "-1", or its average "+0.25")
    gaps = re.findall(r"(?<=\s)([A-Z]{2})(\s+)(?=[A-Z]{2}|$)", header)
    assert gaps and max(len(m) + len(space) for m, space in gaps) <= 8


@pytest.mark.parametrize("width", WIDTHS)
def test_scores_by_commitment_titles_every_row_in_every_part_with_the_free_width(g20, width):
    args = ("scores", "--by", "commitment", "--area", "Trade")
    out = table(g20, *args, width=width).stdout
    fits(out, width)
    groups = g20.json(*args)["groups"]
    words = " ".join(out.split())
    parts = out.count("Compliance by commitment")
    for group in groups:
        assert words.count(" ".join(group["title"].split()[:4])) >= parts, group["id"]
    headers = [line for line in out.splitlines() if line.lstrip().startswith("id ")]
    assert headers and all("commitments" not in line.split() for line in headers)
    widest = max(len(line) for line in out.splitlines() if "Trade" not in line)
    assert widest >= width - 12  # the titles take the room there is


def test_scores_sort_by_key_average_or_number_of_scores(g20):
    base = ("scores", "--by", "commitment", "--area", "Trade")
    by_key = [g["key"] for g in g20.json(*base, "--sort", "key")["groups"]]
    assert by_key == sorted(by_key)
    averages = [g["average"] for g in g20.json(*base, "--sort", "average")["groups"]]
    assert averages == sorted(averages, reverse=True)
    counts = [g["scores"] for g in g20.json(*base, "--sort", "scores")["groups"]]
    assert counts == sorted(counts, reverse=True)
    parties = [g["average"] for g in g20.json("scores", "--sort", "average")["groups"]]
    assert parties == sorted(parties, reverse=True)
    out = table(g20, *base, "--sort", "average")
    assert out.stdout.index(g20.json(*base, "--sort", "average")["groups"][0]["id"]) < out.stdout.index(
        g20.json(*base, "--sort", "average")["groups"][-1]["id"])


def test_scores_refuses_an_unknown_sort(g20):
    from tests.cli.helpers import error_line

    error_line(g20("scores", "--sort", "colour"), 2, "--sort")


# -- 3. Headings say which moment answered ------------------------------------------------------


@pytest.mark.parametrize("command", [("scores",), ("scores", "--by", "commitment"), ("matrix",), ("status",)])
def test_a_heading_for_an_edition_says_as_known_at_that_edition(g20, command):
    out = table(g20, *command, "--known-at", "g20-2022", width=200).stdout
    heading = out.splitlines()[0]
    assert "as known at g20-2022" in heading, heading
    assert "as known at" not in table(g20, *command, width=200).stdout.splitlines()[0]


def test_show_and_history_headings_say_as_known_at_the_end_of_a_day(demo):
    for command in (("show", "trilateral-coordinating-mechanism"), ("history", "trilateral-coordinating-mechanism")):
        out = table(demo, *command, "--known-at", "2030-01-01", width=120).stdout
        assert "as known at the end of 2030-01-01" in out.splitlines()[0]


def test_diff_known_from_a_day_says_the_end_of_that_day_and_labels_what_changed(demo):
    args = ("diff", "--known-from", "2024-10-19", "--known-to", "2030-01-01", "--as-of", "2024-11-20")
    for width in WIDTHS:
        out = table(demo, *args, width=width).stdout
        heading = " ".join(out.split("\n\n")[0].split())
        assert "the end of 2024-10-19" in heading and "the end of 2030-01-01" in heading
        assert "23:59:59" not in heading
        changes = demo.json(*args)["changes"]
        header = next(line for line in out.splitlines() if line.lstrip().startswith("id "))
        if "changed" not in header.split():
            for change in changes:
                assert "changed: " + ", ".join(change["changed"]) in " ".join(out.split())


def test_diff_between_editions_names_them(g20):
    out = table(g20, "diff", "--known-from", "g20-2022", "--known-to", "g20-2023", width=200).stdout
    assert "g20-2022" in out.splitlines()[0] and "g20-2023" in out.splitlines()[0]


# -- Layouts hold on both stores at every width ---------------------------------------------------


QUERIES = [("status",), ("show",), ("history",), ("matrix",), ("scores",), ("scores", "--by", "commitment"),
           ("scores", "--by", "area")]  # fmt: skip
CASES = [(store, query) for store in ("g20", "demo") for query in QUERIES if store == "g20" or query[0] != "scores"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("store", "query"), CASES, ids=[f"{s}-{' '.join(q)}" for s, q in CASES])
def test_every_line_fits(request, store, query, width):
    ctrack = request.getfixturevalue(store)
    slug = first_scored(ctrack) if store == "g20" else "trilateral-coordinating-mechanism"
    args = (*query, slug) if query[0] in ("show", "history") else query
    fits(table(ctrack, *args, width=width).stdout, width)


# -- 1. Score-only commitments lead with their scores (display only) -----------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_status_shows_a_score_only_commitments_average_instead_of_pledged(g20, width):
    data = g20.json("status", "--area", "Trade")
    assert {c["status"] for c in data["commitments"]} == {"pledged"}  # SPEC §5 keeps it in JSON
    csv_out = g20.ok("status", "--area", "Trade", "--format", "csv").stdout
    assert "pledged" in csv_out
    out = table(g20, "status", "--area", "Trade", width=width).stdout
    fits(out, width)
    assert "pledged" not in out
    groups = {g["id"]: g for g in g20.json("scores", "--by", "commitment", "--area", "Trade")["groups"]}
    words = " ".join(out.split())
    for item in data["commitments"]:
        assert f"{item['id']}" in words
        assert f"{groups[item['id']]['average']:+.2f}" in words


def test_show_of_a_score_only_commitment_leads_with_its_scores(g20):
    slug = first_scored(g20)
    out = table(g20, "show", slug, width=80).stdout
    fields = [line.split()[0] for line in out.split("\n\n")[1].splitlines()[2:] if line[:2].strip()]
    assert fields[:2] == ["average", "scores"], fields
    head = out.split("Events of")[0]
    assert "pledged" not in head and "pending" not in head
    assert g20.json("show", slug)["status"] == "pledged"


def test_history_of_a_score_only_commitment_shows_each_score_where_the_status_was(g20):
    slug = first_scored(g20)
    events = g20.json("history", slug)["events"]
    for width in WIDTHS:
        out = table(g20, "history", slug, width=width).stdout
        assert "pledged" not in out
        words = " ".join(out.split())
        for event in events:
            if event["type"] == "compliance_assessed":
                mark = f"{event['score']:+d}" if event["score"] else "0"
                assert f"{event['party']} {mark}" in words or f"→ {mark}" in words


def test_matrix_summary_of_score_only_commitments_is_their_average_not_0_of_0(g20):
    out = table(g20, "matrix", "--area", "Trade", width=200).stdout
    assert "n/a" not in out and "0/0" not in out
    assert "average score" in out


def test_a_commitment_with_a_status_keeps_it_beside_its_scores(demo, tmp_path):
    store = Ctrack(str(tmp_path / "mixed.db"))
    store.ok("import", str(DATASET))
    store.ok("assess", "tscf-moc", "--party", "US", "--score", "1", "--on", "2025-01-01")
    out = table(store, "status", width=200).stdout
    line = next(line for line in out.splitlines() if line.lstrip().startswith("tscf-moc "))
    assert store.json("show", "tscf-moc")["status"] in line
