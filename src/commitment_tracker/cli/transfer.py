"""Moving events in and out: import (all or nothing) and export (re-importable)."""

from __future__ import annotations

from pathlib import Path

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.output import caution
from commitment_tracker.cli.output import note


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the whole file against the store; write nothing.")
@pass_context
def import_(app: Context, file: Path, dry_run: bool) -> None:
    """Import events from FILE (JSON Lines, or a YAML list): validated in full, then all or nothing."""
    from commitment_tracker.cli.output import count_lines, progress

    with progress("Importing", (lambda: count_lines(file)) if not dry_run else 0) as advance:
        count = (app.checker if dry_run else app.writer).import_file(file, app.user, dry_run=dry_run, progress=advance,
                                                                      warn=caution)
    if dry_run:
        note(f"{count} event{'s' if count != 1 else ''} checked: all valid; nothing written (dry run)")
    else:
        note(f"imported {count} event{'s' if count != 1 else ''} into {app.store.display}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE [default: stdout].")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_context
def export(app: Context, fmt: str, output: Path | None, force: bool) -> None:
    """Every event in record order, with both clocks; the JSON Lines re-import as the same history."""
    from commitment_tracker.tracker.exporting import write_export
    from commitment_tracker.tracker.outputs import check_output

    if output is not None:
        check_output(output, app.store, force=force)

    from commitment_tracker.cli.output import progress

    with progress("Exporting", app.tracker.count()) as advance:
        count = write_export(app.tracker, fmt, output, advance)
    if output is not None:
        note(f"exported {count} event{'s' if count != 1 else ''} to {output}")


COMMANDS = [import_, export]
