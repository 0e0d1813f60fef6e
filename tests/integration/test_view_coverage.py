"""verify covers every row any answer is read from: past knowledge, the search index, closed
assessments, the gaps, and every other table of the store's own catalogue.

Each attack changes an answer first (so the test shows the lie is real), then expects ``verify``
to exit 1 naming the table and ``ctrack rebuild``, and a rebuild to restore the truth. The tables
are taken from the store's catalogue, not from a list: the next table added cannot escape.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.integration.test_integrity import DATASET
from tests.integration.test_view_guard import View

FOREVER = "9999-12-31T23:59:59.999999Z"


def run(store: str, *args: str):
    return CliRunner().invoke(cli, ["--store", store, *args])


def ok(store: str, *args: str):
    result = run(store, *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def history(store_url: str) -> str:
    """The demo dataset, then later records each caught up on its own, so the view holds closed
    intervals, closed assessments, gaps and a search index."""
    ok(store_url, "import", str(DATASET))
    ok(store_url, "status")
    ok(store_url, "assess", "denuclearization", "--party", "US", "--score", "1", "--on", "2024-11-01")
    ok(store_url, "status")
    ok(store_url, "assess", "denuclearization", "--party", "US", "--score", "-1", "--on", "2024-12-01")
    ok(store_url, "reaffirm", "denuclearization", "--on", "2025-01-01")
    ok(store_url, "status")
    ok(store_url, "verify")
    return store_url


def refused(store: str, table: str) -> None:
    result = run(store, "verify")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1, result.stderr
    assert table in result.stderr and "ctrack rebuild" in result.stderr, result.stderr


def repaired(store: str) -> None:
    ok(store, "rebuild")
    ok(store, "verify")


def board(store: str, *args: str) -> dict[str, str]:
    return {row["id"]: row["status"] for row in json.loads(ok(store, "status", "--json", *args).stdout)["commitments"]}


def test_a_rewritten_closed_interval_is_caught(history: str) -> None:
    """What the tracker believed before the latest record (every --known-at answer) is checked too."""
    view = View(history)
    view.drop_guards()
    closed = view.run(f"SELECT entity, valid_from, known_from, status FROM {view.table('view_intervals')} "
                      f"WHERE known_to <> '{FOREVER}' AND entity = 'denuclearization' ORDER BY known_from, valid_from")  # fmt: skip
    assert closed, "the history must leave closed intervals"
    entity, valid_from, known_from, status = closed[-1]
    moment = ["--as-of", valid_from, "--known-at", known_from]
    before = board(history, *moment)
    assert before[entity] == status
    view.run(f"UPDATE {view.table('view_intervals')} SET status = 'abandoned', "
             f"data = replace(data, '\"status\": \"{status}\"', '\"status\": \"abandoned\"') "
             f"WHERE entity = '{entity}' AND valid_from = '{valid_from}' AND known_from = '{known_from}'")  # fmt: skip
    assert board(history, *moment)[entity] == "abandoned"  # the lie is served
    refused(history, "view_intervals")
    repaired(history)
    assert board(history, *moment) == before


def test_a_deleted_or_forged_search_row_is_caught(history: str) -> None:
    view = View(history)
    view.drop_guards()
    search = view.table("view_search")

    def hits(words: str) -> int:
        return len(json.loads(ok(history, "search", words, "--json").stdout)["results"])

    found = hits("Freedom Edge")
    assert found > 0
    view.run(f"DELETE FROM {search} WHERE body LIKE '%Freedom Edge%'")
    assert hits("Freedom Edge") == 0
    refused(history, "view_search")
    repaired(history)
    assert hits("Freedom Edge") == found
    view.run(f"INSERT INTO {search} (entity, position, field, type, body) "
             "VALUES ('denuclearization', 1, 'note', 'commitment_made', 'zanzibar')")  # fmt: skip
    assert hits("zanzibar") == 1
    refused(history, "view_search")
    repaired(history)
    assert hits("zanzibar") == 0


def test_a_rewritten_closed_assessment_is_caught(history: str) -> None:
    """What ``scores --known-at`` reads: the assessments as believed before a later one replaced them."""
    view = View(history)
    view.drop_guards()
    table = view.table("view_assessments")
    closed = view.run(f"SELECT position, known_from FROM {table} WHERE known_to <> '{FOREVER}' AND party = 'US'")
    assert closed, "the history must leave a closed assessment"
    position, known_from = closed[0]
    moment = ["--as-of", "2024-11-15", "--known-at", known_from, "--by", "party", "--json"]

    def us() -> object:
        groups = json.loads(ok(history, "scores", *moment).stdout)["groups"]
        return next(g["average"] for g in groups if g["key"] == "US")

    assert us() == 1
    view.run(f"UPDATE {table} SET score = -1, data = replace(data, '\"score\": 1', '\"score\": -1') "
             f"WHERE position = {position} AND known_from = '{known_from}'")  # fmt: skip
    assert us() == -1
    refused(history, "view_assessments")
    repaired(history)
    assert us() == 1


def test_deleted_gaps_are_caught(history: str) -> None:
    """Without its gaps, the board as known in the middle of the import loses commitments."""
    view = View(history)
    view.drop_guards()
    moment = ["--as-of", "2024-10-19", "--known-at", "2024-10-19T23:59:59Z"]
    before = board(history, *moment)
    view.run(f"DELETE FROM {view.table('view_gaps')}")
    assert board(history, *moment) != before
    refused(history, "view_gaps")
    repaired(history)
    assert board(history, *moment) == before
