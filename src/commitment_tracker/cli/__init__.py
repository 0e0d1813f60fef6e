"""The adapter: click commands, output formats, one console. No domain logic here."""

from __future__ import annotations


def main() -> None:
    from commitment_tracker.cli.main import cli

    cli(prog_name="ctrack")
