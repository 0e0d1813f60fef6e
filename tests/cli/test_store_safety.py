"""Stores are never created or damaged by mistake: reads create nothing, foreign files are refused
untouched, output files never overwrite the store (or anything, unless asked), faults are sentences."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.conftest import PG_DSN, Ctrack, fresh_pg_store
from tests.cli.helpers import DATASET, command_tree, error_line

PLEDGE = ("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")


#: Every command in the tree (groups that run on their own too) is classified below, by what it
#: does at the store: a new command fails test_every_command_is_classified_by_what_it_does_at_the_store
#: until it is. Each invocation is the least a valid one needs (its arguments, its required options)
#: so that the command gets as far as opening the store; {out}: a scratch directory, {events} and
#: {scores}: small valid files to import.
#:
#: Commands that only read the store: a store that does not exist is an error, never created.
#: (rebuild rewrites the view, never the log; verify and checkpoint read the log.) A dry run
#: (import --dry-run, import-scores --dry-run) is neither: it answers as an empty store would and
#: creates nothing (see test_scores).
READS: dict[str, list[tuple[str, ...]]] = {
    "status": [("status",)],
    "show": [("show", "a")],
    "history": [("history", "a")],
    "replay": [("replay",)],
    "diff": [("diff", "--from", "2024-01-01", "--to", "2024-06-01")],
    "matrix": [("matrix",)],
    "due": [("due",)],
    "meetings": [("meetings",)],
    "statements": [("statements",)],
    "sources": [("sources",)],
    "sources show": [("sources", "show", "s")],
    "search": [("search", "word")],
    "scores": [("scores",)],
    "queue": [("queue",)],
    "editions": [("editions",)],
    "export": [("export",), ("export", "-o", "{out}/export.jsonl")],
    "export-scores": [("export-scores",), ("export-scores", "-o", "{out}/scores-out.csv")],
    "verify": [("verify",)],
    "checkpoint": [("checkpoint",)],
    "rebuild": [("rebuild",)],
    "report": [("report", "--out", "{out}/report.html")],
    "chart": [("chart", "--out", "{out}/chart.svg")],
}  # fmt: skip
#: Commands that record, and so may create a store (in this order: each finds what the ones before
#: it recorded, on a store that exists).
WRITES: dict[str, list[tuple[str, ...]]] = {
    "demo": [("demo",)],
    "store init": [("store", "init")],
    "pledge": [PLEDGE],
    "import": [("import", "{events}")],
    "import-scores": [("import-scores", "{scores}", "--on", "2024-01-01")],
    "reaffirm": [("reaffirm", "a", "--on", "2024-02-01")],
    "progress": [("progress", "a", "--on", "2024-02-01", "--note", "n")],
    "deadline": [("deadline", "a", "--on", "2024-02-01", "--due", "2025-01-01")],
    "assess": [("assess", "a", "--party", "US", "--score", "1", "--on", "2024-02-01")],
    "review": [("review", "a#5", "--approve", "--on", "2024-02-02", "--by", "reviewer")],  # not its assessor
    "correct": [("correct", "a#2", "--reason", "r", "--on", "2024-02-03")],
    "retract": [("retract", "a#3", "--reason", "r")],
    "stall": [("stall", "a", "--on", "2024-03-01", "--note", "n")],
    "fulfil": [("fulfil", "a", "--on", "2024-04-01")],
    "fulfill": [("fulfill", "b", "--on", "2024-04-01")],
    "abandon": [("abandon", "b", "--on", "2024-05-01")],
    "supersede": [("supersede", "a", "--by", "b", "--on", "2024-05-01")],
    "meeting add": [("meeting", "add", "m", "--on", "2024-01-01", "--kind", "summit", "--title", "T",
                     "--party", "US")],
    "meeting schedule": [("meeting", "schedule", "m-next", "--on", "2024-01-01", "--for", "2024-06-01",
                          "--kind", "summit", "--title", "T", "--party", "US")],
    "source add": [("source", "add", "s", "--title", "T")],
    "statement add": [("statement", "add", "st", "--on", "2024-01-01", "--party", "US", "--text", "T")],
    "publish": [("publish", "ed", "--on", "2024-06-01", "--title", "T")],
}  # fmt: skip
#: Commands that open no store at all, and why.
EXEMPT: dict[str, str] = {
    "keygen": "prints a new random key; opens no store",
    "schema": "prints the JSON Schema of the interchange format; opens no store",
    "parties": "lists the built-in party registry; opens no store",
}


def commands() -> list[str]:
    """Every command a user can run, read from the command tree (``helpers.command_tree``)."""
    return list(command_tree())


def _unclassified() -> set[str]:
    return set(commands()) - set(READS) - set(WRITES) - set(EXEMPT)


def _invocations(table: dict[str, list[tuple[str, ...]]], files: dict[str, Path]) -> list[tuple[str, ...]]:
    """The table's invocations of the commands in the tree, placeholders filled in; no command left
    out because nobody classified it."""
    assert not _unclassified(), f"classify in READS, WRITES or EXEMPT: {sorted(_unclassified())}"
    tree = set(commands())
    return [tuple(a.format(**files) for a in args) for command, invocations in table.items() if command in tree
            for args in invocations]  # fmt: skip


def reads(out: Path) -> list[tuple[str, ...]]:
    """Every command that only reads the store (rebuild rewrites the view, never the log)."""
    return _invocations(READS, {"out": out})


def writes(out: Path) -> list[tuple[str, ...]]:
    """Every command that records, and so may create a store."""
    events, scores = out / "events.jsonl", out / "scores.csv"
    if not events.exists():
        events.write_text(json.dumps({"type": "commitment_made", "commitment": "b", "on": "2024-01-01",
                                      "title": "B", "parties": ["US"]}) + "\n")  # fmt: skip
    if not scores.exists():
        scores.write_text("area,id,year,code,text,average,japan\nTrade,2019-1,2019,,Keep open.,,1\n", encoding="utf-8")
    return _invocations(WRITES, {"out": out, "events": events, "scores": scores})


def test_every_command_is_classified_by_what_it_does_at_the_store() -> None:
    tables = {"READS": set(READS), "WRITES": set(WRITES), "EXEMPT": set(EXEMPT)}
    for first, second in (("READS", "WRITES"), ("READS", "EXEMPT"), ("WRITES", "EXEMPT")):
        assert not tables[first] & tables[second], f"in both {first} and {second}"
    assert not _unclassified(), f"classify in READS, WRITES or EXEMPT: {sorted(_unclassified())}"
    assert set(READS) | set(WRITES) | set(EXEMPT) <= set(commands()), "no such command"


def test_every_invocation_above_is_valid_and_succeeds_on_a_store(store_url: str, out: Path) -> None:
    """So that where the tests below see a refusal, it is the store's, not a usage error's: run in
    order on an empty store, each records or answers."""
    for args in [*writes(out), *reads(out)]:
        result = run(store_url, *args)
        assert result.exit_code == 0, (args, result.stderr)


def run(location: str | Path, *args: str) -> Any:
    return Ctrack(str(location))(*args)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


# --- reads never create a store ------------------------------------------------------------------


def test_a_read_of_a_store_that_does_not_exist_creates_nothing(tmp_path: Path, out: Path) -> None:
    location = tmp_path / "typo" / "tracker.db"
    for args in reads(out):  # (a dry run answers as an empty store would: see test_scores)
        error_line(run(location, *args), 1, f"no store at {location}", "store init")
    assert not (tmp_path / "typo").exists()
    assert list(out.iterdir()) == []


@pytest.mark.postgres
def test_a_read_of_a_postgres_store_that_does_not_exist_creates_nothing(pg_url: str, out: Path) -> None:
    import psycopg

    schema = pg_url.rsplit("schema=", 1)[1]
    missing = pg_url.replace(f"schema={schema}", f"schema={schema}_missing")
    for args in reads(out):
        error_line(run(missing, *args), 1, "no store at", "store init")
        error_line(run(pg_url, *args), 1, "no store at", "store init")  # a schema without the tables
    with psycopg.connect(PG_DSN.split("?")[0]) as conn:
        assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [f"{schema}_missing"]).fetchone() is None
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema]).fetchone() == (0,)


def test_recording_creates_the_store_and_says_so_once(store_url: str, tmp_path: Path) -> None:
    if "://" not in store_url:
        store_url = str(tmp_path / "new" / "dir" / "tracker.db")
    first = run(store_url, *PLEDGE)
    assert first.exit_code == 0 and first.stdout == "a#1\n"
    assert "created a new store at" in first.stderr
    second = run(store_url, "reaffirm", "a", "--on", "2024-02-01")
    assert second.exit_code == 0 and "created" not in second.stderr
    assert run(store_url, "status", "--json").exit_code == 0


@pytest.mark.postgres
def test_store_init_creates_a_schema_that_does_not_exist_and_reads_then_work(pg_url: str) -> None:
    import psycopg

    schema = pg_url.rsplit("schema=", 1)[1] + "_new"
    url = pg_url.rsplit("schema=", 1)[0] + f"schema={schema}"
    try:
        error_line(run(url, "status"), 1, "no store at")
        result = run(url, "store", "init")
        assert result.exit_code == 0 and "created a new store" in result.stderr
        assert json.loads(run(url, "status", "--json").stdout)["commitments"] == []
        assert run(url, "store", "init").exit_code == 0  # again: nothing to do
    finally:
        with psycopg.connect(PG_DSN.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_store_init_creates_a_sqlite_store_explicitly(tmp_path: Path) -> None:
    location = tmp_path / "team" / "tracker.db"
    result = run(location, "store", "init")
    assert result.exit_code == 0 and f"created a new store at {location}" in result.stderr
    assert run(location, "verify").stdout.startswith("OK: 0 events")
    error_line(run(location, "store", "init", "--recorder", "alice"), 1, "PostgreSQL")


def test_store_locations_that_name_no_store_are_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for location in ("mysql://x", "sqlite3://x.db", "https://example.org/db"):
        for args in (("status",), PLEDGE):
            error_line(run(location, *args), 2, "unknown store scheme")
    error_line(run("", "status"), 2, "empty")
    error_line(run("", *PLEDGE), 2, "empty")
    assert list(tmp_path.iterdir()) == []  # no "mysql:" directory, and the default store untouched


MISTYPED_URLS = ("postgres:/db.example/team", "postgresql:/u:pw@localhost/test", "postgresql:localhost/test",
                 "mysql:/x", "mysql:x", "sqlite3:x.db", "https:/example.org/db", "HTTPS://example.org/db",
                 "s3:bucket/tracker.db")  # fmt: skip


@pytest.mark.parametrize("location", MISTYPED_URLS)
def test_a_mistyped_url_is_a_usage_error_and_creates_nothing(location: str, out: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for args in (*writes(out), *reads(out)):
        line = error_line(run(location, *args), 2, "scheme")
        assert "pw" not in line, line
    assert list(work.iterdir()) == []  # no "postgres:" or "mysql:" directory, no store in it
    assert not (tmp_path / "xdg-data").exists()  # and the default store untouched


@pytest.mark.parametrize("location", ["x.db", "data/x.db", "./notes:2024.db", "sqlite:data/y.db", "SQLite:z.db",
                                      "C:/data/x.db", "2024-06-01T10:00.db"])  # fmt: skip
def test_a_file_path_is_a_sqlite_store_whatever_its_name(location: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert run(location, *PLEDGE).exit_code == 0
    assert run(location, "status", "--json").exit_code == 0
    expected = location.split(":", 1)[1] if location.lower().startswith("sqlite:") else location
    assert (tmp_path / expected).is_file()


# --- a file that is not a tracker store is refused and left byte-for-byte unchanged --------------


def _text(path: Path) -> None:
    path.write_text("Dear diary,\n" * 100)


def _other_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO notes (body) VALUES (?)", [(f"note {i}",) for i in range(50)])
    conn.close()


def _tableless_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.close()


def _other_eventsourcing_app(path: Path) -> None:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate

    class Dog(Aggregate):
        def __init__(self, name: str) -> None:
            self.name = name

    app: Application[Any] = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})
    app.save(Dog("Fido"))
    app.close()


FOREIGN: dict[str, tuple[Callable[[Path], None], str]] = {
    "a text file": (_text, "not an SQLite database"),
    "another application's SQLite database": (_other_sqlite, "other tables: notes"),
    "an SQLite database without tables": (_tableless_sqlite, "not a tracker store"),
    "another eventsourcing application's database": (_other_eventsourcing_app, "another eventsourcing application"),
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_file_that_is_not_a_tracker_store_is_refused_and_left_unchanged(kind: str, tmp_path: Path, out: Path) -> None:
    make, says = FOREIGN[kind]
    home = tmp_path / "home"
    home.mkdir()
    path = home / "other.db"
    make(path)
    before, beside = sha256(path), sorted(home.iterdir())
    for args in [*reads(out), *writes(out)]:
        error_line(run(path, *args), 1, str(path), says, "left untouched")
    assert sha256(path) == before
    assert sorted(home.iterdir()) == beside  # no -wal, no -shm, no journal
    assert sorted(p.name for p in out.iterdir()) == ["events.jsonl", "scores.csv"]


# --- output files ----------------------------------------------------------------------------------


def test_export_never_writes_over_the_store(tmp_path: Path) -> None:
    store = tmp_path / "tracker.db"
    run(store, *PLEDGE)
    before = sha256(store)
    for target in (store, Path(f"{store}-wal"), tmp_path / "." / "tracker.db"):
        for force in ((), ("--force",)):
            error_line(run(store, "export", "-o", str(target), *force), 1, "store itself")
    os.link(store, tmp_path / "hardlink.db")
    error_line(run(store, "export", "-o", str(tmp_path / "hardlink.db"), "--force"), 1, "store itself")
    assert sha256(store) == before
    assert run(store, "verify").exit_code == 0


@pytest.mark.parametrize(
    "command",
    [("export", "-o", "{}.jsonl"), ("export", "--format", "csv", "-o", "{}.csv"), ("report", "--out", "{}.html"),
     ("chart", "--out", "{}.svg")],
    ids=["export", "export-csv", "report", "chart"],
)  # fmt: skip
def test_an_existing_output_file_is_overwritten_only_with_force(command: tuple[str, ...], tmp_path: Path) -> None:
    store = tmp_path / "tracker.db"
    run(store, *PLEDGE)
    args = [a.replace("{}", str(tmp_path / "mine")) for a in command]
    target = Path(args[-1])
    target.write_text("my own work")
    error_line(run(store, *args), 1, "already exists", "--force")
    assert target.read_text() == "my own work"
    assert run(store, *args, "--force").exit_code == 0
    assert target.read_text() != "my own work"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # written via a temporary file


# --- store faults are sentences -----------------------------------------------------------------


def test_a_truncated_store_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    store = tmp_path / "tracker.db"
    assert run(store, "import", str(DATASET)).exit_code == 0
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 3])
    for args in (("status",), ("verify",), ("export",), ("history", "cd-meet-annually"), PLEDGE):
        error_line(run(store, *args), 1, "damaged or truncated", "backup")


def _namespace() -> list[str] | None:
    """How to give a command a mount namespace of its own in which it may mount: as root, or in a
    user namespace of its own (for everyone else, where the system allows it); None: neither."""
    if os.name != "posix" or not shutil.which("unshare"):
        return None
    for command in (["unshare", "--mount", "--propagation", "private"],
                    ["unshare", "--map-root-user", "--mount", "--propagation", "private"]):  # fmt: skip
        with tempfile.TemporaryDirectory() as directory:
            probe = [*command, "mount", "--bind", "-o", "ro", directory, directory]
            if subprocess.run(probe, capture_output=True).returncode == 0:
                return command
    return None


@pytest.fixture(scope="module")
def namespace() -> list[str]:
    command = _namespace()
    if command is None:
        pytest.skip("needs a mount namespace of its own (unshare, as root or in a user namespace)")
    return command


def _read_only(namespace: list[str], paths: list[Path], store: Path, *args: str,
               home: Path) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The CLI, in a mount namespace of its own in which ``paths`` are mounted read-only: writes
    there fail (EROFS) for every user, root included, who ignores file modes. (Running it as
    another user instead ties the test to where the clone lives: that user must read it.)"""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "XDG_DATA_HOME": str(home), "TRACKER_USER": "auditor"}
    mounts = " && ".join(f"mount --bind -o ro {shlex.quote(str(p))} {shlex.quote(str(p))}" for p in paths)
    return subprocess.run(
        [*namespace, "sh", "-c", f'{mounts} && exec "$@"', "sh", sys.executable, "-m", "commitment_tracker",
         "--store", str(store), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("directory_writable", [False, True], ids=["read-only-directory", "writable-directory"])
def test_a_read_only_archive_copy_can_be_queried_verified_and_exported(tmp_path: Path, namespace: list[str],
                                                                       directory_writable: bool) -> None:  # fmt: skip
    archive = tmp_path / "archive"
    archive.mkdir()
    store = archive / "tracker.db"
    assert run(store, "import", str(DATASET)).exit_code == 0  # the view was never built: readers must fold
    home = tmp_path / "home"
    home.mkdir()
    store.chmod(0o444)
    before = sha256(store)

    def archived(*args: str) -> subprocess.CompletedProcess[str]:
        return _read_only(namespace, [store] if directory_writable else [archive], store, *args, home=home)

    status = archived("status", "--json")
    assert status.returncode == 0, status.stderr
    assert len(json.loads(status.stdout)["commitments"]) == 17
    verified = archived("verify")
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 49 events"), verified.stderr
    exported = archived("export")
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 49, exported.stderr
    history = archived("history", "trilateral-coordinating-mechanism", "--json")
    assert history.returncode == 0 and len(json.loads(history.stdout)["events"]) == 3, history.stderr
    assert archived("checkpoint").returncode == 0
    # The commands that read the view's own indexes answer from the log too, or say why they cannot.
    learned = archived("diff", "--known-from", "2024-10-19", "--known-to", "2024-10-23", "--as-of",
                         "2024-11-20", "--json")  # fmt: skip
    assert learned.returncode == 0, learned.stderr
    changes = {c["id"]: c for c in json.loads(learned.stdout)["changes"]}
    assert changes["trilateral-coordinating-mechanism"]["causes"] == ["trilateral-coordinating-mechanism#3"]
    for args in (("meetings", "--json"), ("statements", "--json"), ("scores", "--json"), ("show", "camp-david-2023"),
                 ("matrix",), ("due",), ("sources",)):  # fmt: skip
        answered = archived(*args)
        assert answered.returncode == 0, (args, answered.stderr)
    mistyped = archived("show", "cd-meet-anually")
    assert mistyped.returncode == 1 and "did you mean 'cd-meet-annually'" in mistyped.stderr
    searched = archived("search", "Freedom")
    assert searched.returncode == 1 and searched.stderr.startswith("Error: search needs the store's search index")

    refused = archived(*PLEDGE)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("Error: ") and "read-only" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert sha256(store) == before


# --- PostgreSQL connections: causes named, parameters passed, the password never printed ---------


@pytest.mark.postgres
def test_connection_failures_name_their_cause(pg_url: str) -> None:
    base = pg_url.split("?")[0]
    for url, cause in [
        (base.replace(":5432/", ":1/"), "connection refused"),
        (base.replace("/test", "/no_such_database"), 'database "no_such_database" does not exist'),
        (base.replace("postgres@", "no_such_role@"), 'role "no_such_role" does not exist'),
        (pg_url + "&sslmode=require", "ssl"),
    ]:
        error_line(run(url, "status"), 1, "cannot connect to", cause)
    error_line(run(pg_url + "&no_such_parameter=1", "status"), 2, "no_such_parameter")
    error_line(run(base.replace(":5432/", ":port/"), "status"), 2, "bad port")


@pytest.mark.postgres
def test_the_store_password_is_never_printed(out: Path) -> None:
    secret = "Pw-7f3a9c-never-shown"
    with fresh_pg_store() as url:  # trust authentication: any password is accepted
        good = url.replace("postgresql://postgres@", f"postgresql://postgres:{secret}@")
        base = good.split("?")[0]
        variants = [good, base.replace(":5432/", ":1/"), base.replace(":5432/", ":nope/"),
                    base.replace("/test", "/no_such_database"), good + "&sslmode=require", good + "&bogus=1",
                    good.replace("?schema=", "?schema=missing_"), base.replace("postgres:", "no_such_role:"),
                    good + f"&password={secret}x"]  # fmt: skip
        invocations = [*writes(out), *reads(out), ("history", "nope")]  # demo first: into the empty store
        for variant in variants:
            for args in invocations:
                result = run(variant, *args)
                assert secret not in result.stdout + result.stderr, (variant, args)
        assert json.loads(run(good, "status", "--json").stdout)["commitments"]


#: Secret material libpq marks as a debug option ('D'), not as a secret: a SCRAM key lets its
#: holder authenticate as the user, as the password does.
SCRAM_KEYS = ("scram_client_key", "scram_server_key")


def _secret_parameters() -> list[str]:
    """The connection parameters libpq itself marks as secret (shown as '*': the password, the
    client key's passphrase, an OAuth client secret...), and the SCRAM keys this libpq knows."""
    from psycopg import pq

    defaults = pq.Conninfo.get_defaults()
    return [o.keyword.decode() for o in defaults if o.dispchar == b"*" or o.keyword.decode() in SCRAM_KEYS]


@pytest.mark.postgres
@pytest.mark.parametrize("parameter", _secret_parameters())
def test_no_secret_connection_parameter_is_ever_printed(parameter: str, out: Path) -> None:
    assert {"password", "sslpassword"} <= set(_secret_parameters())
    if parameter in SCRAM_KEYS:  # libpq reads the key before connecting: 32 bytes in base64
        secret = "U2VjcmV0LXNjcmFtLWtleS00ZTFiLWFhYWFhYWFhYWE%3D"
    else:
        secret = f"Sec%2Dret-{parameter}-4e1b"  # as typed in the URL; libpq reads "Sec-ret-..."
    shown = {secret, unquote(secret)}
    with fresh_pg_store() as url:  # trust authentication: the server asks for none of them
        good = f"{url}&{parameter}={secret}"
        base, _, query = good.partition("?")
        variants = [good, f"{base}?{query.replace('schema=', 'schema=missing_')}",
                    f"{base.replace(':5432/', ':1/')}?{query}", f"{base.replace(':5432/', ':nope/')}?{query}",
                    f"{good}&bogus=1", f"{good}&sslmode=require", f"{good}%zz"]  # fmt: skip
        commands = [("status",), ("show", "a"), ("export",), ("verify",), ("checkpoint",), PLEDGE,
                    ("store", "init"), ("demo",), ("history", "nope")]  # fmt: skip
        for variant in variants:
            for args in commands:
                result = run(variant, *args)
                printed = result.stdout + result.stderr
                assert not any(s in printed for s in shown), (variant, args, printed)
        assert json.loads(run(good, "status", "--json").stdout)["commitments"]


def test_a_refused_first_write_leaves_no_store_behind(tmp_path: Path) -> None:
    location = tmp_path / "new" / "dir" / "tracker.db"
    error_line(run(location, "fulfil", "nope", "--on", "2024-01-01"), 1, "unknown commitment 'nope'")
    assert not (tmp_path / "new").exists()
    assert run(location, *PLEDGE).exit_code == 0
