"""The ``ctrack`` command group: global options, error translation, command registration."""

from __future__ import annotations

import sys
from typing import Any

import click

from commitment_tracker import __version__
from commitment_tracker.cli.context import Context


def _quiet_stdout() -> None:
    """The reader went away (``ctrack export | head``): stop writing, without a second error."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class TrackerGroup(click.Group):
    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:  # fmt: skip
        """Like click's, but every error -- usage errors included -- is one ``Error:`` line."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            message = " ".join(error.format_message().split())
            if isinstance(error, click.UsageError) and error.ctx is not None:
                message += f" (see '{error.ctx.command_path} --help')"
            click.echo(f"Error: {message}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        from commitment_tracker.cli.errors import translate

        succeeded = False
        try:
            result = super().invoke(ctx)
            succeeded = True
            return result
        except click.exceptions.Exit as exit_:
            succeeded = exit_.exit_code == 0
            raise
        except (click.ClickException, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as error:  # every other failure still ends in one line, not a traceback
            raise translate(error) from None
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.finish(succeeded)


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="commitment-tracker")
@click.option(
    "--store",
    metavar="PATH_OR_URL",
    envvar="TRACKER_STORE",
    help="A SQLite file path, or postgresql://user:pass@host:port/db [env: TRACKER_STORE; "
    "default: tracker.db in your data directory].",
)
@click.option("--by", metavar="NAME", help="Who is recording [env: TRACKER_USER; default: your OS user].")
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Force colour in tables on or off [default: on for a terminal, unless NO_COLOR is set]. "
    "JSON and CSV never carry colour.",
)
@click.pass_context
def cli(ctx: click.Context, store: str | None, by: str | None, color: bool | None) -> None:
    """Track diplomatic commitments: record what happened, replay any date, audit every change.

    \b
    Two clocks: --as-of DATE asks what was true on a date (valid time);
    --known-at TIMESTAMP asks what the tracker knew then (record time).
    Start with:  ctrack demo
    """
    ctx.obj = Context(ctx, store, by)


def register() -> None:
    from commitment_tracker.cli import (
        compliance, deadlines, demo, integrity, querying, recording, reporting, scoring, stores, transfer,
        views,
    )  # fmt: skip

    for module in (recording, querying, transfer, integrity, views, demo, reporting, compliance, deadlines,
                   scoring, stores):  # fmt: skip
        for command in module.COMMANDS:
            cli.add_command(command)


register()
