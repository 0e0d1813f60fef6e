"""``ctrack chart``: a timeline image of commitments -- what a user sees in the PNG or SVG it writes."""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from commitment_tracker.projections.fold import STATUSES
from commitment_tracker.projections.render.palette import OVERDUE_COLOUR, STATUS_COLOURS
from tests.cli.helpers import DATASET, error_line, made, write_jsonl

PIL = pytest.importorskip("PIL.Image", reason="Pillow comes with the charts extra (matplotlib)")


@pytest.fixture
def demo(ctrack_sqlite: Any) -> Any:
    ctrack_sqlite.ok("import", str(DATASET))
    return ctrack_sqlite


def svg_text(path: Path) -> list[str]:
    """The text a reader sees in an SVG chart (matplotlib keeps text as <text> elements)."""
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", path.read_text(), re.S)]


def colours(path: Path, least: int = 500) -> set[tuple[int, int, int]]:
    """The colours that fill at least ``least`` pixels: bars and patches, not anti-aliased edges."""
    image = PIL.open(path).convert("RGB")
    return {rgb for count, rgb in image.getcolors(maxcolors=1 << 22) if count >= least}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_chart_png_of_the_trilateral_draws_each_status_in_its_own_colour(demo, tmp_path):
    out = tmp_path / "timeline.png"
    result = demo.ok("chart", "--as-of", "2025-10-01", "--out", str(out))
    assert result.stdout == ""
    assert f"wrote a chart of 17 commitments to {out}" in result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    drawn = colours(out)
    # As of October 2025: Freedom Edge and the leaders' meeting have lapsed, two are fulfilled,
    # one is in progress, one recurring is on track; nothing is stalled, abandoned or superseded.
    for status in ("pledged", "active", "in_progress", "on_track", "fulfilled", "lapsed"):
        assert rgb(STATUS_COLOURS[status]) in drawn, status
    for status in ("stalled", "abandoned", "superseded"):
        assert rgb(STATUS_COLOURS[status]) not in drawn, status


def test_chart_svg_names_every_commitment_and_explains_its_marks(demo, tmp_path):
    out = tmp_path / "timeline.svg"
    demo.ok("chart", "--as-of", "2025-10-01", "--out", str(out))
    text = svg_text(out)
    for slug in ("cd-meet-annually", "freedom-edge-exercise", "trilateral-coordinating-mechanism", "tscf-moc"):
        assert slug in text
    # The legend: the statuses shown, the event markers, instance ticks and the deadline line.
    assert {"Status", "Events", "pledged", "active", "in progress", "on track", "fulfilled", "lapsed"} <= set(text)
    assert {"made", "reaffirmed", "progress", "instance held", "deadline"} <= set(text)
    assert "stalled" not in text
    # Where each row stands, on the right: overdue commitments say since when.
    assert "lapsed \u00b7 overdue since 2024-08-18" in text
    assert "on track \u00b7 due 2025-12-31" in text
    assert "pledged \u00b7 due at the next trilateral-summit" in text
    assert any(t.startswith("Status as of 2025-10-01, as known now") for t in text)


def test_chart_of_some_ids_draws_only_those_rows(demo, tmp_path):
    out = tmp_path / "two.svg"
    result = demo.ok("chart", "FREEDOM-EDGE-EXERCISE", "tscf-moc", "--as-of", "2025-10-01", "--out", str(out))
    assert "wrote a chart of 2 commitments" in result.stderr
    text = svg_text(out)
    assert "freedom-edge-exercise" in text and "tscf-moc" in text
    assert "cd-meet-annually" not in text
    # The window starts when the first of them was made (August 2023), not at the dataset's start.
    assert any("valid time 2023-08-18 to 2025-10-01" in t for t in text)


def test_chart_known_at_and_as_of_show_what_was_known_and_true_then(demo, tmp_path):
    out = tmp_path / "then.svg"
    # By 5 June 2024 only the Camp David commitments and those of 31 May 2024 had been recorded.
    demo.ok("chart", "--as-of", "2024-06-30", "--known-at", "2024-06-05", "--out", str(out))
    text = svg_text(out)
    assert "cd-meet-annually" in text and "critical-tech-cooperation" in text
    assert "freedom-edge-exercise" not in text  # recorded in October 2024
    assert any(t.startswith("Status as of 2024-06-30, known at 2024-06-05 23:59 UTC") for t in text)
    assert "5 commitments" in " ".join(text)


def test_chart_from_and_to_narrow_the_window(demo, tmp_path):
    out = tmp_path / "window.svg"
    demo.ok("chart", "freedom-edge-exercise", "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out))
    text = svg_text(out)
    assert any("valid time 2024-01-01 to 2024-12-31" in t for t in text)
    # Where it stood when the window closed: on track, its next instance due in June 2025.
    assert "on track \u00b7 due 2025-06-27" in text


def test_a_chart_of_25_commitments_gives_every_row_room(ctrack_sqlite, tmp_path, write):
    events = [made(f"commitment-number-{n:02d}", on=f"2024-{1 + n % 12:02d}-{1 + n:02d}") for n in range(25)]
    ctrack_sqlite.ok("import", str(write_jsonl(tmp_path / "many.jsonl", *events)))
    for n in range(0, 25, 3):
        ctrack_sqlite.ok("progress", f"commitment-number-{n:02d}", "--on", "2025-03-01", "--note", "moving")
    out, few = tmp_path / "many.png", tmp_path / "few.png"
    ctrack_sqlite.ok("chart", "--as-of", "2025-06-30", "--out", str(out))
    ctrack_sqlite.ok("chart", "commitment-number-00", "commitment-number-01", "--as-of", "2025-06-30", "--out", str(few))
    width, height = PIL.open(out).size
    assert width >= 1400
    # The figure grows with its rows: at least 40 pixels a row, so 25 labels never collide.
    assert height - PIL.open(few).size[1] >= 23 * 40
    svg = tmp_path / "many.svg"
    ctrack_sqlite.ok("chart", "--as-of", "2025-06-30", "--out", str(svg))
    labels = [t for t in svg_text(svg) if t.startswith("commitment-number-")]
    assert sorted(labels) == [f"commitment-number-{n:02d}" for n in range(25)]


def placed_text(path: Path) -> list[tuple[str, float, float, str]]:
    """(text, x, y, style) of every text in an SVG chart: where a reader sees it, in points. A text
    of one line is placed by its x and y, each line of a longer one by a translation."""
    placed = []
    for style, attributes, text in re.findall(r'<text style="([^"]*)"([^>]*)>(.*?)</text>', path.read_text(), re.S):
        at = re.search(r'x="([-\d.]+)" y="([-\d.]+)"', attributes) or re.search(r"translate\(([-\d.]+) ([-\d.]+)\)",
                                                                              attributes)  # fmt: skip
        assert at, f"a text placed neither way: {attributes}"
        placed.append((re.sub(r"\s+", " ", text).strip(), float(at[1]), float(at[2]), style))
    return placed


def plot_frame(path: Path) -> tuple[float, float, float, float]:
    """left, top, right, bottom of the plot in an SVG chart: its background, the axes' first path."""
    corners = re.search(r'<g id="axes_1">\s*<g id="patch_2">\s*<path d="M ([\d.]+) ([\d.]+)\s+L ([\d.]+) [\d.]+\s+'
                        r"L [\d.]+ ([\d.]+)", path.read_text())  # fmt: skip
    assert corners, "no plot frame in the SVG"
    left, bottom, right, top = map(float, corners.groups())
    return left, top, right, bottom


def test_every_row_of_a_long_chart_has_its_id_and_summary_on_its_line(ctrack_sqlite, tmp_path):
    """80 rows, some overdue (a bold red id, a red summary) among others due later: each id stands
    left of the plot on its own row's line, in the order made, and the summary naming its deadline
    right of the plot on the same line -- not one row missing, doubled or drifted off its line."""
    rows = 80
    late = {n for n in range(40) if n % 3 == 0 or n % 7 == 0}  # short runs alike, then a run of 40 due later
    due = {f"pledge-{n:02d}": (date(2024, 6, 1) if n in late else date(2026, 1, 1)) + timedelta(days=n) for n in range(rows)}
    events = [made(name, on=(date(2024, 1, 1) + timedelta(days=n)).isoformat(), due=due[name].isoformat())
              for n, name in enumerate(due)]  # fmt: skip
    ctrack_sqlite.ok("import", str(write_jsonl(tmp_path / "many.jsonl", *events)))
    svg = tmp_path / "many.svg"
    ctrack_sqlite.ok("chart", "--as-of", "2025-06-30", "--out", str(svg))
    left, top, right, bottom = plot_frame(svg)
    pitch = (bottom - top) / rows
    texts = placed_text(svg)
    ids = [(y, text, style) for text, x, y, style in texts if text in due and x < left]
    assert sorted(text for _, text, _ in ids) == sorted(due), "every id once, left of the plot"
    ids.sort()
    assert [text for _, text, _ in ids] == list(due), "top to bottom in the order made"
    offset = ids[0][0] - (top + pitch / 2)  # a baseline a little below its row's middle
    assert 0 <= offset < pitch / 3
    for row, (y, name, style) in enumerate(ids):
        assert abs(y - (top + (row + 0.5) * pitch + offset)) < 0.5, f"{name} is off its row ({row})"
        bold_red = OVERDUE_COLOUR in style and re.search(r"font-weight: (bold|700)", style) is not None
        assert bold_red == (due[name] < date(2025, 6, 30)), name
    rows_of = {name: y for y, name, _ in ids}
    dated = re.compile(r"\d{4}-\d\d-\d\d")
    summaries = [(text, y, style) for text, x, y, style in texts if x > right and dated.search(text)]
    assert len(summaries) == rows, "every row says where it stands, right of the plot"
    for text, y, style in summaries:
        name = next(name for name, day in due.items() if day.isoformat() in text)
        assert abs(y - rows_of[name]) < 1, f"{text!r} is not on {name}'s line"
        assert ("overdue since" in text) == (OVERDUE_COLOUR in style) == (due[name] < date(2025, 6, 30)), text


def test_chart_of_an_unknown_id_is_a_one_line_error_and_writes_nothing(demo, tmp_path):
    out = tmp_path / "x.png"
    error_line(demo("chart", "cd-meet-annually", "no-such-thing", "--out", str(out)), 1, "unknown commitment 'no-such-thing'")
    error_line(demo("chart", "camp-david-2023", "--out", str(out)), 1, "'camp-david-2023' is not a commitment")
    assert not out.exists()


@pytest.mark.parametrize("name", ["chart.jpg", "chart", "chart.png.txt"])
def test_chart_to_a_file_that_is_not_png_or_svg_is_a_usage_error(demo, tmp_path, name):
    error_line(demo("chart", "--out", str(tmp_path / name)), 2, "--out", ".png or .svg")
    assert not (tmp_path / name).exists()


def test_chart_from_after_to_is_a_usage_error(demo, tmp_path):
    error_line(demo("chart", "--from", "2025-01-01", "--to", "2024-01-01", "--out", str(tmp_path / "c.png")), 2, "--from")


def test_without_matplotlib_chart_says_how_to_install_it(demo, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what an install without the extra looks like
    out = tmp_path / "c.png"
    error_line(demo("chart", "--out", str(out)), 1, "matplotlib", "pip install 'commitment-tracker[charts]'")
    assert not out.exists()


def test_every_status_has_a_colour_of_its_own():
    assert set(STATUS_COLOURS) == set(STATUSES)
    assert len(set(STATUS_COLOURS.values())) == len(STATUSES)


def test_a_score_only_commitment_is_drawn_by_its_scores_not_a_pledged_bar(ctrack_sqlite, tmp_path):
    """Scored on one day by every member, a commitment with nothing but scores has no status worth a
    bar: its row shows where it was assessed (one mark for the day, not one spread per member) and,
    on the right, its average -- while a commitment with news keeps its status bar beside it."""
    members = ("US", "JP", "KR", "CN", "IN", "BR", "ZA", "DE", "FR", "GB")
    lines = [made("scored", on="2020-01-01", parties=list(members)),
             made("pledge", on="2020-01-01", parties=["US", "JP"]),
             *({"type": "compliance_assessed", "commitment": "scored", "party": party, "score": score,
                "on": "2021-06-01"} for party, score in zip(members, [1, 1, 0, 1, -1, 1, 1, 0, 1, 1]))]  # fmt: skip
    ctrack_sqlite.ok("import", str(write_jsonl(tmp_path / "scores.jsonl", *lines)))
    out = tmp_path / "timeline.svg"
    ctrack_sqlite.ok("chart", "--as-of", "2022-01-01", "--out", str(out))
    text = svg_text(out)
    assert "average +0.60 · 10 scores" in text
    assert "pledged" in text  # the other commitment's status, in its label and the legend
    assert "assessed" in text  # the legend names the assessment mark
    # The pledged colour fills one bar only (the other commitment's), not two.
    png = tmp_path / "timeline.png"
    ctrack_sqlite.ok("chart", "--as-of", "2022-01-01", "--out", str(png), "--force")
    image = PIL.open(png).convert("RGB")
    pledged = rgb(STATUS_COLOURS["pledged"])
    rows_with_bars = {y for y in range(image.height)
                      if sum(1 for x in range(0, image.width, 4) if image.getpixel((x, y)) == pledged) > 40}  # fmt: skip
    bands = sum(1 for y in rows_with_bars if y - 1 not in rows_with_bars)
    assert bands == 1, f"{bands} pledged bars (the score-only row must have none)"
