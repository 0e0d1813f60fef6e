"""The output contract of SPEC §6: data on stdout, talk on stderr, exact JSON and CSV, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import ANSI, board, command_tree, error_line, offers_csv, parse_csv, refs


@pytest.fixture
def trilateral(trilateral_shared):
    """Only reads: the dataset imported once for the whole module (checked unchanged at the end)."""
    return trilateral_shared


QUERIES = [
    ("status", "--as-of", "2024-12-01"),
    ("status", "--party", "KR", "--overdue"),
    ("show", "trilateral-coordinating-mechanism"),
    ("history", "trilateral-coordinating-mechanism"),
    ("history", "trilateral-coordinating-mechanism", "--by-record"),
    ("replay", "--from", "2024-01-01", "--to", "2024-12-31"),
    ("diff", "--from", "2024-01-01", "--to", "2024-12-31"),
    ("sources",),
]
COLOUR = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"}


def _colour_codes(text: str) -> list[str]:
    """SGR sequences that set a foreground or background colour."""
    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        codes = [int(p) for p in params.split(";") if p]
        if any(30 <= c <= 49 or 90 <= c <= 107 for c in codes):
            found.append(params)
    return found


def test_json_output_parses_and_has_no_escapes_even_when_colour_is_forced(trilateral):
    for query in QUERIES:
        result = trilateral(*query, "--json", env=COLOUR)
        assert result.exit_code == 0, (query, result.stderr)
        assert not ANSI.search(result.stdout), query
        json.loads(result.stdout)
        assert result.stderr == "", query


#: Every command that takes --json, as it runs on the bundled dataset (the test below fails when
#: the command tree has one that is not here): the JSON contract holds for each.
JSON_QUERIES: dict[str, tuple[str, ...]] = {
    "status": ("status", "--as-of", "2024-12-01"),
    "show": ("show", "trilateral-coordinating-mechanism"),
    "history": ("history", "trilateral-coordinating-mechanism"),
    "replay": ("replay", "--from", "2024-01-01", "--to", "2024-12-31"),
    "diff": ("diff", "--from", "2024-01-01", "--to", "2024-12-31"),
    "matrix": ("matrix", "--as-of", "2024-12-01"),
    "due": ("due", "--as-of", "2024-06-01"),
    "meetings": ("meetings",),
    "statements": ("statements",),
    "sources": ("sources",),
    "sources show": ("sources", "show", "tdi-2024-05-29"),
    "search": ("search", "summit"),
    "scores": ("scores",),
    "queue": ("queue",),
    "editions": ("editions",),
    "checkpoint": ("checkpoint",),
    "verify": ("verify",),
    "parties": ("parties",),
    "import-scores": ("import-scores", "{table}", "--on", "2024-12-01", "--dry-run"),
}


def _json_commands() -> set[str]:
    """Every command of the tree with a --json option."""
    return {path for path, command in command_tree().items() if any("--json" in p.opts for p in command.params)}


def _filled(query: tuple[str, ...], tmp_path: Path) -> list[str]:
    """A query with its ``{table}`` written: a score table to import-scores (a dry run)."""
    table = tmp_path / "table.csv"
    if "{table}" in query and not table.exists():
        table.write_text("area,id,year,code,text,average,us\nTrade,2024-1,2024,,Keep markets open.,,1\n", encoding="utf-8")
    return [str(table) if arg == "{table}" else arg for arg in query]


def test_every_command_with_json_writes_exact_json_and_no_escape_even_when_colour_is_forced(trilateral, tmp_path):
    assert set(JSON_QUERIES) == _json_commands()
    for name, query in JSON_QUERIES.items():
        result = trilateral(*_filled(query, tmp_path), "--json", env=COLOUR)
        assert result.exit_code == 0, (name, result.stderr)
        assert not ANSI.search(result.stdout) and not ANSI.search(result.stderr), name
        json.loads(result.stdout)
        # Talk on stderr is a note or a caution, a line each, never data.
        assert all(line.startswith(("Note:", "Warning:", "Caution:")) for line in result.stderr.splitlines()), (
            name, result.stderr)  # fmt: skip


def _csv_commands() -> set[str]:
    """Every command of the tree with csv among its formats."""
    return {path for path, command in command_tree().items() if offers_csv(command)}


def test_every_command_with_csv_writes_csv_and_no_escape_even_when_colour_is_forced(trilateral, tmp_path):
    csv_commands = _csv_commands()
    queries = JSON_QUERIES | {"export": ("export",)}  # export writes JSON Lines or CSV, and has no --json
    assert csv_commands <= set(queries), csv_commands - set(queries)  # each has its query
    for name in sorted(csv_commands):
        result = trilateral(*_filled(queries[name], tmp_path), "--format", "csv", env=COLOUR)
        assert result.exit_code == 0, (name, result.stderr)
        assert not ANSI.search(result.stdout) and not ANSI.search(result.stderr), name
        parse_csv(result.stdout)


def test_csv_output_parses_and_has_no_escapes_even_when_colour_is_forced(trilateral):
    for query in QUERIES:
        result = trilateral(*query, "--format", "csv", env=COLOUR)
        assert result.exit_code == 0, (query, result.stderr)
        assert not ANSI.search(result.stdout), query
        rows = parse_csv(result.stdout)
        assert rows or query[0] in ("sources",), query
    export = trilateral("export", "--format", "csv", env=COLOUR)
    assert not ANSI.search(export.stdout)
    assert len(parse_csv(export.stdout)) == 49
    assert not ANSI.search(trilateral("export", env=COLOUR).stdout)
    assert not ANSI.search(trilateral("schema", env=COLOUR).stdout)


def test_json_and_csv_carry_the_same_rows(trilateral):
    for query, key, column in [(("status",), "commitments", "id"), (("replay",), "changes", "commitment"),
                               (("history", "tscf-moc"), "events", "ref"),
                               (("diff", "--from", "2024-01-01", "--to", "2025-01-01"), "changes", "id")]:  # fmt: skip
        from_json = [item[column] for item in trilateral.json(*query)[key]]
        from_csv = [row[column] for row in parse_csv(trilateral.ok(*query, "--format", "csv").stdout)]
        assert from_json == from_csv, query


def test_no_colour_means_no_escapes(trilateral):
    for query in QUERIES:
        result = trilateral(*query, env={"NO_COLOR": "1"})
        assert result.exit_code == 0, (query, result.stderr)
        assert not ANSI.search(result.stdout + result.stderr), query
    # tables are for people: colour when forced, but never colour when NO_COLOR is set
    forced = trilateral("status", "--as-of", "2024-12-01", env=COLOUR).stdout
    assert _colour_codes(forced)
    assert _colour_codes(trilateral("status", "--as-of", "2024-12-01", env={**COLOUR, "NO_COLOR": "1"}).stdout) == []


def test_data_in_tables_cannot_inject_terminal_escapes(ctrack):
    ctrack.ok("pledge", "c", "--on", "2024-01-01", "--title", "Red \x1b[31malert\x1b[0m title", "--party", "US")
    for query in (("status",), ("show", "c"), ("history", "c")):
        assert "\x1b" not in ctrack.ok(*query).stdout, query
    assert board(ctrack)["c"]["title"] == "Red \x1b[31malert\x1b[0m title"  # the data itself is kept exactly


def test_unicode_is_kept_exactly(ctrack):
    title = "“Ironclad” 한미일 commitments — 日米韓"
    ctrack.ok("pledge", "c", "--on", "2024-01-01", "--title", title, "--party", "US", "--note", "Ünïcödé ✓")
    assert board(ctrack)["c"]["title"] == title
    assert parse_csv(ctrack.ok("status", "--format", "csv").stdout)[0]["title"] == title
    assert json.loads(ctrack.ok("export").stdout)["title"] == title
    assert title in ctrack.ok("export").stdout  # UTF-8, not \\u escapes
    assert title in ctrack.ok("status", "--json").stdout
    assert ctrack.json("history", "c")["events"][0]["note"] == "Ünïcödé ✓"


def test_recording_prints_only_references(seeded, tmp_path):
    for args in [("reaffirm", "deliver", "--on", "2024-02-01"),
                 ("meeting", "add", "m", "--on", "2024-03-01", "--kind", "k", "--title", "T", "--party", "US",
                  "--fulfils", "deliver"),
                 ("retract", "deliver#3", "--reason", "no")]:  # fmt: skip
        result = seeded.ok(*args)
        assert result.stderr == ""
        refs(result)


def test_import_and_export_talk_on_stderr(seeded, tmp_path):
    out = tmp_path / "all.jsonl"
    result = seeded.ok("export", "-o", str(out))
    assert result.stdout == "" and "exported 6 events" in result.stderr
    result = seeded.ok("export", "-o", str(tmp_path / "all.csv"), "--format", "csv")
    assert result.stdout == "" and "exported 6 events" in result.stderr


@pytest.fixture
def real_ctrack(tmp_path):
    """The installed ``ctrack`` script in a real process (real stdout, stderr and exit codes)."""
    script = Path(sys.executable).with_name("ctrack")
    if not script.exists():
        pytest.skip("the ctrack script is not installed next to this interpreter")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "TRACKER_USER": "tester", "LANG": "C.UTF-8"}  # fmt: skip

    def run(*args: str, module: bool = False) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "commitment_tracker"] if module else [str(script)]
        return subprocess.run([*command, "--store", str(tmp_path / "s.db"), *args], capture_output=True,
                              text=True, env=env, timeout=60)  # fmt: skip

    return run


def test_a_real_process(real_ctrack):
    made = real_ctrack("pledge", "c", "--on", "2024-01-01", "--title", "T", "--party", "ROK")
    assert (made.returncode, made.stdout, made.stderr.startswith("created a new store at ")) == (0, "c#1\n", True)
    assert len(made.stderr.splitlines()) == 1
    domain = real_ctrack("fulfil", "nowhere", "--on", "2024-01-01")
    assert domain.returncode == 1 and domain.stdout == ""
    assert domain.stderr.splitlines() == ["Error: unknown commitment 'nowhere'"]
    usage = real_ctrack("fulfil", "c", "--on", "2024-02-30")
    assert usage.returncode == 2 and usage.stdout == ""
    [line] = usage.stderr.splitlines()
    assert line.startswith("Error: Invalid value for '--on': '2024-02-30' is not a date")
    via_module = real_ctrack("status", "--json", module=True)
    assert via_module.returncode == 0
    assert json.loads(via_module.stdout)["commitments"][0]["parties"] == ["KR"]
    assert real_ctrack("status", "--format", "csv").stdout == real_ctrack("status", "--format", "csv", module=True).stdout


def test_errors_never_show_a_traceback_even_for_a_broken_store(bare_cli, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_text("not sqlite at all\n" * 50)
    for args in (("status",), ("pledge", "c", "--on", "2024-01-01", "--title", "T", "--party", "US"), ("export",)):
        error_line(bare_cli("--store", str(broken), *args), 1)
