"""Where the log lives: the one place store configuration is decided.

A path (or ``sqlite:PATH``) means SQLite; ``postgresql://user:pass@host:port/db`` means PostgreSQL,
with any libpq parameter in the query string (``sslmode``, ``sslrootcert``, ``connect_timeout``,
``application_name``...) passed through to every connection, plus ``schema`` (ours). Anything else
that starts like a URL (``scheme:``, one-letter Windows drives aside) is refused: it is a mistyped
or unsupported URL, never a file name.
The library's in-memory default is never reachable: every application gets an explicit
``PERSISTENCE_MODULE``, and the process environment is not consulted (see ``Tracker.construct_env``).
Tables are never created on open (``CREATE_TABLE=no``): only ``Store.creating()`` may.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

from commitment_tracker.tracker.errors import StoreError, StoreLocationError

APP_DIR_NAME = "commitment-tracker"
STORE_VARIABLE = "TRACKER_STORE"
CIPHER_VARIABLE = "TRACKER_CIPHER_KEY"
POSTGRES_SCHEMES = ("postgresql", "postgres")
#: libpq parameters passed on to every connection (see factories.PostgresStoreFactory).
LIBPQ_PARAMETERS = "POSTGRES_LIBPQ_PARAMETERS"
#: How long a command waits for a lock another process holds, in seconds (both databases).
LOCK_TIMEOUT = 30
#: How long a command waits for a PostgreSQL server to answer, in seconds (unless the URL says).
CONNECT_TIMEOUT = 5


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_DIR_NAME, appauthor=False)


def default_store() -> str:
    return str(data_dir() / "tracker.db")


@dataclass(frozen=True)
class Store:
    """A resolved store location and how to reach it.

    ``location`` may hold secrets (a password, a key's passphrase): messages use ``display``,
    which never does, and pass what a driver says through ``hide``.
    """

    location: str
    backend: str  # "sqlite" or "postgres"
    env: tuple[tuple[str, str], ...]
    display: str = ""
    schema: str = "public"  # PostgreSQL only
    conninfo: str = ""  # PostgreSQL only: every connection parameter, for direct connections
    secrets: tuple[str, ...] = ()  # PostgreSQL only: the secret values in the URL, as typed and decoded

    def hide(self, text: str) -> str:
        """``text`` without any secret of the location."""
        return _hidden(text, self.secrets)

    def settings(self) -> dict[str, str]:
        return dict(self.env)

    def with_settings(self, **changes: str) -> Store:
        return replace(self, env=tuple((self.settings() | changes).items()))

    def creating(self) -> Store:
        """The same store, allowed to create its file (or schema) and tables."""
        if self.backend == "sqlite":
            return self.with_settings(CREATE_TABLE="yes", SQLITE_DBNAME=self.location)
        return self.with_settings(CREATE_TABLE="yes")

    def read_only(self, *, immutable: bool = False) -> Store:
        """A SQLite store opened read-only: an archive copy, or a file this user may not write.

        ``immutable`` when even its directory is read-only (so SQLite cannot keep its shared-memory
        file beside it); only used when no write-ahead log is pending there.
        """
        uri = f"file:{quote(self.location)}?mode=ro" + ("&immutable=1" if immutable else "")
        return self.with_settings(SQLITE_DBNAME=uri)


def resolve(location: str | None = None, *, cipher_key: str | None = None) -> Store:
    """The store named by ``location``, else ``TRACKER_STORE``, else the user's data directory."""
    if location is None:
        location = os.environ.get(STORE_VARIABLE) or default_store()
    if not location.strip():
        raise StoreLocationError("the store location is empty: give a file path or a postgresql:// URL")
    cipher_key = cipher_key if cipher_key is not None else os.environ.get(CIPHER_VARIABLE)
    extra: dict[str, str] = {}
    if cipher_key:
        # The library's AES-GCM on `cryptography` (same stored format as its pycryptodome cipher,
        # which earlier stores were written with): every view row is sealed, so speed per call counts.
        extra = {"CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": cipher_key}
    path = _sqlite_path(location)
    if path is None:
        return _postgres(location, extra)
    if not path or path == ":memory:":
        raise StoreLocationError(f"not a store path: {location!r} (give a file path or a postgresql:// URL)")
    full = str(Path(path).expanduser().absolute())
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        # Opening never creates the file ("mode=rw"); see Store.creating().
        "SQLITE_DBNAME": f"file:{quote(full)}?mode=rw",
        "CREATE_TABLE": "no",
        # Writers wait for each other rather than fail: an import may hold the lock for a while.
        "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
        "APPLICATION_RECORDER_TOPIC": "commitment_tracker.tracker.recorders:ChainedSQLiteRecorder",
        **extra,
    }
    return Store(location=full, backend="sqlite", env=tuple(settings.items()), display=full)


#: What a URL's scheme looks like (RFC 3986), up to its colon.
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(//)?")


def _sqlite_path(location: str) -> str | None:
    """The file a location names, or None for a PostgreSQL URL.

    Anything that starts like a URL is one: a mistyped scheme (``postgres:/host/db``,
    ``mysql:x``) must never become a directory and a new store. A one-letter scheme is a Windows
    drive (``C:\\data``), ``sqlite:`` prefixes a path, and a file whose name has a colon before any
    slash is still reachable as ``./name:with-colon.db``.
    """
    found = SCHEME.match(location)
    if found is None:
        return location
    scheme, slashes = found.group(1).lower(), found.group(2)
    if scheme in POSTGRES_SCHEMES:
        if slashes:
            return None
        raise StoreLocationError(f"mistyped store URL scheme {found.group(0)!r}: a PostgreSQL store is "
                                 f"{found.group(1)}://user@host:port/database")  # fmt: skip
    if scheme == "sqlite" and not slashes:
        return location[found.end() :]
    if len(scheme) == 1 and not slashes:
        return location
    raise StoreLocationError(
        f"unknown store scheme {found.group(0)!r}: give a file path (SQLite; ./{found.group(1)}:... for a "
        "file whose name has a colon) or a postgresql:// URL"
    )


def _postgres(url: str, extra: dict[str, str]) -> Store:
    try:
        from psycopg import ProgrammingError
        from psycopg.conninfo import conninfo_to_dict, make_conninfo
    except ImportError:
        raise StoreError("PostgreSQL stores need psycopg: pip install 'commitment-tracker[postgres]'") from None
    parts = urlsplit(url)
    # libpq reads the URL itself (RFC 3986: %20 is a space, + a plus): only our own parameter,
    # ``schema``, is taken out of the query; every other one goes on exactly as it was written.
    fields = [(unquote(field.partition("=")[0]), field) for field in parts.query.split("&") if field]
    schemas = [unquote(field.partition("=")[2]) for key, field in fields if key == "schema"]
    libpq_query = "&".join(field for key, field in fields if key != "schema")
    secret = secret_parameters()
    typed = [parts.password or "", *(field.partition("=")[2] for key, field in fields if key in secret)]
    secrets = tuple({value for raw in typed for value in (raw, unquote(raw)) if value})
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(urlunsplit(parts._replace(query=libpq_query))).items()}
    except ProgrammingError as error:  # libpq's own message, which may quote a value it could not read
        raise StoreLocationError(f"bad PostgreSQL store URL: {_hidden(str(error), secrets)}") from None
    password = params.pop("password", "")
    dbname = params.pop("dbname", "")
    host = params.pop("host", "")
    port = params.pop("port", "5432")
    user = params.pop("user", "postgres")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise StoreLocationError(f"bad port {port!r} in the PostgreSQL store URL (a number from 1 to 65535)")
    if not host or not dbname:
        raise StoreLocationError("a PostgreSQL store needs postgresql://user:pass@host:port/database")
    schema = schemas[-1] if schemas else "public"
    if not schema.strip():
        raise StoreLocationError("the store URL's schema is empty")
    public = [(key, value) for key, value in params.items() if key not in secret]
    shown = urlencode([*([("schema", schema)] if schemas else []), *public], quote_via=quote)
    display = f"postgresql://{quote(user)}@{host}:{port}/{quote(dbname)}" + (f"?{shown}" if shown else "")
    # Every wait for a lock is bounded, whatever the statement (the view's catch-up included).
    params["options"] = f"{params.get('options', '')} -c lock_timeout={LOCK_TIMEOUT}s".strip()
    settings = {
        "PERSISTENCE_MODULE": "commitment_tracker.tracker.factories:PostgresStoreFactory",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": port,
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": password,
        "CREATE_TABLE": "no",
        # Fail fast with a clear message instead of hanging on an unreachable server.
        "POSTGRES_CONNECT_TIMEOUT": params.get("connect_timeout", str(CONNECT_TIMEOUT)),
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
        "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "60",
        "POSTGRES_SCHEMA": schema,
        "APPLICATION_RECORDER_TOPIC": "commitment_tracker.tracker.recorders:ChainedPostgresRecorder",
        LIBPQ_PARAMETERS: make_conninfo(**params),
        **extra,
    }
    conninfo = make_conninfo(
        **params, dbname=dbname, host=host, port=port, user=user, **({"password": password} if password else {})
    )
    if "connect_timeout" not in params:
        conninfo = make_conninfo(conninfo, connect_timeout=CONNECT_TIMEOUT)
    return Store(location=url, backend="postgres", env=tuple(settings.items()), display=display, schema=schema,
                 conninfo=conninfo, secrets=secrets)  # fmt: skip


def _hidden(text: str, secrets: tuple[str, ...]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):  # the longest first: one may contain another
        text = text.replace(secret, "***")
    return text


#: Secret material libpq marks as a debug option ('D'), not as a secret ('*'): a SCRAM key lets its
#: holder authenticate as the user, as the password does.
SCRAM_KEYS = frozenset({"scram_client_key", "scram_server_key"})


@cache
def secret_parameters() -> frozenset[str]:
    """The connection parameters libpq marks as secret (displayed as '*'): the password, the client
    key's passphrase, an OAuth client secret, and whatever a later libpq adds; and the SCRAM keys."""
    from psycopg import pq

    return frozenset(o.keyword.decode() for o in pq.Conninfo.get_defaults()
                     if o.dispchar == b"*" or o.keyword.decode() in SCRAM_KEYS)  # fmt: skip
