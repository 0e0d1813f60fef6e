"""One renderer for every query: JSON and CSV exact on stdout, rich tables for people."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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


def choose_format(fmt: str | None, as_json: bool) -> str:
    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError("--json conflicts with --format " + str(fmt))
        return "json"
    return fmt or "table"


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit_csv(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for item in rows:
        writer.writerow([inert(item.get(c.key)) for c in columns])


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def inert(value: Any) -> str:
    """A query's CSV cell, for a person opening it in a spreadsheet: text a spreadsheet would run
    as a formula (``=HYPERLINK(...)``, ``@SUM``, ``+``, ``-``) gets a leading apostrophe. Numbers
    stay numbers; ``export --format csv`` (the interchange format) is written elsewhere, exact."""
    text = _csv_cell(value)
    if isinstance(value, (str, list, tuple, dict)) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


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


PIPE_WIDTH = 130


def visible(value: Any) -> str:
    """Text safe for a terminal: control and bidirectional characters shown as escapes."""
    text = _csv_cell(value)
    return "".join(
        ch if ch == "\n" or (ch.isprintable() and not (0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069))
        else ch.encode("unicode_escape").decode()
        for ch in text
    )


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped output is read in logs and files, not an 80-column terminal: give tables room.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else PIPE_WIDTH
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
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, title_justify="left", caption_justify="left")
    for column in columns:
        if column.width:
            table.add_column(column.header, overflow="fold", ratio=1)
        else:
            table.add_column(column.header, no_wrap=True, overflow="ellipsis")
    for item in rows:
        cells = []
        for column in columns:
            value = item.get(column.key)
            style = column.style(value) if column.style else None
            text = " ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            cells.append(Text(visible(text), style=style or ""))
        table.add_row(*cells)
    console().print(table)


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


def interactive_stderr() -> bool:
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar (events/s, ETA) on an interactive stderr; silent otherwise."""
    if total <= 0 or not interactive_stderr():
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
