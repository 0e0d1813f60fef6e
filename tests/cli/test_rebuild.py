"""``ctrack rebuild`` (cli/rebuild.py): the view again from the log, the answers unchanged."""

from __future__ import annotations

import sqlite3

from tests.cli.helpers import DATASET


def test_rebuild_says_how_many_events_it_read_and_every_answer_stays_the_same(ctrack_sqlite):
    ctrack_sqlite.ok("import", str(DATASET))
    commands = (("status", "--as-of", "2025-10-01"), ("matrix", "--as-of", "2025-10-01"), ("scores",), ("due",))
    known = {"known_at"}  # when each was asked: the one field that differs from run to run

    def answers() -> dict:
        return {command: {k: v for k, v in ctrack_sqlite.json(*command).items() if k not in known}
                for command in commands}  # fmt: skip

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
