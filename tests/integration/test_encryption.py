"""Encryption at rest: with TRACKER_CIPHER_KEY the database holds no plaintext of any event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.cli.helpers import command_tree
from tests.integration.test_integrity import DATASET, Raw


def run(store: str, key: str | None, *args: str):
    env = {"TRACKER_CIPHER_KEY": key} if key else {}
    return CliRunner().invoke(cli, ["--store", store, *args], env=env)


def key() -> str:
    result = CliRunner().invoke(cli, ["keygen"])
    assert result.exit_code == 0
    return result.stdout.strip()


def test_an_encrypted_store_holds_no_plaintext_and_reads_back(store_url: str) -> None:
    secret = key()
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    raw = Raw(store_url)
    states = b"".join(bytes(r[0]) for r in raw.run(f"SELECT state FROM {raw.events}"))
    for plaintext in (b"Camp David", b"Freedom", b"commitment", b"demo-analyst", b"2024-10-16"):
        assert plaintext not in states
    if not raw.postgres:
        assert b"Camp David" not in Path(store_url).read_bytes()
    board = run(store_url, secret, "status", "--json")
    assert board.exit_code == 0 and "freedom-edge-exercise" in board.stdout
    assert run(store_url, secret, "verify").exit_code == 0


@pytest.mark.parametrize("wrong", ["other", "malformed", "missing"])
def test_a_wrong_key_is_a_one_line_error(store_url: str, wrong: str) -> None:
    assert run(store_url, key(), "import", str(DATASET)).exit_code == 0
    given = {"other": key(), "malformed": "not-a-key", "missing": None}[wrong]
    result = run(store_url, given, "status")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


SECRETS = (b"Camp David", b"Freedom Edge", b"demo-analyst", b"Trilateral", b"Seoul")


def _everything_stored(raw: Raw, url: str) -> bytes:
    """Every byte the tracker wrote: the database files (with SQLite's journals), or every column
    of every table in the store's PostgreSQL schema, as text."""
    if not raw.postgres:
        files = [Path(url), Path(url + "-wal"), Path(url + "-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    tables = [r[0] for r in raw.run(f"SELECT tablename FROM pg_tables WHERE schemaname = '{raw.schema}'")]
    assert "view_intervals" in tables and "view_facts" in tables
    dumped = [str(raw.run(f'SELECT * FROM "{raw.schema}"."{table}"')) for table in tables]
    indexed = [str(raw.run(f"SELECT indexdef FROM pg_indexes WHERE schemaname = '{raw.schema}'"))]
    return "\n".join(dumped + indexed).encode()


def test_no_text_of_any_event_is_stored_in_clear_anywhere(store_url: str) -> None:
    secret = key()
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    for command in (["status"], ["show", "freedom-edge-exercise"], ["history", "freedom-edge-exercise"],
                    ["rebuild"], ["status", "--as-of", "2024-01-01"]):  # fmt: skip
        assert run(store_url, secret, *command).exit_code == 0, command
    stored = _everything_stored(Raw(store_url), store_url)
    for plaintext in SECRETS:
        assert plaintext not in stored, plaintext
    # ...and with the key, every command reads it back
    assert "Freedom Edge" in run(store_url, secret, "show", "freedom-edge-exercise").stdout


@pytest.mark.parametrize("command", [["status"], ["show", "freedom-edge-exercise"], ["history", "freedom-edge-exercise"],
                                     ["export"], ["verify"], ["replay"], ["matrix"]])  # fmt: skip
@pytest.mark.parametrize("given", ["missing", "other"])
def test_content_needs_the_right_key_even_once_the_view_is_built(store_url: str, command: list[str], given: str) -> None:
    secret = key()
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    assert run(store_url, secret, "status").exit_code == 0  # the view is caught up: nothing left to decode
    result = run(store_url, {"missing": None, "other": key()}[given], *command)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1, result.stderr
    assert "TRACKER_CIPHER_KEY" in result.stderr
    assert "Camp David" not in result.stdout and "Freedom Edge" not in result.stdout
    assert "tamper" not in result.stderr and "edited" not in result.stderr and "forged" not in result.stderr


@pytest.mark.parametrize("build_default", ["ON", "OFF"])
def test_a_view_written_in_clear_is_rebuilt_sealed_once_a_key_reads_the_store(sqlite_url: str, monkeypatch,
                                                                               build_default: str) -> None:  # fmt: skip
    """A store encrypted by an earlier release had its view in clear: the first read reseals it,
    zeroing the pages it frees whether or not SQLite was built to zero them by default."""
    from tests.integration.test_view_reset_io import _as_if_built_with

    _as_if_built_with(monkeypatch, build_default)
    from commitment_tracker.tracker import open_tracker, resolve_store
    from commitment_tracker.projections.view.reader import ViewReader
    from commitment_tracker.projections.view.sealing import Sealer

    secret = key()
    assert run(sqlite_url, secret, "import", str(DATASET)).exit_code == 0
    with open_tracker(resolve_store(sqlite_url, cipher_key=secret)) as tracker:
        reader = ViewReader(tracker)
        reader.view.sealer = Sealer(None)  # as the earlier release wrote it
        reader.rebuild()
        reader.close()
    assert b"Camp David" in Path(sqlite_url).read_bytes()
    assert run(sqlite_url, key(), "status").exit_code == 1  # a wrong key must not wipe it...
    result = run(sqlite_url, secret, "status", "--json")
    assert result.exit_code == 0 and "freedom-edge-exercise" in result.stdout
    stored = _everything_stored(Raw(sqlite_url), sqlite_url)
    assert b"Camp David" not in stored  # ...the right one reseals it, leaving no old page in clear


def test_a_checkpoint_survives_export_and_import_into_another_store_and_key(store_url: str, tmp_path: Path) -> None:
    """Key rotation and migration: the same history has the same digest in every store."""
    first, second = key(), key()
    assert run(store_url, first, "import", str(DATASET)).exit_code == 0
    anchor = run(store_url, first, "checkpoint").stdout.split()
    assert anchor[0].startswith("sha256:") and "(digest v2)" in " ".join(anchor)
    exported = tmp_path / "export.jsonl"
    assert run(store_url, first, "export", "-o", str(exported)).exit_code == 0
    for other, other_key in ((str(tmp_path / "rotated.db"), second), (str(tmp_path / "clear.db"), None)):
        assert run(other, other_key, "import", str(exported)).exit_code == 0
        assert run(other, other_key, "checkpoint").stdout.split()[:2] == anchor[:2]
        verified = run(other, other_key, "verify", "--against", anchor[0])
        assert verified.exit_code == 0, verified.output
    assert run(str(tmp_path / "rotated.db"), first, "status").exit_code == 1  # the old key no longer opens it


def test_a_store_encrypted_by_the_earlier_release_still_verifies(sqlite_url: str) -> None:
    """Version-1 links (over the ciphertext) are still checked as such, and say so."""
    from commitment_tracker.tracker import open_tracker, resolve_store
    from commitment_tracker.tracker import recorders

    secret = key()
    original = recorders.chain_rows

    def stored_bytes(previous, stored):  # the earlier release linked what it stored
        return original(previous, [recorders.StoredEvent(e.originator_id, e.originator_version, e.topic, e.state)
                                   for e in stored])  # fmt: skip

    recorders.chain_rows = stored_bytes
    try:
        with open_tracker(resolve_store(sqlite_url, cipher_key=secret)) as tracker:
            tracker.import_file(DATASET, "tester")
    finally:
        recorders.chain_rows = original
    assert "(digest v1)" in run(sqlite_url, secret, "checkpoint").stdout
    assert run(sqlite_url, secret, "verify").exit_code == 0
    raw = Raw(sqlite_url)
    raw.drop_triggers()
    raw.set_state(3, raw.state_of(3)[:-1] + bytes([raw.state_of(3)[-1] ^ 1]))
    result = run(sqlite_url, secret, "verify")
    assert result.exit_code == 1 and "verification failed" in result.stderr


def test_scores_on_an_encrypted_store_keep_party_score_cycle_and_area_sealed_and_agree(tmp_path: Path) -> None:
    """The view's assessments keep party, score, cycle and area only in the sealed ``data`` on an
    encrypted store (they are event content): ``scores`` is then grouped in Python, with the same
    answer as the clear store groups in SQL."""
    table = tmp_path / "scores.csv"
    table.write_text("area,id,year,code,text,average,us,japan,korea\n"
                     "Zanzibar Trade,2023-1,2023,,We commit to open markets.,,1,0,-1\n"
                     "Zanzibar Health,2023-2,2023,,We commit to fund vaccines.,,1,,1\n", encoding="utf-8")  # fmt: skip
    secret = key()
    answers = {}
    for name, given in (("clear.db", None), ("sealed.db", secret)):
        store = str(tmp_path / name)
        imported = run(store, given, "import-scores", str(table), "--on", "2024-01-01", "--cycle", "zanzibarfinal")
        assert imported.exit_code == 0, imported.output
        answers[name] = [json.loads(run(store, given, "scores", "--by", by, "--json").stdout) | {"known_at": None}
                         for by in ("commitment", "party", "area", "year", "cycle")]  # fmt: skip
    assert answers["sealed.db"] == answers["clear.db"]
    raw = Raw(str(tmp_path / "sealed.db"))
    assert raw.run("SELECT count(*) FROM view_assessments WHERE party IS NULL AND score IS NULL AND cycle IS NULL "
                   "AND area IS NULL AND area_key IS NULL")[0][0] == 5  # fmt: skip
    stored = _everything_stored(raw, str(tmp_path / "sealed.db"))
    for plaintext in (b"Zanzibar", b"zanzibar", b"zanzibarfinal"):
        assert plaintext not in stored, plaintext


@pytest.mark.parametrize("slug", ["trilateral-coordinating-mechanism", "cd-meet-annually"])
def test_an_encrypted_store_answers_show_and_history_exactly_as_one_in_clear(store_url: str, sqlite_url: str,
                                                                             tmp_path: Path, slug: str) -> None:  # fmt: skip
    # What bears on a commitment (the meetings it is due by, the statements about it) is found on an
    # encrypted store by unsealing; on PostgreSQL it once matched nothing, silently.
    clear = str(tmp_path / "clear.db")
    secret = key()
    assert run(clear, None, "import", str(DATASET)).exit_code == 0
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    for command in (["show", slug, "--as-of", "2025-10-01"], ["history", slug]):
        mine, theirs = run(store_url, secret, *command, "--json"), run(clear, None, *command, "--json")
        assert mine.exit_code == theirs.exit_code == 0, mine.stderr
        answer = {k: v for k, v in json.loads(mine.stdout).items() if k != "known_at"}  # "now", a moment apart
        assert answer == {k: v for k, v in json.loads(theirs.stdout).items() if k != "known_at"}


# --- every command, on an encrypted store without its key ------------------------------------

#: Commands that never need the key, and why.
KEYLESS = {
    "schema": "prints the interchange format; reads no store",
    "keygen": "makes a new key; reads no store",
    "parties": "the built-in party registry; reads no store",
    "checkpoint": "the log's digest and count are not event content (README: what stays visible without "
                  "the key), so a checkpoint can be anchored by someone who may not read the events",
    "store init": "creates the tables and grants roles; reads no event",
    "demo": "loads into an empty store only: a store that holds events is refused before any is read",
}  # fmt: skip
#: Every other command, as a user would type it against the trilateral store ({dir}: a scratch directory).
NEEDS_KEY = {
    "status": [("status",), ("status", "--json")],
    "show": [("show", "freedom-edge-exercise"), ("show", "camp-david-2023")],
    "history": [("history", "freedom-edge-exercise")],
    "replay": [("replay",), ("replay", "--known-from", "2024-10-19")],
    "diff": [("diff", "--from", "2024-01-01", "--to", "2024-12-31"), ("diff", "--known-from", "2024-10-19")],
    "matrix": [("matrix",)],
    "due": [("due",)],
    "meetings": [("meetings",)],
    "statements": [("statements",)],
    "sources": [("sources",)],
    "sources show": [("sources", "show", "omai-2024-10-seoul-vfm")],
    "search": [("search", "Freedom"), ("search", "coordinating", "--type", "commitment")],
    "scores": [("scores",), *(("scores", "--by", by) for by in ("commitment", "party", "area", "year", "cycle")),
               ("scores", "--approved-only"), ("scores", "--agreement"), ("scores", "--disagreements")],
    "review": [("review", "tscf-moc#2", "--approve", "--on", "2025-01-01")],
    "queue": [("queue",), ("queue", "--json")],
    "chart": [("chart", "--out", "{dir}/chart.png")],
    "report": [("report", "--out", "{dir}/report.html")],
    "export": [("export",), ("export", "--format", "csv")],
    "verify": [("verify",)],
    "rebuild": [("rebuild",)],
    "import": [("import", "{dir}/more.jsonl", "--dry-run"), ("import", "{dir}/more.jsonl")],
    "import-scores": [("import-scores", "{dir}/scores.csv", "--on", "2025-01-01", "--dry-run"),
                      ("import-scores", "{dir}/scores.csv", "--on", "2025-01-01")],
    "pledge": [("pledge", "new-one", "--on", "2025-01-01", "--title", "T", "--party", "US")],
    "reaffirm": [("reaffirm", "freedom-edge-exercise", "--on", "2025-01-01")],
    "progress": [("progress", "freedom-edge-exercise", "--on", "2025-01-01", "--note", "n")],
    "fulfil": [("fulfil", "freedom-edge-exercise", "--on", "2025-01-01")],
    "fulfill": [("fulfill", "freedom-edge-exercise", "--on", "2025-01-01")],
    "stall": [("stall", "tscf-moc", "--on", "2025-01-01", "--note", "n")],
    "abandon": [("abandon", "tscf-moc", "--on", "2025-01-01")],
    "supersede": [("supersede", "tscf-moc", "--by", "freedom-edge-exercise", "--on", "2025-01-01")],
    "deadline": [("deadline", "tscf-moc", "--on", "2025-01-01", "--due", "2026-01-01")],
    "assess": [("assess", "tscf-moc", "--party", "US", "--score", "1", "--on", "2025-01-01")],
    "retract": [("retract", "tscf-moc#2", "--reason", "r")],
    "correct": [("correct", "tscf-moc#2", "--reason", "r", "--on", "2024-07-29")],
    "meeting add": [("meeting", "add", "m-new", "--on", "2025-01-01", "--kind", "summit", "--title", "T",
                     "--party", "US")],
    "meeting schedule": [("meeting", "schedule", "m-next", "--on", "2025-01-01", "--for", "2025-06-01",
                          "--kind", "summit", "--title", "T", "--party", "US")],
    "source add": [("source", "add", "src-new", "--title", "T")],
    "statement add": [("statement", "add", "st-new", "--on", "2025-01-01", "--party", "US", "--text", "T")],
    "publish": [("publish", "ed-new", "--on", "2025-01-01", "--title", "T")],
    "editions": [("editions",), ("editions", "--json")],
    "export-scores": [("export-scores",), ("export-scores", "-o", "{dir}/scores-out.csv")],
}  # fmt: skip
KEY_ERRORS = {"missing": "Error: this store is encrypted: set TRACKER_CIPHER_KEY to its key",
              "other": "Error: TRACKER_CIPHER_KEY is not this store's key: its events do not decrypt with it"}  # fmt: skip


def _commands() -> set[str]:
    """Every command a user can run, read from the command tree (``helpers.command_tree``)."""
    return set(command_tree())


def test_every_command_is_either_keyless_or_checked_below() -> None:
    assert not set(KEYLESS) & set(NEEDS_KEY)
    assert _commands() == set(KEYLESS) | set(NEEDS_KEY)


@pytest.mark.parametrize("view", ["built", "never built"])
@pytest.mark.parametrize("given", ["missing", "other"])
def test_every_command_that_reads_or_records_events_needs_the_stores_key(store_url: str, tmp_path: Path,
                                                                         view: str, given: str) -> None:  # fmt: skip
    secret = key()
    assert run(store_url, secret, "import", str(DATASET)).exit_code == 0
    if view == "built":
        assert run(store_url, secret, "scores").exit_code == 0  # nothing left for a reader to decode
    (tmp_path / "more.jsonl").write_text('{"type": "progress_reported", "commitment": "tscf-moc", '
                                         '"on": "2025-01-01", "note": "n"}\n', encoding="utf-8")  # fmt: skip
    (tmp_path / "scores.csv").write_text("area,id,year,code,text,average,japan\nTrade,2019-1,2019,,Keep open.,,1\n",
                                         encoding="utf-8")  # fmt: skip
    before = run(store_url, secret, "checkpoint").stdout
    wrong = {"missing": None, "other": key()}[given]
    answers = {args: run(store_url, wrong, *(a.replace("{dir}", str(tmp_path)) for a in args))
               for invocations in NEEDS_KEY.values() for args in invocations}  # fmt: skip
    wrongly = {" ".join(args): (r.exit_code, r.stdout[:80], r.stderr) for args, r in answers.items()
               if (r.exit_code, r.stdout, r.stderr) != (1, "", KEY_ERRORS[given] + "\n")}  # fmt: skip
    assert not wrongly
    assert run(store_url, secret, "checkpoint").stdout == before  # nothing was written
    assert not (tmp_path / "chart.png").exists() and not (tmp_path / "report.html").exists()
