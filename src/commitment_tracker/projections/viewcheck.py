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
from commitment_tracker.projections.viewstore import (
    ASSESSMENT_COLUMNS,
    FOREVER,
    VIEW_NAME,
    SQLiteStatusView,
    ViewSQL,
)

if TYPE_CHECKING:
    from commitment_tracker.tracker import Tracker

SCRATCH_PAGE = 20_000  # events decoded at a time: bounds verify's memory

#: What is compared, per table: the columns (key columns first, sealed content last) and a filter.
COMPARED = [
    ("view_facts", "entity, position, seq, recorded, kind, data", ""),
    ("view_entities", "entity, kind, made_on, due_next", ""),
    ("view_intervals", "entity, valid_from, valid_to, status, status_before, cause, cause_type, cause_on, data",
     f"known_to = '{FOREVER}'"),
    ("view_assessments", f"entity, {ASSESSMENT_COLUMNS}", f"known_to = '{FOREVER}'"),
    ("view_refs", "entity, position, target, role", ""),  # ids only: keyed by all four, nothing sealed
]  # fmt: skip


def scratch_view(directory: str, sealer: Any) -> ViewSQL:
    """An empty view in a private SQLite file in ``directory`` (a file, not memory: the re-derived
    view is as large as the stored one), sealed with the store's key like the stored view, so an
    encrypted store's text is never written in clear, not even to a temporary file."""
    from eventsourcing.persistence import InfrastructureFactory
    from eventsourcing.utils import Environment

    settings = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{directory}/scratch-view.db"}
    factory = InfrastructureFactory.construct(Environment(VIEW_NAME, settings))
    view: ViewSQL = factory.tracking_recorder(SQLiteStatusView)  # type: ignore[arg-type, assignment]
    view.sealer = sealer
    return view


def check_view(tracker: Tracker) -> str | None:
    """None when the stored view is what the log derives, else the first difference."""
    import tempfile

    stored = open_view(tracker)
    workspace = tempfile.TemporaryDirectory(prefix="ctrack-verify-")
    scratch = scratch_view(workspace.name, stored.sealer)
    try:
        position = StatusProjection(tracker, stored).position()
        if position > tracker.count():
            return f"the status view claims log position {position}, past the end of the log"
        # Large pages: each page re-reads the facts of the commitments it touches, so fewer pages
        # keep the re-derivation close to one pass over the log; memory grows with the page.
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
        workspace.cleanup()


def _first_difference(stored: Any, derived: Any) -> str | None:
    sentinel = object()
    while True:
        a, b = next(stored, sentinel), next(derived, sentinel)
        if a is sentinel and b is sentinel:
            return None
        if a is sentinel or b is sentinel or tuple(a) != tuple(b):
            row = b if a is sentinel else a
            return str(row[0])  # the entity: ids are what may be shown without the key
