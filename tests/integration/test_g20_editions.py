"""Both G20 editions imported as editions (SPEC §8.1): ``--known-at g20-2022`` answers as the 2022
edition, and ``diff`` between the two editions lists exactly the scores the 2023 edition rescored
or added, as computed here, independently, from the two CSV files.

Reads ``../shared/datasets/g20-compliance/`` (CC BY-NC 4.0: never copied into this repository).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import Ctrack
from tests.integration.test_g20_scores import E2022, E2023, SUMMITS, averages, rows_of


def _texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def _code_key(code: str) -> str:
    """A code as the research group means it: spelling aside (``2010-S-56`` is ``2010S-56``), a
    pasted spreadsheet range dropped."""
    return re.sub(r"[^a-z0-9]", "", code.split("+")[0].lower())


def _wording(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def expected_rescores() -> Counter:
    """(code, party, 2022 score or None, 2023 score) for every cell of the 2023 edition whose score
    differs from the 2022 edition's for the same commitment (matched by code, else by wording, as a
    re-coded row is); an empty 2023 cell changes nothing."""
    old = list(zip(rows_of(E2022), _texts(E2022), strict=True))
    by_code: dict[str, list] = {}
    for row, text in old:
        by_code.setdefault(_code_key(row["code"]), []).append((row, text))
    by_wording = {(row["year"], _wording(text)): row for row, text in old}
    found: Counter = Counter()
    for row, text in zip(rows_of(E2023), _texts(E2023), strict=True):
        candidates = by_code.get(_code_key(row["code"]), [])
        match = next((r for r, t in candidates if _wording(t) == _wording(text)), None) if len(candidates) > 1 else (
            candidates[0][0] if candidates else by_wording.get((row["year"], _wording(text))))
        before = match["scores"] if match else {}
        for party, score in row["scores"].items():
            if before.get(party) != score:
                found[(_code_key(row["code"]), party, before.get(party), score)] += 1
    return found


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Ctrack:
    ctrack = Ctrack(str(tmp_path_factory.mktemp("g20-editions") / "g20.db"))
    ctrack.ok("import-scores", str(E2022), "--on", "2022-12-31", "--summits", str(SUMMITS), "--edition", "g20-2022",
              "--title", "G20 compliance, 2022 edition")  # fmt: skip
    ctrack.ok("import-scores", str(E2023), "--on", "2023-12-31", "--summits", str(SUMMITS), "--edition", "g20-2023",
              "--title", "G20 compliance, 2023 edition")  # fmt: skip
    return ctrack


def test_known_at_the_2022_edition_reproduces_its_averages(editions):
    data = json.loads(editions.ok("scores", "--by", "party", "--known-at", "g20-2022", "--json").stdout)
    rows = rows_of(E2022)
    assert {g["key"]: g["average"] for g in data["groups"]} == {
        k: pytest.approx(v, abs=1e-12) for k, v in averages(rows, lambda r, p: p).items()}
    assert data["overall"]["commitments"] == 374
    assert data["overall"]["scores"] == sum(len(r["scores"]) for r in rows)
    just_before = json.loads(editions.ok("scores", "--known-at", "g20-2023^", "--json").stdout)
    assert just_before["overall"] == data["overall"]


def test_diff_between_the_editions_lists_exactly_the_rescored_and_added_scores(editions):
    diff = json.loads(editions.ok("diff", "--known-from", "g20-2022", "--known-to", "g20-2023", "--json").stdout)
    groups = json.loads(editions.ok("scores", "--by", "commitment", "--json").stdout)["groups"]
    code_of = {g["id"]: _code_key(g["code"]) for g in groups}
    found = Counter((code_of[s["commitment"]], s["party"], s["before"], s["after"]) for s in diff["scores"])
    expected = expected_rescores()
    assert found == expected
    assert sum(1 for s in diff["scores"] if s["commitment"] == "2020-104" and (s["before"], s["after"]) == (0, 1)) == 12
    assert all(s["cycle"] is None and s["causes"] for s in diff["scores"])


def test_export_scores_of_the_g20_store_imports_again_as_nothing_new(editions, tmp_path):
    out = tmp_path / "g20-export.csv"
    editions.ok("export-scores", "-o", str(out))
    before = editions.ok("export").stdout
    again = json.loads(editions.ok("import-scores", str(out), "--on", "2024-06-30", "--json").stdout)
    assert (again["new_commitments"], again["corrections"], again["new_scores"]) == (0, 0, 0)
    assert again["rows"] == 398  # every commitment with a score, 2011C-252 (kept from 2022) included
    assert editions.ok("export").stdout == before


def _summit_codes(path: Path, summit: str) -> set[str]:
    """The codes of the rows a table places at one summit: its year and summit code (a year alone
    when the row has none), as the research group codes them."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {_code_key(row["id"]) for row in csv.DictReader(handle)
                if f"{row['year'].strip()}{row['code'].strip()}" == summit}  # fmt: skip


def test_a_summit_holds_exactly_its_commitments_and_a_year_both_of_its_summits(editions):
    """``--summit 2010S`` holds the Seoul commitments, the rows the 2023 edition re-coded into it
    included; ``--year 2009`` holds London and Pittsburgh alike; ``--by summit`` keeps them apart."""
    def codes(*args: str) -> set[str]:
        groups = json.loads(editions.ok("scores", "--by", "commitment", *args, "--json").stdout)["groups"]
        return {_code_key(g["code"] or g["id"]) for g in groups}

    seoul = _summit_codes(E2023, "2010S")
    assert seoul and codes("--summit", "2010S") == seoul
    london, pittsburgh = _summit_codes(E2023, "2009L"), _summit_codes(E2023, "2009P")
    assert london and pittsburgh
    assert codes("--year", "2009") >= london | pittsburgh
    keys = {g["key"] for g in json.loads(editions.ok("scores", "--by", "summit", "--json").stdout)["groups"]}
    assert {"2009L", "2009P", "2010S", "2010T"} <= keys
