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
              help="PostgreSQL: grant ROLE what recording needs (append to the log, write the view as "
                   "catch-up does, rebuild it).")
@click.option("--auditor", "auditors", metavar="ROLE", multiple=True,
              help="PostgreSQL: grant ROLE read-only access (verify, checkpoint, query).")  # fmt: skip
@pass_context
def init(app: Context, recorders: tuple[str, ...], auditors: tuple[str, ...]) -> None:
    """Create the store's tables; safe to run again (it then brings them up to date and grants).

    On PostgreSQL, run it once as the role that should own the tables; other roles then open
    the store without owning anything, and need only what --recorder / --auditor grant.
    Run again as the owner on a store made by an earlier release, it adds what that release
    lacked (the append lock's table, granted to the roles that may record there), takes back what
    that release let recorders do to the status view (rewrite or empty it), and updates the view's
    guards.
    """
    from commitment_tracker.projections.view.initialise import init_store

    done = init_store(app.store, recorders=recorders, auditors=auditors)
    note(f"{'created a new' if done.created else 'initialised the'} store at {app.store.display}")
    for role in done.narrowed:
        note(f"took back from {role} the right to rewrite or empty the status view "
             "(it writes only what catch-up writes)")
    for role in recorders:
        note(f"granted {role}: record (append to the log, update the view)")
    for role in auditors:
        note(f"granted {role}: read (verify, checkpoint, query)")


COMMANDS = [store]
