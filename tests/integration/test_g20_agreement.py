"""Agreement between analysts on real data (SPEC §8.2): the 2019 Osaka summit's published scores
as one analyst's coding, and a second coding derived from it here, at test time, by changing a
fixed share of the cells with a fixed seed (synthetic: the G20 Research Group publishes one
table; the data's licence keeps any derived copy out of this repository).

Every expected figure is computed here from the two codings: alpha by the reference written from
the definition in ``tests/unit/test_agreement.py``, the disputed cells by comparing them.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from tests.conftest import Ctrack
from tests.integration.test_g20_scores import E2023, MEMBERS, SUMMITS, rows_of
from tests.unit.test_agreement import reference_alpha

SUMMIT = 2019
SHARE = 0.15  # of the cells the second analyst scores differently
SEED = 19


def second_coding(first: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """The same cells, a fixed share of them moved to another score (deterministically)."""
    chance = random.Random(SEED)
    return {cell: chance.choice([s for s in (-1, 0, 1) if s != score]) if chance.random() < SHARE else score
            for cell, score in sorted(first.items())}  # fmt: skip


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory):
    """A store with the summit's table scored by 'Toronto', then the derived coding by 'Moscow'."""
    directory = tmp_path_factory.mktemp("g20-agreement")
    with E2023.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        kept = [row for row in reader if int(row["year"]) == SUMMIT]
        table = directory / "osaka.csv"
        with table.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=reader.fieldnames)  # type: ignore[arg-type]
            writer.writeheader()
            writer.writerows(kept)
    ctrack = Ctrack(str(directory / "g20.db"))
    ctrack.ok("--by", "toronto", "import-scores", str(table), "--on", "2020-06-01", "--cycle", "final",
              "--summits", str(SUMMITS), "--assessor", "Toronto")  # fmt: skip
    groups = json.loads(ctrack.ok("scores", "--by", "commitment", "--json").stdout)["groups"]
    ids = {group["code"]: group["id"] for group in groups}
    first = {(ids[row["code"]], party): score for row in rows_of(table) for party, score in row["scores"].items()}
    second = second_coding(first)
    events = [{"type": "compliance_assessed", "commitment": slug, "party": party, "score": score, "on": "2020-06-15",
               "cycle": "final", "assessor": "Moscow"} for (slug, party), score in second.items()]  # fmt: skip
    (directory / "moscow.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    ctrack.ok("--by", "moscow", "import", str(directory / "moscow.jsonl"))
    return ctrack, first, second


def test_agreement_is_alpha_over_every_cell_both_analysts_scored(coded):
    ctrack, first, second = coded
    cells = sorted(first)
    assert len(cells) > 300 and 0.1 < sum(first[c] != second[c] for c in cells) / len(cells) < 0.2
    data = json.loads(ctrack.ok("scores", "--agreement", "--json").stdout)
    expected = reference_alpha([[first[c] for c in cells], [second[c] for c in cells]], "ordinal")
    assert data["overall"]["alpha"] == pytest.approx(expected, abs=1e-9)
    assert data["overall"]["units"] == len(cells) and data["overall"]["pairable_values"] == 2 * len(cells)
    assert data["overall"]["analysts"] == ["Moscow", "Toronto"]
    by_party = {g["key"]: g for g in json.loads(ctrack.ok("scores", "--agreement", "--by", "party", "--json").stdout)["groups"]}
    assert set(by_party) == {party for _, party in cells} <= set(MEMBERS.values())
    for party, group in by_party.items():
        mine = [c for c in cells if c[1] == party]
        expected = reference_alpha([[first[c] for c in mine], [second[c] for c in mine]], "ordinal")
        assert group["alpha"] == (None if expected is None else pytest.approx(expected, abs=1e-9)), party


def test_every_changed_cell_is_disputed_until_a_reviewer_reconciles_it(coded):
    ctrack, first, second = coded
    differing = sorted(c for c in first if first[c] != second[c])
    found = json.loads(ctrack.ok("scores", "--disagreements", "--json").stdout)["disagreements"]
    assert sorted((d["commitment"], d["party"]) for d in found) == differing
    assert all(d["disputed"] and [s["analyst"] for s in d["scores"]] == ["Moscow", "Toronto"] for d in found)
    assert json.loads(ctrack.ok("scores", "--json").stdout)["overall"]["disputed"] == len(differing)
    before = json.loads(ctrack.ok("scores", "--agreement", "--json").stdout)["overall"]
    # The reviewer settles the first three: Toronto's score stands.
    for unit in found[:3]:
        ctrack.ok("--by", "reviewer", "assess", unit["commitment"], "--party", unit["party"], "--score",
                  str(first[(unit["commitment"], unit["party"])]), "--on", "2020-07-01", "--cycle", "final",
                  *(arg for s in unit["scores"] for arg in ("--reconciles", s["ref"])))  # fmt: skip
    assert json.loads(ctrack.ok("scores", "--json").stdout)["overall"]["disputed"] == len(differing) - 3
    # Reconciliations are not codings: the agreement between the two analysts is what it was.
    assert json.loads(ctrack.ok("scores", "--agreement", "--json").stdout)["overall"] == before
