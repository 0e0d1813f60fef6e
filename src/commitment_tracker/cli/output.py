"""One renderer for every query: JSON and CSV exact on stdout, rich tables for people."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

STATUS_STYLES = {
    "fulfilled": "green",
    "on_track": "green",
    "active": "cyan",
    "pledged": "blue",
    "in_progress": "yellow",
    "stalled": "magenta",
    "lapsed": "red",
    "abandoned": "red",
    "superseded": "dim",
    "pending": "yellow",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    style: Callable[[Any], str | None] | None = None
    width: int | None = None  # a wrapping column (free text); others never wrap
    priority: int = 0  # 0: always shown; higher numbers give way first on a narrow terminal
    stack: str | None = None  # the column this one moves into (on its own line) when space runs out
    label: str = ""  # what it is, printed before its value once it has moved ("due: ", "recorded ")


def choose_format(fmt: str | None, as_json: bool) -> str:
    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError("--json conflicts with --format " + str(fmt))
        return "json"
    return fmt or "table"


def emit_json(data: Any) -> None:
    # Written as it is encoded: a large answer is never held a second time as one string.
    from commitment_tracker.cli.jsontext import json_pieces

    held: list[str] = []
    size = 0
    for chunk in json_pieces(data):
        held.append(chunk)
        size += len(chunk)
        if size > 1 << 16:  # in pieces of 64 KiB: a write per token would be slower than the encoding
            click.echo("".join(held), nl=False)
            held, size = [], 0
    click.echo("".join(held))


def emit_csv(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    from commitment_tracker.tracker.outputs import csv_rows

    write = csv_rows(sys.stdout)
    write([c.key for c in columns])
    for item in rows:
        write([inert(item.get(c.key)) for c in columns])


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def inert(value: Any) -> str:
    """A query's CSV cell, for a person opening it in a spreadsheet: text a spreadsheet would run
    as a formula (``=HYPERLINK(...)``, ``@SUM``, ``+``, ``-``) gets a leading apostrophe. Numbers
    stay numbers; ``export --format csv`` (the interchange format) is written elsewhere, exact.

    So does every line of the text, not only its first: a reader that splits lines before it
    reads quotes (a text-import wizard, a line-by-line script) starts a row after each line break."""
    text = _csv_cell(value)
    if not isinstance(value, (str, list, tuple, dict)):
        return text
    lines = text.splitlines(keepends=True)
    return "".join("'" + line if line.startswith(FORMULA_STARTS) else line for line in lines)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def visible(value: Any) -> str:
    """Text safe for a terminal: control and bidirectional characters shown as escapes."""
    text = _csv_cell(value)
    return "".join(
        ch if ch == "\n" or (ch.isprintable() and not (0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069))
        else ch.encode("unicode_escape").decode()
        for ch in text
    )


#: Piped tables (logs, files, pagers) are laid out for a wide page, not an 80-column terminal.
PIPE_WIDTH = 130


def table_width() -> int | None:
    """The width tables fit: ``--wide`` takes what the content needs (nothing wraps), else
    ``COLUMNS``, else the terminal's width, else (piped) ``PIPE_WIDTH``."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().meta.get("wide"):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return PIPE_WIDTH


def console(stderr: bool = False, width: int | None = None) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, **colour_settings())


def colour_settings() -> dict[str, Any]:
    """The root's --color/--no-color: forced on (even under NO_COLOR: a flag beats the environment,
    as no-color.org asks), forced off (no escape codes at all), else rich's own detection, which
    honours NO_COLOR and FORCE_COLOR."""
    ctx = click.get_current_context(silent=True)
    forced = ctx.find_root().params.get("color") if ctx is not None else None
    if forced is None:
        return {}
    if not forced:
        return {"color_system": None}
    dumb = os.environ.get("TERM", "").lower() in ("dumb", "unknown")
    return {"force_terminal": True, "no_color": False, "color_system": "standard" if dumb else "auto"}


def emit_table(columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str | None = None, caption: str | None = None) -> None:
    """A rich table fitted to the terminal (see ``layout``), without trailing blanks on any line.

    When even the columns that never give way are too wide (a matrix of twenty parties at 80
    columns), the table is printed in parts, each repeating the first column (the row's id), the
    way a wide spreadsheet is printed on several pages."""
    from commitment_tracker.cli.layout import Spec, fit, overhead

    by_key = {c.key: c for c in columns}
    cells = [{c.key: visible(_words(item.get(c.key))) for c in columns} for item in rows]
    available = table_width()
    layout = fit([Spec(c.key, c.header, c.width is not None, c.priority, c.stack, c.label) for c in columns], cells,
                 available)  # fmt: skip
    parts = [list(layout.slots)]
    if available is not None and layout.width > available and len(layout.slots) > 2:
        key, rest = layout.slots[0], layout.slots[1:]
        parts = [[key]]
        for slot in rest:
            part = parts[-1]
            if len(part) > 1 and sum(s.width for s in part) + slot.width + overhead(len(part) + 1) > available:
                # Later parts repeat the id alone: what was stacked under it is in the first part.
                parts.append([replace(key, stacked=(), wrap=False)])
                part = parts[-1]
            part.append(slot)
        parts = [_widened(part, by_key, cells, available) for part in parts]
    for n, part in enumerate(parts):
        named = title if n == 0 else f"{title or ''} (continued)".strip()
        _render(part, by_key, rows, cells, named, caption if n == len(parts) - 1 else None, available)
    if layout.hidden:
        names = ", ".join(by_key[k].header or k for k in layout.hidden)
        note(f"Not shown at {available} columns: {names} (--wide shows every column)")
    if len(parts) > 1:
        note(f"Printed in {len(parts)} parts to fit {available} columns (--wide prints one table)")


def _widened(part: list[Any], by_key: dict[str, Column], cells: Sequence[dict[str, str]], available: int) -> list[Any]:
    """One part of a table printed in parts, its free text given the room this part leaves (the
    layout shared what the whole table left, which a part alone does not need)."""
    from commitment_tracker.cli.layout import overhead, text_width

    flowing = [n for n, slot in enumerate(part) if slot.wrap]
    room = available - sum(s.width for s in part) - overhead(len(part))
    if not flowing or room <= 0:
        return part
    widened = list(part)
    for n in flowing:
        slot = part[n]
        need = max([0, *(text_width(_stacked(slot, by_key, cell)) for cell in cells)])
        widened[n] = replace(slot, width=slot.width + max(0, min(need - slot.width, room // len(flowing))))
    return widened


def _stacked(slot: Any, by_key: dict[str, Column], cell: dict[str, str]) -> str:
    """A cell's text with the columns stacked into it, each on its own line and labelled."""
    from commitment_tracker.cli.layout import labelled

    text = cell[slot.key]
    for key in slot.stacked:
        if cell[key]:
            text += ("\n" if text else "") + labelled(by_key[key].label, cell[key])
    return text


#: Above this many rows a table without colour is drawn by ``_plain`` (the same lines, without
#: rich's per-cell measuring, which costs seconds for thousands of rows).
PLAIN_ROWS = 200


def _render(slots: Sequence[Any], by_key: dict[str, Column], rows: Sequence[dict[str, Any]],
            cells: Sequence[dict[str, str]], title: str | None, caption: str | None, available: int | None) -> None:  # fmt: skip
    if len(rows) > PLAIN_ROWS and not console().is_terminal and "color_system" not in colour_settings():
        sys.stdout.write(_plain(slots, [{s.key: _stacked(s, by_key, c) for s in slots} for c in cells],
                                [by_key[s.key].header for s in slots], title, caption, available))  # fmt: skip
        sys.stdout.flush()
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from commitment_tracker.cli.layout import overhead

    # Title and caption are lines of their own: rich would wrap them to the table's width.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for slot in slots:
        table.add_column(by_key[slot.key].header, width=slot.width, no_wrap=not slot.wrap, overflow="fold")
    for item, cell in zip(rows, cells):
        texts = []
        for slot in slots:
            text = Text(cell[slot.key], style=_style(by_key[slot.key], item))
            for key in slot.stacked:
                if cell[key]:
                    text.append("\n" if text else "")
                    text.append(by_key[key].label, style="dim")
                    text.append(cell[key], style=_style(by_key[key], item))
            texts.append(text)
        table.add_row(*texts)
    width = sum(s.width for s in slots) + overhead(len(slots))
    # Title and caption wrap at the terminal's width (with --wide, never).
    longest = 0 if available is not None else max(len(title or ""), len(caption or ""))
    out = console(width=max(available or 0, width, longest))
    with out.capture() as captured:
        if title:
            out.print(Text(title, style="italic"))
        out.print(table)
        if caption:
            out.print(Text(caption, style="dim"))
    sys.stdout.write("".join(_trimmed(line) + "\n" for line in captured.get().splitlines()))
    sys.stdout.flush()


def _plain(slots: Sequence[Any], cells: Sequence[dict[str, str]], headers: Sequence[str], title: str | None,
           caption: str | None, available: int | None) -> str:  # fmt: skip
    """What ``_render`` prints for these slots without colour, line for line, built directly."""
    from rich.cells import cell_len

    from commitment_tracker.cli.layout import overhead

    width = sum(s.width for s in slots) + overhead(len(slots))
    page = max(available or 0, width, 0 if available is not None else max(len(title or ""), len(caption or "")))

    def words(text: str, limit: int) -> list[str]:
        return [line for paragraph in text.split("\n") for line in wrap(paragraph, limit)]

    def wrap(paragraph: str, limit: int) -> list[str]:
        # As rich wraps: at spaces; a word longer than the line starts a line and is folded.
        lines, current = [], ""
        for word in paragraph.split():
            if current and cell_len(current) + 1 + cell_len(word) <= limit:
                current += " " + word
                continue
            if current:
                lines.append(current)
            while cell_len(word) > limit:
                lines.append(word[:limit])
                word = word[limit:]
            current = word
        return [*lines, current]

    def line(parts: Sequence[str]) -> str:
        return (" " + "   ".join(p + " " * (s.width - cell_len(p)) for p, s in zip(parts, slots))).rstrip()

    out = [*words(title, page)] if title else []
    out += ["", line(headers), " " + "\u2500" * (width - 2)]
    for cell in cells:
        columns = []
        for slot in slots:
            text = cell[slot.key]  # the stacked columns are in it already
            columns.append(words(text, slot.width) if slot.wrap else text.split("\n"))
        for n in range(max(map(len, columns))):
            out.append(line([c[n] if n < len(c) else "" for c in columns]))
    out.append("")
    if caption:
        out += words(caption, page)
    return "".join(row + "\n" for row in out)


_TRAILING = re.compile(r"(?:\s|\x1b\[[0-9;]*m)+$")


def _trimmed(line: str) -> str:
    """A table line without its padding: blanks at the end go, and so do the styles around them
    (one reset stays, so no colour runs on into the next line)."""
    tail = _TRAILING.search(line)
    if tail is None:
        return line
    return line[: tail.start()] + ("\x1b[0m" if "\x1b" in tail.group() else "")


def _words(value: Any) -> Any:
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else value


def _style(column: Column, item: dict[str, Any]) -> str:
    return (column.style(item.get(column.key)) if column.style else None) or ""


def emit(fmt: str, data: Any, columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str | None = None, caption: str | None = None) -> None:
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        emit_csv(columns, rows)
    else:
        emit_table(columns, rows, title, caption)


def status_style(value: Any) -> str | None:
    return STATUS_STYLES.get(str(value))


def note(message: str) -> None:
    """Talk goes to stderr."""
    click.echo(message, err=True)


def caution(message: str) -> None:
    """A record that was written but looks like a mistake: said on stderr, never a refusal."""
    click.echo(f"Note: {message}", err=True)


def interactive_stderr() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def count_lines(file: Path) -> int:
    """How many rows a file holds, roughly (for a progress bar only): its non-blank lines."""
    with file.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


@contextmanager
def progress(label: str, total: int | Callable[[], int]) -> Iterator[Callable[[int], None]]:
    """A progress bar (events/s, ETA) on an interactive stderr; silent otherwise. ``total`` may be
    a function, asked only when a bar is shown (counting a file's lines reads it all once more)."""
    if not interactive_stderr():
        yield lambda _: None
        return
    if callable(total):
        total = total()
    if total <= 0:
        yield lambda _: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed or 0:>9,.0f} events/s")

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
