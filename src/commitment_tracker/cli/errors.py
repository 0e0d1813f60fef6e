"""Errors are sentences: every failure becomes one ``Error:`` line and exit 1 or 2."""

from __future__ import annotations

import click


def translate(error: Exception) -> click.ClickException:
    """The one-line error a user sees for ``error`` (exit 1, or 2 for bad option values)."""
    from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

    from commitment_tracker.events import InvalidEvent
    from commitment_tracker.tracker import TrackerError
    from commitment_tracker.tracker.errors import StoreLocationError, UsageProblem

    if isinstance(error, (StoreLocationError, UsageProblem)):
        return click.UsageError(str(error))
    if isinstance(error, TrackerError):
        return click.ClickException(str(error))
    if isinstance(error, InvalidEvent):
        return click.UsageError(str(error))
    if isinstance(error, MapperDeserialisationError):
        return click.ClickException(
            "cannot read the store's events (is TRACKER_CIPHER_KEY missing or wrong?): " + _line(error)
        )
    if isinstance(error, PersistenceError):
        return click.ClickException(_store_fault(error))
    if isinstance(error, OSError):
        return click.ClickException(_line(error))
    return click.ClickException(f"unexpected {type(error).__name__}: {_line(error)}")


def _store_fault(error: Exception) -> str:
    """A failure of the store during a command, as a sentence that says what to do."""
    from commitment_tracker.tracker.inspection import sqlite_fault

    cause = error.__cause__
    text = _line(error)
    if type(cause).__module__.startswith("sqlite3"):
        return sqlite_fault(text)
    name = type(cause).__name__
    if name == "InsufficientPrivilege":
        return ("permission denied: this PostgreSQL role may not do that here "
                f"(see 'The team store' in the README): {text}")  # fmt: skip
    if name in ("LockNotAvailable", "QueryCanceled"):
        return f"the store is busy: gave up waiting for another command's lock ({text}); try again"
    if name == "DiskFull":
        return "the database server's disk is full: nothing was written"
    return "store error: " + text


def _line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())[:500]
