"""Files for people to look at: ``chart`` (a timeline image) and ``report`` (one self-contained page)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, TypeVar

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.options import AS_OF, PARTY, SLUG, time_options
from commitment_tracker.cli.output import note

if TYPE_CHECKING:
    from commitment_tracker.projections.clocks import Clocks

T = TypeVar("T")

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


def _write_text(out: Path, write: Callable[[IO[str]], T]) -> T:
    """``write`` into ``out`` as it goes (a page too large to hold), replacing it only once done."""
    from commitment_tracker.tracker.outputs import atomic_output

    try:
        with atomic_output(out) as handle:
            return write(handle)
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
              help="At most this many commitments on the board and timelines (the most recently made).")  # fmt: skip
@click.option("--approved-only", is_flag=True, help="Only reviewed scores: approved, or brought by an edition.")
@click.option("--summit", help="The compliance report of this summit (2021, 2010S), as research groups publish it.")
@time_options
@pass_context
def report(app: Context, ids: tuple[str, ...], out: Path, force: bool, area: str | None, party: str | None,
           limit: int, approved_only: bool, summit: str | None, as_of: date | None, known_at: datetime | None) -> None:  # fmt: skip
    """One self-contained HTML page: board, matrix, timelines, audit trails, sources.

    The page needs no network: open it anywhere, mail it, archive it. Its sliders
    redraw the board, the matrix and the timeline as of another day, known at an
    earlier record time; a link opens it at that point in time:

    \b
      report.html#as-of=DATE&known-at=TIMESTAMP

    With --summit S: the compliance report of that summit, laid out as research
    groups publish it -- the commitments assessed, the scores grid (each score
    linked to its provenance: the edition that published it and every
    recalibration since), compliance by member and by commitment, interim and
    final side by side, each member's average summit by summit, and a chapter per
    commitment. Its sliders show the whole report as of another day, known at
    another time; report.html#known-at=EDITION opens it at an edition.

    A report covers the commitments given as IDs, else those of --area and --party.
    Its matrix and compliance scores cover every one of them; its board, timelines
    and audit trails at most --limit (the most recently made; the page and stderr
    say how many were left out), so that the page stays one a person can open.
    """
    from commitment_tracker.cli.clocks import clocks
    from commitment_tracker.projections.render.report import select, write_report

    from commitment_tracker.tracker.outputs import check_output

    _suffix(out, ("html", "htm"))
    if summit is not None:
        others = [name for name, given in (("ID", ids), ("--area", area), ("--party", party)) if given]
        if others:
            raise click.UsageError(f"--summit reports on a whole summit: it takes no {others[0]}")
    check_output(out, app.store, force=force)
    at = clocks(as_of, known_at)
    if summit is not None:
        _summit_report(app, summit, at, out)
        return
    day = at.as_of
    board = app.reader.board(at)
    matching, chosen = select(board, ids, area=area, party=party, limit=limit)
    del board  # every commitment's row: needed to choose, not to draw the page
    # The editions too: a link to the page may name one as its known-at moment (SPEC §8.1).
    editions = list(app.reader.knowledge_of_kinds(frozenset({"edition"}), at).streams)
    travel = _write_text(out, lambda handle: write_report(handle, app.reader.log_of, app.reader.record_times, matching,
                                                          chosen, editions, at, approved_only))  # fmt: skip
    if len(matching) > len(chosen):
        shown, total, drawn = len(chosen), len(matching), travel["drawn"]
        if drawn == shown:
            told = f"the report shows the {shown} most recently made of {total} commitments on its board and timelines"
        else:  # some are only scores: they have no status for the board to tell
            some = "none of them (they are only scores)" if drawn == 0 else \
                f"the {drawn} of them with a status to tell (the others are only scores)"
            told = f"the report's audit trails show the {shown} most recently made of {total} commitments, its board and timelines {some}"
        note(f"{told}; its matrix and scores cover all {total}; "
             "choose others with IDs, --area or --party, or raise --limit")  # fmt: skip
    if len(travel["stops"]) < travel["recorded_times"]:
        note(f"the known-at slider offers {len(travel['stops'])} of {travel['recorded_times']} record times "
             "(spread evenly, the latest among them); ctrack status --known-at answers any other")  # fmt: skip
    note(f"wrote the report as of {day.isoformat()} to {out}")


def _summit_report(app: Context, wanted: str, at: Clocks, out: Path) -> None:
    """``report --summit``: which summit is meant (a year with two is a usage error naming them),
    the commitments of it and of every summit before it (the member history), and the page."""
    from commitment_tracker.projections.render.summit_page import render_summit_report
    from commitment_tracker.projections.summit_report import in_scope, matching_summits, summit_days
    from commitment_tracker.projections.view.scoreview import pledges

    every = at.on(date(9999, 1, 1))  # every commitment made, as known at K
    made = pledges(app.reader, [row["id"] for row in app.reader.board(every)], every)
    held = summit_days(made.values())
    found = matching_summits(held, wanted)
    if len(found) > 1:
        raise click.BadParameter(f"{wanted!r} names {len(found)} summits: {', '.join(found)}; give one",
                                 param_hint="--summit")  # fmt: skip
    if not found:
        from commitment_tracker.projections.queries import did_you_mean

        raise click.ClickException(f"no commitment was made at a summit {wanted!r}{did_you_mean(wanted.upper(), sorted(held))}")
    summit = found[0]
    if held[summit] > at.as_of:
        raise click.ClickException(f"summit {summit} was held on {held[summit].isoformat()}, after --as-of "
                                   f"{at.as_of.isoformat()}: it has no report yet")  # fmt: skip
    ids = in_scope(made, summit)
    editions = app.reader.knowledge_of_kinds(frozenset({"edition"}), at).streams
    log = app.reader.log_of([*ids, *editions])
    page, travel = render_summit_report(log, summit, at)
    if len(travel["stops"]) < travel["recorded_times"]:
        note(f"the known-at slider offers {len(travel['stops'])} of {travel['recorded_times']} record times "
             "(spread evenly, the latest among them); ctrack report --summit --known-at writes any other")  # fmt: skip
    _write(out, page.encode("utf-8"))
    note(f"wrote the compliance report of summit {summit} as of {at.as_of.isoformat()} to {out}")


COMMANDS = [chart, report]
