"""What leaves the tool is as strict as what enters it: CSV a person opens runs no formula, the
interchange CSV reads back exactly, and a hostile YAML file gets a line-numbered error."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.cli.helpers import command_tree, error_line, offers_csv, parse_csv, jsonl, untouched, write_jsonl

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
        return f"Alpha {n} {BROKEN[n % len(BROKEN)]}" if broken else f"Alpha plain {n}"

    return text


def _accepts(type_: str, name: str, text: str) -> bool:
    """Whether the model takes ``text`` in the field (an event valid but for it)."""
    import json

    from commitment_tracker import events as ev
    from tests.cli.test_unstorable_text import SAMPLES, event_with

    value = [text] if isinstance(SAMPLES[name], list) else text
    try:
        ev.parse_json(json.dumps(event_with(type_, name, value)))
    except Exception:  # an id, a date, a URL, a party, a kind...: not free text
        return False
    return True


def _free_text_fields() -> set[tuple[str, str]]:
    """Every (event type, field) of the event models that holds free text: each string field
    (found as tests/cli/test_unstorable_text.py finds them) whose model takes a hostile text (a
    short one: a summit's name, say, is free text of at most 20 characters)."""
    from tests.cli.test_unstorable_text import string_fields

    return {(t, n) for t, n in string_fields() if any(_accepts(t, n, f"Alpha 1 {b}") for b in BROKEN)}


#: Where an event's correctable field is filled: only the corrections listing it (as ``...``).
FILL = ...


def _history(broken: bool) -> list[dict[str, Any]]:
    """A history touching every query, with every free-text field of every event type hostile
    (or plain): each event gets a text in each free-text field its type has (a correction, in
    those it lists as ``FILL`` and in its own, such as ``reason``)."""
    from commitment_tracker import events as ev

    free = _free_text_fields()
    skeleton = [
        {"type": "source_registered", "source": "src"},
        {"type": "meeting_held", "meeting": "m1", "on": "2024-01-05", "kind": "summit", "parties": ["US", "JP"]},
        {"type": "meeting_scheduled", "meeting": "m2", "on": "2024-01-06", "scheduled_for": "2024-12-01",
         "kind": "summit", "parties": ["US", "JP"]},
        {"type": "commitment_made", "commitment": "c1", "on": "2024-01-10", "parties": ["US", "JP"],
         "due": "2024-06-30", "source": "src"},
        {"type": "commitment_made", "commitment": "c2", "on": "2024-01-10", "parties": ["US", "JP"],
         "cadence": "annual", "meeting": "m1"},
        {"type": "commitment_made", "commitment": "c3", "on": "2024-01-11", "parties": ["US", "JP"]},
        {"type": "commitment_made", "commitment": "c4", "on": "2024-01-12", "parties": ["US"], "due": "2024-09-30"},
        {"type": "commitment_made", "commitment": "c5", "on": "2024-01-12", "parties": ["JP"]},
        {"type": "statement_issued", "statement": "s1", "on": "2024-01-10", "parties": ["US"], "about": ["c1"],
         "source": "src"},
        {"type": "progress_reported", "commitment": "c1", "on": "2024-02-01", "source": "src"},
        {"type": "commitment_stalled", "commitment": "c1", "on": "2024-03-01"},
        {"type": "compliance_assessed", "commitment": "c1", "party": "US", "score": 1, "on": "2024-03-02",
         "cycle": "interim"},
        {"type": "compliance_assessed", "commitment": "c1", "party": "US", "score": 0, "on": "2024-03-03",
         "cycle": "interim"},
        {"type": "compliance_assessed", "commitment": "c3", "party": "JP", "score": -1, "on": "2024-03-03",
         "cycle": "final"},
        {"type": "assessment_reviewed", "target": "c1#5", "decision": "returned", "on": "2024-03-04"},
        {"type": "commitment_reaffirmed", "commitment": "c3", "on": "2024-03-05", "meeting": "m1"},
        {"type": "deadline_changed", "commitment": "c3", "on": "2024-03-06", "due": "2024-12-31"},
        {"type": "commitment_superseded", "commitment": "c4", "on": "2024-03-07", "by": "c3"},
        {"type": "commitment_abandoned", "commitment": "c5", "on": "2024-03-08"},
        {"type": "commitment_fulfilled", "commitment": "c2", "on": "2024-05-01"},
        {"type": "edition_published", "edition": "ed1", "on": "2024-05-02", "cycle": "interim"},
        {"type": "event_corrected", "target": "c1#2", "note": FILL, "quote": FILL},
        {"type": "event_corrected", "target": "c3#1", "title": FILL, "area": FILL, "code": FILL, "text": FILL,
         "summit": FILL},
        {"type": "event_corrected", "target": "m1#1", "title": FILL, "place": FILL},
        {"type": "event_corrected", "target": "src#1", "title": FILL, "publisher": FILL, "text": FILL},
        {"type": "event_corrected", "target": "c1#4", "assessor": FILL},
        {"type": "event_corrected", "target": "ed1#1", "summit": FILL},
        {"type": "event_retracted", "target": "c1#3"},
    ]  # fmt: skip
    t = _texts(broken)
    history = []
    for event in skeleton:
        type_ = event["type"]
        own = {name for t_, name in free if t_ == type_ and not (type_ == "event_corrected" and name in ev.CORRECTABLE)}
        listed = {name for name, value in event.items() if value is FILL}
        filled = {}
        for name in sorted(own | listed):
            # the next text the field takes (a hostile one too long for it gives way to the next)
            filled[name] = next(text for text in (t() for _ in BROKEN) if _accepts(type_, name, text))
        history.append(event | filled)
    # A quote of a source with an archived text is a passage of it: of src's, the whole (c1#2 cites src).
    archived = history[0]["text"]
    return [e | {"quote": archived} if "quote" in e and (e.get("source") == "src" or e.get("target") == "c1#2") else e
            for e in history]  # fmt: skip


def _hostile_fields(history: list[dict[str, Any]]) -> set[tuple[str, str]]:
    def hostile(value: Any) -> bool:
        found = isinstance(value, str) and re.fullmatch(r"Alpha \d+ (.*)", value, re.DOTALL)
        return bool(found) and found.group(1) in BROKEN  # type: ignore[union-attr]

    return {(e["type"], k) for e in history for k, v in e.items() if hostile(v)}


#: What writes CSV: the query renderer, the row writer under it, the interchange export, the csv module.
CSV_WRITERS = {"emit_csv", "csv_rows", "write_export", "writer", "DictWriter"}


def _writes_csv(command: Any) -> bool:
    """Whether the command's code reaches a CSV writer: a call graph (by name, so it errs toward
    yes) over the CLI's modules, from the command's callback."""
    import ast
    from pathlib import Path

    import commitment_tracker.cli as package

    calls: dict[str, set[str]] = {}
    for path in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                called = {c.func.id if isinstance(c.func, ast.Name) else c.func.attr for c in ast.walk(node)
                          if isinstance(c, ast.Call) and isinstance(c.func, (ast.Name, ast.Attribute))}  # fmt: skip
                calls.setdefault(node.name, set()).update(called)
    if command.callback is None:
        return False
    seen, todo = set(), [command.callback.__name__]
    while todo:
        name = todo.pop()
        if name in CSV_WRITERS:
            return True
        if name not in seen:
            seen.add(name)
            todo += calls.get(name, ())
    return False


def _csv_commands() -> set[str]:
    """Every command that writes CSV: offering ``--format csv``, or writing it by nature (as
    ``export-scores`` does), read from the command tree and the code behind it."""
    return {path for path, command in command_tree().items() if offers_csv(command) or _writes_csv(command)}


def _score_groupings() -> list[str]:
    from commitment_tracker.cli.scoring import scores
    from commitment_tracker.projections.scores import GROUPINGS

    [by] = [p for p in scores.params if p.name == "by"]
    assert set(GROUPINGS) <= set(by.type.choices)  # type: ignore[attr-defined]
    return list(GROUPINGS)


#: Each command writing CSV, as a user would ask it about the history above ("{out}": a file it
#: writes, read in place of stdout; "--format csv" is added where the command offers it).
CSV_QUERIES = {
    "status": [("status",), ("status", "--as-of", "2024-02-15")],
    "show": [("show", "c1"), ("show", "c3"), ("show", "m1"), ("show", "s1"), ("show", "src")],
    "history": [("history", "c1"), ("history", "c1", "--by-record"), ("history", "c3"), ("history", "c4"),
                ("history", "c5"), ("history", "m1"), ("history", "src"), ("history", "ed1")],
    "replay": [("replay",), ("replay", "--known-from", "c1#1^")],
    "diff": [("diff", "--from", "2024-01-01", "--to", "2024-12-31"), ("diff", "--known-from", "c1#1^"),
             ("diff", "--known-from", "c1#1^", "--scores")],
    "matrix": [("matrix",)],
    "due": [("due", "--within", "3650d")],
    "meetings": [("meetings",)],
    "statements": [("statements",)],
    "sources": [("sources",)],
    "sources show": [("sources", "show", "src")],
    "search": [("search", "alpha")],
    "scores": [*(("scores", "--by", by) for by in _score_groupings()),
               ("scores", "--disagreements"), ("scores", "--agreement"),
               *(("scores", "--agreement", "--by", by) for by in ("cycle", "area", "party", "assessor"))],
    "queue": [("queue",)],
    "parties": [("parties",)],
    "editions": [("editions",)],
    "import-scores": [("import-scores", "{table}", "--on", "2024-06-01", "--dry-run")],
    "export-scores": [("export-scores",), ("export-scores", "--published"), ("export-scores", "-o", "{out}")],
    "export": [("export",), ("export", "-o", "{out}")],  # the interchange format: exact, read back below
}


def test_every_command_that_writes_csv_is_checked() -> None:
    found = _csv_commands()
    assert {"export-scores", "export", "status", "scores"} <= found  # an enumeration gone wrong cannot pass
    assert found == set(CSV_QUERIES), "a command writes CSV without being checked here (or no longer does)"
    for path, command in command_tree().items():
        if path in CSV_QUERIES and not offers_csv(command):
            assert _writes_csv(command), path


def test_every_free_text_field_gets_a_hostile_value() -> None:
    free = _free_text_fields()
    assert {("commitment_made", "summit"), ("source_registered", "text"), ("progress_reported", "quote"),
            ("commitment_abandoned", "note"), ("event_corrected", "assessor")} <= free  # fmt: skip
    assert _hostile_fields(_history(True)) == free
    assert not _hostile_fields(_history(False))


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

    assert _csv_commands() == set(CSV_QUERIES), "a command writes CSV without being checked here (or no longer does)"
    offers = {path: offers_csv(command) for path, command in command_tree().items()}
    stores = {}
    for broken in (True, False):
        ctrack = Ctrack(str(tmp_path / f"{'hostile' if broken else 'plain'}.db"))
        ctrack.ok("import", str(write_jsonl(tmp_path / f"{broken}.jsonl", *_history(broken))))
        t = _texts(broken)
        table = "area,id,year,code,text,average,japan\n" + "".join(
            f'{_quoted(t())},2019-{n},2019,,{_quoted(t())},,1\n' for n in range(3))  # fmt: skip
        stores[broken] = (ctrack, write(f"table-{broken}.csv", table))
    failures = []  # every query checked, whatever an earlier one found
    for command, queries in CSV_QUERIES.items():
        for n, query in enumerate(queries):
            outputs = {}
            for broken, (ctrack, table) in stores.items():
                out = tmp_path / f"out-{broken}-{command}-{n}.csv"
                args = [a.replace("{table}", str(table)).replace("{out}", str(out)) for a in query]
                result = ctrack(*args, *(("--format", "csv") if offers[command] else ()))
                if result.exit_code != 0:
                    failures.append((query, "hostile" if broken else "plain", result.stderr))
                    break
                outputs[broken] = out.read_bytes().decode("utf-8") if "{out}" in query else _exactly(result)
            else:
                rows = list(csv.reader(io.StringIO(outputs[True], newline="")))
                plain = list(csv.reader(io.StringIO(outputs[False], newline="")))
                if not len(rows) == len(plain) > 1 or not all(len(row) == len(rows[0]) for row in rows):
                    failures.append((query, "rows split", outputs[True]))
                live = [(cell, line) for row in rows for cell in row for line in _live_lines(cell)]
                if live and command != "export":  # the interchange format is exact: checked below
                    failures.append((query, "live formula", live))
    hostile, _ = stores[True]
    exported = csv.DictReader(io.StringIO(_exactly(hostile.ok("export", "--format", "csv")), newline=""))
    for row, event in zip(exported, jsonl(hostile.ok("export").stdout), strict=True):
        assert {k: row[k] for k, v in event.items() if isinstance(v, str)} == {
            k: v for k, v in event.items() if isinstance(v, str)}  # every character, as recorded
    assert not failures, failures


def _exactly(result: Any) -> str:
    """stdout as written (click's ``Result.stdout`` turns CR LF into LF)."""
    return str(result.stdout_bytes.decode("utf-8"))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
