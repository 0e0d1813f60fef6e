"""``ctrack verify``, ``checkpoint`` and ``keygen`` (cli/integrity.py), as a user types them."""

from __future__ import annotations

import json
import sqlite3

from tests.cli.helpers import DATASET, error_line


def _events() -> int:
    return sum(1 for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip())


def test_verify_says_ok_with_the_count_and_digest_and_json_says_the_same(ctrack_sqlite):
    ctrack_sqlite.ok("import", str(DATASET))
    said = ctrack_sqlite.ok("verify").stdout
    assert said.startswith(f"OK: {_events()} events in ")
    report = ctrack_sqlite.json("verify")
    assert report["ok"] is True and report["events"] == _events()
    assert f"digest {report['digest']}" in said


def test_a_checkpoint_is_extended_by_later_records_and_a_foreign_one_is_refused(ctrack_sqlite):
    ctrack_sqlite.ok("import", str(DATASET))
    point = ctrack_sqlite.json("checkpoint")
    ctrack_sqlite.ok("reaffirm", "cd-meet-annually", "--on", "2025-08-01")
    assert ctrack_sqlite.json("verify", "--against", point["digest"])["checkpoint_found"] is True
    refused = ctrack_sqlite("verify", "--against", "sha256:" + "0" * 64)
    error_line(refused, 1, "checkpoint")


def test_verify_names_the_event_a_raw_edit_changed(ctrack_sqlite, tmp_path):
    ctrack_sqlite.ok("import", str(DATASET))
    db = sqlite3.connect(ctrack_sqlite.store, isolation_level=None)  # an adversary with the file
    try:
        db.execute("DROP TRIGGER stored_events_no_update")  # the append-only guard goes first
        (state,) = db.execute("SELECT state FROM stored_events WHERE rowid = 3").fetchone()
        edited = bytes(state).replace(b"2023", b"2022", 1)
        assert edited != bytes(state)
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = 3", (edited,))
    finally:
        db.close()
    failed = ctrack_sqlite("verify")
    assert failed.exit_code == 1 and "verification failed" in failed.stderr
    assert "#" in failed.stderr  # it names the event (ID#N)


def test_keygen_prints_a_key_that_opens_a_new_encrypted_store(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from commitment_tracker.cli.main import cli

    key = CliRunner().invoke(cli, ["keygen"]).stdout.strip()
    assert len(key) >= 40 and " " not in key
    store = str(tmp_path / "sealed.db")
    env = {"TRACKER_CIPHER_KEY": key}
    result = CliRunner().invoke(cli, ["--store", store, "--by", "tester", "import", str(DATASET)], env=env)
    assert result.exit_code == 0, result.stderr
    verified = CliRunner().invoke(cli, ["--store", store, "verify", "--json"], env=env)
    assert json.loads(verified.stdout)["ok"] is True
    assert b"Camp David" not in (tmp_path / "sealed.db").read_bytes()  # content stays sealed
    wrong = CliRunner().invoke(cli, ["--store", store, "verify"], env={"TRACKER_CIPHER_KEY": key[::-1]})
    assert wrong.exit_code == 1 and wrong.stderr.startswith("Error:")


def test_verify_says_how_much_of_the_status_view_it_checked(ctrack_sqlite):
    """A store no query has read has no status view: verify says so, rather than timing a check of
    nothing as if it were one. A view behind the latest records is checked as far as it goes, and
    verify says how far (the next query catches it up)."""
    ctrack_sqlite.ok("import", str(DATASET))
    said = ctrack_sqlite.ok("verify").stdout
    assert "no status view yet" in said and "view in" not in said, said
    assert ctrack_sqlite.json("verify")["view_events"] == 0
    ctrack_sqlite.ok("status")
    said = ctrack_sqlite.ok("verify").stdout
    assert ", view in " in said and "no status view" not in said, said
    assert ctrack_sqlite.json("verify")["view_events"] == _events()
    ctrack_sqlite.ok("reaffirm", "cd-meet-annually", "--on", "2025-08-01")  # recorded: the view is one behind
    said = ctrack_sqlite.ok("verify").stdout
    assert f"view (its first {_events()} of {_events() + 1} events) in " in said, said
    assert ctrack_sqlite.json("verify")["view_events"] == _events()
