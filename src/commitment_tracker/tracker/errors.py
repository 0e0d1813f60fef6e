"""Typed errors of the write side. Each message is one sentence a user can act on."""

from __future__ import annotations

from eventsourcing.persistence import MapperDeserialisationError


class TrackerError(Exception):
    """A domain error: the CLI reports it on one line and exits 1."""


class NotFound(TrackerError):
    """An unknown id or event reference; ``slug`` is the unknown id, where the caller may name
    the close ones (the write side knows only the streams it loaded)."""

    def __init__(self, message: str, slug: str | None = None) -> None:
        super().__init__(message)
        self.slug = slug


class RuleViolation(TrackerError):
    """An event the rules of SPEC §4 refuse: nothing is written."""


class QuoteNotFound(RuleViolation):
    """A quote that is not in the archived text of the source it cites."""


class UsageProblem(TrackerError):
    """A command that lacks something the store shows it needs (the CLI exits 2, as for a bad option)."""


class InputError(TrackerError):
    """A malformed import file or event; names the line when there is one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class ConcurrentWriteError(TrackerError):
    """Other writers kept winning the race for the same streams."""


class StoreError(TrackerError):
    """The store cannot be opened or used."""


class StoreBusy(StoreError):
    """Another connection held a lock for longer than the lock timeout: nothing was written."""


class KeyProblem(StoreError, MapperDeserialisationError):
    """The store's content cannot be read with the key given (or without one)."""

    @classmethod
    def missing(cls) -> KeyProblem:
        return cls("this store is encrypted: set TRACKER_CIPHER_KEY to its key")

    @classmethod
    def wrong(cls) -> KeyProblem:
        return cls("TRACKER_CIPHER_KEY is not this store's key: its events do not decrypt with it")

    @classmethod
    def unexpected(cls) -> KeyProblem:
        return cls("this store is not encrypted, but TRACKER_CIPHER_KEY is set: unset it to read this store")


class StoreLocationError(StoreError):
    """A store location that names no store at all (empty, an unknown URL scheme): a usage error."""


class StoreMissing(StoreError):
    """A read of a store that does not exist: reads never create one."""


class NotAStore(StoreError):
    """A file or schema that exists but is not a tracker store: refused, and left untouched."""
