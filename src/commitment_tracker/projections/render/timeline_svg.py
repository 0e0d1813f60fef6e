"""Timelines laid out for inline SVG: positions computed here, markup written by the report template.

The report draws its own timelines (no matplotlib needed, text stays text, the page stays small
and self-contained). Coordinates are SVG user units; the template scales the drawing to the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from commitment_tracker.projections.render.palette import EVENT_LABELS, STATUS_COLOURS, status_label
from commitment_tracker.projections.timeline import Timeline, Timelines

DAY = timedelta(days=1)
ROW = 30  # height of one row
BAR = 16  # height of a status bar
AXIS = 24  # room for the date labels above and below
MARK = 10  # how far apart marks of the same day are drawn


def _star(outer: float, inner: float) -> str:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 5 * i - math.pi / 2
        points.append(f"{radius * math.cos(angle):.2f},{radius * math.sin(angle):.2f}")
    return "M" + " L".join(points) + " Z"


#: Marker outlines centred on (0, 0), the same shapes the PNG chart uses.
SHAPES = {
    "commitment_made": "M-4.5,0 A4.5,4.5 0 1,0 4.5,0 A4.5,4.5 0 1,0 -4.5,0 Z",
    "commitment_reaffirmed": "M0,-6 L6,0 L0,6 L-6,0 Z",
    "progress_reported": "M0,-6 L5.5,4.5 L-5.5,4.5 Z",
    "commitment_fulfilled": _star(8, 3.4),
    "commitment_stalled": "M0,6 L5.5,-4.5 L-5.5,-4.5 Z",
    "commitment_abandoned": "M-5,-3 L-3,-5 L0,-2 L3,-5 L5,-3 L2,0 L5,3 L3,5 L0,2 L-3,5 L-5,3 L-2,0 Z",
    "commitment_superseded": "M-4.5,-4.5 L4.5,-4.5 L4.5,4.5 L-4.5,4.5 Z",
    "deadline_changed": "M-1.8,-5.5 L1.8,-5.5 L1.8,-1.8 L5.5,-1.8 L5.5,1.8 L1.8,1.8 L1.8,5.5 L-1.8,5.5 "
    "L-1.8,1.8 L-5.5,1.8 L-5.5,-1.8 L-1.8,-1.8 Z",
}


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    major: bool


@dataclass
class Row:
    id: str
    y: float
    note: str
    overdue: bool
    bars: list[dict[str, object]] = field(default_factory=list)
    marks: list[dict[str, object]] = field(default_factory=list)
    instances: list[dict[str, object]] = field(default_factory=list)
    deadline: dict[str, object] | None = None


@dataclass
class Drawing:
    width: float
    height: float
    left: float  # where the plot starts (ids to its left)
    right: float  # where it ends (notes to its right)
    top: float
    bottom: float
    ticks: list[Tick]
    rows: list[Row]


#: Rough widths of one character of the ids (12.5px) and of the notes (11.5px), in user units.
ID_CHAR, NOTE_CHAR = 6.8, 6.4


def layout(timelines: Timelines, rows: list[Timeline] | None = None, *, width: float = 1160, ids: bool = True,
           notes: bool = True) -> Drawing:  # fmt: skip
    """The rows (default: all) over the timelines' window; columns for their ids and notes if asked."""
    rows = list(timelines.rows) if rows is None else rows
    labels = max((len(row.id) for row in rows), default=0) * ID_CHAR + 12 if ids else 0
    notes_width = max((len(row.summary) for row in rows), default=0) * NOTE_CHAR + 20 if notes else 0
    start, stop = timelines.start, timelines.end + DAY
    left, right = labels + 8, width - notes_width - 8
    days = max((stop - start).days, 1)

    def x(day: date) -> float:
        return round(left + (right - left) * (day - start).days / days, 2)

    top = AXIS
    drawn = []
    for index, row in enumerate(rows):
        y = top + index * ROW + ROW / 2
        item = Row(row.id, y, row.summary, row.overdue)
        for interval in row.intervals:
            x0, x1 = x(interval.valid_from), x(interval.valid_to + DAY)
            item.bars.append({
                "x": x0, "width": round(max(x1 - x0, 1.0), 2), "status": interval.status,
                "colour": STATUS_COLOURS.get(interval.status, "#999999"),
                "title": f"{status_label(interval.status)}: {interval.valid_from.isoformat()} to "
                         f"{interval.valid_to.isoformat()}{' (and on)' if interval.continues else ''}",
            })  # fmt: skip
        for mark in row.instances:
            item.instances.append({"x": x(mark.day), "title": f"instance held {mark.on} ({mark.ref})"})
        for mark, slot in zip(row.events, row.slots):
            item.marks.append({
                "x": round(x(mark.day) + slot * MARK, 2), "shape": SHAPES.get(mark.type, SHAPES["commitment_made"]),
                "title": f"{mark.on}: {EVENT_LABELS.get(mark.type, mark.type)} ({mark.ref})",
            })  # fmt: skip
        due = row.due_day
        if due is not None and timelines.start <= due <= timelines.end:
            item.deadline = {"x": x(due), "title": f"deadline {row.due_on}"}
        drawn.append(item)
    bottom = top + max(len(rows), 1) * ROW
    return Drawing(width, bottom + AXIS, left, right, top, bottom, ticks(start, stop, x), drawn)


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def ticks(start: date, stop: date, x: object) -> list[Tick]:
    """Date labels: years over long windows, quarters or months over shorter ones."""
    days = (stop - start).days
    step = 12 if days > 365 * 6 else 6 if days > 365 * 3 else 3 if days > 400 else 1
    found = []
    year, month = start.year, start.month
    # The first tick is the first month start on a step boundary at or after ``start``.
    while True:
        if (month - 1) % step == 0:
            day = date(year, month, 1)
            if day >= start:
                break
        month += 1
        if month > 12:
            year, month = year + 1, 1
    day = date(year, month, 1)
    while day <= stop:
        label = str(day.year) if day.month == 1 else MONTHS[day.month - 1]
        found.append(Tick(x(day), label, day.month == 1))  # type: ignore[operator]
        month = day.month + step
        day = date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return found
