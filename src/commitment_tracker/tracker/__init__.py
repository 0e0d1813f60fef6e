"""The write side: rules that turn commands into events, the Tracker application, the store.

What it offers: ``open_tracker`` and ``Tracker`` (the only write API: record, import, read the
log), the store's location and faults (``resolve_store``, ``Store``), the typed errors, and
what a stream says once its retractions and corrections apply (``Resolved``, ``resolve``). It
imports ``events`` alone of the project.
"""

from commitment_tracker.tracker.application import Tracker, open_tracker, utcnow
from commitment_tracker.tracker.errors import (
    ConcurrentWriteError,
    InputError,
    NotFound,
    QuoteNotFound,
    RuleViolation,
    StoreError,
    TrackerError,
)
from commitment_tracker.tracker.resolution import Resolved, resolve
from commitment_tracker.tracker.records import Recorded, stream_id
from commitment_tracker.tracker.store import Store, resolve as resolve_store

__all__ = [
    "ConcurrentWriteError", "InputError", "NotFound", "QuoteNotFound", "Recorded", "Resolved", "RuleViolation",
    "Store", "StoreError", "Tracker", "TrackerError", "open_tracker", "resolve", "resolve_store", "stream_id",
    "utcnow",
]  # fmt: skip
