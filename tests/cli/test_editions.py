"""Editions of compliance scores (SPEC §8.1): ``publish``, ``editions``, ``import-scores --edition``
and ``--known-at EDITION``, as a user runs them, on both stores."""

from __future__ import annotations

import csv
import io
import json

from tests.cli.helpers import error_line, untouched

FIRST = (
    "area,id,year,code,text,average,japan,united.states\n"
    "Trade,2019-1,2019,,We will keep markets open.,0.5,1,0\n"
    "Health,2019-2,2019,,Strengthen health systems.,0,0,0\n"
)
# The second edition rescores 2019-2 for the US and adds 2020-1.
SECOND = FIRST.replace("0,0,0\n", "0.5,0,1\n") + "Energy,2020-1,2020,,Phase out coal.,-1,-1,\n"


def test_publish_records_an_edition_in_its_own_stream_and_editions_lists_them_oldest_first(ctrack):
    assert ctrack.ok("publish", "g20-2023", "--on", "2023-11-01", "--title", "2023 edition").stdout == "g20-2023#1\n"
    error_line(ctrack("publish", "early", "--on", "2022-11-01", "--title", "Too early"), 1,
               "publication order", "g20-2023")  # fmt: skip
    ctrack.ok("publish", "late", "--on", "2024-06", "--title", "Interim report", "--cycle", "Interim",
              "--summit", "2023ND")  # fmt: skip
    data = ctrack.json("editions")
    assert [(e["id"], e["on"], e["title"], e["cycle"], e["summit"]) for e in data["editions"]] == [
        ("g20-2023", "2023-11-01", "2023 edition", None, None),
        ("late", "2024-06", "Interim report", "interim", "2023ND"),
    ]
    assert data["editions"][0]["ref"] == "g20-2023#1" and data["editions"][0]["recorded_at"]
    rows = list(csv.DictReader(io.StringIO(ctrack.ok("editions", "--format", "csv").stdout)))
    assert [r["id"] for r in rows] == ["g20-2023", "late"]
    assert "Interim report" in ctrack.ok("editions").stdout


def test_publish_refuses_an_id_that_exists_and_an_id_that_reads_as_a_date(ctrack):
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US")
    ctrack.ok("publish", "ed1", "--on", "2024-02-01", "--title", "First")
    with untouched(ctrack):
        error_line(ctrack("publish", "open", "--on", "2024-03-01", "--title", "T"), 1, "'open' is already used")
        error_line(ctrack("publish", "ed1", "--on", "2024-03-01", "--title", "T"), 1, "'ed1' is already used")
        for dated in ("2024", "2024-06", "2024-06-01"):
            error_line(ctrack("publish", dated, "--on", "2024-03-01", "--title", "T"), 2, "reads as a date")


def test_import_scores_with_an_edition_records_its_scores_and_the_edition_in_one_go(ctrack, write):
    table = write("first.csv", FIRST)
    result = ctrack.ok("import-scores", str(table), "--on", "2022-11-01", "--cycle", "final", "--edition", "ed-2022",
                       "--title", "2022 edition", "--assessor", "G20RG", "--note", "as published", "--json")  # fmt: skip
    assert json.loads(result.stdout)["new_scores"] == 4 and json.loads(result.stdout)["edition"] == "ed-2022"
    events = [json.loads(line) for line in ctrack.ok("export").stdout.splitlines()]
    scores = [e for e in events if e["type"] == "compliance_assessed"]
    assert {(e["edition"], e["assessor"], e["note"], e["cycle"]) for e in scores} == {
        ("ed-2022", "G20RG", "as published", "final")}
    assert events[-1]["type"] == "edition_published"
    assert {k: events[-1][k] for k in ("edition", "on", "title", "cycle", "note")} == {
        "edition": "ed-2022", "on": "2022-11-01", "title": "2022 edition", "cycle": "final", "note": "as published"}
    assert len({e["recorded_at"] for e in events}) == 1  # one transaction
    with untouched(ctrack):  # nothing new: nothing recorded, exit 0
        again = ctrack.ok("import-scores", str(table), "--on", "2022-11-01", "--cycle", "final",
                          "--edition", "ed-2022", "--json")  # fmt: skip
        assert json.loads(again.stdout)["new_scores"] == 0
    changed = write("second.csv", SECOND)
    with untouched(ctrack):
        error_line(ctrack("import-scores", str(changed), "--on", "2023-11-01", "--cycle", "final",
                          "--edition", "ed-2022"), 1, "edition ed-2022 is already published")  # fmt: skip
        error_line(ctrack("import-scores", str(changed), "--on", "2023-11-01", "--edition", "ed-2023"), 2,
                   "--title")  # fmt: skip
        error_line(ctrack("import-scores", str(changed), "--on", "2021-11-01", "--edition", "ed-2021",
                          "--title", "Older"), 1, "publication order")  # fmt: skip
        error_line(ctrack("import-scores", str(changed), "--on", "2023-11-01", "--edition", "2023",
                          "--title", "Dated"), 2, "reads as a date")  # fmt: skip
        error_line(ctrack("import-scores", str(changed), "--on", "2023-11-01", "--edition", "2019-1",
                          "--title", "Taken"), 1, "'2019-1' is already used")  # fmt: skip
    ctrack.ok("import-scores", str(changed), "--on", "2023-11-01", "--cycle", "final", "--edition", "ed-2023",
              "--title", "2023 edition")  # fmt: skip
    assert [e["id"] for e in ctrack.json("editions")["editions"]] == ["ed-2022", "ed-2023"]


def test_a_stored_assessment_without_an_edition_keeps_its_payload(ctrack):
    """Stored events are forever: the new optional fields leave older events' bytes as they were."""
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US")
    ctrack.ok("assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01")
    exported = [json.loads(line) for line in ctrack.ok("export").stdout.splitlines()]
    assert "edition" not in exported[-1] and "summit" not in exported[0]
    assert ctrack.ok("verify").exit_code == 0


def test_schema_publishes_the_edition_event(ctrack):
    schema = json.loads(ctrack.ok("schema").stdout)
    edition = schema["$defs"]["EditionPublished"]
    assert edition["required"] == ["type", "edition", "on", "title"]
    assert {"cycle", "summit", "note", "source"} <= set(edition["properties"])
    assert "edition" in schema["$defs"]["ComplianceAssessed"]["properties"]


def test_verify_and_the_view_agree_on_a_store_with_editions(ctrack, write):
    ctrack.ok("import-scores", str(write("first.csv", FIRST)), "--on", "2022-11-01", "--edition", "ed-2022",
              "--title", "2022 edition")  # fmt: skip
    assert ctrack.json("scores")["overall"]["scores"] == 4
    assert ctrack.ok("verify").exit_code == 0
    assert ctrack.ok("rebuild").exit_code == 0 and ctrack.ok("verify").exit_code == 0


def _two_editions(ctrack, write):
    ctrack.ok("import-scores", str(write("first.csv", FIRST)), "--on", "2022-11-01", "--cycle", "final",
              "--edition", "ed-2022", "--title", "2022 edition")  # fmt: skip
    ctrack.ok("import-scores", str(write("second.csv", SECOND)), "--on", "2023-11-01", "--cycle", "final",
              "--edition", "ed-2023", "--title", "2023 edition")  # fmt: skip


def _party_scores(ctrack, *args):
    return {g["id"]: g["party_scores"] for g in ctrack.json("scores", "--by", "commitment", *args)["groups"]}


def test_known_at_an_edition_is_the_store_as_that_edition_was_recorded_and_a_caret_just_before(ctrack, write):
    _two_editions(ctrack, write)
    first = {"2019-1": {"JP": 1, "US": 0}, "2019-2": {"JP": 0, "US": 0}}
    assert _party_scores(ctrack, "--known-at", "ed-2022") == first
    assert _party_scores(ctrack, "--known-at", "ED-2023^") == first
    assert _party_scores(ctrack, "--known-at", "ed-2023") == {**first, "2019-2": {"JP": 0, "US": 1},
                                                              "2020-1": {"JP": -1}}  # fmt: skip
    assert ctrack.json("scores", "--known-at", "ed-2022^")["overall"]["scores"] == 0
    assert ctrack.json("status", "--known-at", "ed-2022")["known_at"] == ctrack.json("editions")["editions"][0]["recorded_at"]
    diff = ctrack.json("diff", "--known-from", "ed-2022", "--known-to", "ed-2023", "--as-of", "2024-01-01")
    assert {c["id"] for c in diff["changes"]} == {"2019-2", "2020-1"}  # rescored (its last event moved), added


def test_show_an_edition_shows_what_was_published_and_when_it_was_recorded(ctrack, write):
    # history showed an edition; show said it was "not a commitment".
    _two_editions(ctrack, write)
    shown = ctrack.json("show", "ed-2022")
    listed = ctrack.json("editions")["editions"][0]
    assert shown == listed | {"kind": "edition"}
    table = ctrack.ok("show", "ed-2022").stdout
    assert "2022 edition" in table and "2022-11-01" in table and "final" in table and listed["ref"] in table
    assert "--known-at ed-2022" in ctrack.ok("show", "ed-2022").stderr  # what to do with it


def test_an_unknown_edition_is_a_usage_error_naming_the_close_ones(ctrack, write):
    _two_editions(ctrack, write)
    with untouched(ctrack):
        error_line(ctrack("scores", "--known-at", "ed-2032"), 2, "unknown edition 'ed-2032'; did you mean",
                   "'ed-2022'", "'ed-2023'")  # fmt: skip
        error_line(ctrack("diff", "--known-from", "ed-2022", "--known-to", "ed-2024^"), 2, "unknown edition 'ed-2024'")
        error_line(ctrack("status", "--known-at", "2019-1"), 2, "'2019-1' is a commitment, not an edition")


def test_diff_between_two_editions_lists_each_score_that_changed_per_cycle(ctrack, write):
    _two_editions(ctrack, write)
    ctrack.ok("assess", "2019-1", "--party", "US", "--score", "1", "--on", "2023-12-01")  # no cycle: a unit of its own
    data = ctrack.json("diff", "--known-from", "ed-2022", "--known-to", "ed-2023", "--as-of", "2024-01-01")
    assert data["scores"] == [
        {"commitment": "2019-2", "party": "US", "cycle": "final", "before": 0, "after": 1,
         "causes": ["2019-2#5"]},  # the score (its published average, corrected too, changes no score)
        {"commitment": "2020-1", "party": "JP", "cycle": "final", "before": None, "after": -1,
         "causes": ["2020-1#1", "2020-1#2"]},
    ]  # fmt: skip
    since = ctrack.json("diff", "--known-from", "ed-2023", "--as-of", "2024-01-01")["scores"]
    assert [(s["commitment"], s["party"], s["cycle"], s["before"], s["after"]) for s in since] == [
        ("2019-1", "US", None, None, 1)]
    table = ctrack.ok("diff", "--known-from", "ed-2022", "--known-to", "ed-2023", "--as-of", "2024-01-01").stdout
    assert "Scores learned between" in table and "2020-1#2" in table
    rows = list(csv.DictReader(io.StringIO(ctrack.ok("diff", "--known-from", "ed-2022", "--known-to", "ed-2023",
                                                     "--as-of", "2024-01-01", "--scores", "--format", "csv").stdout)))
    assert [(r["commitment"], r["party"], r["before"], r["after"]) for r in rows] == [
        ("2019-2", "US", "0", "1"), ("2020-1", "JP", "", "-1")]
    error_line(ctrack("diff", "--from", "2020-01-01", "--scores"), 2, "--scores", "--known-from")


def test_a_score_changes_causes_are_the_events_that_change_that_units_score(ctrack):
    # Before, every event of the commitment in the window was a cause of each of its scores: an
    # analyst asking why the EU's score moved was shown the GB and US assessments too.
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "Open markets", "--party", "US", "--party", "JP")
    ctrack.ok("assess", "c", "--party", "US", "--score", "0", "--on", "2024-06-01", "--cycle", "final")  # c#2
    ctrack.ok("assess", "c", "--party", "JP", "--score", "1", "--on", "2024-06-01", "--cycle", "final")  # c#3
    ctrack.ok("correct", "c#1", "--reason", "a better title", "--title", "Keep markets open")  # c#4
    ctrack.ok("assess", "c", "--party", "US", "--score", "1", "--on", "2024-06-02", "--cycle", "final")  # c#5
    ctrack.ok("correct", "c#3", "--reason", "misread", "--score", "-1")  # c#6
    ctrack.ok("assess", "c", "--party", "JP", "--score", "0", "--on", "2024-06-01", "--cycle", "interim")  # c#7
    ctrack.ok("correct", "c#7", "--reason", "the final report", "--cycle", "final", "--score", "1")  # c#8
    data = ctrack.json("diff", "--known-from", "c#2", "--as-of", "2024-12-31")
    assert [(s["party"], s["cycle"], s["before"], s["after"], s["causes"]) for s in data["scores"]] == [
        ("JP", "final", None, 1, ["c#3", "c#6", "c#7", "c#8"]),  # c#7 moved from interim into final by c#8
        ("US", "final", 0, 1, ["c#5"]),
    ]  # fmt: skip
    ctrack.ok("retract", "c#1", "--reason", "never made")  # c#9: every score goes with the commitment
    gone = ctrack.json("diff", "--known-from", "c#8", "--as-of", "2024-12-31")["scores"]
    assert [(s["party"], s["after"], s["causes"]) for s in gone] == [("JP", None, ["c#9"]), ("US", None, ["c#9"])]


SUMMITS_TABLE = (
    "area,id,year,code,text,average,japan,united.states\n"
    "Trade,2010S-1,2010,S,Keep markets open.,0.5,1,0\n"
    "Health,2010T-1,2010,T,Strengthen health systems.,0.9,1,-1\n"
    "Energy,2021-1,2021,,Phase out coal.,-1,-1,\n"
)


def test_import_scores_records_each_commitments_summit_and_with_an_edition_its_published_average(ctrack, write):
    ctrack.ok("import-scores", str(write("plain.csv", SUMMITS_TABLE)), "--on", "2022-01-01")
    made = {e["commitment"]: e for e in map(json.loads, ctrack.ok("export").stdout.splitlines())
            if e["type"] == "commitment_made"}  # fmt: skip
    assert {slug: e["summit"] for slug, e in made.items()} == {"2010s-1": "2010S", "2010t-1": "2010T", "2021-1": "2021"}
    assert not any("published_average" in e for e in made.values())  # recorded only with --edition
    ctrack.ok("import-scores", str(write("e1.csv", SUMMITS_TABLE)), "--on", "2022-06-01", "--edition", "e1",
              "--title", "First")  # fmt: skip
    later = SUMMITS_TABLE.replace(",0.9,1,-1", ",0.8,1,-1")
    ctrack.ok("import-scores", str(write("e2.csv", later)), "--on", "2023-06-01", "--edition", "e2", "--title", "Second")
    groups = {g["id"]: g for g in ctrack.json("scores", "--by", "commitment")["groups"]}
    assert (groups["2010s-1"]["published_average"], groups["2010s-1"]["average"]) == (0.5, 0.5)
    assert groups["2010s-1"]["average_differs"] is False and groups["2010s-1"]["text"] == "Keep markets open."
    assert (groups["2010t-1"]["published_average"], groups["2010t-1"]["average_differs"]) == (0.8, True)
    earlier = {g["id"]: g for g in ctrack.json("scores", "--by", "commitment", "--known-at", "e1")["groups"]}
    assert earlier["2010t-1"]["published_average"] == 0.9
    csv_rows = list(csv.DictReader(io.StringIO(ctrack.ok("scores", "--by", "commitment", "--format", "csv").stdout)))
    assert {"published_average", "text", "average_differs"} <= set(csv_rows[0])


def test_scores_of_one_summit_or_one_year_and_by_summit(ctrack, write):
    ctrack.ok("import-scores", str(write("plain.csv", SUMMITS_TABLE)), "--on", "2022-01-01")
    assert ctrack.json("scores", "--summit", "2010S")["overall"] == {"average": 0.5, "percent": 75.0, "scores": 2,
                                                                     "commitments": 1, "disputed": 0}  # fmt: skip
    assert ctrack.json("scores", "--summit", "2010s", "--by", "commitment")["groups"][0]["id"] == "2010s-1"
    assert ctrack.json("scores", "--summit", "2010")["overall"]["commitments"] == 2  # a year: each of its summits
    assert ctrack.json("scores", "--year", "2021")["overall"] == {"average": -1.0, "percent": 0.0, "scores": 1,
                                                                  "commitments": 1, "disputed": 0}  # fmt: skip
    # A year no summit of the store was held in names none: a usage error, as report --summit's, with the close ones.
    error_line(ctrack("scores", "--summit", "2011"), 2, "no commitment was made at a summit '2011'", "2010S")
    by_summit = ctrack.json("scores", "--by", "summit")
    assert [(g["key"], g["scores"], g["average"]) for g in by_summit["groups"]] == [
        ("2010S", 2, 0.5), ("2010T", 2, 0.0), ("2021", 1, -1.0)]
    assert by_summit["overall"]["scores"] == 5
    assert "2010T" in ctrack.ok("scores", "--by", "summit").stdout


FORMULA_ROW = "=Trade,2022-1,2022,,\"=HYPERLINK(\"\"x\"\") we will act.\",1,1,1\n"


def test_export_scores_writes_the_wide_layout_that_imports_again_as_nothing_new(ctrack, write, tmp_path):
    ctrack.ok("import-scores", str(write("plain.csv", SUMMITS_TABLE + FORMULA_ROW)), "--on", "2022-01-01",
              "--cycle", "final", "--edition", "e1", "--title", "First")  # fmt: skip
    out = tmp_path / "out.csv"
    ctrack.ok("export-scores", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["area", "id", "year", "code", "text", "average", "JP", "US"]
    assert rows[1] == ["Trade", "2010S-1", "2010", "S", "Keep markets open.", "0.5", "1", "0"]
    assert rows[3] == ["Energy", "2021-1", "2021", "", "Phase out coal.", "-1", "-1", ""]
    assert rows[4][0] == "'=Trade" and rows[4][4] == "'=HYPERLINK(\"x\") we will act."  # never run as a formula
    with untouched(ctrack):
        again = ctrack.json("import-scores", str(out), "--on", "2024-01-01", "--cycle", "final")
        assert (again["new_commitments"], again["corrections"], again["new_scores"]) == (0, 0, 0)
        error_line(ctrack("export-scores", "-o", str(out)), 1, "already exists", "--force")
    assert ctrack.ok("export-scores", "-o", str(out), "--force").exit_code == 0
    published = list(csv.DictReader(io.StringIO(ctrack.ok("export-scores", "--published", "--summit", "2010").stdout)))
    assert [(r["id"], r["average"]) for r in published] == [("2010S-1", "0.5"), ("2010T-1", "0.9")]
    computed = list(csv.DictReader(io.StringIO(ctrack.ok("export-scores", "--year", "2010").stdout)))
    assert [(r["id"], r["average"]) for r in computed] == [("2010S-1", "0.5"), ("2010T-1", "0")]
    assert ctrack.ok("export-scores", "--cycle", "final", "--as-of", "2000-01-01").stdout.splitlines() == [
        "area,id,year,code,text,average"]  # no score of that cycle at that date
    error_line(ctrack("export-scores", "--cycle", "interim"), 2, "no score has the cycle 'interim'")  # none ever


def test_export_scores_of_a_pledge_without_code_or_wording_writes_its_id_and_title(ctrack):
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US")
    ctrack.ok("assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01")
    rows = list(csv.DictReader(io.StringIO(ctrack.ok("export-scores").stdout)))
    assert rows == [{"area": "", "id": "open", "year": "2024", "code": "", "text": "Keep markets open",
                     "average": "1", "US": "1"}]  # fmt: skip


def test_a_commitment_without_a_summit_matches_no_summit_and_a_note_counts_such_commitments(ctrack, write):
    ctrack.ok("pledge", "old", "--on", "2010-06-01", "--title", "Old", "--party", "US")
    ctrack.ok("assess", "old", "--party", "US", "--score", "1", "--on", "2011-01-01")
    ctrack.ok("import-scores", str(write("plain.csv", SUMMITS_TABLE)), "--on", "2022-01-01")
    result = ctrack.ok("scores", "--summit", "2010", "--json")
    assert json.loads(result.stdout)["overall"]["commitments"] == 2
    assert "Note: 1 commitment has no summit recorded" in result.stderr
    assert "Note: 1 commitment has no summit recorded" in ctrack.ok("export-scores", "--summit", "2010").stderr
    assert "Note:" not in ctrack.ok("scores", "--year", "2010").stderr
    assert json.loads(ctrack.ok("scores", "--year", "2010", "--json").stdout)["overall"]["commitments"] == 3


def test_cells_a_later_table_leaves_empty_keep_their_scores_and_the_import_says_how_many(ctrack, write):
    ctrack.ok("import-scores", str(write("first.csv", FIRST)), "--on", "2022-11-01")
    emptied = write("emptied.csv", FIRST.replace("0.5,1,0\n", "0.5,1,\n").replace("0,0,0\n", "0,,\n"))
    with untouched(ctrack):
        result = ctrack.ok("import-scores", str(emptied), "--on", "2023-11-01", "--json")
    assert json.loads(result.stdout)["new_scores"] == 0
    assert "3 scores the table leaves empty are kept as they were" in result.stderr
    assert _party_scores(ctrack)["2019-1"] == {"JP": 1, "US": 0}


def test_an_area_or_a_cycle_no_score_has_is_refused_with_the_close_ones(ctrack, write):
    """Never named anywhere in the store: a usage error (exit 2) naming the close ones; a name the
    store knows with no score at the moment asked: an empty answer with a Note."""
    ctrack.ok("import-scores", str(write("first.csv", FIRST)), "--on", "2022-11-01", "--cycle", "final")
    error_line(ctrack("scores", "--area", "Trdae", "--json"), 2, "no commitment has the issue area 'Trdae'",
               "did you mean 'Trade'?")  # fmt: skip
    error_line(ctrack("scores", "--cycle", "fianl"), 2, "no score has the cycle 'fianl'", "did you mean 'final'?")
    assert "Note:" not in ctrack.ok("scores", "--area", "trade", "--cycle", "FINAL").stderr
    error_line(ctrack("export-scores", "--area", "Trdae"), 2, "did you mean 'Trade'")
    early = ctrack.ok("scores", "--area", "Trade", "--as-of", "2000-01-01", "--json")
    assert json.loads(early.stdout)["overall"]["scores"] == 0 and "Note:" in early.stderr


def test_import_of_editions_keeps_them_in_publication_order(ctrack, write):
    first = {"type": "edition_published", "edition": "e1", "on": "2022-01-01", "title": "One"}
    earlier = {"type": "edition_published", "edition": "e0", "on": "2021-01-01", "title": "Before"}
    with untouched(ctrack):
        error_line(ctrack("import", str(write("both.jsonl", f"{json.dumps(first)}\n{json.dumps(earlier)}\n"))), 1,
                   "line 2", "publication order")  # fmt: skip
    ctrack.ok("import", str(write("one.jsonl", json.dumps(first) + "\n")))
    with untouched(ctrack):
        error_line(ctrack("import", str(write("earlier.jsonl", json.dumps(earlier) + "\n"))), 1, "publication order")
        dated = {**first, "edition": "2023"}
        error_line(ctrack("import", str(write("dated.jsonl", json.dumps(dated) + "\n"))), 1, "reads as a date")


# The interim report of the same commitments: other scores, other published averages.
INTERIM = (
    "area,id,year,code,text,average,japan,united.states\n"
    "Trade,2019-1,2019,,We will keep markets open.,-1,-1,-1\n"
    "Health,2019-2,2019,,Strengthen health systems.,0,1,-1\n"
)


def test_a_published_average_is_set_beside_the_scores_of_its_editions_cycle_alone(ctrack, write):
    """``scores --cycle C`` compares each commitment's average of C's scores with the published
    average only where the edition that published that average was of cycle C: a final edition's
    average beside interim scores would flag every commitment as differing."""
    ctrack.ok("import-scores", str(write("final.csv", FIRST)), "--on", "2020-06-01", "--cycle", "final",
              "--edition", "final-2020", "--title", "Final report")  # fmt: skip
    ctrack.ok("import-scores", str(write("interim.csv", INTERIM)), "--on", "2020-12-01", "--cycle", "interim")

    def groups(*args: str) -> dict[str, tuple]:
        data = ctrack.json("scores", "--by", "commitment", *args)
        return {g["id"]: (g["average"], g["published_average"], g["average_differs"]) for g in data["groups"]}

    assert groups("--cycle", "final") == {"2019-1": (0.5, 0.5, False), "2019-2": (0.0, 0.0, False)}
    # The interim scores were published without an edition: no average of theirs is known.
    assert groups("--cycle", "interim") == {"2019-1": (-1.0, None, False), "2019-2": (0.0, None, False)}
    interim = ctrack("scores", "--by", "commitment", "--cycle", "interim")
    assert interim.exit_code == 0 and "≠" not in interim.stdout
    assert "Note: 2 published averages are of an edition of another cycle (final-2020: final)" in interim.stderr
    ctrack.ok("import-scores", str(write("interim2.csv", INTERIM)), "--on", "2021-01-01", "--cycle", "interim",
              "--edition", "interim-2021", "--title", "Interim report")  # fmt: skip
    # Now the latest edition is the interim one: its averages stand beside the interim scores alone.
    assert groups("--cycle", "interim") == {"2019-1": (-1.0, -1.0, False), "2019-2": (0.0, 0.0, False)}
    assert groups("--cycle", "final") == {"2019-1": (0.5, None, False), "2019-2": (0.0, None, False)}
    # As the store stood when the final edition was recorded, its averages were final's.
    assert groups("--cycle", "final", "--known-at", "final-2020") == {"2019-1": (0.5, 0.5, False),
                                                                      "2019-2": (0.0, 0.0, False)}  # fmt: skip
    # Without --cycle the latest edition's average is given, as SPEC §8.1 says.
    assert {k: v[1] for k, v in groups().items()} == {"2019-1": -1.0, "2019-2": 0.0}
    table = list(csv.DictReader(io.StringIO(ctrack.ok("export-scores", "--cycle", "final", "--published").stdout)))
    assert [row["average"] for row in table] == ["", ""]
    table = list(csv.DictReader(io.StringIO(ctrack.ok("export-scores", "--cycle", "interim", "--published").stdout)))
    assert [row["average"] for row in table] == ["-1", "0"]
    # The interim edition's correction of 2019-1 retracted: the final edition's average stands again, as final's.
    corrections = [e for e in ctrack.json("history", "2019-1")["events"] if e["type"] == "event_corrected"]
    assert [e["published_average"] for e in corrections] == [-1.0]  # the interim edition's alone
    ctrack.ok("retract", corrections[0]["ref"], "--reason", "misread")
    assert groups("--cycle", "final")["2019-1"] == (0.5, 0.5, False)
    assert groups("--cycle", "interim")["2019-1"] == (-1.0, None, False)


def test_export_scores_writes_a_summit_that_is_not_a_year_and_a_letter_and_says_so(ctrack, tmp_path):
    """A summit is free text to the schema ('Alpha', from an import of JSON Lines): the wide layout
    spells a summit as its year and letter, so such a row is written with its making's year and the
    summit as its code, and a Note names it; export-scores must not stop on it."""
    lines = [
        {"type": "commitment_made", "commitment": "c1", "on": "2024-01-10", "title": "T", "parties": ["US"], "summit": "Alpha"},
        {"type": "compliance_assessed", "commitment": "c1", "party": "US", "score": 1, "on": "2024-03-02"},
    ]  # fmt: skip
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ctrack.ok("import", str(path))
    result = ctrack("export-scores")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["id"], row["year"], row["code"], row["US"]) for row in rows] == [("c1", "2024", "Alpha", "1")]
    assert "Note:" in result.stderr and "c1" in result.stderr and "'Alpha'" in result.stderr
