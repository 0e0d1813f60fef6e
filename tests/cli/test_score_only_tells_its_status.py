"""A commitment whose making gives it a deadline or a cadence has a status to tell, scored or not.

"Meet in person at least annually" (the bundled dataset's ``cd-meet-annually``) has no event of its
own besides its making: it lapses with time, and meetings (other streams) fulfil it. Once an
analyst scored it, it counted as *score-only*: ``status`` showed "avg +1.00 (1)" where "lapsed"
was, and the report drew it on neither its board nor its timelines.
"""

from __future__ import annotations

import re

from tests.conftest import Ctrack
from tests.cli.helpers import DATASET


def test_a_scored_recurring_commitment_still_shows_its_status_on_the_board_and_the_page(sqlite_url: str, tmp_path) -> None:
    store = Ctrack(sqlite_url)
    store.ok("import", str(DATASET))
    before = {row["id"]: row for row in store.json("status", "--as-of", "2025-10-01")["commitments"]}
    assert before["cd-meet-annually"]["status"] == "lapsed"
    store.ok("assess", "cd-meet-annually", "--party", "JP", "--score", "1", "--on", "2025-01-10")
    table = store.ok("status", "--as-of", "2025-10-01", "--wide").stdout
    line = next(line for line in table.splitlines() if "cd-meet-annually" in line)
    assert "lapsed" in line and "avg" not in line, line
    matrix = store.ok("matrix", "--as-of", "2025-10-01", "--wide").stdout
    assert re.search(r"cd-meet-annually\s", matrix)
    page = tmp_path / "report.html"
    store.ok("report", "--as-of", "2025-10-01", "--out", str(page))
    board = page.read_text(encoding="utf-8").split('<table id="board"', 1)[1].split("</table>", 1)[0]
    assert 'data-id="cd-meet-annually"' in board
