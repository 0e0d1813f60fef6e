"""Files for people to look at: ``chart`` (a timeline image) and ``report`` (one self-contained page)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import AS_OF, SLUG, time_options
from commitment_tracker.cli.output import note

CHART_FORMATS = ("png", "svg")


def _suffix(out: Path, allowed: tuple[str, ...], option: str = "--out") -> str:
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in allowed:
        names = " or ".join(f".{a}" for a in allowed)
        raise click.BadParameter(f"{str(out)!r} must end in {names}", param_hint=option)
    return suffix


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror or error}") from None


@click.command()
@click.argument("ids", metavar="[ID]...", nargs=-1, type=SLUG)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The image to write: FILE.png or FILE.svg.")  # fmt: skip
@time_options
@click.option("--from", "start", type=AS_OF, help="First day shown [default: when the first was made].")
@click.option("--to", "end", type=AS_OF, help="Last day shown [default: --as-of, or today].")
@pass_context
def chart(app: Context, ids: tuple[str, ...], out: Path, as_of: date | None, known_at: datetime | None,
          start: date | None, end: date | None) -> None:  # fmt: skip
    """A timeline of commitments (all, or the IDs given): status bars over valid time.

    \b
    One row per commitment: a coloured bar per status, a marker per event, recurring
    instances as ticks, the deadline as a red line. Needs the charts extra:
      pip install 'commitment-tracker[charts]'
    """
    from commitment_tracker.cli.querying import clocks
    from commitment_tracker.projections.chart import render, require_matplotlib
    from commitment_tracker.projections.timeline import timelines

    fmt = _suffix(out, CHART_FORMATS)
    day, moment = clocks(as_of, known_at)
    if start and start > min(end or day, day):
        raise click.BadParameter("--from is after --to (or --as-of)", param_hint="--from")
    require_matplotlib()
    found = timelines(app.knowledge(moment), day, list(ids) or None, start=start, end=end)
    _write(out, render(found, fmt, known_at=known_at))
    count = len(found.rows)
    note(f"wrote a chart of {count} commitment{'s' if count != 1 else ''} to {out}")


@click.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The page to write: FILE.html.")  # fmt: skip
@time_options
@pass_context
def report(app: Context, out: Path, as_of: date | None, known_at: datetime | None) -> None:
    """One self-contained HTML page: board, matrix, timelines, audit trails, sources.

    The page needs no network: open it anywhere, mail it, archive it. Its sliders
    redraw the board, the matrix and the timeline as of another day, known at an
    earlier record time; a link to report.html#as-of=DATE&known-at=TIMESTAMP opens
    it at that point in time.
    """
    from commitment_tracker.cli.querying import clocks
    from commitment_tracker.projections.report import render_report

    _suffix(out, ("html", "htm"))
    day, moment = clocks(as_of, known_at)
    page = render_report(app.log, app.knowledge(moment), day, known_at=known_at)
    _write(out, page.encode("utf-8"))
    note(f"wrote the report as of {day.isoformat()} to {out}")


COMMANDS = [chart, report]
