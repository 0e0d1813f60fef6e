"""``ctrack assess``, ``ctrack scores``, ``ctrack import-scores`` and ``ctrack parties`` as a user runs them."""

from __future__ import annotations

import json

from tests.cli.helpers import error_line, made, parse_csv, refs, untouched, write_jsonl

TABLE = (
    "\ufeffarea,id,year,code,text,average,japan,korea,united.states,european.union\n"
    "Trade,2019-1 ,2019,,\"[Context] We will keep markets open.\",0.5,1,0,1,\n"
    "Health,2019-2.,2019,,Strengthen health systems.,0.9,1,\u22121,+,0\n"
)


def test_assess_records_a_score_and_scores_ranks_the_parties(ctrack):
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US",
              "--party", "JP", "--party", "ROK")  # fmt: skip
    assert refs(ctrack.ok("assess", "open", "--party", "us", "--score", "1", "--on", "2024-06-01",
                          "--cycle", "interim")) == ["open#2"]  # fmt: skip
    ctrack.ok("assess", "open", "--party", "JP", "--score", "-1", "--on", "2024-06-01", "--cycle", "interim")
    data = ctrack.json("scores", "--by", "party")
    assert [(g["key"], g["average"], g["percent"]) for g in data["groups"]] == [("US", 1.0, 100.0), ("JP", -1.0, 0.0)]
    assert data["overall"] == {"average": 0.0, "percent": 50.0, "scores": 2, "commitments": 1, "disputed": 0}
    table = ctrack.ok("scores", "--by", "party").stdout
    assert "United States" in table and "+1.00" in table and "100%" in table and "KR" not in table


def test_assess_refuses_a_bad_score_an_unknown_party_and_a_party_not_party_to_it(ctrack):
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US", "--party", "JP")
    with untouched(ctrack):
        error_line(ctrack("assess", "open", "--party", "US", "--score", "2", "--on", "2024-06-01"), 2, "'2' is not a score")
        error_line(ctrack("assess", "open", "--party", "Japan", "--score", "1", "--on", "2024-06-01"), 2,
                   "unknown party 'Japan'", "did you mean JP (Japan)")  # fmt: skip
        error_line(ctrack("assess", "open", "--party", "FR", "--score", "1", "--on", "2024-06-01"), 1,
                   "FR is not party to 'open'")  # fmt: skip
        error_line(ctrack("assess", "open", "--party", "US", "--score", "1", "--on", "2023-06-01"), 1, "before")


def test_import_scores_reads_a_published_table_and_again_records_nothing(ctrack, write):
    table = write("scores.csv", TABLE)
    result = ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--cycle", "final", "--json")
    assert json.loads(result.stdout)["new_scores"] == 7
    assert "line 3: 2019-2: published average 0.9, but its 4 scores average 0.25" in result.stderr
    groups = {g["key"]: g for g in ctrack.json("scores", "--by", "commitment")["groups"]}
    assert groups["2019-2"]["party_scores"] == {"EU": 0, "JP": 1, "KR": -1, "US": 1}
    assert groups["2019-1"]["title"] == "We will keep markets open." and groups["2019-1"]["area"] == "Trade"
    assert ctrack.json("scores", "--by", "area", "--area", "health")["overall"]["scores"] == 4
    with untouched(ctrack):
        again = ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--cycle", "final", "--json")
        assert json.loads(again.stdout)["new_scores"] == 0


def test_a_dry_run_shows_what_would_be_recorded_and_writes_nothing(ctrack, write):
    table = write("scores.csv", TABLE)
    ctrack.ok("store", "init")  # a dry run is a read: it never creates a store
    with untouched(ctrack):
        result = ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--dry-run", "--json")
    assert json.loads(result.stdout)["new_commitments"] == 2 and json.loads(result.stdout)["dry_run"] is True


def test_a_dry_run_on_a_store_not_created_yet_answers_as_an_empty_store_and_creates_nothing(
        store_url, tmp_path, write, monkeypatch):  # fmt: skip
    import tempfile

    from tests.conftest import PG_DSN, Ctrack

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    postgres = "://" in store_url
    missing = store_url + "_not_yet" if postgres else str(tmp_path / "new" / "dir" / "tracker.db")
    ctrack = Ctrack(missing)
    result = ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2020-06-01", "--dry-run", "--json")
    answer = json.loads(result.stdout)
    assert (answer["dry_run"], answer["new_commitments"], answer["new_scores"]) == (True, 2, 7)
    assert "no store at" in result.stderr and "nothing was created" in result.stderr
    checked = write_jsonl(tmp_path / "events.jsonl", made("b", on="2024-01-01"))
    assert "1 event checked" in ctrack.ok("import", str(checked), "--dry-run").stderr
    error_line(ctrack("status"), 1, "no store at")  # still none: reads never create one
    assert list(scratch.iterdir()) == []  # the empty store answered from is gone too
    if not postgres:
        assert not (tmp_path / "new").exists()
        return
    import psycopg

    with psycopg.connect(PG_DSN.split("?")[0]) as conn:
        schema = missing.rsplit("schema=", 1)[1]
        assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone() is None


def test_a_bad_cell_an_unknown_member_column_or_a_missing_column_is_one_error_and_nothing_written(ctrack, write):
    cases = [
        (TABLE.replace(",0.9,1,", ",0.9,2,"), "line 3: column 7 ('japan'): '2' is not a score"),
        (TABLE.replace("0,1,\n", "0,yes,\n"), "line 2: column 9 ('united.states'): 'yes' is not a score"),
        (TABLE.replace("japan", "atlantis"), "line 1: column 7 ('atlantis'): not a party"),
        (TABLE.replace(",text,", ",wording,"), "line 1: missing required column 'text'"),
    ]
    for text, message in cases:
        with untouched(ctrack):
            error_line(ctrack("import-scores", str(write("bad.csv", text)), "--on", "2020-06-01"), 1, message)


def test_indonesias_column_id_is_a_party_beside_the_reference_code_id(ctrack, write):
    # export-scores names party columns by their codes: Indonesia's is ID, beside the reference
    # code's id. Read as a second 'id', its scores were dropped without a word.
    table = write("scores.csv", "area,id,year,code,text,average,ID,JP\nTrade,2019-1,2019,,Keep markets open.,0,-1,1\n")
    assert json.loads(ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--json").stdout)["new_scores"] == 2
    assert ctrack.json("scores", "--by", "commitment")["groups"][0]["party_scores"] == {"ID": -1, "JP": 1}
    # The reference code's column may be spelled in capitals where it is the only one.
    upper = write("upper.csv", "Area,ID,Year,Code,Text,Average,JP\nTrade,2019-2,2019,,Open ports.,1,1\n")
    assert json.loads(ctrack.ok("import-scores", str(upper), "--on", "2020-06-01", "--json").stdout)["new_scores"] == 1


def test_an_export_with_every_g20_member_imports_again_as_every_score(ctrack, write, tmp_path):
    members = ["AR", "AU", "BR", "CA", "CN", "FR", "DE", "IN", "ID", "IT", "JP", "KR", "MX", "RU", "SA", "ZA", "TR",
               "GB", "US", "EU"]  # fmt: skip
    scores = ",".join(["1", "0", "-1", "1"] * 5)
    table = write("g20.csv", f"area,id,year,code,text,average,{','.join(members)}\nTrade,2019-1,2019,,Keep markets open.,,{scores}\n")
    ctrack.ok("import-scores", str(table), "--on", "2020-06-01")
    out = tmp_path / "export.csv"
    ctrack.ok("export-scores", "-o", str(out))
    with untouched(ctrack):
        again = json.loads(ctrack.ok("import-scores", str(out), "--on", "2020-06-01", "--json").stdout)
    assert (again["new_scores"], again["new_commitments"], again["corrections"], again["unchanged_scores"]) == (0, 0, 0, 20)
    assert "published average" not in ctrack.ok("import-scores", str(out), "--on", "2020-06-01", "--dry-run").stderr
    assert len(ctrack.json("scores", "--by", "commitment")["groups"][0]["party_scores"]) == 20


def test_a_short_row_or_a_known_column_twice_is_one_error_naming_it(ctrack, write):
    cases = [
        # A row with fewer cells than the header: a cell lost (a line broken inside a cell, say),
        # not a party "not assessed".
        (TABLE.replace(",1,\u22121,+,0\n", ",1,\u22121,+\n"), "line 3: fewer cells (9) than header columns (10)"),
        (TABLE.replace(",average,", ",average,Average,").replace(",0.5,", ",0.5,0.5,").replace(",0.9,", ",0.9,0.9,"),
         "line 1: column 7 ('Average'): a second 'average' column"),
        (TABLE.replace("area,id,", "area,ID,Id,").replace("Trade,2019-1 ,", "Trade,2019-1 ,x,").replace("Health,2019-2.,", "Health,2019-2.,x,"),
         "line 1: columns 2 ('ID') and 3 ('Id') both read as 'id'"),
        (TABLE.replace(",japan,", ",id,"), "line 1: column 7 ('id'): a second 'id' column"),
    ]
    for text, message in cases:
        with untouched(ctrack):
            error_line(ctrack("import-scores", str(write("bad.csv", text)), "--on", "2020-06-01"), 1, message)


def test_a_summit_no_commitment_was_made_at_is_a_usage_error_with_the_close_ones(ctrack, write):
    # Before, scores answered with no score and export-scores wrote a header alone, exit 0.
    ctrack.ok("import-scores", str(write("scores.csv", TABLE.replace(",2019,,", ",2019,O,"))), "--on", "2020-06-01")
    for args in (("scores",), ("scores", "--by", "commitment"), ("export-scores",)):
        with untouched(ctrack):
            error_line(ctrack(*args, "--summit", "2099"), 2, "--summit", "no commitment was made at a summit '2099'")
            error_line(ctrack(*args, "--summit", "2019X"), 2, "did you mean '2019O'")
    assert ctrack.json("scores", "--summit", "2019")["overall"]["scores"] == 7
    assert ctrack.json("scores", "--summit", "2019o")["overall"]["scores"] == 7
    # A summit that exists, with no score as of an earlier day, is an empty answer, not an error.
    assert ctrack.json("scores", "--summit", "2019O", "--as-of", "2019-01-01")["overall"]["scores"] == 0


def test_parties_lists_codes_names_and_the_short_forms_read_as_them(ctrack):
    data = ctrack.json("parties")
    found = {p["code"]: p for p in data["parties"]}
    assert found["EU"]["name"] == "European Union"
    assert "rok" in found["KR"]["aliases"] and "safrica" in found["ZA"]["aliases"]
    assert "saudi arabia" in found["SA"]["aliases"]


def test_the_report_has_a_heat_map_of_the_scores_grouped_by_area(ctrack, write, tmp_path):
    ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2020-06-01")
    out = tmp_path / "r.html"
    ctrack.ok("report", "--out", str(out))
    page = out.read_text()
    heat = page[page.index('<table id="heatmap"'):page.index("</table>", page.index('<table id="heatmap"'))]
    assert heat.count("<tr data-id=") == 2 and "Health (1)" in heat and "Trade (1)" in heat
    assert 'title="KR: -1"' in heat and 'title="EU: not assessed"' in heat
    assert "+0.67" in heat  # 2019-1: (1 + 0 + 1) / 3, the empty EU cell left out


def test_chart_scores_draws_the_heat_map(ctrack, write, tmp_path):
    import pytest

    pytest.importorskip("matplotlib")
    ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2020-06-01")
    result = ctrack.ok("chart", "--scores", "--area", "Trade", "--out", str(tmp_path / "h.svg"))
    assert "heat map of 1 commitment" in result.stderr
    svg = (tmp_path / "h.svg").read_text()
    assert "<svg" in svg and "2019-1" in svg and "2019-2" not in svg


def test_status_show_and_matrix_show_areas_codes_wording_and_scores(ctrack, write):
    ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2020-06-01")
    board = ctrack.json("status", "--area", "TRADE", "--as-of", "2021-01-01")["commitments"]
    assert [(c["id"], c["area"], c["code"]) for c in board] == [("2019-1", "Trade", "2019-1")]
    shown = ctrack.json("show", "2019-1", "--as-of", "2021-01-01")
    assert shown["text"] == "[Context] We will keep markets open." and shown["scores"] == {"JP": 1, "KR": 0, "US": 1}
    assert ctrack.json("show", "2019-1", "--as-of", "2020-05-31")["scores"] == {}  # assessed on 2020-06-01
    rows = ctrack.json("matrix", "--area", "health", "--as-of", "2021-01-01")["rows"]
    assert [(r["id"], r["scores"]) for r in rows] == [("2019-2", {"EU": 0, "JP": 1, "KR": -1, "US": 1})]
    assert "-1" in ctrack.ok("matrix", "--as-of", "2021-01-01").stdout


def test_an_unknown_party_in_an_import_file_is_refused_with_a_suggestion(ctrack, write):
    lines = write("bad.jsonl", '{"type": "commitment_made", "commitment": "x", "on": "2024-01-01", '
                               '"title": "T", "parties": ["US", "JAPAN"]}\n')  # fmt: skip
    with untouched(ctrack):
        error_line(ctrack("import", str(lines)), 1, "line 1: unknown party 'JAPAN'; did you mean JP (Japan)?")
        error_line(ctrack("pledge", "x", "--on", "2024-01-01", "--title", "T", "--party", "Japn"), 2,
                   "unknown party 'Japn'; did you mean JP (Japan)?")  # fmt: skip


def test_a_score_and_a_commitments_area_are_corrected_and_retracted_like_any_event(ctrack):
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US",
              "--party", "JP", "--area", "Trade", "--code", "2024-1", "--text", "We will keep markets open.")  # fmt: skip
    ctrack.ok("assess", "open", "--party", "US", "--score", "-1", "--on", "2024-06-01")
    ctrack.ok("assess", "open", "--party", "JP", "--score", "0", "--on", "2024-06-01")
    ctrack.ok("correct", "open#2", "--reason", "typo", "--score", "1")
    ctrack.ok("retract", "open#3", "--reason", "wrong commitment")
    ctrack.ok("correct", "open#1", "--reason", "moved", "--area", "Development")
    data = ctrack.json("scores", "--by", "commitment")
    assert [(g["id"], g["area"], g["party_scores"]) for g in data["groups"]] == [("open", "Development", {"US": 1})]
    history = ctrack.json("history", "open")["events"]
    retracted = {e["ref"]: e["retracted"] for e in history}
    assert (retracted["open#2"], retracted["open#3"]) == (False, True)


def test_replay_diff_and_due_take_area(ctrack):
    for slug, area in (("t", "Trade"), ("h", "Health")):
        ctrack.ok("pledge", slug, "--on", "2024-01-10", "--title", slug, "--party", "US", "--area", area,
                  "--due", "2024-03-01")  # fmt: skip
        ctrack.ok("progress", slug, "--on", "2024-02-01", "--note", "drafting")
    assert {c["commitment"] for c in ctrack.json("replay", "--area", "trade", "--as-of", "2024-12-31")["changes"]} == {"t"}
    assert [r["id"] for r in ctrack.json("diff", "--from", "2024-01-15", "--to", "2024-02-15", "--area", "Health")["changes"]] == ["h"]
    assert [d["id"] for d in ctrack.json("due", "--as-of", "2024-02-20", "--area", "health")["deadlines"]] == ["h"]


def test_a_summit_date_given_later_corrects_the_commitments_date_once(ctrack, write):
    table = write("scores.csv", TABLE.replace(",2019,,", ",2019,O,"))
    ctrack.ok("import-scores", str(table), "--on", "2020-06-01")  # no summit dates: dated 2019
    assert ctrack.json("show", "2019-1", "--as-of", "2021-01-01")["made_on"] == "2019"
    summits = write("summits.csv", "year,code,summit.date,host\n2019,O,2019-06-28,japan\n")
    again = ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--summits", str(summits), "--json")
    assert json.loads(again.stdout)["corrections"] == 2 and json.loads(again.stdout)["new_scores"] == 0
    assert ctrack.json("show", "2019-1", "--as-of", "2021-01-01")["made_on"] == "2019-06-28"
    with untouched(ctrack):
        ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--summits", str(summits))


def test_two_codes_with_the_same_year_and_wording_are_both_imported_and_named_in_a_note(ctrack, write):
    """A table that gives one wording, in one year, two codes (a re-coded row left in beside its
    original, as the G20 tables do with 2011C-252 and 2011-247): both are imported, and a Note
    names the pair, so the analyst can decide."""
    table = write("twins.csv", "area,id,year,code,text,average,us,japan\n"
                               "Trade,2011-247,2011,,We will resist protectionism.,,1,0\n"
                               "Trade,2011C-252,2011,C,We will  resist protectionism!,,1,1\n"
                               "Trade,2012-1,2012,,We will resist protectionism.,,0,0\n")  # fmt: skip
    result = ctrack.ok("import-scores", str(table), "--on", "2020-06-01", "--json")
    assert "lines 2, 3: 2011-247 and 2011C-252 have the same year and wording" in result.stderr
    assert "2012-1" not in result.stderr  # the same wording in another year is another commitment
    rows = ctrack.json("scores", "--by", "commitment")["groups"]
    assert {"2011-247", "2011C-252", "2012-1"} <= {row.get("code") for row in rows}


def test_scores_as_csv_hold_the_groups_alone_so_a_column_sums_to_the_total(ctrack, write):
    """The overall figures are not a group: a spreadsheet summing a CSV column must not count them
    twice (JSON keeps them apart, under ``overall``; the table prints them as a last line)."""
    import csv
    import io

    ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2020-06-01")
    for by in ("party", "commitment", "area", "year", "cycle"):
        rows = list(csv.DictReader(io.StringIO(ctrack.ok("scores", "--by", by, "--format", "csv").stdout)))
        assert "overall" not in {row.get("key") for row in rows} | {row.get("id") for row in rows}, by
        total = ctrack.json("scores", "--by", by)["overall"]["scores"]
        if by != "commitment":
            assert sum(int(row["scores"]) for row in rows) == total, by


def test_an_area_or_cycle_no_score_ever_named_is_a_usage_error_with_the_close_ones(ctrack, write):
    """A typo (``--area Trad``, ``--cycle fianl``) answers nothing, so it is refused, exit 2, naming
    the close ones, as ``--party`` is; a name the store knows that has no score at that moment is
    an empty answer with a Note."""
    ctrack.ok("import-scores", str(write("scores.csv", TABLE)), "--on", "2020-06-01", "--cycle", "final")
    for command in (("scores",), ("export-scores",)):
        typo = ctrack(*command, "--area", "Trad")
        assert typo.exit_code == 2 and "Trade" in typo.stderr and "did you mean" in typo.stderr, typo.stderr
        typo = ctrack(*command, "--cycle", "fianl")
        assert typo.exit_code == 2 and "'final'" in typo.stderr and "did you mean" in typo.stderr, typo.stderr
    early = ctrack.ok("scores", "--area", "Trade", "--as-of", "2000-01-01")
    assert "Note:" in early.stderr


def test_correct_party_corrects_the_one_party_of_an_assessment(ctrack):
    """SPEC §5's ``correct REF --party P``: an assessment has one party, and takes the one given."""
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US", "--party", "JP")
    ctrack.ok("assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01")  # open#2
    ctrack.ok("correct", "open#2", "--party", "JP", "--reason", "scored the wrong row")
    assert [(g["key"], g["scores"]) for g in ctrack.json("scores", "--by", "party")["groups"]] == [("JP", 1)]
    with untouched(ctrack):
        error_line(ctrack("correct", "open#2", "--party", "US", "--party", "JP", "--reason", "r"), 1, "one party")
        error_line(ctrack("correct", "open#2", "--party", "FR", "--reason", "r"), 1, "FR is not party to 'open'")


def test_import_scores_notes_are_notes_and_a_dash_behind_a_mismatch_is_named(ctrack, write):
    # SPEC §8.1: what the import says of a table goes in a Note:. README: where '-' stands in a row
    # whose published average disagrees, the mismatch report says so -- it did not.
    dashed = TABLE.replace(",0.9,1,\u22121,+,0\n", ",0.3333,1,-,1,\n")  # -1 read from '-': 1, -1, 1 averages 0.3333
    result = ctrack.ok("import-scores", str(write("dash.csv", dashed.replace(",0.5,", ",0.9,"))), "--on", "2020-06-01")
    lines = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert not lines, result.stderr  # every message of the import is a Note:
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note: line")]
    assert notes == ["Note: line 2: 2019-1: published average 0.9, but its 3 scores average 0.6667; the scores are stored"]
    other = TABLE.replace(",0.9,1,\u22121,+,0\n", ",1,1,-,1,\n")  # as not assessed, '-' would give 1, the published
    result = ctrack.ok("import-scores", str(write("other.csv", other)), "--on", "2021-06-01")
    assert ("Note: line 3: 2019-2: published average 1, but its 3 scores average 0.3333 ('-' is read as -1, for KR; "
            "read as not assessed, the scores would average 1); the scores are stored") in result.stderr


def test_the_rank_is_by_average_whatever_the_order_and_equal_averages_share_it(ctrack, write):
    # '#' was the row's place in the list: sorted by key, the lowest average could be '#1', and two
    # equal averages were ranked 7 and 8.
    table = ("area,id,year,code,text,average,japan,korea,united.states,european.union\n"
             "Trade,2019-1,2019,,Keep markets open.,,1,1,-1,0\n"
             "Trade,2019-2,2019,,Open ports.,,0,0,-1,1\n")  # fmt: skip
    ctrack.ok("import-scores", str(write("ties.csv", table)), "--on", "2020-06-01")
    for order in ((), ("--sort", "key"), ("--sort", "scores"), ("--sort", "average")):
        rows = parse_csv(ctrack.ok("scores", "--by", "party", "--format", "csv", *order).stdout)
        assert {row["key"]: row["rank"] for row in rows} == {"EU": "1", "JP": "1", "KR": "1", "US": "4"}, order
    table = ctrack.ok("scores", "--by", "party", "--sort", "key").stdout
    us = next(line for line in table.splitlines() if " US " in f" {line} ")
    assert us.split()[0] == "4"
