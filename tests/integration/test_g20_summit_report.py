"""``ctrack report --summit S`` on the G20 store (both editions imported as editions): the research
groups' tables, each equal to what ``scores`` answers, at the page's own moment and at an edition a
link names (``#known-at=g20-2022``, read from the page as Chromium draws it); and every cell's
provenance, from the edition that first published it to each recalibration since.

Reads ``../shared/datasets/g20-compliance/`` (CC BY-NC 4.0: never copied into this repository).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ctrack
from tests.cli.helpers import error_line
from tests.cli.page import Element, parse
from tests.cli.test_report_browser import browse, chromium, console  # noqa: F401  (fixtures)
from tests.cli.test_summit_report import print_problems
from tests.integration.test_g20_editions import editions  # noqa: F401  (the store: both editions)

EDITION = "g20-2022"


def write(ctrack: Ctrack, directory: Path, summit: str, *args: str) -> Path:
    out = directory / f"summit-{summit}.html"
    result = ctrack.ok("report", "--summit", summit, "--force", "--out", str(out), *args)
    assert result.stdout == "" and f"to {out}" in result.stderr
    return out


@pytest.fixture(scope="module")
def pages(editions: Ctrack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: F811
    directory = tmp_path_factory.mktemp("g20-summits")
    return {summit: write(editions, directory, summit) for summit in ("2021", "2020")}


def opened(chromium: str, tmp_path: Path, out: Path, fragment: str) -> Element:  # noqa: F811
    result = browse(chromium, tmp_path, out, "--virtual-time-budget=20000", "--dump-dom", url=f"{out.as_uri()}#{fragment}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console(result) == []
    return parse(result.stdout)


def body_rows(page: Element, table: str) -> list[Element]:
    found = page.find("div", id="report-body").find_all("table", id=table)
    return found[0].find("tbody").find_all("tr") if found else []


def by_member(page: Element) -> list[tuple[Any, ...]]:
    return [(r.attrs["data-party"], float(r.attrs["data-average"]), float(r.attrs["data-percent"]),
             int(r.attrs["data-scores"]), int(r.attrs["data-commitments"])) for r in body_rows(page, "by-member")]  # fmt: skip


def by_commitment(page: Element) -> list[tuple[Any, ...]]:
    return [(r.attrs["data-id"], float(r.attrs["data-average"]), float(r.attrs["data-percent"]), int(r.attrs["data-scores"]))
            for r in body_rows(page, "by-commitment")]  # fmt: skip


def grid(page: Element) -> dict[str, dict[str, str]]:
    return {r.attrs["data-id"]: {td.attrs["data-party"]: td.text for td in r.find_all("td") if "data-party" in td.attrs}
            for r in body_rows(page, "grid")}  # fmt: skip


def cli(ctrack: Ctrack, summit: str, *args: str) -> dict[str, Any]:
    members: Any = ctrack.json("scores", "--summit", summit, "--by", "party", *args)
    commitments: Any = ctrack.json("scores", "--summit", summit, "--by", "commitment", *args)
    return {
        "by_member": [(g["key"], g["average"], g["percent"], g["scores"], g["commitments"]) for g in members["groups"]],
        "by_commitment": [(g["id"], g["average"], g["percent"], g["scores"]) for g in commitments["groups"]],
        "grid": {g["id"]: {p: f"{s:+d}" if s else "0" for p, s in g["party_scores"].items()} for g in commitments["groups"]},
    }  # fmt: skip


def page_tables(page: Element) -> dict[str, Any]:
    cells = {slug: {p: text for p, text in row.items() if text} for slug, row in grid(page).items()}
    return {"by_member": by_member(page), "by_commitment": by_commitment(page), "grid": cells}


@pytest.mark.parametrize("summit", ["2021", "2020"])
def test_the_tables_are_what_scores_answers(editions, pages, summit):  # noqa: F811
    page = parse(pages[summit].read_text(encoding="utf-8"))
    expected = cli(editions, summit)
    assert expected["by_member"] and page_tables(page) == expected
    ranks = [int(r.find_all("td")[0].text) for r in body_rows(page, "by-member")]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    assert len(body_rows(page, "assessed")) == len(expected["by_commitment"])


@pytest.mark.parametrize("summit", ["2021", "2020"])
def test_at_an_edition_a_link_names_the_tables_are_what_scores_answered_then(chromium, tmp_path, editions, pages,
                                                                             summit):  # noqa: F811  # fmt: skip
    page = opened(chromium, tmp_path, pages[summit], f"known-at={EDITION}")
    expected = cli(editions, summit, "--known-at", EDITION)
    assert page_tables(page) == expected
    if summit == "2021":  # the 2022 edition had no 2021 commitment
        assert expected["by_member"] == [] and "No commitment of summit 2021 had a score" in page.find("main").text
    else:  # 2020-104 as the 2022 edition scored it, before its rescoring
        assert "0" in grid(page)["2020-104"].values()
        assert page_tables(page) != page_tables(parse(pages[summit].read_text(encoding="utf-8")))
    assert page.find("output", id="known-at-value").text.startswith(
        editions.json("editions")["editions"][0]["recorded_at"][:10])  # type: ignore[index]
    # Back to everything recorded: the page's own tables again.
    again = opened(chromium, tmp_path, pages[summit], "known-at=g20-2023")
    assert page_tables(again) == cli(editions, summit)


def test_each_cell_opens_its_provenance_from_the_edition_that_published_it_to_each_recalibration(editions, pages):  # noqa: F811
    page = parse(pages["2020"].read_text(encoding="utf-8"))
    diff: Any = editions.json("diff", "--known-from", EDITION, "--known-to", "g20-2023")
    rescored = next(s for s in diff["scores"] if s["commitment"] == "2020-104" and (s["before"], s["after"]) == (0, 1))
    party = rescored["party"]
    row = next(r for r in body_rows(page, "grid") if r.attrs["data-id"] == "2020-104")
    link = next(td for td in row.find_all("td") if td.attrs.get("data-party") == party).find("a")
    assert link.attrs["href"] == f"#p-2020-104-{party}" and link.text == "+1"
    provenance = page.find("tr", id=f"p-2020-104-{party}").find("td", class_="provenance").find_all("li")
    assert len(provenance) == 2
    assert provenance[0].text.startswith("0 first published in G20 compliance, 2022 edition")
    assert provenance[1].text.startswith("0 \u2192 +1 in G20 compliance, 2023 edition")
    assert any(ref in provenance[1].text for ref in rescored["causes"])  # the event that recalibrated it, by its reference
    # A score the 2023 edition left alone has one entry: as first published.
    steady = next(td for td in row.find_all("td") if td.attrs.get("data-party") not in (party, None) and td.text)
    entries = page.find("tr", id=f"p-2020-104-{steady.attrs['data-party']}").find_all("li")
    assert 1 <= len(entries) and entries[0].text.split(" first published in ")[0] in ("+1", "0", "-1")


def test_table_5_gives_each_members_average_at_every_summit_up_to_this_one(editions, pages):  # noqa: F811
    page = parse(pages["2021"].read_text(encoding="utf-8"))
    table = page.find("div", id="report-body").find("table", id="summits")
    columns = [th.text for th in table.find("thead").find_all("th")][1:-1]
    summits: Any = editions.json("scores", "--by", "summit")
    assert columns[0] == "2008" and columns[-1] == "2021" and set(columns) == {g["key"] for g in summits["groups"]}
    for summit in ("2008", "2015", "2021"):
        averages = {g["key"]: g["average"] for g in editions.json("scores", "--summit", summit, "--by", "party")["groups"]}  # type: ignore[index]
        shown = {r.attrs["data-party"]: next(td.text for td in r.find_all("td") if td.attrs.get("data-summit") == summit)
                 for r in table.find("tbody").find_all("tr")}  # fmt: skip
        assert {p: t for p, t in shown.items() if t} == {p: f"{a:+.2f}" for p, a in averages.items()}


def test_a_summit_the_option_cannot_name_is_a_one_line_error(editions, tmp_path):  # noqa: F811
    out = tmp_path / "s.html"
    error_line(editions("report", "--summit", "2009", "--out", str(out)), 2, "2009L, 2009P")
    error_line(editions("report", "--summit", "2031", "--out", str(out)), 1, "2031")
    error_line(editions("report", "--summit", "2021", "2021-10", "--out", str(out)), 2, "--summit")
    error_line(editions("report", "--summit", "2021", "--as-of", "2021-01-01", "--out", str(out)), 1, "2021-10-30")
    assert not out.exists()
    write(editions, tmp_path, "2009l")  # one of them, named in any case


@pytest.mark.parametrize(("summit", "fragment"), [("2021", ""), ("2020", f"#known-at={EDITION}")])
def test_printed_on_a4_nothing_is_wider_than_the_page_and_no_row_is_split(chromium, tmp_path, pages, summit, fragment):  # noqa: F811
    assert print_problems(chromium, tmp_path, pages[summit], fragment) == ([], [])


def test_the_print_check_sees_a_split_row_and_a_table_too_wide(chromium, tmp_path, pages):  # noqa: F811
    html = pages["2021"].read_text(encoding="utf-8")
    assert "  tr { break-inside: avoid; }" in html and "table.grid, table.heat { font-size: 7.5px; width: 100%; }" in html
    careless = pages["2021"].with_name("careless.html")
    careless.write_text(html.replace("  tr { break-inside: avoid; }", "").replace(
        "table.grid, table.heat { font-size: 7.5px; width: 100%; }", "table.grid, table.heat { font-size: 15px; }"), encoding="utf-8")
    wide, split = print_problems(chromium, tmp_path, careless, "")
    assert wide and split
