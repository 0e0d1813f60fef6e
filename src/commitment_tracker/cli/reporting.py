"""Files for people to look at: ``chart`` (a timeline image) and ``report`` (one self-contained page)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import AS_OF, PARTY, SLUG, time_options
from commitment_tracker.cli.output import note

#: A report of more commitments is a page few browsers open: choose, or raise the limit.
REPORT_LIMIT = 200

CHART_FORMATS = ("png", "svg")


def _suffix(out: Path, allowed: tuple[str, ...], option: str = "--out") -> str:
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in allowed:
        names = " or ".join(f".{a}" for a in allowed)
        raise click.BadParameter(f"{str(out)!r} must end in {names}", param_hint=option)
    return suffix


def _write(out: Path, data: bytes) -> None:
    from commitment_tracker.tracker.outputs import write_output

    try:
        write_output(out, data)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror or error}") from None


@click.command()
@click.argument("ids", metavar="[ID]...", nargs=-1, type=SLUG)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The image to write: FILE.png or FILE.svg.")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@time_options
@click.option("--from", "start", type=AS_OF, help="First day shown [default: when the first was made].")
@click.option("--to", "end", type=AS_OF, help="Last day shown [default: --as-of, or today].")
@click.option("--scores", "scores", is_flag=True, help="Draw the compliance heat map (commitments x parties) instead.")
@click.option("--group", "group", type=click.Choice(["area", "year"]), default="area", show_default=True,
              help="With --scores: group the rows by issue area or by year.")  # fmt: skip
@click.option("--area", help="With --scores: only this issue area.")
@click.option("--cycle", help="With --scores: only this assessment cycle.")
@pass_context
def chart(app: Context, ids: tuple[str, ...], out: Path, force: bool, as_of: date | None,
          known_at: datetime | None, start: date | None, end: date | None, scores: bool, group: str,
          area: str | None, cycle: str | None) -> None:  # fmt: skip
    """A timeline of commitments (all, or the IDs given): status bars over valid time;
    or, with --scores, the compliance heat map. A chart of all draws at most the
    300 latest made and says on stderr how many it left out.

    One row per commitment: a coloured bar per status, a marker per event, recurring
    instances as ticks, the deadline as a red line. With --scores: one row per
    assessed commitment, one column per party (best average first), each cell
    coloured by the score that counts, averages in the margins. Needs the charts
    extra:

    \b
      pip install 'commitment-tracker[charts]'
    """
    from commitment_tracker.cli.clocks import as_known, clocks
    from commitment_tracker.projections.render.chart import render, require_matplotlib
    from commitment_tracker.projections.timeline import chart_selection, timelines

    from commitment_tracker.tracker.outputs import check_output

    fmt = _suffix(out, CHART_FORMATS)
    check_output(out, app.store, force=force)
    at = clocks(as_of, known_at)
    day = at.as_of
    if scores:
        from commitment_tracker.projections.heatmap import heatmap
        from commitment_tracker.projections.render.score_image import render_heatmap
        from commitment_tracker.projections.view.scoreview import ScoreSource

        require_matplotlib()
        sheet = ScoreSource(app.reader, at).sheet(cycle=cycle.strip().lower() if cycle else None, area=area)
        if ids:
            sheet = [row for row in sheet if row.id in ids]
        data = heatmap(sheet, group)
        scope = ", ".join(x for x in (area, cycle and f"{cycle.strip().lower()} cycle") if x)
        _write(out, render_heatmap(data, fmt, f"Compliance{f' ({scope})' if scope else ''} as of {day.isoformat()}"
                                              f"{as_known(at)}"))  # fmt: skip
        note(f"wrote a heat map of {data['rows']} commitment{'s' if data['rows'] != 1 else ''} to {out}")
        return
    if start and start > min(end or day, day):
        raise click.BadParameter("--from is after --to (or --as-of)", param_hint="--from")
    require_matplotlib()
    chosen, left_out = list(ids), 0
    if not ids:  # every commitment made by the window's end, from the board: at most CHART_LIMIT rows
        chosen, left_out = chart_selection(app.reader.board(at.on(min(end, day)) if end else at))
    found = timelines(app.knowledge_of_ids(chosen, at), day, chosen, start=start, end=end)
    _write(out, render(found, fmt, known_at=at.known_at))
    count = len(found.rows)
    note(f"wrote a chart of {count} commitment{'s' if count != 1 else ''} to {out}")
    if left_out:
        note(f"left out the {left_out} earliest-made commitment{'s' if left_out != 1 else ''} (a chart shows at most "
             f"{len(chosen)}): name the ids to chart, or end the window earlier with --to")


@click.command()
@click.argument("ids", metavar="[ID]...", nargs=-1, type=SLUG)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The page to write: FILE.html.")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--area", help="Only commitments of this issue area.")
@click.option("--party", type=PARTY, help="Only commitments this party is party to.")
@click.option("--limit", type=click.IntRange(1, 5000), default=REPORT_LIMIT, show_default=True,
              help="At most this many commitments (the most recently made).")  # fmt: skip
@click.option("--approved-only", is_flag=True, help="Only reviewed scores: approved, or brought by an edition.")
@time_options
@pass_context
def report(app: Context, ids: tuple[str, ...], out: Path, force: bool, area: str | None, party: str | None,
           limit: int, approved_only: bool, as_of: date | None, known_at: datetime | None) -> None:  # fmt: skip
    """One self-contained HTML page: board, matrix, timelines, audit trails, sources.

    The page needs no network: open it anywhere, mail it, archive it. Its sliders
    redraw the board, the matrix and the timeline as of another day, known at an
    earlier record time; a link opens it at that point in time:

    \b
      report.html#as-of=DATE&known-at=TIMESTAMP

    A report covers the commitments given as IDs, else those of --area and --party,
    at most --limit of them (the most recently made; stderr says how many were left
    out), so that the page stays one a person can open.
    """
    from commitment_tracker.cli.clocks import clocks
    from commitment_tracker.projections.render.report import render_report, select

    from commitment_tracker.tracker.outputs import check_output

    _suffix(out, ("html", "htm"))
    check_output(out, app.store, force=force)
    at = clocks(as_of, known_at)
    day = at.as_of
    board = app.reader.board(at)
    chosen, left_out = select(board, ids, area=area, party=party, limit=limit)
    del board  # every commitment's row: needed to choose, not to draw the page
    if left_out:
        note(f"the report shows the {len(chosen)} most recently made of {len(chosen) + left_out} commitments; "
             "choose others with IDs, --area or --party, or raise --limit")  # fmt: skip
    log = app.reader.log_of(chosen)
    page, travel = render_report(log, log.known_at(at.known_at), at, approved_only)
    if len(travel["stops"]) < travel["recorded_times"]:
        note(f"the known-at slider offers {len(travel['stops'])} of {travel['recorded_times']} record times "
             "(spread evenly, the latest among them); ctrack status --known-at answers any other")  # fmt: skip
    _write(out, page.encode("utf-8"))
    note(f"wrote the report as of {day.isoformat()} to {out}")


COMMANDS = [chart, report]
