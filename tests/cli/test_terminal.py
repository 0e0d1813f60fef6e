"""Terminal manners: colour only in tables and only when wanted (--color/--no-color, NO_COLOR,
FORCE_COLOR); JSON and CSV never carry escape codes; shell completion works as documented."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.cli.helpers import parse_csv

#: No colour settings leak in from the test runner's own environment.
PLAIN = {"NO_COLOR": None, "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TERM": "xterm-256color"}
ESCAPE = "\x1b"
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
GREEN = "\x1b[32m"  # fulfilled

AT = ("--as-of", "2024-07-01")
QUERIES = {
    "status": ("status", *AT),
    "show": ("show", "deliver", *AT),
    "history": ("history", "deliver"),
    "matrix": ("matrix", *AT),
    "due": ("due", "--within", "1y", *AT),
    "sources": ("sources",),
}


@pytest.fixture
def coloured(seeded):
    """The seeded store with something green to show: ``deliver`` fulfilled."""
    seeded.ok("fulfil", "deliver", "--on", "2024-03-01")
    return seeded


def run(ctrack, *args, **env):
    return ctrack.ok(*args, env=PLAIN | env).stdout


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_color_forces_colour_into_every_table(coloured, query):
    assert COLOUR.search(run(coloured, "--color", *query))


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_json_and_csv_never_carry_escape_codes_even_with_color(coloured, query):
    as_json = run(coloured, "--color", *query, "--json", FORCE_COLOR="1")
    assert ESCAPE not in as_json
    json.loads(as_json)
    as_csv = run(coloured, "--color", *query, "--format", "csv", FORCE_COLOR="1")
    assert ESCAPE not in as_csv
    assert parse_csv(as_csv)


def test_tables_are_plain_when_piped_unless_the_environment_forces_colour(coloured):
    assert ESCAPE not in run(coloured, *QUERIES["status"])
    assert GREEN in run(coloured, *QUERIES["status"], FORCE_COLOR="1")


def test_no_color_and_NO_COLOR_turn_colour_off(coloured):
    assert ESCAPE not in run(coloured, "--no-color", *QUERIES["status"], FORCE_COLOR="1")
    assert GREEN not in run(coloured, *QUERIES["status"], FORCE_COLOR="1", NO_COLOR="1")


def test_an_explicit_color_flag_beats_NO_COLOR(coloured):
    assert GREEN in run(coloured, "--color", *QUERIES["status"], NO_COLOR="1")


def test_colour_never_changes_the_words(coloured):
    plain = run(coloured, "--no-color", *QUERIES["matrix"])
    forced = run(coloured, "--color", *QUERIES["matrix"])
    assert COLOUR.sub("", forced) == plain
    assert "fulfilled" in plain


def test_bash_completion_as_documented():
    runner = CliRunner()
    script = runner.invoke(cli, [], prog_name="ctrack", env={"_CTRACK_COMPLETE": "bash_source"})
    assert script.exit_code == 0
    assert "_ctrack_completion" in script.stdout and "ctrack" in script.stdout
    env = {"_CTRACK_COMPLETE": "bash_complete", "COMP_WORDS": "ctrack ma", "COMP_CWORD": "1"}
    assert runner.invoke(cli, [], prog_name="ctrack", env=env).stdout.split() == ["plain,matrix"]
    env = {"_CTRACK_COMPLETE": "bash_complete", "COMP_WORDS": "ctrack due --format ", "COMP_CWORD": "3"}
    assert runner.invoke(cli, [], prog_name="ctrack", env=env).stdout.split() == ["plain,table", "plain,json", "plain,csv"]
