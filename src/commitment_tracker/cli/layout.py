"""Fitting a table to the terminal: which columns show, which stack under another, how wide each is.

A table must stay readable at 80 columns. References, ids, dates and statuses are never cut: a
column that is not free text always gets its full width. When the columns do not all fit, the
least important ones give way first (highest ``priority`` number): a column with a ``stack``
target moves into that column's cell, on its own line; any other is hidden, and the caller says
so on stderr. A stacked column that would not say what it is (a date, a time, a name) is
printed with its ``label``. Free text (``wrap`` columns) wraps inside whatever width is left,
never below ``MIN_WRAP`` characters nor below its longest event reference (references are never
cut), or stacks when it cannot have that.
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from dataclasses import dataclass, field

from rich.cells import cell_len

#: Below this many characters a wrapped title or note is one word per line: stack it instead.
MIN_WRAP = 24


@dataclass(frozen=True)
class Slot:
    """How a table column is laid out: its width and the columns stacked into it (in order)."""

    key: str
    width: int
    wrap: bool
    stacked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    slots: tuple[Slot, ...]
    hidden: tuple[str, ...] = field(default=())

    @property
    def width(self) -> int:
        return sum(s.width for s in self.slots) + overhead(len(self.slots))


@dataclass(frozen=True)
class Spec:
    """What the layout needs to know of a column (``output.Column`` carries it)."""

    key: str
    header: str
    wrap: bool = False  # free text, wrapped to the width left; other columns never wrap
    priority: int = 0  # 0: always shown; higher numbers give way first
    stack: str | None = None  # the column whose cell takes this one's value when space runs out
    label: str = ""  # printed before the value when it is stacked ("due: ", "recorded ")


#: A word holding an event reference (``ID#N``, with the punctuation that follows it: wrapping
#: breaks only at spaces, so "ID#N;" is one word): wrapping must never fold it.
REFERENCE = re.compile(r"[^\s]*[A-Za-z0-9][A-Za-z0-9._-]*#[0-9]+[^\s]*")


def labelled(label: str, text: str) -> str:
    return label + text if label and text else text


def unbroken(text: str) -> int:
    """The width of the longest reference in ``text``: a wrapped column is never narrower."""
    return max((cell_len(m.group()) for m in REFERENCE.finditer(text)), default=0)


def overhead(columns: int) -> int:
    """Separators and padding of a ``box.SIMPLE_HEAD`` table without edge padding."""
    return max(0, 3 * columns - 1)


def text_width(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def fit(specs: Sequence[Spec], cells: Sequence[dict[str, str]], available: int | None) -> Layout:
    """The columns to show within ``available`` characters (None: as wide as the content)."""
    natural = {s.key: max([text_width(s.header), *(text_width(row.get(s.key, "")) for row in cells)]) for s in specs}
    # A column's width once stacked under another: its values, labelled, without its header.
    moved = {s.key: max([0, *(text_width(labelled(s.label, row.get(s.key, ""))) for row in cells)]) for s in specs}
    words = {s.key: max([0, *(unbroken(row.get(s.key, "")) for row in cells)]) for s in specs if s.wrap}
    by_key = {s.key: s for s in specs}
    shown = [s.key for s in specs]
    members: dict[str, list[str]] = {key: [key] for key in shown}  # a slot's own column, then stacked ones
    hidden: list[str] = []

    def width(key: str, member: str) -> int:
        return natural[member] if member == key else moved[member]

    def fixed(key: str) -> int:
        return max([0, *(width(key, k) for k in members[key] if not by_key[k].wrap)])

    def prose(key: str) -> int:
        return max([0, *(width(key, k) for k in members[key] if by_key[k].wrap)])

    def least(key: str) -> int:
        whole = max([0, *(words[k] for k in members[key] if by_key[k].wrap)])
        return max(fixed(key), min(prose(key), MIN_WRAP), whole, text_width(by_key[key].header))

    if available is not None:
        while sum(map(least, shown)) + overhead(len(shown)) > available:
            candidates = [k for k in shown if by_key[k].priority > 0]
            if not candidates:
                break
            victim = max(reversed(candidates), key=lambda k: by_key[k].priority)
            shown.remove(victim)
            target = by_key[victim].stack
            (members[target] if target in shown else hidden).extend(members.pop(victim))
    flowing = [k for k in shown if prose(k)]
    widths = {k: least(k) for k in shown}
    room = None if available is None else available - sum(widths.values()) - overhead(len(shown))
    for key in flowing:
        extra = prose(key) - widths[key] if room is None else min(prose(key) - widths[key], room // len(flowing))
        widths[key] += max(0, extra)
    slots = tuple(Slot(k, widths[k], k in flowing, tuple(members[k][1:])) for k in shown)
    return Layout(slots, tuple(hidden))
