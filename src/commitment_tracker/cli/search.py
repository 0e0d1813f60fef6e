"""``ctrack search``: full-text search over everything recorded."""

from __future__ import annotations

from datetime import date

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.entities import span_options
from commitment_tracker.cli.options import PARTY, SEARCH_TYPE, format_options
from commitment_tracker.cli.output import Column, choose_format, emit

COLUMNS = [
    Column("ref", "event"),
    Column("on", "on", priority=2, stack="ref"),
    Column("field", "in", priority=1, stack="ref"),
    Column("snippet", "match", width=70),
]
KEYS = ("entity", "kind", "ref", "type", "field", "snippet", "on", "retracted", "rank")


@click.command()
@click.argument("words", metavar="TEXT...", nargs=-1, required=True)
@click.option("--party", type=PARTY, help="Only what this party is party to.")
@click.option("--area", help="Only commitments of this issue area.")
@click.option("--type", "kind", type=SEARCH_TYPE,
              help="Only entities of this kind (commitment, meeting, statement, source) or events of this type.")
@span_options
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="How many results.")
@format_options
@pass_context
def search(app: Context, words: tuple[str, ...], party: str | None, area: str | None, kind: str | None, start: date | None,
           end: date | None, limit: int, fmt: str | None, as_json: bool) -> None:  # fmt: skip
    """Full-text search over titles, texts, quotes, notes, statements and archived sources, best
    match first. Every word must match (stemmed: 'meeting' finds 'meet'); "a phrase" in quotes
    must match as written."""
    from commitment_tracker.projections.view.search import EmptyQuery, results

    fmt = choose_format(fmt, as_json)
    text = " ".join(words)
    try:
        found = results(app.reader, text, party=party, area=area, kind=kind, start=start, end=end, limit=limit)
    except EmptyQuery as error:
        raise click.BadParameter(str(error), param_hint="TEXT") from None
    shown = [r | {"snippet": r["snippet"] + (" (retracted)" if r["retracted"] else "")} for r in found]
    emit(fmt, {"query": text, "results": found}, COLUMNS if fmt == "table" else [Column(k, k) for k in KEYS], shown,
         title=f"Search: {text}", caption=f"{len(found)} result{'s' if len(found) != 1 else ''}")  # fmt: skip


COMMANDS = [search]
