"""The heat map image (``chart --scores``), read from the boxes matplotlib draws, not from pixels:
its title clear of the member names and of the first rows, the member names never far from any
row however many rows there are, and the issue area in the title."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib", reason="the heat map comes with the charts extra")

from commitment_tracker.projections.heatmap import heatmap  # noqa: E402
from commitment_tracker.projections.scores import Scored  # noqa: E402

PARTIES = ["AR", "AU", "BR", "CA", "CN", "DE", "EU", "FR", "GB", "ID", "IN", "IT", "JP", "KR", "MX", "RU", "SA",
           "TR", "US", "ZA"]  # fmt: skip
#: At most this far (in pixels of the PNG) from a row to the nearest line naming the members.
NEAR = 1000


def sheet(rows: int, areas: tuple[str, ...] = ("Trade", "Energy", "Development")) -> list[Scored]:
    return [Scored(f"c{n}", f"2010S-{n}", areas[0] if n < rows * 2 // 3 else areas[n % len(areas)],
                   f"Commitment number {n}", "2010-11-11", {p: (n + i) % 3 - 1 for i, p in enumerate(PARTIES)})
            for n in range(rows)]  # fmt: skip


def drawn(rows: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from commitment_tracker.projections.render.score_image import heatmap_figure

    figure = heatmap_figure(heatmap(sheet(rows)), "Compliance as of 2024-01-01")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return figure, canvas.get_renderer()


@pytest.mark.parametrize("rows", [3, 40, 420])
def test_the_title_is_clear_of_the_member_names_and_the_rows(rows):
    figure, renderer = drawn(rows)
    (axes,) = figure.axes
    title = figure._suptitle.get_window_extent(renderer)
    grid = axes.get_window_extent(renderer)
    names = [label.get_window_extent(renderer) for label in axes.get_xticklabels() if label.get_text()]
    assert names
    assert title.y0 > grid.y1, (title, grid)
    assert all(title.y0 > name.y1 for name in names)
    assert 0 <= title.x0 and title.x1 <= figure.bbox.width  # and on the page


@pytest.mark.parametrize("rows", [40, 420])
def test_member_names_are_never_far_from_a_row(rows):
    figure, renderer = drawn(rows)
    (axes,) = figure.axes
    texts = [*axes.get_xticklabels(), *axes.texts]
    named = sorted({round(t.get_window_extent(renderer).y0) for t in texts if t.get_text() == PARTIES[0]})
    assert named
    to_display = axes.transData.transform
    for line in range(len(axes.get_yticks())):
        y = to_display((0, line))[1]
        assert min(abs(y - n) for n in named) <= NEAR, f"row {line} is far from the member names"
