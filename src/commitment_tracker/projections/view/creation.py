"""Opening the view's recorder and creating its tables: all a new store needs of the view.

Apart from the readers and catch-up (``catchup.py``, ``reader.py``), which a command that creates a
store and only records (an import into a new store, say) never uses: importing them is some tens of
milliseconds of its start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commitment_tracker.projections.view.sealing import Sealer
from commitment_tracker.projections.view.tables import TABLES, VIEW_NAME

if TYPE_CHECKING:
    from commitment_tracker.projections.view.recorder import ViewSQL
    from commitment_tracker.tracker import Tracker


def open_view(tracker: Tracker, *, create: bool | None = None) -> ViewSQL:
    """The view's recorder; with ``create``, its tables are created first if missing. By default
    they are when the store had none when it was opened and this user may create them."""
    from eventsourcing.persistence import InfrastructureFactory
    from eventsourcing.utils import Environment

    if create is None:
        found = tracker.found
        create = found.can_create and not set(TABLES) <= found.tables

    store = tracker.store.creating() if create else tracker.store
    settings = {k: v for k, v in store.settings().items() if not k.startswith(("CIPHER", "APPLICATION_"))}
    factory = InfrastructureFactory.construct(Environment(VIEW_NAME, settings))
    # Each engine's module is imported only for its own stores (the PostgreSQL one needs psycopg).
    if tracker.store.backend == "sqlite":
        from commitment_tracker.projections.view.sqlite import SQLiteStatusView as view_class
    else:
        from commitment_tracker.projections.view.postgres import PostgresStatusView as view_class  # type: ignore[assignment]
    view: ViewSQL = factory.tracking_recorder(view_class)  # type: ignore[arg-type, assignment]
    view.sealer = Sealer(tracker.mapper.cipher)  # the log's key seals the view's content too
    return view


def create_view(tracker: Tracker) -> None:
    """Create the view's tables (and guards) where missing, as ``store init`` does."""
    open_view(tracker, create=True).datastore.close()  # type: ignore[attr-defined]
