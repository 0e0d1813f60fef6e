"""The compliance heat map (``heatmap``'s plain data) drawn as PNG or SVG with matplotlib, for
``chart --scores``; ``report`` draws the same data as an HTML table."""

from __future__ import annotations

import io
from typing import Any

from commitment_tracker.projections.render.palette import NO_SCORE, SCORE_COLOURS
from commitment_tracker.projections.scores import percent


def render_heatmap(data: dict[str, Any], fmt: str, title: str) -> bytes:
    """The heat map as PNG or SVG bytes, with matplotlib (the ``charts`` extra)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    parties = [p["code"] for p in data["parties"]]
    lines: list[tuple[str, list[float | None], float | None, bool]] = []  # label, cells, average, heading
    for group in data["groups"]:
        lines.append((f"{group['key']}  ({len(group['rows'])})", [None] * len(parties), group["average"], True))
        for row in group["rows"]:
            lines.append((f"{row['code']}  {row['title'][:48]}", row["cells"], row["average"], False))
    height = max(3.0, 1.6 + 0.16 * len(lines))
    figure = Figure(figsize=(4.5 + 0.34 * len(parties), height))
    axes = figure.add_axes((0.42, 0.6 / height, 0.5, 1 - 1.4 / height))
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
        text = "" if average is None else f"{average:+.2f}"
        axes.text(len(parties) - 0.3, index, text, fontsize=6, va="center", fontweight="bold" if heading else None)
    footer = [("" if a is None else f"{a:+.2f}") for a in data["columns"]]
    for column, text in enumerate(footer):
        axes.text(column, len(lines) + 0.2, text, fontsize=5.5, ha="center", va="top", rotation=90)
    overall = "" if data["overall"] is None else f"{data['overall']:+.2f} ({percent(data['overall']):.0f}%)"
    figure.suptitle(f"{title}: average {overall}; green 1, amber 0, red -1, grey not assessed", fontsize=8)
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()
