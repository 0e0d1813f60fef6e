"""The write side: rules that turn commands into events, the Tracker application, the store."""

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
from commitment_tracker.tracker.knowledge import Resolved, resolve
from commitment_tracker.tracker.records import Recorded, stream_id
from commitment_tracker.tracker.store import Store, resolve as resolve_store

__all__ = [
    "ConcurrentWriteError", "InputError", "NotFound", "QuoteNotFound", "Recorded", "Resolved", "RuleViolation",
    "Store", "StoreError", "Tracker", "TrackerError", "open_tracker", "resolve", "resolve_store", "stream_id",
    "utcnow",
]  # fmt: skip
