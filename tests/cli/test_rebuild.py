"""``ctrack rebuild`` (cli/rebuild.py): the view again from the log, the answers unchanged."""

from __future__ import annotations

import sqlite3

from tests.cli.helpers import DATASET


def test_rebuild_says_how_many_events_it_read_and_every_answer_stays_the_same(ctrack_sqlite):
    from tests.cli.test_output import JSON_QUERIES

    ctrack_sqlite.ok("import", str(DATASET))
    # Every command that answers in JSON (the output contract's list, which the command tree keeps
    # whole), but what reports on the store itself or records, plus some at other clocks.
    commands = [query for name, query in JSON_QUERIES.items() if name not in ("verify", "checkpoint", "import-scores")]
    commands += [("status", "--as-of", "2025-10-01", "--known-at", "2024-10-19"), ("matrix", "--as-of", "2025-10-01"),
                 ("history", "trilateral-coordinating-mechanism", "--by-record"), ("scores", "--by", "commitment")]  # fmt: skip
    known = {"known_at", "asked_at"}  # when each was asked: what differs from run to run

    def answers() -> dict:
        found = {}
        for command in map(tuple, commands):
            data = ctrack_sqlite.json(*command)
            found[command] = {k: v for k, v in data.items() if k not in known} if isinstance(data, dict) else data
        return found

    before = answers()
    with sqlite3.connect(ctrack_sqlite.store) as db:
        (events,) = db.execute("SELECT count(*) FROM stored_events").fetchone()
    result = ctrack_sqlite.ok("rebuild")
    assert result.stdout == ""
    assert f"rebuilt the status view from {events} events" in result.stderr
    assert answers() == before
    assert ctrack_sqlite.json("verify")["ok"] is True


def test_rebuild_of_a_store_that_does_not_exist_creates_nothing(tmp_path):
    from click.testing import CliRunner

    from commitment_tracker.cli.main import cli

    missing = tmp_path / "nowhere.db"
    result = CliRunner().invoke(cli, ["--store", str(missing), "rebuild"])
    assert result.exit_code != 0 and result.stderr.startswith("Error:")
    assert not missing.exists()
