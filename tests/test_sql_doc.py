"""docs/sql.md's "exact in SQL" query gives, on the demo data, what ``ctrack status`` gives."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.conftest import Ctrack
from tests.cli.conftest import DATASET

DOC = Path(__file__).parent.parent / "docs" / "sql.md"


def test_the_documented_board_query_matches_the_board(tmp_path):
    store = Ctrack(str(tmp_path / "tracker.db"))
    store.ok("import", str(DATASET))
    query = re.search(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)  # type: ignore[union-attr]
    for day in ("2024-07-01", "2024-11-20", "2026-01-01"):
        board = store.json("status", "--as-of", day)["commitments"]
        with sqlite3.connect(store.store) as conn:
            rows = conn.execute(query.replace("2024-07-01", day)).fetchall()
        assert rows == sorted((c["id"], c["status"]) for c in board)


SCORES = (
    "area,id,year,code,text,average,japan,united.states,korea\n"
    "Trade,2019-1,2019,,We will keep markets open.,0.5,1,0,\n"
    "Health,2019-2,2019,,Strengthen health systems.,0,0,-1,1\n"
    "Energy,2021-1,2021,,Phase out coal.,-1,-1,,\n"
)


def test_the_documented_scores_query_matches_scores_by_party(tmp_path):
    store = Ctrack(str(tmp_path / "tracker.db"))
    table = tmp_path / "scores.csv"
    table.write_text(SCORES, encoding="utf-8")
    store.ok("import-scores", str(table), "--on", "2022-01-01")
    store.ok("assess", "2019-1", "--party", "US", "--score", "1", "--on", "2023-01-01")  # replaces the 0 from then
    query = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[1]
    for day in ("2021-06-01", "2022-06-01", "2024-01-01"):
        expected = {g["key"]: (g["average"], g["scores"]) for g in store.json("scores", "--as-of", day)["groups"]}
        with sqlite3.connect(store.store) as conn:
            rows = conn.execute(query.replace("2024-07-01", day)).fetchall()
        assert {party: (average, count) for party, average, count in rows} == expected, day


def test_the_documented_order_of_a_board_rows_values_is_the_stored_one(tmp_path):
    """The doc lists a stored board row's fields in order: the list is the codec's, and the
    documented way to read one field gives that field of the board."""
    from commitment_tracker.projections.view.boardrows import BOARD_FIELDS

    text = " ".join(DOC.read_text(encoding="utf-8").split())
    listed = re.search(r"a JSON array of the fields `([^`]*)`", text).group(1)  # type: ignore[union-attr]
    assert tuple(listed.split(", ")) == BOARD_FIELDS
    index = int(re.search(r"the title is `json_extract\(data, '\$\[(\d+)\]'\)`", text).group(1))  # type: ignore[union-attr]
    store = Ctrack(str(tmp_path / "tracker.db"))
    store.ok("import", str(DATASET))
    titles = {c["id"]: c["title"] for c in store.json("status")["commitments"]}
    with sqlite3.connect(store.store) as conn:
        rows = conn.execute(f"SELECT DISTINCT entity, json_extract(data, '$[{index}]') FROM view_intervals "
                            "WHERE known_to = '9999-12-31T23:59:59.999999Z'").fetchall()  # fmt: skip
    assert dict(rows) == titles
