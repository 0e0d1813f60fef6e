"""What leaves the tool is as strict as what enters it: CSV a person opens runs no formula, the
interchange CSV reads back exactly, and a hostile YAML file gets a line-numbered error."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.cli.helpers import error_line, parse_csv, jsonl, untouched, write_jsonl

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1:A9)", "+1+2", "-2+3", "=1+1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_query_csv_neutralises_formulas_typed_into_the_store(ctrack_sqlite, formula):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", formula, "--party", "US")
    ctrack.ok("progress", "c", "--on", "2024-02-01", "--note", formula)
    [row] = parse_csv(ctrack.ok("status", "--format", "csv").stdout)
    assert row["title"] == "'" + formula
    notes = [r["note"] for r in parse_csv(ctrack.ok("history", "c", "--format", "csv").stdout) if r["note"]]
    assert notes == ["'" + formula]
    for command in (("replay",), ("matrix",), ("due",), ("show", "c")):
        for cell in (c for r in parse_csv(ctrack.ok(*command, "--format", "csv").stdout) for c in r.values()):
            assert not cell.startswith(("=", "+", "@")) and not (cell.startswith("-") and not cell[1:2].isdigit()), (command, cell)
    exported = parse_csv(ctrack.ok("export", "--format", "csv").stdout)
    assert [r["note"] for r in exported if r["note"]] == [formula]  # the interchange format is exact


NOTES = ["line\u2028separator", "form\x0cfeed", "next\x85line", "para\u2029graph", "vertical\x0btab",
         "group\x1dsep", "crlf\r\ninside", '=HYPERLINK("x")']  # fmt: skip


def test_export_csv_round_trips_every_character_of_a_note(ctrack_sqlite, other_store, tmp_path):
    ctrack = ctrack_sqlite
    ctrack.ok("pledge", "c", "--on", "2024-01-10", "--title", "T", "--party", "US")
    for n, note in enumerate(NOTES, 1):
        ctrack.ok("progress", "c", "--on", f"2024-02-{n:02d}", "--note", note)
    path = tmp_path / "export.csv"
    ctrack.ok("export", "--format", "csv", "-o", str(path))
    other_store.ok("import", str(path))
    assert other_store.ok("export").stdout == ctrack.ok("export").stdout


def test_deeply_nested_yaml_gets_a_line_numbered_error(ctrack_sqlite, write):
    path = write("deep.yaml", "- type: progress_reported\n  commitment: c\n  note: " + "[" * 5000 + "]" * 5000 + "\n")
    with untouched(ctrack_sqlite):
        error_line(ctrack_sqlite("import", str(path)), 1, "line 3", "nested deeper")


def test_deeply_nested_yaml_mappings_get_a_line_numbered_error(ctrack_sqlite, write):
    nested = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(3000))
    path = write("deep.yaml", "- type: progress_reported\n  note:\n" + "\n".join("    " + line for line in nested.splitlines()) + "\n")
    with untouched(ctrack_sqlite):
        error_line(ctrack_sqlite("import", str(path)), 1, "line ", "nested deeper")


# --- a line break inside a cell: one row stays one row, and no row starts with a live formula ---

#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection"), tab and CR included.
LIVE = ("=", "+", "-", "@", "\t", "\r")
#: Each hides a formula behind a line break, where a spreadsheet would start a new row.
BROKEN = ["x\r=1+1", "x\r\n@SUM(A1:A9)", "x\n+1+2", "x\r-2+3", "\r=1+1", "x\r\t=1+1", '=HYPERLINK("x")\r=2+2']


def _texts(broken: bool) -> Callable[[], str]:
    """A fresh text for every free-text field: hostile, or plain (the same events otherwise)."""
    count = iter(range(1000))

    def text() -> str:
        n = next(count)
        return f"Alpha {BROKEN[n % len(BROKEN)]}" if broken else f"Alpha plain {n}"

    return text


def _history(broken: bool) -> list[dict[str, Any]]:
    t = _texts(broken)
    return [
        {"type": "source_registered", "source": "src", "title": t(), "publisher": t(), "note": t(), "recorded_by": t()},
        {"type": "meeting_held", "meeting": "m1", "on": "2024-01-05", "kind": "summit", "title": t(),
         "parties": ["US", "JP"], "place": t(), "note": t()},
        {"type": "meeting_scheduled", "meeting": "m2", "on": "2024-01-06", "scheduled_for": "2024-12-01",
         "kind": "summit", "title": t(), "parties": ["US", "JP"], "place": t()},
        {"type": "commitment_made", "commitment": "c1", "on": "2024-01-10", "title": t(), "parties": ["US", "JP"],
         "due": "2024-06-30", "area": t(), "code": t(), "text": t(), "note": t(), "source": "src", "recorded_by": t()},
        {"type": "commitment_made", "commitment": "c2", "on": "2024-01-10", "title": t(), "parties": ["US", "JP"],
         "cadence": "annual", "meeting": "m1"},
        {"type": "statement_issued", "statement": "s1", "on": "2024-01-10", "parties": ["US"], "text": t(),
         "about": ["c1"], "note": t()},
        {"type": "progress_reported", "commitment": "c1", "on": "2024-02-01", "note": t()},
        {"type": "commitment_stalled", "commitment": "c1", "on": "2024-03-01", "note": t()},
        {"type": "compliance_assessed", "commitment": "c1", "party": "US", "score": 1, "on": "2024-03-02",
         "cycle": "interim", "assessor": t(), "note": t()},
        {"type": "compliance_assessed", "commitment": "c1", "party": "US", "score": 0, "on": "2024-03-03",
         "cycle": "interim", "assessor": t(), "note": t()},
        {"type": "assessment_reviewed", "target": "c1#5", "decision": "returned", "on": "2024-03-04", "note": t(),
         "recorded_by": "reviewer"},
        {"type": "commitment_fulfilled", "commitment": "c2", "on": "2024-05-01", "note": t()},
        {"type": "edition_published", "edition": "ed1", "on": "2024-05-02", "title": t(), "note": t()},
        {"type": "event_corrected", "target": "c1#2", "reason": t(), "note": t()},
        {"type": "event_retracted", "target": "c1#3", "reason": t()},
    ]  # fmt: skip


def _csv_commands() -> set[str]:
    """Every command (group or leaf) that offers ``--format csv``, read from the command tree."""
    import click

    from commitment_tracker.cli.main import cli

    def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    return {" ".join(path) for path, command in walk(cli, ()) if path and any(
        isinstance(p.type, click.Choice) and "csv" in p.type.choices for p in command.params)}  # fmt: skip


#: Each command offering CSV, as a user would ask it about the history above.
CSV_QUERIES = {
    "status": [("status",), ("status", "--as-of", "2024-02-15")],
    "show": [("show", "c1"), ("show", "m1"), ("show", "s1"), ("show", "src")],
    "history": [("history", "c1"), ("history", "c1", "--by-record"), ("history", "m1")],
    "replay": [("replay",), ("replay", "--known-from", "c1#1^")],
    "diff": [("diff", "--from", "2024-01-01", "--to", "2024-12-31"), ("diff", "--known-from", "c1#1^")],
    "matrix": [("matrix",)],
    "due": [("due", "--within", "3650d")],
    "meetings": [("meetings",)],
    "statements": [("statements",)],
    "sources": [("sources",)],
    "sources show": [("sources", "show", "src")],
    "search": [("search", "alpha")],
    "scores": [*(("scores", "--by", by) for by in ("commitment", "party", "area", "year", "cycle")),
               ("scores", "--disagreements"), ("scores", "--agreement"), ("scores", "--agreement", "--by", "assessor")],
    "queue": [("queue",)],
    "parties": [("parties",)],
    "editions": [("editions",)],
    "import-scores": [("import-scores", "{table}", "--on", "2024-06-01", "--dry-run")],
    "export": [("export",)],  # the interchange format: exact, checked by reading it back
}


def _live_lines(cell: str) -> list[str]:
    """The lines of a cell a spreadsheet could read as a formula: the cell's start, and each line
    after a break inside it (numbers, such as a negative average, are data)."""

    def number(text: str) -> bool:
        try:
            float(text)
            return True
        except ValueError:
            return False

    starts = [cell, *(cell[m.end():] for m in re.finditer(r"\r\n|\r|\n", cell))]
    return [s for s in starts if s.startswith(LIVE) and not number(s)]


def test_every_csv_output_keeps_a_line_break_inside_its_cell_and_runs_no_formula(tmp_path, write):
    from tests.conftest import Ctrack

    assert _csv_commands() == set(CSV_QUERIES), "a command offers CSV without being checked here (or no longer does)"
    stores = {}
    for broken in (True, False):
        ctrack = Ctrack(str(tmp_path / f"{'hostile' if broken else 'plain'}.db"))
        ctrack.ok("import", str(write_jsonl(tmp_path / f"{broken}.jsonl", *_history(broken))))
        t = _texts(broken)
        table = "area,id,year,code,text,average,japan\n" + "".join(
            f'{_quoted(t())},2019-{n},2019,,{_quoted(t())},,1\n' for n in range(3))  # fmt: skip
        stores[broken] = (ctrack, write(f"table-{broken}.csv", table))
    for command, queries in CSV_QUERIES.items():
        for query in queries:
            outputs = {}
            for broken, (ctrack, table) in stores.items():
                args = [a.replace("{table}", str(table)) for a in query]
                outputs[broken] = _exactly(ctrack.ok(*args, "--format", "csv"))
            rows = list(csv.reader(io.StringIO(outputs[True], newline="")))
            plain = list(csv.reader(io.StringIO(outputs[False], newline="")))
            assert len(rows) == len(plain) > 1, (query, outputs[True])
            assert all(len(row) == len(rows[0]) for row in rows), query
            if command == "export":
                continue
            live = [(cell, line) for row in rows for cell in row for line in _live_lines(cell)]
            assert not live, (query, live)
    hostile, _ = stores[True]
    exported = csv.DictReader(io.StringIO(_exactly(hostile.ok("export", "--format", "csv")), newline=""))
    for row, event in zip(exported, jsonl(hostile.ok("export").stdout), strict=True):
        assert {k: row[k] for k, v in event.items() if isinstance(v, str)} == {
            k: v for k, v in event.items() if isinstance(v, str)}  # every character, as recorded


def _exactly(result: Any) -> str:
    """stdout as written (click's ``Result.stdout`` turns CR LF into LF)."""
    return str(result.stdout_bytes.decode("utf-8"))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
