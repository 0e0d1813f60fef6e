"""``ctrack report`` on the G20 store (both editions imported as editions): the page never contradicts
``scores``, ``matrix`` or itself.

Four ways it did, each tried as a G20 analyst would: a ranking over the 200 most recently made of 398
commitments; a scores section that ignored the time sliders (two moments on one page); a matrix that
said "pending" where ``matrix`` shows +1 / 0 / -1; and a board of identical ``pledged`` rows, with
timelines drawing assessments on dates they do not have, for commitments that are only scores.

Reads ``../shared/datasets/g20-compliance/`` (CC BY-NC 4.0: never copied into this repository).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ctrack
from tests.cli.page import Element, parse
from tests.cli.test_report_browser import browse, chromium, console  # noqa: F401  (fixtures)
from tests.integration.test_g20_editions import editions  # noqa: F401  (the store: both editions)

#: The moment the sliders are moved to, by an edition's id as a link names it.
EDITION = "g20-2022"


@pytest.fixture(scope="module")
def page_file(editions: Ctrack, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:  # noqa: F811
    out = tmp_path_factory.mktemp("g20-report") / "report.html"
    result = editions.ok("report", "--out", str(out))
    return out, result.stderr


def opened(chromium: str, tmp_path: Path, out: Path, fragment: str) -> Element:  # noqa: F811
    """The page as Chromium draws it after following a link to ``fragment``."""
    result = browse(chromium, tmp_path, out, "--virtual-time-budget=20000", "--dump-dom", url=f"{out.as_uri()}#{fragment}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console(result) == []
    return parse(result.stdout)


def ranking(page: Element) -> list[tuple[str, float, int, int]]:
    rows = page.find("table", id="ranking").find("tbody").find_all("tr")
    return [(r.attrs["data-party"], float(r.attrs["data-average"]), int(r.attrs["data-scores"]),
             int(r.attrs["data-commitments"])) for r in rows]  # fmt: skip


def cli_ranking(ctrack: Ctrack, *args: str) -> list[tuple[str, float, int, int]]:
    data = ctrack.json("scores", "--by", "party", *args)
    return [(g["key"], g["average"], g["scores"], g["commitments"]) for g in data["groups"]]  # type: ignore[index]


def table_cells(table: Element, first_party: int) -> dict[str, dict[str, str]]:
    """Each body row's cells by the party its column heads, keyed by the row's ``data-id``."""
    parties = [th.text for th in table.find("thead").find_all("th")][first_party:]
    found = {}
    for row in table.find_all("tr"):  # every body: the heat map has one per issue area
        if "data-id" not in row.attrs:
            continue
        cells = [c for c in row.children if isinstance(c, Element) and c.tag in ("td", "th")][first_party:]
        found[row.attrs["data-id"]] = {party: cell.text for party, cell in zip(parties, cells)}
    return found


def cli_matrix(ctrack: Ctrack, *args: str) -> dict[str, dict[str, str]]:
    data: Any = ctrack.json("matrix", *args)
    found = {}
    for row in data["rows"]:
        if row["scores"]:
            cells = {p: ("" if row["scores"].get(p) is None else f"{row['scores'][p]:+d}" if row["scores"][p] else "0")
                     for p in data["parties"]}  # fmt: skip
        else:
            cells = {p: "\u2014" if p not in row["cells"] else row["cells"][p]["status"].replace("_", " ")
                     + (" overdue" if row["cells"][p]["overdue"] else "") for p in data["parties"]}  # fmt: skip
        found[row["id"]] = cells
    return found


def test_the_ranking_covers_every_commitment_whatever_limit_bounds_and_the_page_says_what_it_left_out(
    editions, page_file  # noqa: F811
):  # fmt: skip
    out, talk = page_file
    page = parse(out.read_text(encoding="utf-8"))
    assert ranking(page) == cli_ranking(editions)
    # Every G20 commitment is only scores: the board and the timelines draw none of them.
    assert "audit trails show the 200 most recently made of 398 commitments, its board and timelines none" in talk
    said = page.find("p", id="left-out").text
    assert "200 most recently made of 398" in said and "scores" in said
    # Every scored commitment is in the scores section, not only the 200 on the board.
    groups = editions.json("scores", "--by", "commitment")["groups"]  # type: ignore[index]
    assert {r.attrs["data-id"] for r in page.find("table", id="heatmap").find_all("tr") if "data-id" in r.attrs} == {
        g["id"] for g in groups}


def test_the_scores_section_follows_the_sliders(chromium, tmp_path, editions, page_file):  # noqa: F811
    out, _ = page_file
    page = opened(chromium, tmp_path, out, f"known-at={EDITION}")
    then = editions.json("scores", "--by", "commitment", "--known-at", EDITION)["groups"]  # type: ignore[index]
    heat = table_cells(page.find("table", id="heatmap"), 1)
    assert set(heat) == {g["id"] for g in then}  # no 2021 commitment: the 2022 edition did not have them
    for group in then:
        marks = {p: f"{s:+d}" if s else "0" for p, s in group["party_scores"].items()}
        assert {p: v for p, v in heat[group["id"]].items() if p in marks} == marks, group["id"]
    # 2020-104 at the 2022 edition's scores, not at its 2023 rescoring.
    assert "0" in heat["2020-104"].values()
    assert ranking(page) == cli_ranking(editions, "--known-at", EDITION)


def test_the_matrix_shows_the_scores_matrix_shows(chromium, tmp_path, editions, page_file):  # noqa: F811
    out, _ = page_file
    page = parse(out.read_text(encoding="utf-8"))
    assert table_cells(page.find("table", id="matrix"), 3) == cli_matrix(editions)
    moved = opened(chromium, tmp_path, out, f"known-at={EDITION}")
    assert table_cells(moved.find("table", id="matrix"), 3) == cli_matrix(editions, "--known-at", EDITION)


def test_score_only_commitments_lead_with_their_scores_and_draw_no_status(editions, page_file):  # noqa: F811
    out, _ = page_file
    page = parse(out.read_text(encoding="utf-8"))
    sections = [s.attrs.get("id") for s in page.find("main").find_all("section")]
    assert sections.index("scores") < sections.index("status-board")
    # Every G20 commitment is only scores: no board of identical 'pledged' rows, no status bars, no
    # assessment markers on the dates the editions were imported.
    assert page.find("table", id="board").find("tbody").find_all("tr") == []
    assert "398" in page.find("p", id="score-only").text
    overview = page.find_all("svg", class_="overview")
    assert not overview or not [g for g in overview[0].find_all("g", class_="row") if g.attrs.get("display") != "none"]
    assert page.find_all("svg", class_="strip") == []
    article = page.find_all("article", class_="commitment")[0]
    assert article.find("table", class_="party-scores")  # its scores first, where a status would be
    assert "pledged" not in article.find("h3").text
