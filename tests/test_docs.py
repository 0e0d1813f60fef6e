"""Docs cannot drift: docs/cli.md is what the commands print now, and every command explains itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from commitment_tracker.cli.reference import commands, help_text

REFERENCE = Path(__file__).parent.parent / "docs" / "cli.md"
COMMANDS = list(commands())


def test_the_cli_reference_is_what_the_commands_print_now(capsys):
    from cogapp import Cog

    # cog --check re-runs the generator against the live command tree and compares, writing nothing.
    status = Cog().main(["cog", "--check", "--diff", "--check-fail-msg=run 'make docs'", str(REFERENCE)])
    assert status == 0, "docs/cli.md is out of date: run 'make docs'\n" + capsys.readouterr().out


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(("ctrack", *p)))
def test_every_command_is_in_the_reference_with_its_help(path):
    text = REFERENCE.read_text(encoding="utf-8")
    name = " ".join(("ctrack", *path))
    assert f"\n### {name}\n" in text, f"{name} is missing from docs/cli.md: run 'make docs'"
    assert help_text(path).rstrip("\n") in text


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(("ctrack", *p)) for p, _ in COMMANDS])
def test_every_command_has_help_text(path, command):
    assert (command.help or "").strip(), f"'ctrack {' '.join(path)}' has no help text"
    assert command.get_short_help_str().strip()


def test_the_reference_lists_the_documented_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    # The commands of SPEC §6 an analyst looks up first.
    assert {"status", "show", "history", "matrix", "due", "sources", "source add", "import", "export"} <= names


def test_the_readme_walkthrough_is_what_the_tool_prints_now(capsys):
    """The README's example outputs are regenerated from real runs on the demo data (``make docs``);
    an output that drifts from what the commands print fails here."""
    from cogapp import Cog

    readme = REFERENCE.parent.parent / "README.md"
    assert "[[[cog" in readme.read_text(encoding="utf-8")
    status = Cog().main(["cog", "--check", "--diff", "--check-fail-msg=run 'make docs'", str(readme)])
    assert status == 0, "README.md is out of date: run 'make docs'\n" + capsys.readouterr().out


def test_every_event_reference_the_readme_names_exists_in_the_bundled_dataset(tmp_path):
    """A reference the README shows (``tcm#3``) must be one a reader can type after ``make demo``:
    a short form the tracker does not accept reads like one it does."""
    import json
    import re

    from tests.conftest import Ctrack
    from tests.cli.helpers import DATASET

    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z0-9][a-z0-9._-]*)#([1-9][0-9]*)\^?`", text))
    named |= set(re.findall(r"\"after ([a-z0-9][a-z0-9._-]*)#([1-9][0-9]*)\"", text))
    assert named, "the README names no event reference"
    ctrack = Ctrack(str(tmp_path / "tracker.db"))
    ctrack.ok("import", str(DATASET))
    for slug, n in sorted(named):
        result = ctrack("history", slug, "--json")
        assert result.exit_code == 0, f"the README names {slug}#{n}, but there is no {slug}"
        assert f"{slug}#{n}" in {e["ref"] for e in json.loads(result.stdout)["events"]}, f"no event {slug}#{n}"
