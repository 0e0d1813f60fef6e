"""Where the log lives: the one place store configuration is decided.

A path (or ``sqlite:PATH``) means SQLite; ``postgresql://user:pass@host:port/db`` means PostgreSQL.
The library's in-memory default is never reachable: every application gets an explicit
``PERSISTENCE_MODULE``, and the process environment is not consulted (see ``Tracker.construct_env``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from commitment_tracker.tracker.errors import StoreError

APP_DIR_NAME = "commitment-tracker"
STORE_VARIABLE = "TRACKER_STORE"
CIPHER_VARIABLE = "TRACKER_CIPHER_KEY"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_DIR_NAME, appauthor=False)


def default_store() -> str:
    return str(data_dir() / "tracker.db")


@dataclass(frozen=True)
class Store:
    """A resolved store location and how to reach it."""

    location: str
    backend: str  # "sqlite" or "postgres"
    env: tuple[tuple[str, str], ...]

    @property
    def display(self) -> str:
        """The location without any password, for messages."""
        if self.backend != "postgres":
            return self.location
        parts = urlsplit(self.location)
        netloc = parts.hostname or ""
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        if parts.port:
            netloc += f":{parts.port}"
        query = f"?{parts.query}" if parts.query else ""
        return f"{parts.scheme}://{netloc}{parts.path}{query}"

    def settings(self) -> dict[str, str]:
        return dict(self.env)


def resolve(location: str | None = None, *, cipher_key: str | None = None) -> Store:
    """The store named by ``location``, else ``TRACKER_STORE``, else the user's data directory."""
    location = location or os.environ.get(STORE_VARIABLE) or default_store()
    cipher_key = cipher_key if cipher_key is not None else os.environ.get(CIPHER_VARIABLE)
    extra: dict[str, str] = {}
    if cipher_key:
        # The library's AES-GCM on `cryptography` (same stored format as its pycryptodome cipher,
        # which earlier stores were written with): every view row is sealed, so speed per call counts.
        extra = {"CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": cipher_key}
    if location.startswith(("postgresql://", "postgres://")):
        return _postgres(location, extra)
    path = location.removeprefix("sqlite:")
    if not path or path == ":memory:" or path.startswith("file:"):
        raise StoreError(f"not a store path: {location!r} (give a file path or a postgresql:// URL)")
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(Path(path).expanduser()),
        # Writers wait for each other rather than fail: an import may hold the lock for a while.
        "SQLITE_LOCK_TIMEOUT": "30",
        "APPLICATION_RECORDER_TOPIC": "commitment_tracker.tracker.recorders:ChainedSQLiteRecorder",
        **extra,
    }
    return Store(location=str(Path(path).expanduser()), backend="sqlite", env=tuple(settings.items()))


def _postgres(url: str, extra: dict[str, str]) -> Store:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not dbname:
        raise StoreError("a PostgreSQL store needs postgresql://user:pass@host:port/database")
    try:
        port = parts.port or 5432
    except ValueError:
        raise StoreError(f"bad port in store URL {url!r}") from None
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # Fail fast with a clear message instead of hanging on an unreachable server.
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
        "POSTGRES_LOCK_TIMEOUT": "30",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "60",
        "APPLICATION_RECORDER_TOPIC": "commitment_tracker.tracker.recorders:ChainedPostgresRecorder",
        **extra,
    }
    schema = parse_qs(parts.query).get("schema")
    if schema:
        # Several trackers can share one database, each in its own (existing) schema.
        settings["POSTGRES_SCHEMA"] = schema[0]
    return Store(location=url, backend="postgres", env=tuple(settings.items()))
