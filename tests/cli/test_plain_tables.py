"""Large tables without colour are drawn without rich (it measures every cell: seconds for ten
thousand rows); what they print must be exactly what rich prints, at every width."""

from __future__ import annotations

from typing import Any

import pytest

from commitment_tracker.cli import output

QUERIES = [
    ("status", "--as-of", "2024-11-20"),
    ("history", "trilateral-coordinating-mechanism"),
    ("replay", "--from", "2024-01-01", "--to", "2024-12-31"),
    ("matrix", "--as-of", "2024-11-20"),
    ("statements",),
    ("show", "seoul-statement-2024-10-16"),
    ("due", "--within", "1y", "--as-of", "2024-11-20"),
]


@pytest.fixture
def demo(trilateral_sqlite: Any) -> Any:
    return trilateral_sqlite


@pytest.mark.parametrize("width", [None, "40", "80", "120", "200"])
@pytest.mark.parametrize("query", QUERIES, ids=[q[0] for q in QUERIES])
def test_the_plain_renderer_prints_what_rich_prints(demo, monkeypatch, query, width):
    env = {"COLUMNS": width, "NO_COLOR": "1"}
    by_rich = demo.ok(*query, env=env).stdout
    monkeypatch.setattr(output, "PLAIN_ROWS", -1)
    by_plain = demo.ok(*query, env=env).stdout
    assert by_plain == by_rich


def test_wide_tables_too(demo, monkeypatch):
    by_rich = demo.ok("--wide", "status", env={"NO_COLOR": "1"}).stdout
    monkeypatch.setattr(output, "PLAIN_ROWS", -1)
    assert demo.ok("--wide", "status", env={"NO_COLOR": "1"}).stdout == by_rich


def test_colour_keeps_rich(demo, monkeypatch):
    monkeypatch.setattr(output, "PLAIN_ROWS", -1)
    assert "\\x1b[" in repr(demo.ok("--color", "status", env={"NO_COLOR": None}).stdout)
