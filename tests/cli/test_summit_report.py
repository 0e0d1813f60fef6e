"""``ctrack report --summit S`` on a summit scored twice, an interim and a final report, as a research
group publishes them: the two cycles side by side; and the page for everyone -- axe-core finds no
violation and the Nu HTML Checker no error, at a phone's width and a desktop's, before and after the
sliders move -- and on paper: printed to PDF by Chromium, no element is wider than an A4 page and no
table row is cut in two by a page break.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ctrack
from tests.cli.page import Element, parse
from tests.cli.test_report_accessibility import FRAME, axe, nu_errors, vnu  # noqa: F401  (fixtures)
from tests.cli.test_report_browser import browse, chromium, console  # noqa: F401  (fixtures)

SUMMITS = "year,code,summit.date,host\n2029,,2029-11-20,x\n2030,,2030-06-01,y\n"
EARLIER = "area,id,year,code,text,average,us,japan,korea\nTrade,2029-1,2029,,Resist protectionism.,,1,1,0\n"
INTERIM = (
    "area,id,year,code,text,average,us,japan,korea\n"
    "Trade,2030-1,2030,,Keep markets open and refrain from new barriers to trade.,,1,0,-1\n"
    "Health,2030-2,2030,,Fund the vaccine alliance.,,0,0,\n"
)
# The final report: better compliance on 2030-1 in Korea, Japan's 2030-2 assessed again as full.
FINAL = INTERIM.replace(",,1,0,-1\n", ",,1,0,0\n").replace(",,0,0,\n", ",,0,1,\n")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp("summit-tables")
    ctrack = Ctrack(str(directory / "scores.db"))
    for name, text in (("summits", SUMMITS), ("earlier", EARLIER), ("interim", INTERIM), ("final", FINAL)):
        (directory / f"{name}.csv").write_text(text, encoding="utf-8")
    summits = str(directory / "summits.csv")
    ctrack.ok("source", "add", "g7rg-2030", "--title", "2030 Interim Compliance Report", "--url",
              "https://example.org/2030/interim")  # fmt: skip
    ctrack.ok("import-scores", str(directory / "earlier.csv"), "--on", "2030-05-01", "--summits", summits,
              "--cycle", "final", "--edition", "final-2029", "--title", "2029 final report")  # fmt: skip
    ctrack.ok("import-scores", str(directory / "interim.csv"), "--on", "2031-01-15", "--summits", summits, "--cycle",
              "interim", "--edition", "interim-2030", "--title", "2030 interim report", "--assessor", "Team A",
              "--source", "g7rg-2030", "--note", "actions to the interim cut-off")  # fmt: skip
    ctrack.ok("import-scores", str(directory / "final.csv"), "--on", "2031-05-20", "--summits", summits, "--cycle",
              "final", "--edition", "final-2030", "--title", "2030 final report", "--assessor", "Team B")  # fmt: skip
    return ctrack


@pytest.fixture(scope="module")
def summit_page(scored: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("summit-page") / "summit.html"
    scored.ok("report", "--summit", "2030", "--as-of", "2031-12-31", "--out", str(out))
    return out


def cycle_table(page: Element, table: str, key: str) -> dict[str, dict[str, float]]:
    rows = page.find("div", id="report-body").find("table", id=table).find("tbody").find_all("tr")
    return {r.attrs[key]: {td.attrs["data-cycle"]: float(td.attrs["data-average"]) for td in r.find_all("td")
                           if td.attrs.get("data-average")} for r in rows}  # fmt: skip


def test_interim_and_final_stand_side_by_side_each_from_its_own_scores(scored, summit_page):
    page = parse(summit_page.read_text(encoding="utf-8"))
    heads = [th.text for th in page.find("table", id="cycles-by-member").find("thead").find_all("th")]
    assert heads == ["Member", "interim", "final"]
    assert "Interim and Final, side by side" in page.find("section", id="cycles").find("h2").text
    expected: dict[str, dict[str, float]] = {}
    by_commitment: dict[str, dict[str, float]] = {}
    for cycle in ("interim", "final"):
        for group in scored.json("scores", "--summit", "2030", "--cycle", cycle, "--by", "party", "--as-of", "2031-12-31")["groups"]:
            expected.setdefault(group["key"], {})[cycle] = group["average"]
        for group in scored.json("scores", "--summit", "2030", "--cycle", cycle, "--by", "commitment", "--as-of",
                                 "2031-12-31")["groups"]:  # fmt: skip
            by_commitment.setdefault(group["id"], {})[cycle] = group["average"]
    assert cycle_table(page, "cycles-by-member", "data-party") == expected
    assert cycle_table(page, "cycles-by-commitment", "data-id") == by_commitment
    assert expected["KR"] == {"interim": -1.0, "final": 0.0}
    # Table 3 counts the latest score of any cycle: the final's.
    latest = scored.json("scores", "--summit", "2030", "--by", "party", "--as-of", "2031-12-31")["groups"]
    rows = page.find("table", id="by-member").find("tbody").find_all("tr")
    assert [(r.attrs["data-party"], float(r.attrs["data-average"])) for r in rows] == [(g["key"], g["average"]) for g in latest]
    # The chapter: Korea's score on 2030-1, its assessor, and its provenance from the interim report on.
    korea = page.find("tr", id="p-2030-1-KR")
    assert "assessed by Team B" in korea.text
    entries = [li.text for li in korea.find("td", class_="provenance").find_all("li")]
    assert entries[0].startswith("-1 first published in 2030 interim report (interim)")
    assert entries[1].startswith("-1 \u2192 0 in 2030 final report (final)")
    japan = page.find("tr", id="p-2030-2-JP")  # its interim score came with the interim report's source
    assert "2030 Interim Compliance Report" in japan.text and "actions to the interim cut-off" in japan.text
    # Table 5: the earlier summit and this one.
    assert [th.text for th in page.find("table", id="summits").find("thead").find_all("th")] == ["Member", "2029", "2030", "All"]


def test_a_summit_with_one_cycle_has_no_side_by_side(scored, tmp_path):
    out = tmp_path / "s.html"
    scored.ok("report", "--summit", "2030", "--as-of", "2031-02-01", "--out", str(out))
    page = parse(out.read_text(encoding="utf-8"))
    assert not page.find("div", id="report-body").find_all("section", id="cycles")


#: Runs axe-core in the page and says how wide the page is against its viewport.
RUNNER = """<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (results) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify({
    width: document.documentElement.scrollWidth, viewport: window.innerWidth,
    tables: document.querySelectorAll("#report-body table").length,
    violations: results.violations.map(function (v) {
      return {id: v.id, nodes: v.nodes.length, first: v.nodes[0].target.join(" "), summary: v.nodes[0].failureSummary};
    })
  });
  document.body.appendChild(out);
});
</script>"""


def without_policy(page: Path, name: str, *, extra: str = "", css: tuple[str, str] | None = None) -> Path:
    """A copy of the page without its Content-Security-Policy (which would rightly refuse ``extra``)."""
    html = page.read_text(encoding="utf-8")
    start = html.index('<meta http-equiv="Content-Security-Policy"')
    html = html[:start] + html[html.index(">", start) + 1 :]
    if css:
        assert css[0] in html
        html = html.replace(*css)
    copy = page.with_name(name)
    copy.write_text(html.replace("</body>", f"{extra}</body>"), encoding="utf-8")
    return copy


def in_frame(chromium: str, tmp_path: Path, page: Path, width: int, fragment: str) -> dict[str, Any]:  # noqa: F811
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(url=page.as_uri() + fragment, width=width), encoding="utf-8")
    result = browse(chromium, tmp_path, frame, "--allow-file-access-from-files", "--window-size=1300,900",
                    "--virtual-time-budget=60000", "--dump-dom")  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    found = parse(result.stdout).find("pre", id="out").text
    assert found, "the check did not finish: " + result.stderr[-2000:]
    return json.loads(found)


MOVED = "#as-of=2031-03-01&known-at=interim-2030"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("fragment", ["", MOVED])
def test_axe_finds_no_violation_before_and_after_the_sliders_move(chromium, tmp_path, summit_page, axe, width, fragment):
    checked = without_policy(summit_page, "checked.html", extra=f"<script>{axe}</script>{RUNNER}")
    results = in_frame(chromium, tmp_path, checked, width, fragment)
    assert results["violations"] == []
    assert results["width"] <= results["viewport"] == width  # tables scroll inside; the page does not
    assert results["tables"] >= 6


def test_the_nu_html_checker_finds_no_error_before_and_after_the_sliders_move(chromium, tmp_path, summit_page, vnu):
    assert nu_errors(vnu, summit_page) == []
    result = browse(chromium, tmp_path, summit_page, "--virtual-time-budget=5000", "--dump-dom",
                    url=summit_page.as_uri() + MOVED)  # fmt: skip
    assert console(result) == []
    moved = tmp_path / "moved.html"
    moved.write_text(result.stdout, encoding="utf-8")  # the DOM as drawn, doctype and all
    assert "2030 interim report" in parse(result.stdout).find("div", id="report-body").text
    assert nu_errors(vnu, moved) == []


#: A4's width less the page's margins (210 mm - 2 x 12 mm), in CSS pixels (96 to the inch).
A4_CONTENT = round((210 - 24) / 25.4 * 96)
WIDTHS = """<script>
window.addEventListener("load", function () {
  var limit = window.innerWidth, wide = [];
  document.querySelectorAll("body *").forEach(function (node) {
    var box = node.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 0.5) wide.push(node.tagName + "." + node.className + " " + Math.round(box.right));
  });
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify({width: document.documentElement.scrollWidth, viewport: limit, wide: wide.slice(0, 10)});
  document.body.appendChild(out);
});
</script>"""


def flat(text: str) -> str:
    """Text as both a PDF's text and the page's compare: ligatures undone, no white space, no case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def printed_pages(chromium: str, tmp_path: Path, page: Path, fragment: str) -> list[str]:  # noqa: F811
    from pypdf import PdfReader

    pdf = tmp_path / "printed.pdf"
    result = browse(chromium, tmp_path, page, "--virtual-time-budget=10000", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", url=page.as_uri() + fragment)  # fmt: skip
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4
    return [flat(p.extract_text() or "") for p in reader.pages]


def rows_of(chromium: str, tmp_path: Path, page: Path, fragment: str) -> list[str]:  # noqa: F811
    """The text of every table row of the report as Chromium draws it at ``fragment``."""
    result = browse(chromium, tmp_path, page, "--virtual-time-budget=5000", "--dump-dom", url=page.as_uri() + fragment)
    body = parse(result.stdout).find("div", id="report-body")
    # Without white space and case (headings are printed in capitals): what text extraction keeps of a row.
    return [flat(row.text) for table in body.find_all("table") for row in table.find_all("tr")]


def print_problems(chromium: str, tmp_path: Path, page: Path, fragment: str) -> tuple[list[str], list[str]]:  # noqa: F811
    """What sticks out of an A4 page, and the table rows a page break cuts in two."""
    # On paper the print rules hold: laid out at the A4 page's width, nothing sticks out.
    as_printed = without_policy(page, "as-printed.html", extra=WIDTHS, css=("@media print {", "@media all {"))
    widths = in_frame(chromium, tmp_path, as_printed, A4_CONTENT, fragment)
    assert widths["viewport"] == A4_CONTENT
    wide = widths["wide"] + ([f"the page: {widths['width']}"] if widths["width"] > A4_CONTENT else [])
    # And in the PDF Chromium prints, each row's text is on one page: no row is cut by a page break.
    pages = printed_pages(chromium, tmp_path, page, fragment)
    rows = rows_of(chromium, tmp_path, page, fragment)
    assert rows
    return wide, [row for row in rows if not any(row in text for text in pages)]


@pytest.mark.parametrize("fragment", ["", MOVED])
def test_printed_on_a4_nothing_is_wider_than_the_page_and_no_row_is_split(chromium, tmp_path, summit_page, fragment):
    assert print_problems(chromium, tmp_path, summit_page, fragment) == ([], [])


def test_on_either_store_table_3_is_what_scores_answers(ctrack, tmp_path):
    for name, text in (("summits", SUMMITS), ("interim", INTERIM), ("final", FINAL)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    for cycle, on in (("interim", "2031-01-15"), ("final", "2031-05-20")):
        ctrack.ok("import-scores", str(tmp_path / f"{cycle}.csv"), "--on", on, "--summits", str(tmp_path / "summits.csv"),
                  "--cycle", cycle)  # fmt: skip
    before = ctrack.ok("export").stdout
    out = tmp_path / "summit.html"
    ctrack.ok("report", "--summit", "2030", "--as-of", "2031-12-31", "--out", str(out))
    rows = parse(out.read_text(encoding="utf-8")).find("table", id="by-member").find("tbody").find_all("tr")
    groups = ctrack.json("scores", "--summit", "2030", "--by", "party", "--as-of", "2031-12-31")["groups"]
    assert [(r.attrs["data-party"], float(r.attrs["data-average"])) for r in rows] == [(g["key"], g["average"]) for g in groups]
    assert ctrack.ok("export").stdout == before  # a report writes its page, nothing in the store


def test_each_commitment_shows_its_agreement_and_the_cells_its_analysts_dispute(tmp_path):
    """SPEC §8.2 in the per-summit report: under each commitment, Krippendorff's alpha over the
    units two analysts scored (as ``scores --agreement`` gives it), and every disputed cell with
    each analyst's score -- until a reconciliation settles it."""
    ctrack = Ctrack(str(tmp_path / "two.db"))
    for name, text in (("summits", SUMMITS), ("final", FINAL)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    ctrack.ok("import-scores", str(tmp_path / "final.csv"), "--on", "2031-05-20", "--summits",
              str(tmp_path / "summits.csv"), "--cycle", "final", "--assessor", "Team B")  # fmt: skip
    # A second analyst scores 2030-1 again: agrees on the US, disagrees on Japan and Korea.
    for party, score in (("US", "1"), ("JP", "1"), ("KR", "-1")):
        ctrack.ok("--by", "carol", "assess", "2030-1", "--party", party, "--score", score, "--on", "2031-05-21",
                  "--cycle", "final", "--assessor", "Team C")  # fmt: skip
    expected = ctrack.json("scores", "--agreement", "--as-of", "2031-12-31")  # only this summit is scored
    out = tmp_path / "s.html"
    ctrack.ok("report", "--summit", "2030", "--as-of", "2031-12-31", "--out", str(out))
    chapter = parse(out.read_text(encoding="utf-8")).find("div", id="report-body").find("article", id="c-2030-1")
    said = chapter.find("p", class_="agreement").text
    assert f"{expected['overall']['alpha']:.3f}" in said and "over 3 units" in said
    assert "Team B" in said and "Team C" in said
    disputed = {row.attrs["data-party"]: row.text
                for row in chapter.find("table", class_="disputed").find("tbody").find_all("tr")}  # fmt: skip
    assert set(disputed) == {"JP", "KR"}
    assert "Team B 0" in disputed["JP"] and "Team C +1" in disputed["JP"]
    other = parse(out.read_text(encoding="utf-8")).find("div", id="report-body").find("article", id="c-2030-2")
    assert not other.find_all("p", class_="agreement")  # one analyst: nothing to agree on
