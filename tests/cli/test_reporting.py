"""``ctrack report``: one self-contained HTML page -- what a reader finds in it, and what it never does."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import DATASET, error_line, made, write_jsonl
from tests.cli.page import Element, parse

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "{% raw %}</td></tr></table><b>{{ config }}",
    "</style><style>body{display:none}</style>",
]


@pytest.fixture
def demo(ctrack_sqlite: Any) -> Any:
    ctrack_sqlite.ok("import", str(DATASET))
    return ctrack_sqlite


def report(ctrack: Any, tmp_path: Any, *args: str) -> Element:
    out = tmp_path / "report.html"
    result = ctrack.ok("report", "--force", "--out", str(out), *args)
    assert result.stdout == ""
    assert f"to {out}" in result.stderr
    return parse(out.read_text(encoding="utf-8"))


def test_the_report_is_one_page_that_loads_nothing_and_runs_only_its_own_script(demo, tmp_path):
    page = report(demo, tmp_path, "--as-of", "2025-01-01")
    tags = {element.tag for element in page.iter()}
    assert not tags & {"link", "iframe", "object", "embed", "img", "base", "form"}
    data, script = page.find_all("script")  # the sliders' data (inert JSON), then the one script that reads it
    assert data.attrs == {"type": "application/json", "id": "time-data"}
    assert script.attrs == {}
    code = script.children[0]
    assert isinstance(code, str)
    for reach in ("fetch", "XMLHttpRequest", "WebSocket", "import(", "eval(", "innerHTML", "src", "sendBeacon"):
        assert reach not in code, reach
    for element in page.iter():
        assert not any(name.startswith("on") for name in element.attrs), element
        assert "src" not in element.attrs and "srcset" not in element.attrs, element
        for name in ("href", "xlink:href"):
            # Links inside the page; only a source's own url points elsewhere (and loads nothing).
            assert element.attrs.get(name, "#").startswith(("#", "https://", "http://")), element
    style = page.find("style").text
    assert "url(" not in style and "@import" not in style
    policy = page.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
    # Nothing may be fetched, and no script may run but this one, allowed by its hash (no 'unsafe-inline').
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == f"'sha256-{digest}'"


def test_the_report_has_the_board_the_matrix_the_timelines_the_audit_trails_and_the_sources(demo, tmp_path):
    page = report(demo, tmp_path, "--as-of", "2025-01-01")
    board = {row[0].split()[0]: row for row in page.find("table", id="board").rows()}
    status = {c["id"]: c for c in demo.json("status", "--as-of", "2025-01-01")["commitments"]}
    assert list(board) == list(status)
    for slug, row in board.items():
        assert row[1].startswith(status[slug]["status"].replace("_", " ")), slug  # the same status as `status`
    assert board["cd-meet-annually"][1] == "lapsed overdue"
    assert board["freedom-edge-exercise"][1] == "on track"  # its instance of June 2024 counts

    matrix = page.find("table", id="matrix")
    headers = [th.text for th in matrix.find("thead").find_all("th")]
    assert headers[-3:] == ["US", "JP", "KR"]
    meet = next(r for r in matrix.find("tbody").find_all("tr") if "cd-meet-annually" in r.text)
    cells = meet.find_all("td", class_="cell")
    assert [c.text for c in cells] == ["pending overdue"] * 3
    assert all("overdue" in c.classes for c in cells)
    deterrence = next(r for r in matrix.find("tbody").find_all("tr") if "us-extended-deterrence" in r.text)
    assert [c.text for c in deterrence.find_all("td", class_="cell")] == ["active", "\u2014", "\u2014"]
    # Each party's count of deadlines met, as `ctrack matrix` gives it, saying what it counts.
    assert matrix.find("tfoot").text == "Deadlines arrived: fulfilled of due 2 of 3 due 2 of 3 due 2 of 3 due"

    overview = page.find("svg", class_="overview")
    shown = [g for g in overview.find_all("g", class_="row") if g.attrs.get("display") != "none"]
    assert [g.find("text", class_="rid").text for g in shown] == list(status)
    # The rows drawn as known at earlier record times wait, hidden, for the sliders.
    assert len(overview.find_all("g", class_="row")) > len(shown)
    assert len(page.find_all("svg", class_="strip")) == len(status)
    assert len(page.find_all("table", class_="audit")) == len(status)
    assert {a.attrs["id"] for a in page.find_all("article", class_="source")} == {
        "src-tdi-2024-05-29", "src-omai-2024-10-seoul-vfm"}  # fmt: skip
    nav = [a.attrs["href"] for a in page.find("nav").find_all("a")]
    for target in nav:
        assert page.find_all(id=target[1:]), target  # every section the page links to is on it


def test_a_timeline_shows_each_status_interval_its_events_and_its_deadline(demo, tmp_path):
    page = report(demo, tmp_path, "--as-of", "2025-10-01")
    article = page.find("article", id="c-freedom-edge-exercise")
    strip = article.find("svg", class_="strip")
    assert strip.children[1].tag == "title"  # the drawing's name, for a screen reader and a tooltip
    assert strip.find("title").text == "Status of freedom-edge-exercise over valid time"
    assert strip.attrs["aria-labelledby"] == strip.find("title").attrs["id"]
    bars = [rect.find("title").text for rect in strip.find_all("rect", class_="bar")]
    assert bars == [
        "pledged: 2023-08-18 to 2024-06-26",
        "on track: 2024-06-27 to 2025-06-27",
        "lapsed: 2025-06-28 to 2025-10-01 (and on)",
    ]
    assert [p.find("title").text for p in strip.find_all("path", class_="mark")] == [
        "2023-08-18: made (freedom-edge-exercise#1)", "2024-06-27: fulfilled (freedom-edge-exercise#2)"]  # fmt: skip
    assert [i.find("title").text for i in strip.find_all("line", class_="instance")] == [
        "instance held 2024-06-27 (freedom-edge-exercise#2)"]  # fmt: skip
    assert strip.find("line", class_="deadline").find("title").text == "deadline 2025-06-27"
    legend = page.find("div", class_="legend").text
    for words in ("pledged", "on track", "lapsed", "made", "fulfilled", "instance held", "deadline"):
        assert words in legend
    assert "stalled" not in legend  # nothing stalled: the legend explains only what is drawn


def test_the_audit_trail_shows_both_clocks_who_the_evidence_and_the_retraction(demo, tmp_path):
    page = report(demo, tmp_path, "--as-of", "2025-01-01")
    article = page.find("article", id="c-trilateral-coordinating-mechanism")
    rows = {row.attrs["id"]: row for row in article.find("table", class_="audit").find("tbody").find_all("tr")}
    assert list(rows) == ["ev-trilateral-coordinating-mechanism-1", "ev-trilateral-coordinating-mechanism-2",
                          "ev-trilateral-coordinating-mechanism-3"]  # fmt: skip
    made_row, fulfilled, retraction = rows.values()
    assert "2024-10-16" in made_row.text and "2024-10-17 10:25 UTC" in made_row.text and "demo-analyst" in made_row.text
    assert "finalize a trilateral coordinating mechanism by the next Trilateral Summit" in made_row.find("blockquote").text
    assert made_row.find("a", href="#src-omai-2024-10-seoul-vfm")
    assert "retracted" in fulfilled.classes
    assert "fulfilled retracted by #3" in fulfilled.text and "2024-10-18 09:40 UTC" in fulfilled.text
    assert fulfilled.find("a", href="#ev-trilateral-coordinating-mechanism-3").text == "#3"
    assert "misread: the statement sets the deadline" in retraction.text
    assert "2024-10-22 11:00 UTC" in retraction.text


def test_known_at_gives_the_report_the_tracker_would_have_given_then(demo, tmp_path):
    # On 20 October 2024 the mechanism was (wrongly) recorded as fulfilled; the retraction came on the 22nd.
    page = report(demo, tmp_path, "--as-of", "2025-01-01", "--known-at", "2024-10-20")
    board = {row[0].split()[0]: row for row in page.find("table", id="board").rows()}
    assert board["trilateral-coordinating-mechanism"][1].startswith("fulfilled")
    article = page.find("article", id="c-trilateral-coordinating-mechanism")
    assert len(article.find("table", class_="audit").rows()) == 2
    assert "what had been recorded by 2024-10-20 23:59 UTC" in page.find("p", class_="clocks").text
    now = report(demo, tmp_path, "--as-of", "2025-01-01")
    now_board = {row[0].split()[0]: row for row in now.find("table", id="board").rows()}
    assert now_board["trilateral-coordinating-mechanism"][1].startswith("pledged")
    assert "everything recorded (49 events, the latest recorded 2024-10-24 13:15 UTC)" in now.find("p", class_="clocks").text


def test_a_correction_is_shown_with_what_it_changed(ctrack_sqlite, tmp_path):
    ctrack_sqlite.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US")
    ref = ctrack_sqlite.ok("progress", "c", "--on", "2024-03-01", "--note", "talks").stdout.strip()
    ctrack_sqlite.ok("correct", ref, "--reason", "it was April", "--on", "2024-04-01")
    page = report(ctrack_sqlite, tmp_path, "--as-of", "2024-12-31")
    rows = {row.attrs["id"]: row for row in page.find("table", class_="audit").find("tbody").find_all("tr")}
    assert "corrected by #3: on \u2192 2024-04-01" in rows["ev-c-2"].text
    assert "it was April" in rows["ev-c-3"].text
    bars = [t.text for t in page.find("svg", class_="strip").find_all("title")]
    assert "in progress: 2024-04-01 to 2024-12-31 (and on)" in bars


def test_sources_show_their_link_and_every_quote_taken_from_them(ctrack_sqlite, tmp_path):
    ctrack_sqlite.ok("source", "add", "art", "--title", "An article", "--publisher", "The Paper",
                     "--url", "https://example.org/article?id=1&lang=en", "--published", "2024-05-29")  # fmt: skip
    ctrack_sqlite.ok("pledge", "c", "--on", "2024-01-10", "--title", "Deliver", "--party", "US",
                     "--source", "art", "--quote", "we shall deliver")  # fmt: skip
    page = report(ctrack_sqlite, tmp_path)
    source = page.find("article", id="src-art")
    assert source.find("h3").text == "An article"
    assert "The Paper" in source.text and "published 2024-05-29" in source.text
    link = source.find("a", href="https://example.org/article?id=1&lang=en")
    assert link.attrs["rel"] == "noopener noreferrer"
    quotes = source.find("ul", class_="quotes").find_all("li")
    assert [q.find("blockquote").text for q in quotes] == ["we shall deliver"]
    assert quotes[0].find("a", href="#ev-c-1")


def test_hostile_text_in_the_store_stays_text(ctrack_sqlite, tmp_path, write):
    title, note, quote, by, publisher = HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[4]
    url = 'https://example.org/"><svg/onload=alert(1)>'
    events = [
        {"type": "source_registered", "source": "evil", "title": title, "publisher": publisher, "url": url},
        made("c", title=title, note=note, source="evil", quote=quote, recorded_by=by),
        {"type": "progress_reported", "commitment": "c", "on": "2024-02-01", "note": quote + note, "source": "evil",
         "quote": title},
    ]  # fmt: skip
    ctrack_sqlite.ok("import", str(write_jsonl(tmp_path / "evil.jsonl", *events)))
    out = tmp_path / "report.html"
    ctrack_sqlite.ok("report", "--out", str(out), "--as-of", "2024-12-31")
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert len(page.find_all("script")) == 2 and not page.find_all("img")  # the page's own two, nothing injected
    data = json.loads(page.find("script", id="time-data").text)
    assert data["bases"]["c"]["title"] == title  # in the sliders' data, text stays text too
    assert "</script" not in page.find("script", id="time-data").text
    assert not [e for e in page.iter() if any(a.startswith("on") for a in e.attrs)]
    assert len(page.find_all("style")) == 1 and len(page.find_all("table", id="board")) == 1
    assert len(page.find_all("svg")) == len(page.find_all("svg", class_="timeline")) + len(page.find_all("svg", class_="marker"))
    text = page.find("body").text
    for hostile in HOSTILE:
        assert hostile in text, hostile  # shown exactly as recorded, as text
    assert "{{7*7}}" in page.find("article", id="c-c").find("blockquote").text  # not evaluated to 49
    assert page.find("a", href=url).text == url  # the url is an attribute value, not markup
    assert page.find("title").text == "Commitments as of 2024-12-31"


def test_the_report_of_an_empty_store_says_so(ctrack_sqlite, tmp_path):
    ctrack_sqlite.ok("store", "init")
    page = report(ctrack_sqlite, tmp_path, "--as-of", "2024-12-31")
    assert "No commitment had been made by 2024-12-31." in page.text
    assert "No sources registered." in page.text


def test_the_report_needs_no_matplotlib(demo, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = report(demo, tmp_path, "--as-of", "2025-01-01")
    assert page.find("svg", class_="overview")


@pytest.mark.parametrize("name", ["report.pdf", "report", "report.html.txt"])
def test_a_report_to_a_file_that_is_not_html_is_a_usage_error(demo, tmp_path, name):
    error_line(demo("report", "--out", str(tmp_path / name)), 2, "--out", ".html")
    assert not (tmp_path / name).exists()


def test_a_report_into_a_missing_directory_is_a_one_line_error(demo, tmp_path):
    error_line(demo("report", "--out", str(tmp_path / "nowhere" / "report.html")), 1, "cannot write")


def test_the_example_report_in_docs_is_what_the_report_command_writes_now(demo, tmp_path):
    # docs/report.html is `make docs-examples` output: the bundled dataset as of 2025-10-01.
    example = Path(__file__).parents[2] / "docs" / "report.html"
    out = tmp_path / "report.html"
    demo.ok("report", "--as-of", "2025-10-01", "--out", str(out))
    assert out.read_text(encoding="utf-8") == example.read_text(encoding="utf-8"), "run 'make docs-examples'"


def test_a_report_covers_a_selection_and_says_what_it_left_out(demo, tmp_path):
    limited = demo.ok("report", "--out", str(tmp_path / "few.html"), "--limit", "5", "--as-of", "2025-10-01")
    assert "shows the 5 most recently made of 17 commitments" in limited.stderr
    page = parse((tmp_path / "few.html").read_text(encoding="utf-8"))
    board = demo.json("status", "--as-of", "2025-10-01")["commitments"]
    latest = [c["id"] for c in board][-5:]
    assert [r.attrs["data-id"] for r in page.find("table", id="board").find("tbody").find_all("tr")] == latest
    assert "5 most recently made of 17" in page.find("p", id="left-out").text
    # The matrix covers every commitment the report is about, whatever --limit bounds.
    assert len(page.find("table", id="matrix").rows()) == 17
    chosen = demo.ok("report", "tscf-moc", "--out", str(tmp_path / "one.html"), "--as-of", "2025-10-01")
    assert "left out" not in chosen.stderr and "most recently made" not in chosen.stderr
    one = (tmp_path / "one.html").read_text(encoding="utf-8")
    assert 'data-id="tscf-moc"' in one and 'data-id="cd-meet-annually"' not in one
    error_line(demo("report", "nope", "--out", str(tmp_path / "x.html")), 1, "'nope'")


def test_a_report_never_reads_the_whole_log(demo, tmp_path, forbid_whole_log):
    demo.ok("status")  # the view is current
    forbid_whole_log()
    demo.ok("report", "--out", str(tmp_path / "r.html"), "--as-of", "2025-10-01")


def test_a_report_of_commitments_that_are_only_scores_says_so_not_that_none_was_made(ctrack_sqlite, tmp_path, write):
    # A store of score tables alone (the G20 data): every commitment is only scores, so the board and
    # the timelines draw none. The page said "No commitment had been made", stderr that the board
    # showed the 200 most recently made.
    rows = "".join(f"Trade,2019-{i},2019,,Keep markets open {i}.,1,1,1\n" for i in range(1, 6))
    table = write("scores.csv", "area,id,year,code,text,average,japan,korea\n" + rows)
    ctrack_sqlite.ok("import-scores", str(table), "--on", "2020-06-01")
    out = tmp_path / "r.html"
    result = ctrack_sqlite.ok("report", "--out", str(out), "--limit", "2", "--as-of", "2021-01-01")
    assert ("the report's audit trails show the 2 most recently made of 5 commitments, its board and timelines none "
            "of them (they are only scores); its matrix and scores cover all 5") in " ".join(result.stderr.split())
    page = parse(out.read_text(encoding="utf-8"))
    empty = page.find("p", id="board-empty")
    assert "hidden" not in empty.attrs
    assert "hidden" in page.find("span", id="board-empty-none").attrs
    shown = page.find("span", id="board-empty-scores")
    assert "hidden" not in shown.attrs and "only scores" in shown.text
    lede = page.find("p", id="left-out").text
    assert "audit trails show the 2 most recently made of 5" in lede and "board and the timelines those of them" in lede
    # A store with nothing made says so as before.
    ctrack_sqlite.ok("report", "--out", str(out), "--force", "--as-of", "2018-01-01")
    before = parse(out.read_text(encoding="utf-8"))
    assert "hidden" not in before.find("span", id="board-empty-none").attrs
    assert "hidden" in before.find("span", id="board-empty-scores").attrs
