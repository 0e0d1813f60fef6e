"""Errors are sentences: every failure becomes one ``Error:`` line and exit 1 or 2."""

from __future__ import annotations

import click


def translate(error: Exception) -> click.ClickException:
    """The one-line error a user sees for ``error`` (exit 1, or 2 for bad option values)."""
    from eventsourcing.persistence import MapperDeserialisationError, PersistenceError

    from commitment_tracker.events import InvalidEvent
    from commitment_tracker.tracker import TrackerError

    if isinstance(error, TrackerError):
        return click.ClickException(str(error))
    if isinstance(error, InvalidEvent):
        return click.UsageError(str(error))
    if isinstance(error, MapperDeserialisationError):
        return click.ClickException(
            "cannot read the store's events (is TRACKER_CIPHER_KEY missing or wrong?): " + _line(error)
        )
    if isinstance(error, PersistenceError):
        return click.ClickException("store error: " + _line(error))
    if isinstance(error, OSError):
        return click.ClickException(_line(error))
    return click.ClickException(f"unexpected {type(error).__name__}: {_line(error)}")


def _line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())[:500]
