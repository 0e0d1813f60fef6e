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
        except BrokenPipeError:  # while click itself was writing (help, completion)
            _quiet_stdout()
            sys.exit(0)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        from commitment_tracker.cli.errors import translate

        succeeded = False
        try:
            result = super().invoke(ctx)
            succeeded = True
            return result
        except BrokenPipeError:
            # The reader has all it wanted (``ctrack export | head -1``): success, as for cat.
            # Handled here because click's own main turns a broken pipe into exit 1.
            succeeded = True
            _quiet_stdout()
            raise click.exceptions.Exit(0) from None
        except click.exceptions.Exit as exit_:
            succeeded = exit_.exit_code == 0
            raise
        except (click.ClickException, click.Abort, KeyboardInterrupt):
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
@click.option("--wide", is_flag=True, default=None, help="Tables show every column at full width, whatever the terminal's width.")
@click.pass_context
def cli(ctx: click.Context, store: str | None, by: str | None, color: bool | None, wide: bool | None) -> None:
    """Track diplomatic commitments: record what happened, replay any date, audit every change.

    \b
    Two clocks: --as-of DATE asks what was true on a date (valid time);
    --known-at TIMESTAMP asks what the tracker knew then (record time).
    Start with:  ctrack demo
    Global options may also follow the command:  ctrack status --store X
    """
    ctx.obj = Context(ctx, store, by)
    ctx.meta["wide"] = bool(wide)


def _set_late(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the command: it overrides the one before it, as typed last."""
    if value is None or ctx.resilient_parsing:
        return
    root = ctx.find_root()
    app = root.obj
    if param.name == "late_store":
        app.store_option = value
    elif param.name == "late_by":
        app.by_option = value
    elif param.name == "late_color":
        root.params["color"] = value
    elif param.name == "late_wide" and value:
        root.meta["wide"] = True


def _late_globals() -> list[click.Option]:
    common = {"expose_value": False, "callback": _set_late, "hidden": True, "default": None}
    return [
        click.Option(["--store", "late_store"], metavar="PATH_OR_URL", **common),
        click.Option(["--by", "late_by"], metavar="NAME", **common),
        click.Option(["--color/--no-color", "late_color"], **common),
        click.Option(["--wide", "late_wide"], is_flag=True, **common),
    ]


def _accept_globals(command: click.Command) -> None:
    # A command's own option wins: ``supersede --by OTHER`` names the superseding commitment.
    taken = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    command.params.extend(o for o in _late_globals() if not taken & {*o.opts, *o.secondary_opts})
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_globals(sub)


def register() -> None:
    from commitment_tracker.cli import (
        demo, due, entities, integrity, matrix, querying, rebuild, recording, reporting, reviewing, scoring, search,
        store, transfer,
    )  # fmt: skip

    for module in (recording, querying, entities, search, transfer, integrity, rebuild, demo, reporting, matrix,
                   due, scoring, reviewing, store):  # fmt: skip
        for command in module.COMMANDS:
            _accept_globals(command)
            cli.add_command(command)


register()
