"""The names a PostgreSQL log's own objects take from its table's name.

PostgreSQL cuts every identifier to 63 bytes without a word, so ``<table>_chain`` for a long table
name could come back as the table's own name, and two trigger names as one. A name that fits is
used as it is: the tracker's (``tracker_events_chain``...) never change, so stores keep working.
One that would not fit keeps as much of the table's name as leaves room for a hash of the whole
name and the suffix, so it fits, says what it is, and differs from every other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

#: PostgreSQL's NAMEDATALEN - 1: the bytes of an identifier it keeps.
MAX_IDENTIFIER = 63
HASH_LENGTH = 10


def derived(table: str, suffix: str) -> str:
    """``<table>_<suffix>``, or, when that is longer than PostgreSQL keeps, ``<table cut>_<hash>_<suffix>``."""
    name = f"{table}_{suffix}"
    whole = name.encode()
    if len(whole) <= MAX_IDENTIFIER:
        return name
    tail = f"_{hashlib.sha256(whole).hexdigest()[:HASH_LENGTH]}_{suffix}"
    # Cut on a character boundary: a name is UTF-8 text.
    return table.encode()[: MAX_IDENTIFIER - len(tail.encode())].decode("utf-8", "ignore") + tail


@dataclass(frozen=True)
class LogNames:
    chain: str
    lock: str
    guard: str  # the function the append-only triggers run
    in_turn: str  # the function, and the trigger, that refuse an append not holding the lock
    #: (table, kind) -> trigger name, table being "events" or "chain", kind "rows" or "truncate".
    triggers: dict[tuple[str, str], str] = field(default_factory=dict)


def log_names(table: str) -> LogNames:
    return LogNames(
        chain=derived(table, "chain"),
        lock=derived(table, "lock"),
        guard=derived(table, "append_only"),
        in_turn=derived(table, "in_turn"),
        triggers={(label, kind): derived(table, f"{kind}_{label}")
                  for label in ("events", "chain") for kind in ("rows", "truncate")},  # fmt: skip
    )
