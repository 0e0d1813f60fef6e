"""Timelines drawn as a Gantt-style chart (PNG or SVG) with matplotlib, the optional ``charts`` extra.

One row per commitment: status intervals as coloured bars over valid time, a marker for each
event, recurring instances as ticks, the deadline as a red line; on the right, where the row
stands at the end of the window. matplotlib is imported only here, only when drawing, and drawn
through its Agg canvas (no GUI backend, no pyplot state).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from commitment_tracker.projections.render.palette import (
    DEADLINE_COLOUR,
    EVENT_LABELS,
    EVENT_MARKERS,
    OVERDUE_COLOUR,
    STATUS_COLOURS,
    status_label,
)
from commitment_tracker.projections.timeline import Timeline, Timelines
from commitment_tracker.tracker import TrackerError

FORMATS = ("png", "svg")
INSTALL_HINT = "pip install 'commitment-tracker[charts]'"

ROW_INCHES = 0.42
WIDTH_INCHES = 14.0
INK = "#1b1b1b"
MUTED = "#5f6368"


class ChartsUnavailable(TrackerError):
    """matplotlib (the ``charts`` extra) is not installed."""


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ChartsUnavailable(f"charts need matplotlib, which is not installed: {INSTALL_HINT}") from None


def render(timelines: Timelines, fmt: str, known_at: datetime | None = None) -> bytes:
    """The chart as PNG or SVG bytes (reproducible: no creation date is embedded); ``known_at``
    names the record time the timelines were drawn as known at, for the title."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    require_matplotlib()
    from matplotlib import rc_context

    with rc_context(_STYLE):
        figure = _figure(timelines, known_at)
        buffer = io.BytesIO()
        if fmt == "svg":
            figure.savefig(buffer, format=fmt, dpi=DPI, metadata={"Date": None})
        else:
            figure.savefig(buffer, format=fmt, dpi=DPI, metadata={"Software": None},
                           pil_kwargs={"compress_level": _compress_level(figure)})  # fmt: skip
    return buffer.getvalue()


DPI = 110
#: Room around everything, in inches, for viewers whose fonts run a little wider than matplotlib's
#: (SVG text stays text): the padding the constrained layout engine kept, before it was dropped.
W_PAD, H_PAD = 0.15, 0.08
#: Points between a row's labels and the plot, as between a tick label and its axis.
LABEL_PAD = 3.5
#: A PNG taller than this (pixels) is compressed at zlib's fastest level: at the default level a
#: chart of 300 rows (14,000 pixels tall) took a third of a second more, for a file 12 % smaller.
TALL = 2_000

_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.fonttype": "none",  # text stays text: searchable, selectable, small
    "svg.hashsalt": "commitment-tracker",  # stable element ids, so regenerated files do not churn
    "axes.edgecolor": "#c9ccd1",
    "xtick.color": MUTED,
}


def _compress_level(figure: Any) -> int:
    """zlib's level for the PNG: the fastest for a tall chart, else the default."""
    return 1 if figure.bbox.height > TALL else 6


def _figure(timelines: Timelines, known_at: datetime | None) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = timelines.rows
    count = max(len(rows), 1)
    figure = Figure(figsize=(WIDTH_INCHES, 1.9 + ROW_INCHES * count), dpi=DPI)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.2, 0.2, 0.6, 0.6))  # for now: _fit places it once its margins are measured
    day = _window(ax, timelines)
    _draw_rows(ax, rows, timelines, day)
    labels = _labels(ax, rows)
    _dates_and_frame(ax, rows)
    known = f"known at {known_at.strftime('%Y-%m-%d %H:%M')} UTC" if known_at else "as known now"
    title = figure.suptitle("Commitments over time", x=0.01, y=1 - H_PAD / figure.get_figheight(), ha="left",
                            va="top", fontsize=15, fontweight="bold", color=INK)  # fmt: skip
    subtitle = ax.set_title(
        f"Status as of {timelines.as_of.isoformat()}, {known} \u00b7 valid time "
        f"{timelines.start.isoformat()} to {timelines.end.isoformat()} \u00b7 "
        f"{len(rows)} commitment{'s' if len(rows) != 1 else ''}",
        loc="left", fontsize=10, color=MUTED, y=1.0, pad=24 if len(rows) > 12 else 8,
    )  # fmt: skip
    _fit(figure, ax, labels, (title, subtitle), _legend(figure, timelines))
    _space_lines(figure, ax, labels)
    return figure


def _window(ax: Any, timelines: Timelines) -> Callable[[date], float]:
    """Set the axes to the window (padded a little) and the rows, top to bottom; return the x of a
    day: matplotlib's date number, its days since matplotlib's epoch, found by ordinal arithmetic
    (exact: a date's number is a whole count of days) rather than a date2num call per mark, which
    was a sixth of drawing a chart of 300 rows."""
    from matplotlib import dates as mdates

    start, end = timelines.start, timelines.end + timedelta(days=1)
    span = max((end - start).days, 30)
    pad = timedelta(days=max(span // 80, 3))
    offset = float(mdates.date2num(start)) - start.toordinal()
    ax.set_xlim(offset + (start - pad).toordinal(), offset + (end + pad).toordinal())
    ax.set_ylim(max(len(timelines.rows), 1) - 0.5, -0.5)
    return lambda day: offset + day.toordinal()


def _labels(ax: Any, rows: tuple[Timeline, ...]) -> tuple[list[Any], list[Any]]:
    """Ids on the left, where each row stands at the window's end on the right: beside the plot,
    one text per run of rows drawn alike (an overdue row's labels red, its id bold), a line per row
    (``_space_lines`` sets them a row apart once the plot is placed). Not tick labels: 600 ticks,
    each measured in passes of its own by the layout and the title's placement, were most of the
    drawing of a chart of 300 rows; and a text per row cost a tenth of it more than a text per run."""
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    figure = ax.get_figure()
    rows_at = blended_transform_factory(ax.transAxes, ax.transData)  # x across the axes, y a row

    def beside(points: float) -> Any:
        return rows_at + ScaledTranslation(points / 72, 0, figure.dpi_scale_trans)

    left, right = beside(-LABEL_PAD), beside(LABEL_PAD)
    ids, notes, first = [], [], 0
    for overdue, alike in groupby(rows, key=lambda row: row.overdue):
        run = list(alike)
        middle = first + (len(run) - 1) / 2  # each line on its row: the run's middle line on its middle
        first += len(run)
        ids.append(ax.text(0, middle, "\n".join(row.id for row in run), transform=left, ha="right", ma="right",
                           va="center", fontsize=10, color=OVERDUE_COLOUR if overdue else INK,
                           fontweight="bold" if overdue else "normal", clip_on=False))  # fmt: skip
        notes.append(ax.text(1, middle, "\n".join(row.summary for row in run), transform=right, ha="left",
                             va="center", fontsize=9, color=OVERDUE_COLOUR if overdue else MUTED,
                             clip_on=False))  # fmt: skip
    return ids, notes


def _space_lines(figure: Any, ax: Any, labels: tuple[list[Any], list[Any]]) -> None:
    """Set the labels' lines a row apart: a row's height over the height of a line of their font."""
    renderer = figure.canvas.get_renderer()
    row = ax.get_window_extent(renderer).height / abs(ax.get_ylim()[0] - ax.get_ylim()[1])
    heights: dict[Any, float] = {}
    for text in (*labels[0], *labels[1]):
        font = text.get_fontproperties()
        if font not in heights:
            heights[font] = _line_height(figure, renderer, font)
        text.set_linespacing(row / heights[font])


def _line_height(figure: Any, renderer: Any, font: Any) -> float:
    """Pixels from one line to the next in a text of this font set at a linespacing of 1."""
    from matplotlib.text import Text

    one, two = (Text(text=text, fontproperties=font, linespacing=1, figure=figure) for text in ("x", "x\nx"))
    return float(two.get_window_extent(renderer).height - one.get_window_extent(renderer).height)


def _dates_and_frame(ax: Any, rows: tuple[Timeline, ...]) -> None:
    """Dates along the bottom (and the top too when there are many rows), a grid line at each, no
    frame but the bottom line."""
    from matplotlib import dates as mdates

    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=9.5, top=len(rows) > 12, labeltop=len(rows) > 12)
    ax.set_yticks([])
    ax.grid(axis="x", color="#dfe1e5", lw=0.8, zorder=0.5)
    ax.set_axisbelow(True)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    if not rows:
        ax.text(0.5, 0.5, "no commitments in this window", transform=ax.transAxes, ha="center", va="center",
                color=MUTED)  # fmt: skip


def _fit(figure: Any, ax: Any, labels: tuple[list[Any], list[Any]], titles: tuple[Any, Any], legend: Any) -> None:
    """Place the axes so that everything around it fits, with the pads: the widest id on the left,
    the widest summary on the right, the titles above, the dates and the legend below. Each is
    measured once, as drawing will measure it (the same renderer, so drawing reuses the figures)."""
    renderer = figure.canvas.get_renderer()
    width, height, inch = figure.bbox.width, figure.bbox.height, figure.dpi
    pad = LABEL_PAD / 72 * inch
    box = ax.get_window_extent(renderer)
    dates = ax.xaxis.get_tightbbox(renderer)
    title, subtitle = titles
    above = max(subtitle.get_window_extent(renderer).y1, dates.y1) - box.y1
    below = box.y0 - dates.y0
    ids, notes = ([text.get_window_extent(renderer).width + pad for text in column] or [0.0] for column in labels)
    left = W_PAD * inch + max(*ids, box.x0 - dates.x0)  # a date at the very edge stands half outside
    right = W_PAD * inch + max(*notes, dates.x1 - box.x1)
    # As the layout engine reckoned: the title and the legend padded on both sides, the plot's own pad.
    top = title.get_window_extent(renderer).height + 3 * H_PAD * inch + above
    bottom = legend.get_window_extent(renderer).height + 3 * H_PAD * inch + below
    ax.set_position((left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height))


def _draw_rows(ax: Any, rows: tuple[Timeline, ...], timelines: Timelines, _x: Callable[[date], float]) -> None:
    """Every row at once, one collection per kind of mark: an artist per bar and per tick made a
    chart of 300 rows some 7,000 artists, and drawing them was most of its cost."""
    from matplotlib.collections import LineCollection, PolyCollection

    def box(left: float, right: float, low: float, high: float) -> list[tuple[float, float]]:
        return [(left, low), (right, low), (right, high), (left, high)]

    left_edge, right_edge = ax.get_xlim()
    stripes = _array([box(left_edge, right_edge, y - 0.5, y + 0.5) for y in range(0, len(rows), 2)], 4)
    ax.add_collection(PolyCollection(stripes, facecolors="#f3f4f6", linewidths=0, zorder=0), autolim=False)
    bars, colours, instances, deadlines = [], [], [], []
    marks: dict[str, tuple[list[float], list[float]]] = {}
    shift = max((timelines.end - timelines.start).days, 1) / 160  # about a marker's width, in days
    for y, row in enumerate(rows):
        if row.scores is not None:
            # Score-only: no status to draw (its 'pledged' says nothing), and its assessments --
            # often every member's on one day -- one mark per day, where they were made.
            xs, ys = marks.setdefault("compliance_assessed", ([], []))
            days = sorted({mark.day for mark in row.events if mark.type == "compliance_assessed"})
            xs += [_x(day) for day in days]
            ys += [y] * len(days)
            made = marks.setdefault("commitment_made", ([], []))
            made[0].extend(_x(mark.day) for mark in row.events if mark.type == "commitment_made")
            made[1].extend(y for mark in row.events if mark.type == "commitment_made")
            continue
        for interval in row.intervals:
            bars.append(box(_x(interval.valid_from), _x(interval.valid_to + timedelta(days=1)), y - 0.29, y + 0.29))
            colours.append(STATUS_COLOURS.get(interval.status, "#999999"))
        instances += [[(_x(mark.day), y - 0.4), (_x(mark.day), y + 0.4)] for mark in row.instances]
        for mark, slot in zip(row.events, row.slots):
            xs, ys = marks.setdefault(mark.type, ([], []))
            xs.append(_x(mark.day) + slot * shift)
            ys.append(y)
        due = row.due_day
        if due is not None and timelines.start <= due <= timelines.end:
            deadlines.append([(_x(due), y - 0.46), (_x(due), y + 0.46)])
    ax.add_collection(PolyCollection(_array(bars, 4), facecolors=colours, edgecolors="white", linewidths=0.8,
                                     zorder=2), autolim=False)  # fmt: skip
    ax.add_collection(LineCollection(_array(instances, 2), colors=INK, linewidths=2.4, zorder=3), autolim=False)
    ax.add_collection(LineCollection(_array(deadlines, 2), colors=DEADLINE_COLOUR, linewidths=2.6, zorder=3.5),
                      autolim=False)  # fmt: skip
    for type_, (xs, ys) in marks.items():
        ax.scatter(_array(xs), _array(ys), marker=EVENT_MARKERS.get(type_, "o"), s=_size(type_), c=INK,
                   edgecolors="white", linewidths=0.9, zorder=4)  # fmt: skip


def _array(values: list[Any], corners: int | None = None) -> Any:
    """Values as a numpy array; shapes as one of ``corners`` points each. Given lists, matplotlib
    builds a path per shape in Python and masks each of a scatter's values in turn: about a tenth
    of drawing a chart of 300 rows."""
    import numpy

    found = numpy.array(values, dtype=float)
    return found if corners is None else found.reshape(-1, corners, 2)


def _size(type_: str) -> float:
    return {"commitment_fulfilled": 110.0, "progress_reported": 56.0, "commitment_stalled": 56.0}.get(type_, 44.0)


def _legend(figure: Any, timelines: Timelines) -> Any:
    """One legend below the chart: a row of statuses, a row of event marks, each headed in bold."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def blank(label: str = "") -> Any:
        return Line2D([], [], ls="none", label=label)

    present = set(timelines.statuses)
    statuses: list[Any] = [blank("Status")] + [
        Patch(facecolor=colour, edgecolor="white", label=status_label(status))
        for status, colour in STATUS_COLOURS.items()
        if status in present
    ]
    events: list[Any] = [blank("Events")]
    types = {mark.type for row in timelines.rows for mark in row.events}
    for type_, label in EVENT_LABELS.items():
        if type_ in types and type_ in EVENT_MARKERS:
            events.append(Line2D([], [], ls="none", marker=EVENT_MARKERS[type_], color=INK, markeredgecolor="white",
                                 markersize=12 if type_ == "commitment_fulfilled" else 7, label=label))  # fmt: skip
    if any(row.instances for row in timelines.rows):
        events.append(Line2D([], [], ls="none", marker="|", markersize=12, markeredgewidth=2.4, color=INK,
                             label="instance held"))  # fmt: skip
    if any(row.due_day and timelines.start <= row.due_day <= timelines.end for row in timelines.rows):
        events.append(Line2D([], [], ls="none", marker="|", markersize=14, markeredgewidth=2.6,
                             color=DEADLINE_COLOUR, label="deadline"))  # fmt: skip
    # A legend fills column by column: interleave the two rows so each reads left to right.
    columns = max(len(statuses), len(events))
    statuses += [blank() for _ in range(columns - len(statuses))]
    events += [blank() for _ in range(columns - len(events))]
    handles = [handle for pair in zip(statuses, events, strict=True) for handle in pair]
    legend = figure.legend(handles=handles, loc="lower left", ncol=columns, frameon=False, fontsize=9.5,
                           handlelength=1.6, columnspacing=1.2)  # fmt: skip
    for text in legend.get_texts():
        if text.get_text() in ("Status", "Events"):
            text.set_fontweight("bold")
    return legend
