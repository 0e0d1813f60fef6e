"""The CLI reference (docs/cli.md), generated from the live command tree's ``--help``.

``make docs`` runs cog on docs/cli.md, which calls ``reference()``; tests/test_docs.py fails when
the committed file differs from what the commands print now, so the reference cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

PROG = "ctrack"
#: A fixed width, so the reference is the same on every machine whatever its terminal.
WIDTH = 100


def commands(
    command: click.Command | None = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every visible command as (path below ``ctrack``, command): the root first, then depth first by name."""
    if command is None:
        from commitment_tracker.cli.main import cli

        command = cli
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=PROG)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from commands(sub, (*path, name))


def help_text(path: tuple[str, ...]) -> str:
    """Exactly what ``ctrack PATH --help`` prints."""
    from click.testing import CliRunner

    from commitment_tracker.cli.main import cli

    result = CliRunner().invoke(cli, [*path, "--help"], prog_name=PROG, terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"{PROG} {' '.join(path)} --help failed: {result.output}")
    return result.stdout


def reference() -> str:
    """Markdown: a summary table of the commands, then each command's ``--help``."""
    found = list(commands())
    lines = ["| command | what it does |", "| --- | --- |"]
    for path, command in found[1:]:
        name = " ".join((PROG, *path))
        summary = command.get_short_help_str(limit=90).replace("|", "\\|")
        lines.append(f"| [`{name}`](#{'-'.join((PROG, *path))}) | {summary} |")
    lines.append("")
    for path, _ in found:
        lines += [f"### {' '.join((PROG, *path))}", "", "```text", help_text(path).rstrip("\n"), "```", ""]
    return "\n".join(lines)


# --- the README's walkthrough ----------------------------------------------------------------

#: The README's examples are laid out for this width, whatever the terminal that regenerates them.
EXAMPLE_WIDTH = 100
_example_store: list[str] = []


def example(*commands: str) -> str:
    """What a reader would see typing each command (``ctrack`` left out) against the demo store.

    The store is the bundled dataset imported into a temporary file, once per process; commands
    run in the order the README gives them, so a recording example changes what the queries after
    it show, as it would for the reader. Each command is given as one string, split like a shell.
    """
    import os
    import shlex
    import tempfile

    from click.testing import CliRunner

    from commitment_tracker.cli.main import cli
    from commitment_tracker.tracker.demo import DATASET

    env = {"COLUMNS": str(EXAMPLE_WIDTH), "NO_COLOR": "1", "TRACKER_USER": "demo-analyst", "TRACKER_STORE": None,
           "TRACKER_CIPHER_KEY": None}  # fmt: skip
    runner = CliRunner()
    if not _example_store:
        _example_store.append(os.path.join(tempfile.mkdtemp(prefix="ctrack-readme-"), "demo.db"))
        from importlib.resources import as_file, files

        with as_file(files("commitment_tracker.data") / DATASET) as path:
            loaded = runner.invoke(cli, ["--store", _example_store[0], "import", str(path)], env=env,
                                   catch_exceptions=False)  # fmt: skip
        if loaded.exit_code != 0:
            raise RuntimeError(f"importing the demo data failed: {loaded.stderr}")
    out = []
    for command in commands:
        args = shlex.split(command)
        result = runner.invoke(cli, ["--store", _example_store[0], *args], env=env, prog_name=PROG,
                               catch_exceptions=False)  # fmt: skip
        if result.exit_code != 0:
            raise RuntimeError(f"{PROG} {command} failed: {result.stderr}")
        shown = command if len(command) <= EXAMPLE_WIDTH - 2 else command.replace(" --", " \\\n      --")
        out += [f"$ {PROG} {shown}", result.stdout.rstrip("\n"), ""]
    return "\n".join(["```text", *out[:-1], "```"])
