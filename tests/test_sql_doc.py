"""docs/sql.md's "exact in SQL" query gives, on the demo data, what ``ctrack status`` gives."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.conftest import Ctrack
from tests.e2e.conftest import DATASET

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
