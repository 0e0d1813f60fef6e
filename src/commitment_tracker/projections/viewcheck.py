"""Checking the materialised view against the log: the view is derived, so it must be re-derivable.

The view's tables refuse direct edits (triggers), but whoever can drop a trigger can make the board
lie. So ``verify`` re-derives the view from the log into a scratch database, up to the position the
stored view has reached, and compares what does not depend on how the log was paged into it: every
fact, every entity, every reference, and every interval currently believed (``known_to`` open). Linear in the log,
like verify itself; nothing is written to the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from commitment_tracker.projections.catchup import StatusProjection, open_view
from commitment_tracker.projections.viewstore import FOREVER, VIEW_NAME, SQLiteStatusView, ViewSQL

if TYPE_CHECKING:
    from commitment_tracker.tracker import Tracker

SCRATCH_PAGE = 250_000

#: What is compared, per table: the columns (key columns first, sealed content last) and a filter.
COMPARED = [
    ("view_facts", "entity, position, seq, recorded, kind, data", ""),
    ("view_entities", "entity, kind, made_on, due_next", ""),
    ("view_intervals", "entity, valid_from, valid_to, status, status_before, cause, cause_type, cause_on, data",
     f"known_to = '{FOREVER}'"),
    ("view_scores", "entity, position, party, score, valid_on, data", f"known_to = '{FOREVER}'"),
    ("view_refs", "entity, position, target, role", ""),  # ids only: keyed by all four, nothing sealed
]  # fmt: skip


def scratch_view() -> ViewSQL:
    """An empty view in a private in-memory SQLite database."""
    from eventsourcing.persistence import InfrastructureFactory
    from eventsourcing.utils import Environment

    settings = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"}
    factory = InfrastructureFactory.construct(Environment(VIEW_NAME, settings))
    return factory.tracking_recorder(SQLiteStatusView)  # type: ignore[arg-type, return-value]


def check_view(tracker: Tracker) -> str | None:
    """None when the stored view is what the log derives, else the first difference."""
    stored = open_view(tracker)
    scratch = scratch_view()
    try:
        position = StatusProjection(tracker, stored).position()
        if position > tracker.count():
            return f"the status view claims log position {position}, past the end of the log"
        # Large pages: each page re-reads the facts of the commitments it touches, so fewer pages
        # keep the re-derivation close to one pass over the log (memory grows with the page).
        StatusProjection(tracker, scratch, page=SCRATCH_PAGE).catch_up(stop=position)
        for table, columns, where in COMPARED:
            keys, sealed = (4, False) if table == "view_refs" else (2, True)
            difference = _first_difference(stored.scan(table, columns, where, keys, sealed),
                                           scratch.scan(table, columns, where, keys, sealed))  # fmt: skip
            if difference is not None:
                return f"{table} differs from the log at {difference!r}"
        return None
    finally:
        stored.datastore.close()  # type: ignore[attr-defined]
        scratch.datastore.close()  # type: ignore[attr-defined]


def _first_difference(stored: Any, derived: Any) -> str | None:
    sentinel = object()
    while True:
        a, b = next(stored, sentinel), next(derived, sentinel)
        if a is sentinel and b is sentinel:
            return None
        if a is sentinel or b is sentinel or tuple(a) != tuple(b):
            row = b if a is sentinel else a
            return str(row[0])  # the entity: ids are what may be shown without the key
