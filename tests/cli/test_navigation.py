"""Getting around: --known-at by event reference, "did you mean" for a mistyped id, and shell
completion of ids, statuses, parties and meeting kinds from the store."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.cli.helpers import error_line

TCM = "trilateral-coordinating-mechanism"


@pytest.fixture
def demo(trilateral_sqlite: Any) -> Any:
    return trilateral_sqlite


def status_of(demo: Any, slug: str, *args: str) -> str:
    board = demo.json("status", "--as-of", "2024-11-20", *args)["commitments"]
    return next(item["status"] for item in board if item["id"] == slug)


def test_known_at_an_event_reference_is_the_moment_it_was_recorded(demo):
    events = demo.json("history", TCM)["events"]
    retraction = events[2]
    assert retraction["type"] == "event_retracted"
    at = demo.json("status", "--known-at", f"{TCM}#3")
    assert at["known_at"] == retraction["recorded_at"]
    assert status_of(demo, TCM, "--known-at", f"{TCM}#3") == "pledged"
    # just before the retraction, the tracker still believed the mistaken fulfilment
    assert status_of(demo, TCM, "--known-at", f"{TCM}#3^") == "fulfilled"
    assert status_of(demo, TCM, "--known-at", f"{TCM}#3^") == status_of(demo, TCM, "--known-at", "2024-10-19")


def test_known_at_a_reference_works_for_every_query_and_in_any_case(demo):
    for query in (("history", TCM), ("show", TCM), ("diff", "--from", "2024-07-01"), ("replay",)):
        upper = demo.ok(*query, "--known-at", f"{TCM.upper()}#3^", "--json").stdout
        assert upper == demo.ok(*query, "--known-at", f"{TCM}#3^", "--json").stdout


@pytest.mark.parametrize(("value", "code", "fragment"), [
    (f"{TCM}#9", 1, "has 3 events"),
    ("nothing-here#1", 1, "nothing is recorded"),
    ("x#", 2, "not an event reference"),
    ("#3", 2, "not an event reference"),
])  # fmt: skip
def test_a_bad_reference_is_one_error_line(demo, value, code, fragment):
    error_line(demo("status", "--known-at", value), code, fragment)


@pytest.mark.parametrize(("typed", "meant"), [("cd-meet-anually", "cd-meet-annually"), ("tscf-mou", "tscf-moc")])
def test_a_mistyped_id_gets_a_suggestion(demo, typed, meant):
    for command in ("show", "history"):
        line = error_line(demo(command, typed), 1, f"unknown id '{typed}'")
        assert f"did you mean '{meant}'" in line


def test_an_id_like_nothing_gets_no_suggestion(demo):
    assert "did you mean" not in error_line(demo("show", "qqqqqqqq"), 1, "unknown id")


def complete(words: str, store: str) -> list[str]:
    env = {"_CTRACK_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
           "TRACKER_STORE": store}  # fmt: skip
    result = CliRunner().invoke(cli, [], prog_name="ctrack", env=env)
    assert result.exit_code == 0
    return [line.split(",", 1)[1] for line in result.stdout.split()]


def test_completion_offers_the_stores_ids_statuses_parties_and_kinds(demo):
    assert complete("ctrack show cd-meet", demo.store) == ["cd-meet-annually"]
    assert "tscf-moc" in complete("ctrack history ts", demo.store)
    assert complete("ctrack status --status on", demo.store) == ["on_track"]
    assert {"US", "JP", "KR"} <= set(complete("ctrack status --party ", demo.store))
    assert "trilateral-summit" in complete("ctrack pledge x --due-next tri", demo.store)
    assert "trilateral-summit" in complete("ctrack meeting add x --kind ", demo.store)


def test_completion_never_creates_a_store(tmp_path):
    missing = tmp_path / "no" / "such.db"
    assert complete("ctrack show c", str(missing)) == []
    assert not (tmp_path / "no").exists()


def test_completion_on_a_store_without_the_view_folds_the_log_and_adds_no_table(tmp_path):
    import sqlite3

    from tests.cli.helpers import DATASET

    store = tmp_path / "log-only.db"
    assert CliRunner().invoke(cli, ["--store", str(store), "--by", "t", "import", str(DATASET)]).exit_code == 0
    with sqlite3.connect(store) as conn:  # as written before the view existed: the log alone
        views = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                 if name.startswith("view_") or name == "tracking"]  # fmt: skip
        for name in views:
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')  # an FTS5 table takes its shadow tables along
        before = sorted(conn.execute("SELECT type, name FROM sqlite_master"))
    assert views
    assert complete("ctrack show cd-meet", str(store)) == ["cd-meet-annually"]
    assert "trilateral-summit" in complete("ctrack meeting add x --kind ", str(store))
    with sqlite3.connect(store) as conn:
        assert sorted(conn.execute("SELECT type, name FROM sqlite_master")) == before


def test_completion_after_an_import_offers_what_was_just_imported(tmp_path):
    from tests.cli.helpers import DATASET

    store = tmp_path / "new.db"
    assert CliRunner().invoke(cli, ["--store", str(store), "--by", "t", "import", str(DATASET)]).exit_code == 0
    assert complete("ctrack show cd-meet", str(store)) == ["cd-meet-annually"]
