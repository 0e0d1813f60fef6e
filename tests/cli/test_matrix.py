"""``ctrack matrix``: commitments x parties, each cell the party's status, and each party's share of
its due commitments fulfilled -- as a user reads it in JSON, CSV and a table."""

from __future__ import annotations

from tests.cli.helpers import error_line, parse_csv


def cell(data, commitment, party):
    [row] = [r for r in data["rows"] if r["id"] == commitment]
    return row["cells"].get(party)


def test_matrix_json_of_the_trilateral_early_in_2025(trilateral):
    data = trilateral.json("matrix", "--as-of", "2025-01-01")
    assert data["as_of"] == "2025-01-01" and data["known_at"]
    assert data["parties"] == ["US", "JP", "KR"]
    # No leaders' meeting since Camp David: the annual commitment has lapsed, every party overdue.
    assert cell(data, "cd-meet-annually", "JP") == {"status": "pending", "overdue": True}
    assert cell(data, "freedom-edge-exercise", "KR") == {"status": "fulfilled", "overdue": False}
    assert cell(data, "cd-consult-expeditiously", "US") == {"status": "active", "overdue": False}
    # A commitment of the US alone has no cell for the others.
    assert set(next(r for r in data["rows"] if r["id"] == "us-extended-deterrence")["cells"]) == {"US"}
    # Due: the two annual commitments whose first period has run out, and the lapsed leaders' meeting.
    assert [r["id"] for r in data["rows"] if r["due"]] == ["cd-meet-annually", "freedom-edge-exercise",
                                                           "youth-leadership-summit"]  # fmt: skip
    assert data["summary"] == {party: {"due": 3, "fulfilled": 2, "share": 0.6667} for party in ("US", "JP", "KR")}


def test_matrix_scores_each_party_on_its_own_delivery(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-05-01", "--party", "US")
    data = seeded.json("matrix", "--as-of", "2024-07-01")
    assert cell(data, "deliver", "US") == {"status": "fulfilled", "overdue": False}
    assert cell(data, "deliver", "JP") == {"status": "pending", "overdue": True}
    assert data["summary"]["US"] == {"due": 1, "fulfilled": 1, "share": 1.0}
    assert data["summary"]["JP"] == {"due": 1, "fulfilled": 0, "share": 0.0}
    # Before the deadline nothing is due yet, so nobody has a share.
    before = seeded.json("matrix", "--as-of", "2024-06-29")
    assert before["summary"]["US"] == {"due": 0, "fulfilled": 0, "share": None}


def test_matrix_known_at_gives_the_scores_the_tracker_would_have_given(trilateral):
    # The Freedom Edge pledge was recorded on 17 October 2024, its instance (27 June 2024) on the 24th.
    then = trilateral.json("matrix", "--as-of", "2024-09-01", "--known-at", "2024-10-20")
    now = trilateral.json("matrix", "--as-of", "2024-09-01")
    assert cell(then, "freedom-edge-exercise", "US") == {"status": "pending", "overdue": True}
    assert cell(now, "freedom-edge-exercise", "US") == {"status": "fulfilled", "overdue": False}
    assert then["summary"]["US"]["fulfilled"] < now["summary"]["US"]["fulfilled"]


def test_matrix_table_marks_overdue_cells_and_ends_with_the_scores(trilateral):
    out = trilateral.ok("matrix", "--as-of", "2025-01-01").stdout
    lines = out.splitlines()
    meet = next(line for line in lines if line.strip().startswith("cd-meet-annually"))
    assert meet.count("pending!") == 3
    summary = next(line for line in lines if "fulfilled / due" in line)
    assert summary.count("2/3 (67%)") == 3
    assert lines.index(summary) > lines.index(meet)


def test_matrix_csv_has_a_column_per_party_and_only_commitment_rows(trilateral):
    rows = parse_csv(trilateral.ok("matrix", "--as-of", "2025-01-01", "--format", "csv").stdout)
    assert list(rows[0]) == ["id", "title", "status", "due_on", "due", "US", "JP", "KR"]
    meet = next(r for r in rows if r["id"] == "cd-meet-annually")
    assert (meet["US"], meet["due"], meet["due_on"]) == ("pending!", "true", "2024-08-18")
    us_only = next(r for r in rows if r["id"] == "us-extended-deterrence")
    assert (us_only["US"], us_only["JP"]) == ("active", "")
    # The totals stay out of the data rows (a spreadsheet would sum them in); JSON has them.
    assert all(r["id"] for r in rows) and "fulfilled / due" not in {r["title"] for r in rows}
    assert len(rows) == len(trilateral.json("matrix", "--as-of", "2025-01-01")["rows"])


def test_matrix_of_an_empty_store(ctrack):
    ctrack.ok("store", "init")
    data = ctrack.json("matrix")
    assert (data["parties"], data["rows"], data["summary"]) == ([], [], {})


def test_matrix_rejects_a_bad_date(ctrack):
    error_line(ctrack("matrix", "--as-of", "2024-13-01"), 2, "--as-of")


def test_matrix_json_and_csv_carry_the_scores_and_their_averages_as_numbers(ctrack):
    # The table's "average score" row was in no machine-readable form, and CSV wrote '+1 and '-1
    # (text, to a spreadsheet) beside a number 0.
    ctrack.ok("pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US", "--party", "JP",
              "--party", "KR")  # fmt: skip
    ctrack.ok("pledge", "ports", "--on", "2024-01-11", "--title", "Open ports", "--party", "US", "--party", "JP")
    for slug, party, score in (("open", "US", "1"), ("open", "JP", "-1"), ("open", "KR", "0"), ("ports", "US", "0")):
        ctrack.ok("assess", slug, "--party", party, "--score", score, "--on", "2024-06-01")
    data = ctrack.json("matrix", "--as-of", "2024-12-31")
    by_party = {g["key"]: g for g in ctrack.json("scores", "--by", "party", "--as-of", "2024-12-31")["groups"]}
    assert data["score_summary"] == {party: {key: by_party[party][key] for key in ("average", "percent", "scores")}
                                     for party in by_party}  # fmt: skip
    assert data["score_summary"]["US"] == {"average": 0.5, "percent": 75.0, "scores": 2}
    text = ctrack.ok("matrix", "--as-of", "2024-12-31", "--format", "csv").stdout
    rows = {row["id"]: row for row in parse_csv(text)}
    assert (rows["open"]["US"], rows["open"]["JP"], rows["open"]["KR"]) == ("1", "-1", "0")
    assert "'" not in text
