"""``sources show ID`` prints a source's archived text "with its sha256 checked again" (README,
"Every entity"): a text that no longer matches the sha256 recorded with it must be said to, and
never be printed as if it had been verified.

The archived text and its sha256 live in the ``source_registered`` event, in the log (the events
table), and again in the status view (``view_facts``), which is what ``sources show`` reads. Both
copies are attacked with raw SQL, as someone with write access to the database would: the text
edited (its sha256 left as recorded), or the recorded sha256 edited (the text left). The tables'
guards are lifted for the edit (SQLite: the triggers dropped and put back; PostgreSQL:
``session_replication_role = replica``) -- they are not what is tested here.

What the product does with a mismatch, read from its code (``cli/entities.py``): the table form
prints the fields with "DOES NOT match the archived text", then the text, then fails with one line
``Error: the archived text of ID does not match its sha256`` (exit 1). ``verify`` (exit 1) is the
check that names the edited event; these tests assert it fails too, so that the mismatch shown is
not the only sign.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_DSN, Ctrack
from tests.cli.helpers import parse_csv

TEXT = "The parties will deliver the thing by June.\nSigned in Seoul.\n"
FORGED = TEXT.replace("June", "July")
DIGEST = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
OTHER_DIGEST = DIGEST[::-1]  # still 64 hex digits: a well-formed sha256, of nothing archived here
MISMATCH = "Error: the archived text of tdi does not match its sha256"

#: Where each copy lives: (SQLite table, PostgreSQL table, column).
COPIES = {"log": ("stored_events", "tracker_events", "state"), "view": ("view_facts", "view_facts", "data")}
#: What is edited in a copy: the text, or the sha256 recorded beside it.
EDITS: dict[str, tuple[str, str]] = {"text": ("June", "July"), "sha256": (DIGEST, OTHER_DIGEST)}


def edit(store: str, where: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the one row of ``where``'s copy that holds it, with raw SQL."""
    sqlite_table, pg_table, column = COPIES[where]
    changed = 0

    def changed_value(value: Any) -> Any:
        nonlocal changed
        raw = bytes(value) if isinstance(value, (bytes, memoryview)) else value
        was, now = (old.encode(), new.encode()) if isinstance(raw, bytes) else (old, new)
        if was not in raw:
            return None
        changed += 1
        return raw.replace(was, now)

    if "://" not in store:
        conn = sqlite3.connect(store)
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                (sqlite_table,)).fetchall()  # fmt: skip
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        for rowid, value in conn.execute(f"SELECT rowid, {column} FROM {sqlite_table}").fetchall():
            if (value := changed_value(value)) is not None:
                conn.execute(f"UPDATE {sqlite_table} SET {column} = ? WHERE rowid = ?", (value, rowid))
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
        conn.close()
    else:
        import psycopg

        schema = store.rsplit("schema=", 1)[1]
        with psycopg.connect(PG_DSN.split("?")[0]) as conn:
            conn.execute("SET session_replication_role = replica")  # no trigger fires for this session
            table = f'"{schema}"."{pg_table}"'
            for ctid, value in conn.execute(f"SELECT ctid, {column} FROM {table}").fetchall():
                if (value := changed_value(value)) is not None:
                    conn.execute(f"UPDATE {table} SET {column} = %s WHERE ctid = %s", (value, ctid))
    assert changed == 1, f"{old!r} found in {changed} rows of the {where}"


@pytest.fixture
def archived(store_url: str, tmp_path: Path) -> Ctrack:
    """A source ``tdi`` registered with TEXT archived, and a pledge citing it. No query has run:
    the status view is not built yet."""
    ctrack = Ctrack(store_url)
    path = tmp_path / "tdi.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    ctrack.ok("source", "add", "tdi", "--title", "Trilateral statement", "--file", str(path))
    ctrack.ok("pledge", "deliver", "--on", "2024-01-10", "--title", "Deliver", "--party", "US", "--source", "tdi",
              "--quote", "deliver the thing")  # fmt: skip
    return ctrack


def assert_mismatch_said(result: Any, forged_text: bool) -> None:
    """The table form: the mismatch on stdout and as the one error line; the text never vouched for."""
    where = f"stdout={result.stdout!r} stderr={result.stderr!r}"
    assert result.exit_code == 1, where
    assert "Traceback" not in result.stdout + result.stderr, where
    assert result.stderr.splitlines() == [MISMATCH], where
    assert "DOES NOT match the archived text" in result.stdout, where
    assert "(matches the archived text)" not in result.stdout, where
    if forged_text:
        assert "by July." in result.stdout and "by June." not in result.stdout, where  # what is stored, flagged


def assert_never_vouched_for(result: Any) -> None:
    """Whatever is printed, the forged text is never printed as matching its sha256."""
    where = f"stdout={result.stdout!r} stderr={result.stderr!r}"
    assert "Traceback" not in result.stdout + result.stderr, where
    if "by July." in result.stdout:
        assert result.exit_code == 1 and result.stderr.splitlines() == [MISMATCH], where
        assert "(matches the archived text)" not in result.stdout, where


def test_an_untouched_archived_text_matches_its_sha256_in_every_form(archived: Ctrack, tmp_path: Path) -> None:
    """The control: no false alarm, also for a text whose bytes a careless round trip would change
    (a byte order mark, CR LF line ends, a tab, characters outside ASCII)."""
    tricky = "\ufeffLine one,\tthen\r\nline two: Überprüfung, 협력, 協力 \U0001f91d\r\n"
    path = tmp_path / "tricky.txt"
    path.write_bytes(tricky.encode("utf-8"))
    archived.ok("source", "add", "tricky", "--title", "Tricky", "--file", str(path))
    for slug, text in (("tdi", TEXT), ("tricky", tricky)):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for command in (("sources", "show", slug), ("show", slug)):
            table = archived.ok(*command)
            assert f"{digest} (matches the archived text)" in table.stdout
            shown = archived.json(*command)
            assert (shown["text"], shown["sha256"], shown["text_matches"]) == (text, digest, True)
            rows = {r["field"]: r["value"] for r in parse_csv(archived.ok(*command, "--format", "csv").stdout)}
            assert rows["sha256"] == f"{digest} (matches the archived text)"


@pytest.mark.parametrize("what", EDITS)
@pytest.mark.parametrize("where", COPIES)
def test_an_archived_text_that_no_longer_matches_its_sha256_is_one_error_line(archived: Ctrack, where: str,
                                                                               what: str) -> None:  # fmt: skip
    if where == "view":
        archived.ok("sources", "show", "tdi")  # the view is built, and holds its copy
    edit(archived.store, where, *EDITS[what])
    for command in (("sources", "show", "tdi"), ("show", "tdi")):
        assert_mismatch_said(archived(*command), forged_text=what == "text")
    verified = archived("verify")
    assert verified.exit_code == 1 and verified.stderr.startswith("Error: verification failed"), verified.stderr
    assert ("tdi#1" if where == "log" else "view_facts") in verified.stderr, verified.stderr


def test_a_text_edited_in_the_log_under_a_built_view_is_never_shown_as_verified(archived: Ctrack) -> None:
    """The view already holds the genuine copy when the log is edited: ``sources show`` may print the
    genuine text (it reads the view), never the forged one as matching; ``rebuild`` derives the view
    from the edited log, and from then on the forgery is shown as such."""
    archived.ok("sources", "show", "tdi")
    edit(archived.store, "log", *EDITS["text"])
    assert_never_vouched_for(archived("sources", "show", "tdi"))
    rebuilt = archived("rebuild")
    assert "Traceback" not in rebuilt.stdout + rebuilt.stderr
    after = archived("sources", "show", "tdi")
    assert_never_vouched_for(after)
    if rebuilt.exit_code == 0:  # the view now holds what the log holds: the forged text, flagged
        assert_mismatch_said(after, forged_text=True)
    assert archived("verify").exit_code == 1


@pytest.mark.parametrize("fmt", [("--json",), ("--format", "csv")], ids=["json", "csv"])
def test_a_mismatch_fails_the_command_in_every_output_format(archived: Ctrack, fmt: tuple[str, ...]) -> None:
    """The check's outcome is the command's outcome, whatever the format: a script reading
    ``--json`` or CSV relies on the exit status as ``verify --json`` lets it (exit 1 when the check
    fails). The data may still be printed, but it must say the text does not match, and the
    command must fail with the same one error line the table form gives."""
    archived.ok("sources", "show", "tdi")
    edit(archived.store, "view", *EDITS["text"])
    wrong = []
    for command in (("sources", "show", "tdi"), ("show", "tdi")):
        result = archived(*command, *fmt)
        where = f"stdout={result.stdout!r} stderr={result.stderr!r}"
        assert "Traceback" not in result.stdout + result.stderr, where
        if "csv" in fmt:
            rows = {r["field"]: r["value"] for r in parse_csv(result.stdout)} if result.stdout else {}
            assert "(matches the archived text)" not in rows.get("sha256", ""), where
        elif result.stdout:
            shown = json.loads(result.stdout)
            assert shown["text_matches"] is False and shown["computed_sha256"] != shown["sha256"], where
        if result.exit_code != 1 or result.stderr.splitlines() != [MISMATCH]:
            wrong.append(f"{' '.join((*command, *fmt))}: exit {result.exit_code}, stderr {result.stderr!r}")
    assert not wrong, f"a text that does not match its sha256, and the command succeeded: {wrong}"


def test_a_text_forged_together_with_its_sha256_in_the_view_is_caught_by_verify_and_undone_by_rebuild(
    archived: Ctrack,
) -> None:
    """A forger who edits the view's copy of the text and its sha256 together passes the sha256
    check (it can only compare the two): the view's agreement with the log is verify's to check.
    Verify must name the view, and rebuild must bring back the genuine text from the log."""
    archived.ok("sources", "show", "tdi")
    edit(archived.store, "view", DIGEST, hashlib.sha256(FORGED.encode("utf-8")).hexdigest())
    edit(archived.store, "view", *EDITS["text"])
    verified = archived("verify")
    assert verified.exit_code == 1, verified.stderr
    assert "the log is intact but the status view is not" in verified.stderr, verified.stderr
    assert "view_facts" in verified.stderr, verified.stderr
    archived.ok("rebuild")
    shown = archived.json("sources", "show", "tdi")
    assert (shown["text"], shown["sha256"], shown["text_matches"]) == (TEXT, DIGEST, True)
    assert archived.ok("verify").stdout.startswith("OK: ")
