"""The materialised bitemporal view: an adapter over the store that answers the read side's queries.

What it offers (the CLI comes in through this door alone):
- ``open_reader(tracker)``: a ``Reader`` (see ``contract.py``) for a command's queries: the view,
  brought up to date first, when this user may write it or it is current; else the fold of the
  log, which writes nothing;
- ``writable_view(tracker)``: the view for ``rebuild``; ``create_view(tracker)``: create its tables.

Inside: the table declarations (``tables.py``), one recorder naming the view's statements
(``recorder.py``) and one module per engine (``sqlite.py``, ``postgres.py``), catch-up, the two
readers, the scores view, the view check, sealing, search, what was learned, store init.

It may import the pure core (``commitment_tracker.projections``), ``tracker`` and ``events``;
never ``projections.render``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Only what creating a new store's view needs is imported with the package (an import into a new
# store loads nothing else of it); the readers and catch-up when a command reads.
from commitment_tracker.projections.view.creation import create_view
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.projections.view.tables import TABLES, TRACKING_TABLE

if TYPE_CHECKING:
    from commitment_tracker.projections.view.contract import Reader
    from commitment_tracker.projections.view.reader import ViewReader
    from commitment_tracker.tracker import Tracker

__all__ = ["Reader", "create_view", "open_reader", "view_tables", "writable_view"]


def __getattr__(name: str) -> Any:
    if name == "Reader":  # the readers' contract, named here for the CLI
        from commitment_tracker.projections.view.contract import Reader

        return Reader
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def view_tables(tracker: Tracker) -> set[str]:
    return {*TABLES, SEARCH_TABLE, TRACKING_TABLE[tracker.store.backend]}


def open_reader(tracker: Tracker, *, add_tables: bool = True) -> Reader:
    """The view, when it is current or this user may bring it up to date; else the fold.

    A store written before the view gets the view's tables, unless ``add_tables`` is false (a
    shell completion never writes): then it is read by folding the log."""
    from commitment_tracker.projections.view.foldreader import FoldReader
    from commitment_tracker.projections.view.reader import CurrentView, ViewReader

    tracker.check_key()
    needed = view_tables(tracker)
    found = tracker.found
    if not needed <= found.tables:
        if not (add_tables and found.can_create):
            return FoldReader(tracker)
        create_view(tracker)  # a store from before the view: add its tables (CREATE IF NOT EXISTS)
        reader = ViewReader(tracker)
        # A view written before it had a table (the references, say) lacks that table's rows for
        # the facts it holds already: rebuild it once, rather than answer from a partial index.
        reader.stale = "view_facts" in found.tables
        return reader
    if needed <= found.writable:
        return ViewReader(tracker)
    reader = CurrentView(tracker)
    if reader.projection.position() >= tracker.count():
        return reader
    reader.close()
    return FoldReader(tracker)


def writable_view(tracker: Tracker) -> ViewReader:
    """The view, for rebuilding it: its tables are created first if this store has none yet."""
    from commitment_tracker.projections.view.reader import ViewReader

    tracker.check_key()
    if not view_tables(tracker) <= tracker.found.tables and tracker.found.can_create:
        create_view(tracker)
    return ViewReader(tracker)

