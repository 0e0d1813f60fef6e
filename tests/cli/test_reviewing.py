"""SPEC §8.2 as an analyst team uses it: two analysts score, a reviewer approves, returns and
reconciles; ``--approved-only``, ``queue``, ``--disagreements`` and ``disputed`` follow, bitemporally."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import refs


@pytest.fixture
def team(ctrack):
    """open: ana scores US 1 (open#2) and JP 1 (open#3); bob scores US 0 (open#4) and JP 1 (open#5)."""
    ctrack.ok("--by", "ana", "pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open",
              "--party", "US", "--party", "JP")  # fmt: skip
    for by, party, score in (("ana", "US", "1"), ("ana", "JP", "1"), ("bob", "US", "0"), ("bob", "JP", "1")):
        ctrack.ok("--by", by, "assess", "open", "--party", party, "--score", score, "--on", "2024-06-01",
                  "--cycle", "final", "--note", f"{by}'s reading")  # fmt: skip
    return ctrack


def scores(ctrack, *args):
    return {g["key"]: g["average"] for g in ctrack.json("scores", "--by", "party", *args)["groups"]}


def test_only_approved_scores_count_with_approved_only_and_a_return_takes_one_out(team):
    ctrack = team
    assert scores(ctrack, "--approved-only") == {}
    approved = refs(ctrack.ok("--by", "rev", "review", "open#2", "--approve", "--on", "2024-07-01"))[0]
    assert scores(ctrack, "--approved-only") == {"US": 1.0}
    assert scores(ctrack) == {"JP": 1.0, "US": 0.0}  # without it: the latest score, bob's
    ctrack.ok("--by", "rev", "review", "open#4", "--approve", "--on", "2024-07-01")
    assert scores(ctrack, "--approved-only") == {"US": 0.0}  # both approved: the latest counts
    ctrack.ok("--by", "rev", "review", "open#4", "--return", "--on", "2024-07-02", "--note", "which source?")
    assert scores(ctrack, "--approved-only") == {"US": 1.0}  # the last review decides
    # Bitemporal: as known just before the approval, nothing was approved.
    assert scores(ctrack, "--approved-only", "--known-at", f"{approved}^") == {}
    assert scores(ctrack, "--approved-only", "--known-at", approved) == {"US": 1.0}
    # A review's own date does not matter for --as-of.
    assert scores(ctrack, "--approved-only", "--as-of", "2024-06-15") == {"US": 1.0}


def test_retracting_a_review_or_a_reconciliation_restores_the_answer_before_it(team):
    ctrack = team
    before = ctrack.json("scores", "--by", "commitment", "--approved-only")
    review = refs(ctrack.ok("--by", "rev", "review", "open#2", "--approve", "--on", "2024-07-01"))[0]
    assert ctrack.json("scores", "--by", "commitment", "--approved-only")["groups"] != before["groups"]
    ctrack.ok("--by", "rev", "retract", review, "--reason", "approved the wrong one")
    assert ctrack.json("scores", "--by", "commitment", "--approved-only")["groups"] == before["groups"]

    disputed = ctrack.json("scores", "--by", "commitment")
    assert disputed["groups"][0]["disputed"] == 1 and disputed["overall"]["disputed"] == 1
    settled = refs(ctrack.ok("--by", "rev", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-07-05",
                             "--cycle", "final", "--reconciles", "open#2", "--reconciles", "open#4"))[0]  # fmt: skip
    after = ctrack.json("scores", "--by", "commitment")
    assert after["groups"][0]["disputed"] == 0 and after["groups"][0]["party_scores"] == {"JP": 1, "US": 1}
    ctrack.ok("retract", settled, "--reason", "not settled yet")
    restored = ctrack.json("scores", "--by", "commitment")
    assert restored["groups"] == disputed["groups"] and restored["overall"] == disputed["overall"]


def test_disputed_is_counted_in_every_grouping_until_reconciled(team):
    ctrack = team
    for by in ("commitment", "party", "area", "year", "cycle", "summit"):
        data = ctrack.json("scores", "--by", by)
        assert data["overall"]["disputed"] == 1, by
        assert sum(g["disputed"] for g in data["groups"]) == 1, by
    assert ctrack.json("scores", "--party", "JP")["overall"]["disputed"] == 0
    found = ctrack.json("scores", "--disagreements")["disagreements"]
    assert [(d["commitment"], d["party"], d["cycle"], d["disputed"]) for d in found] == [("open", "US", "final", True)]
    assert [(s["analyst"], s["score"], s["ref"], s["note"]) for s in found[0]["scores"]] == [
        ("ana", 1, "open#2", "ana's reading"), ("bob", 0, "open#4", "bob's reading")]
    ctrack.ok("--by", "rev", "assess", "open", "--party", "US", "--score", "0", "--on", "2024-07-05", "--cycle", "final",
              "--reconciles", "open#2", "--reconciles", "open#4", "--note", "the decree is not in force")  # fmt: skip
    found = ctrack.json("scores", "--disagreements")["disagreements"]
    assert found[0]["disputed"] is False and found[0]["reconciled_by"]["ref"] == "open#6"
    assert ctrack.json("scores")["overall"]["disputed"] == 0
    # A later coding by an analyst is not named by the reconciliation: disputed again.
    ctrack.ok("--by", "ana", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-08-01", "--cycle", "final")
    assert ctrack.json("scores")["overall"]["disputed"] == 1
    ctrack.ok("--by", "cy", "review", "open#6", "--approve", "--on", "2024-07-06", "--note", "agreed")
    history = ctrack.json("history", "open")["events"]
    assert [e["reconciles"] for e in history if e.get("reconciles")] == [["open#2", "open#4"]]
    assert [(e["ref"], e["target"], e["decision"], e["note"], e["recorded_by"]) for e in history
            if e["type"] == "assessment_reviewed"] == [("open#8", "open#6", "approved", "agreed", "cy")]  # fmt: skip
    table = ctrack.ok("history", "open").stdout
    assert "target: open#6; decision: approved" in table and "reconciles: open#2, open#4" in table


def test_the_queue_holds_each_analysts_latest_unreviewed_and_returned_ones_until_rescored(team):
    ctrack = team

    def queued(*args):
        return [(row["ref"], row["state"]) for row in ctrack.json("queue", *args)["queue"]]

    assert queued() == [("open#2", "waiting"), ("open#3", "waiting"), ("open#4", "waiting"), ("open#5", "waiting")]
    assert queued("--assessor", "BOB") == [("open#4", "waiting"), ("open#5", "waiting")]
    ctrack.ok("--by", "rev", "review", "open#2", "--approve", "--on", "2024-07-01")
    ctrack.ok("--by", "rev", "review", "open#4", "--return", "--on", "2024-07-01", "--note", "which source?")
    assert queued("--assessor", "bob") == [("open#4", "returned"), ("open#5", "waiting")]
    assert ctrack.json("queue", "--assessor", "bob")["queue"][0]["return_note"] == "which source?"
    ctrack.ok("--by", "bob", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-07-10", "--cycle", "final")
    assert queued("--assessor", "bob") == [("open#5", "waiting"), ("open#8", "waiting")]
    assert queued("--cycle", "interim") == []
    assert queued("--as-of", "2024-06-30", "--assessor", "bob") == [("open#4", "returned"), ("open#5", "waiting")]


def test_scores_an_edition_brought_count_as_approved_and_never_wait(ctrack, write):
    path = write("t.csv", "area,id,year,code,text,average,us,japan\nTrade,2024-1,2024,,Keep markets open.,0.5,1,0\n")
    ctrack.ok("--by", "clerk", "import-scores", str(path), "--on", "2024-11-01", "--edition", "g20-2024",
              "--title", "2024 final", "--cycle", "final")  # fmt: skip
    assert scores(ctrack, "--approved-only") == {"US": 1.0, "JP": 0.0}
    assert ctrack.json("queue")["queue"] == []


def test_agreement_gives_alpha_and_a_note_where_it_is_undefined(team):
    ctrack = team
    data = ctrack.json("scores", "--agreement")
    assert data["by"] is None and data["groups"] == []
    assert data["overall"]["units"] == 2 and data["overall"]["pairable_values"] == 4
    assert data["overall"]["analysts"] == ["ana", "bob"] and data["overall"]["alpha"] == pytest.approx(0.0)
    by_party = ctrack("scores", "--agreement", "--by", "party", "--json")
    groups = {g["key"]: g for g in json.loads(by_party.stdout)["groups"]}
    assert groups["JP"]["alpha"] is None and groups["US"]["units"] == 1
    assert "Note: agreement is undefined for party JP" in by_party.stderr
    assessors = ctrack.json("scores", "--agreement", "--by", "assessor")["groups"]
    assert [(g["key"], g["units"]) for g in assessors] == [("ana", 2), ("bob", 2)]
    for bad in (("--by", "year"), ("--approved-only",), ("--disagreements",), ("--summit", "2024")):
        result = ctrack("scores", "--agreement", *bad)
        assert result.exit_code == 2 and result.stderr.startswith("Error:"), bad
    assert ctrack("scores", "--by", "assessor").exit_code == 2


def test_diff_report_and_export_scores_take_approved_only(team, tmp_path):
    ctrack = team
    approval = refs(ctrack.ok("--by", "rev", "review", "open#4", "--approve", "--on", "2024-07-01"))[0]
    data = ctrack.json("diff", "--known-from", f"{approval}^", "--known-to", approval, "--approved-only")
    assert [(s["commitment"], s["party"], s["before"], s["after"], s["causes"]) for s in data["scores"]] == [
        ("open", "US", None, 0, [approval])]
    assert ctrack.json("diff", "--known-from", f"{approval}^", "--known-to", approval)["scores"] == []
    assert ctrack("diff", "--from", "2024-01-01", "--approved-only").exit_code == 2
    exported = ctrack.ok("export-scores", "--approved-only").stdout.splitlines()
    assert exported[0].endswith(",US") and exported[1].endswith(",0") and len(exported) == 2
    assert len(ctrack.ok("export-scores").stdout.splitlines()) == 2 and ",JP," in ctrack.ok("export-scores").stdout
    page = tmp_path / "r.html"
    ctrack.ok("report", "--out", str(page), "--approved-only")
    html = page.read_text(encoding="utf-8")
    assert "among the reviewed scores alone" in html
    assert heat_cells(html) == ['title="US: 0"']  # JP has no reviewed score: no column
    ctrack.ok("report", "--out", str(page), "--force")
    assert 'title="JP: 1"' in heat_cells(page.read_text(encoding="utf-8"))


def heat_cells(html: str) -> list[str]:
    """The title of each cell of the report's compliance heat map, in order."""
    import re

    table = html[html.index('<table id="heatmap"'):]
    table = table[: table.index("</table>")]
    return re.findall(r'title="[A-Z]{2}: [^"]*"', table)


def test_an_encrypted_store_answers_review_questions_as_a_clear_one(ctrack, other_store, monkeypatch):
    """On an encrypted store the review state is sealed content: the same answers, read in Python."""
    from tests.integration.test_encryption import key

    secret = key()
    for store, cipher in ((ctrack, None), (other_store, secret)):
        if cipher:
            monkeypatch.setenv("TRACKER_CIPHER_KEY", cipher)
        else:
            monkeypatch.delenv("TRACKER_CIPHER_KEY", raising=False)
        store.ok("--by", "ana", "pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US")
        store.ok("--by", "ana", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01")
        store.ok("--by", "bob", "assess", "open", "--party", "US", "--score", "-1", "--on", "2024-06-02")
        store.ok("--by", "rev", "review", "open#2", "--approve", "--on", "2024-07-01")
    answers = []
    for store, cipher in ((ctrack, None), (other_store, secret)):
        if cipher:
            monkeypatch.setenv("TRACKER_CIPHER_KEY", cipher)
        else:
            monkeypatch.delenv("TRACKER_CIPHER_KEY", raising=False)
        answers.append([without_record_times(store.json(*args)) for args in (
            ("scores", "--approved-only"), ("scores",), ("scores", "--agreement"), ("queue",), ("scores", "--disagreements"))])
    assert answers[0] == answers[1]
    assert answers[1][0]["overall"]["average"] == 1.0 and answers[1][1]["overall"]["disputed"] == 1


def without_record_times(data):
    """An answer without the moments it was asked and recorded at (two stores, two record times)."""
    if isinstance(data, dict):
        return {k: without_record_times(v) for k, v in data.items() if k not in ("known_at", "recorded_at")}
    if isinstance(data, list):
        return [without_record_times(v) for v in data]
    return data
