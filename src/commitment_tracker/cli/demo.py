"""``ctrack demo``: the bundled trilateral dataset in a fresh store, and a first look at it."""

from __future__ import annotations

import sys
from datetime import date

import click

from commitment_tracker.cli.context import Context
from commitment_tracker.cli.output import note

DEMO_HISTORY = "trilateral-coordinating-mechanism"
DEMO_AS_OF = date(2024, 7, 1)


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the US-Japan-ROK trilateral dataset into a fresh demo store and show it.

    \b
    The demo store is demo.db in your data directory, recreated each time,
    whether --store or TRACKER_STORE names it or nothing does; any other
    store must be empty.
    """
    from commitment_tracker.cli import querying
    from commitment_tracker.tracker.demo import load_demo

    app: Context = ctx.obj
    location, count = load_demo(app.store_option)
    app.store_option = location
    shown = app.store.display  # never the password a PostgreSQL URL may carry
    note(f"Loaded {count} events of the US-Japan-ROK trilateral into {shown}")
    ctx.invoke(querying.status)
    click.echo()
    ctx.invoke(querying.history, entity=DEMO_HISTORY)
    click.echo()
    note(f"Replaying history: the board as it stood on {DEMO_AS_OF.isoformat()}")
    ctx.invoke(querying.status, as_of=DEMO_AS_OF)
    # Last, so that it is on the screen when the demo ends, not scrolled off above 160 lines.
    sys.stdout.flush()
    note(f"\nExplore it with:  ctrack --store {shown} status")


COMMANDS = [demo]
