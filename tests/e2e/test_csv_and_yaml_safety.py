"""What leaves the tool is as strict as what enters it: CSV a person opens runs no formula, the
interchange CSV reads back exactly, and a hostile YAML file gets a line-numbered error."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import error_line, parse_csv, untouched

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
