"""rebuild: drop the materialised views and rebuild them from the log."""

from __future__ import annotations

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.output import note, progress


@click.command()
@pass_context
def rebuild(app: Context) -> None:
    """Rebuild every materialised view from the log (the log itself is never touched)."""
    from commitment_tracker.projections.view import writable_view

    reader = writable_view(app.tracker)
    try:
        with progress("Rebuilding the status view", app.tracker.count()) as advance:
            count = reader.rebuild(advance)
    finally:
        reader.close()
    note(f"rebuilt the status view from {count} event{'s' if count != 1 else ''}")


COMMANDS = [rebuild]
