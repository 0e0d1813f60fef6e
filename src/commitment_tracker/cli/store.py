"""``store init``: create the store explicitly (on PostgreSQL, once, by its owner)."""

from __future__ import annotations

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.output import note


@click.group()
def store() -> None:
    """Set up the store itself."""


@store.command("init")
@click.option("--recorder", "recorders", metavar="ROLE", multiple=True,
              help="PostgreSQL: grant ROLE what recording needs (append to the log, update the view).")
@click.option("--auditor", "auditors", metavar="ROLE", multiple=True,
              help="PostgreSQL: grant ROLE read-only access (verify, checkpoint, query).")  # fmt: skip
@pass_context
def init(app: Context, recorders: tuple[str, ...], auditors: tuple[str, ...]) -> None:
    """Create the store's tables; safe to run again (it then brings them up to date and grants).

    \b
    On PostgreSQL, run it once as the role that should own the tables; other roles then open
    the store without owning anything, and need only what --recorder / --auditor grant.
    Run again as the owner on a store made by an earlier release, it adds what that release
    lacked and grants it to the roles that may record there.
    """
    from commitment_tracker.projections.view.initialise import init_store

    created = init_store(app.store, recorders=recorders, auditors=auditors)
    note(f"{'created a new' if created else 'initialised the'} store at {app.store.display}")
    for role in recorders:
        note(f"granted {role}: record (append to the log, update the view)")
    for role in auditors:
        note(f"granted {role}: read (verify, checkpoint, query)")


COMMANDS = [store]
