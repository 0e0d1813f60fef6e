"""What is at a store location, found out without changing anything there.

Opening a store creates nothing unless the command may create one, and a file or schema that is
not a tracker store -- another application's SQLite database, a text file, another eventsourcing
application's log -- is refused before any connection that could write to it (the library would
otherwise add its tables and switch the file to WAL). Faults become sentences that say what to do.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from commitment_tracker.tracker.errors import NotAStore, StoreError, StoreMissing
from commitment_tracker.tracker.store import LOCK_TIMEOUT

if TYPE_CHECKING:
    from commitment_tracker.tracker.store import Store

SQLITE_HEADER = b"SQLite format 3\x00"
#: The log's tables: the library names them after the application on PostgreSQL.
LOG_TABLE = {"sqlite": "stored_events", "postgres": "tracker_events"}
CHAIN_TABLE = {"sqlite": "log_chain", "postgres": "tracker_events_chain"}


@dataclass(frozen=True)
class Found:
    """A tracker store: its tables, and what this user may do with them."""

    tables: frozenset[str]
    writable: frozenset[str]  # the tables this user may insert into
    can_create: bool  # may this user create tables there (the view's, on first read)?
    read_only: bool  # may this user not append to the log?
    immutable: bool = False  # SQLite: read-only, and so is its directory


def inspect(store: Store) -> Found | None:
    """The tracker store at ``store``, or None when there is none yet (nothing is created)."""
    if store.backend == "sqlite":
        return _sqlite(Path(store.location))
    return _postgres(store)


def missing(store: Store) -> StoreMissing:
    return StoreMissing(
        f"no store at {store.display} (reads never create one): create it with 'ctrack store init', "
        "or by recording or importing into it"
    )


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite(path: Path) -> Found | None:
    if path.is_dir():
        raise NotAStore(f"{path} is a directory, not a store file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
    if not header:
        return None  # an empty file holds nothing to damage: a store may be created in it
    if header != SQLITE_HEADER:
        raise NotAStore(f"{path} is not a tracker store (not an SQLite database); it was left untouched")
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    # Without a write-ahead log beside it, nothing is pending: read the file as it stands, which
    # writes nothing anywhere (a read-only connection to a WAL file would add its -shm file).
    immutable = not Path(f"{path}-wal").exists()
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=LOCK_TIMEOUT)
        try:
            tables = frozenset(r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise StoreError(sqlite_fault(str(error), str(path))) from None
    _identify(tables, "sqlite", str(path))
    return Found(tables, tables if writable else frozenset(), can_create=writable, read_only=not writable,
                 immutable=not os.access(path.parent, os.W_OK) and immutable)  # fmt: skip


def sqlite_fault(message: str, where: str = "the store") -> str:
    """One sentence for an SQLite failure, saying what to do."""
    text = message.lower()
    if "file is not a database" in text:
        return f"{where} is not a tracker store (not an SQLite database); it was left untouched"
    if "malformed" in text or "corrupt" in text:
        return f"{where} is damaged or truncated ({message}): restore it from a backup; 'ctrack verify' checks a copy"
    if "locked" in text or "busy" in text:
        return (f"{where} is locked by another process (waited {LOCK_TIMEOUT} s): "
                "try again when the other command has finished")  # fmt: skip
    if "readonly" in text or "read-only" in text:
        return (f"{where} is read-only: it can be queried, verified and exported, not written "
                "(copy it somewhere writable to record)")  # fmt: skip
    if "disk is full" in text or "full" in text:
        return f"the disk holding {where} is full: free some space and try again (nothing was written)"
    if "unable to open" in text:
        return f"cannot open {where}: check that the file and its directory exist and are readable"
    return f"store error in {where}: {message}"


# --- PostgreSQL ---------------------------------------------------------------------------------


def _postgres(store: Store) -> Found | None:
    import psycopg

    try:
        with psycopg.connect(store.conninfo, autocommit=True) as connection:
            schema = connection.execute(
                "SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = %s", [store.schema]
            ).fetchone()
            if schema is None:
                return None
            rows = connection.execute(
                "SELECT c.relname, has_table_privilege(c.oid, 'INSERT') FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
                [store.schema],
            ).fetchall()
    except psycopg.Error as error:
        raise StoreError(connection_fault(error, store)) from None
    tables = frozenset(r[0] for r in rows)
    if LOG_TABLE["postgres"] not in tables:
        return None
    _identify(tables, "postgres", store.display)
    writable = frozenset(r[0] for r in rows if r[1])
    return Found(tables, writable, can_create=bool(schema[0]), read_only=LOG_TABLE["postgres"] not in writable)


def connection_fault(error: BaseException, store: Store) -> str:
    """Why a PostgreSQL connection failed, in one sentence (never a secret of the URL)."""
    text = " ".join(str(error).split())
    cause = text.rsplit(" failed: ", 1)[-1].replace("FATAL: ", "").strip()
    lower = cause.lower()
    if "does not exist" in lower and "database" in lower:
        hint = "create the database first (createdb), or fix its name in the URL"
    elif "password" in lower or "authentication" in lower or ("role" in lower and "does not exist" in lower):
        hint = "check the user name and password"
    elif "refused" in lower or "could not translate host" in lower or "no route" in lower:
        hint = "is the server running there, and is the host and port right?"
    elif "timeout" in lower:
        hint = "the server did not answer in time"
    elif "ssl" in lower:
        hint = "check sslmode and the server's SSL set-up"
    else:
        hint = ""
    return f"cannot connect to {store.display}: {store.hide(cause)}" + (f" ({hint})" if hint else "")


def create_schema(store: Store) -> None:
    import psycopg
    from psycopg.sql import SQL, Identifier

    try:
        with psycopg.connect(store.conninfo, autocommit=True) as connection:
            # CREATE SCHEMA IF NOT EXISTS asks for the right to create schemas even when the schema
            # exists: an owner a DBA gave the schema to, without that right, uses it as it is.
            if not connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [store.schema]).fetchone():
                connection.execute(SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(Identifier(store.schema)))
    except psycopg.OperationalError as error:
        raise StoreError(connection_fault(error, store)) from None
    except psycopg.Error as error:
        raise StoreError(
            f"cannot create schema {store.schema!r} in {store.display}: {store.hide(_first(error))}"
        ) from None


# --- both ---------------------------------------------------------------------------------------


def _identify(tables: frozenset[str], backend: str, where: str) -> None:
    if LOG_TABLE[backend] in tables and CHAIN_TABLE[backend] in tables:
        return
    if LOG_TABLE[backend] in tables or "stored_events" in tables:
        raise NotAStore(f"{where} is another eventsourcing application's database, not a tracker store; "
                        "it was left untouched")  # fmt: skip
    listed = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    what = f"an SQLite database with other tables: {listed}" if tables else "an SQLite database without tables"
    raise NotAStore(f"{where} is not a tracker store ({what}); it was left untouched")


def _first(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
