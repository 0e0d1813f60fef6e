"""The compliance heat map (``heatmap``'s plain data) drawn as PNG or SVG with matplotlib, for
``chart --scores``; ``report`` draws the same data as an HTML table."""

from __future__ import annotations

import io
from typing import Any

from commitment_tracker.projections.figures import average_text, percent_text
from commitment_tracker.projections.render.palette import NO_SCORE, SCORE_COLOURS
from commitment_tracker.projections.scores import percent


#: A long group repeats its heading (with the member names) every this many rows, so that the
#: names are never further from a row than a screenful (0.16 in a row at 110 dpi: about 700 px).
PAGE = 40
#: Vertical room, in inches, above the grid (title and legend, then the member names) and below it.
TOP, BOTTOM = 1.0, 0.7


def render_heatmap(data: dict[str, Any], fmt: str, title: str) -> bytes:
    """The heat map as PNG or SVG bytes, with matplotlib (the ``charts`` extra)."""
    figure = heatmap_figure(data, title)
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
    return buffer.getvalue()


DPI = 110


def heatmap_figure(data: dict[str, Any], title: str) -> Any:
    """The heat map as a matplotlib figure: one line per commitment under its group's heading
    line, which names the members in its cells (and again every ``PAGE`` rows of a long group);
    the title and legend above the member names, in a band of their own, never over the rows."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    parties = [p["code"] for p in data["parties"]]
    lines = _lines(data, len(parties))
    height = max(3.0, TOP + BOTTOM + 0.2 + 0.16 * len(lines))
    figure = Figure(figsize=(4.5 + 0.34 * len(parties), height))
    axes = figure.add_axes((0.42, BOTTOM / height, 0.5, 1 - (TOP + BOTTOM) / height))
    grid = [[(-2 if c is None else c) for c in cells] for _, cells, _, _ in lines] or [[-2]]
    colours = ListedColormap([NO_SCORE, SCORE_COLOURS[-1], SCORE_COLOURS[0], SCORE_COLOURS[1]])
    axes.imshow(grid, cmap=colours, vmin=-2.5, vmax=1.5, aspect="auto", interpolation="nearest")
    axes.set_xticks(range(len(parties)), parties, fontsize=7)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(lines)), [label for label, *_ in lines], fontsize=6)
    for index, (_, _, average, heading) in enumerate(lines):
        if heading:
            axes.get_yticklabels()[index].set_fontweight("bold")
            axes.axhline(index - 0.5, color="#5f6368", linewidth=0.6)
            for column, party in enumerate(parties):  # the members again, beside the rows they head
                axes.text(column, index, party, fontsize=5, ha="center", va="center", fontweight="bold")
        text = average_text(average)
        axes.text(len(parties) - 0.3, index, text, fontsize=6, va="center", fontweight="bold" if heading else None)
    footer = [average_text(a) for a in data["columns"]]
    for column, text in enumerate(footer):
        axes.text(column, len(lines) + 0.2, text, fontsize=5.5, ha="center", va="top", rotation=90)
    overall = "" if data["overall"] is None else f"{average_text(data['overall'])} ({percent_text(percent(data['overall']))})"
    # Placed in inches from the top edge: a fraction of a 60-inch figure would land on the rows.
    figure.suptitle(f"{title}: average {overall}", x=0.02, y=1 - 0.12 / height, ha="left", va="top", fontsize=8)
    figure.text(0.02, 1 - 0.32 / height, "green 1, amber 0, red -1, grey not assessed", fontsize=7, va="top",
                color="#5f6368")  # fmt: skip
    return figure


def _lines(data: dict[str, Any], width: int) -> list[tuple[str, list[float | None], float | None, bool]]:
    """label, cells, average, heading: each group's heading, then its rows, the heading repeated
    (``(continued)``) every ``PAGE`` rows."""
    lines: list[tuple[str, list[float | None], float | None, bool]] = []
    for group in data["groups"]:
        for start in range(0, max(1, len(group["rows"])), PAGE):
            label = f"{group['key']}  ({len(group['rows'])})" if start == 0 else f"{group['key']}  (continued)"
            lines.append((label, [None] * width, group["average"], True))
            for row in group["rows"][start : start + PAGE]:
                lines.append((f"{row['code']}  {row['title'][:48]}", row["cells"], row["average"], False))
    return lines
