"""Every command's --help reads at an 80-column terminal: no line is longer than the terminal, so
none is wrapped by the terminal in the middle. The commands are read from click's command tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli


def commands() -> Iterator[tuple[str, ...]]:
    """Every command and group, as click's tree holds them (the same walk docs/cli.md is made by)."""
    from commitment_tracker.cli.reference import commands as tree

    return (path for path, _ in tree())


def test_the_tree_holds_the_commands_named_in_the_issue():
    found = set(commands())
    for name in (("chart",), ("demo",), ("matrix",), ("report",), ("store", "init")):
        assert name in found


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", list(commands()), ids=lambda p: " ".join(("ctrack", *p)))
def test_help_fits_the_terminal(command, width):
    result = CliRunner().invoke(cli, [*command, "--help"], env={"COLUMNS": str(width)}, catch_exceptions=False)
    assert result.exit_code == 0
    long = [line for line in result.stdout.splitlines() if len(line) > width]
    assert long == [], f"ctrack {' '.join(command)} --help at {width} columns"
