"""The log's running digest: each stored event extends a hash chain in record order.

Version 2 (this release) links each event's canonical bytes -- the event as recorded, before
encryption -- so the same history has the same digest in every store: SQLite or PostgreSQL, any
key or none. A checkpoint anchored before an export survives the import into a new store (key
rotation, migration). Version 1 linked the bytes as stored, i.e. the ciphertext of an encrypted
store; for a store without a key both versions are the same digest. Stores encrypted by an earlier
release keep their version-1 links and still verify; events appended since are linked in
version 2, and an export -> import gives a store whose digest is version 2 throughout.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from uuid import UUID

GENESIS = hashlib.sha256(b"commitment-tracker log v1").hexdigest()
CANONICAL = 2  # the version new links are written in
STORED = 1  # the version that linked stored (possibly encrypted) bytes


def link(previous: str, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    """The running digest after appending one event (``state``: its canonical bytes in version 2,
    its stored bytes in version 1) to a log whose digest was ``previous``."""
    ident = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id).replace("-", "")
    if not isinstance(state, (bytes, bytearray, memoryview)):
        state = str(state).encode()  # an intruder's edit may have turned the blob into text
    return _link(previous, ident, version, topic, state)


def links(previous: Iterable[str], idents: Iterable[str], versions: Iterable[int], topics: Iterable[str],
          states: Iterable[bytes]) -> list[str]:  # fmt: skip
    """``link`` of each event of a page, each from the digest given before it (stream ids as hex,
    without hyphens; states as bytes): ``_link``'s expression in one comprehension, not a call per
    event (verify's log check runs it on every event)."""
    sha256 = hashlib.sha256
    return [sha256(f"{before}\n{ident}\n{version}\n{topic}\n".encode() + sha256(state).digest()).hexdigest()
            for before, ident, version, topic, state in zip(previous, idents, versions, topics, states)]  # fmt: skip


def _link(previous: str, ident: str, version: int, topic: str, state: bytes) -> str:
    header = f"{previous}\n{ident}\n{version}\n{topic}\n".encode()
    return hashlib.sha256(header + hashlib.sha256(state).digest()).hexdigest()


def extend(previous: str, rows: Iterable[tuple[str, int, str, bytes]]) -> list[str]:
    """The running digest after each of ``rows`` (stream id as 32 hex digits, position, topic,
    canonical bytes), appended in order to a log whose digest was ``previous``: ``link`` for a
    whole chunk in one loop, which an import of a million events runs a thousand times, not a
    million."""
    digests = []
    sha256 = hashlib.sha256
    for ident, version, topic, state in rows:
        previous = sha256(f"{previous}\n{ident}\n{version}\n{topic}\n".encode() + sha256(state).digest()).hexdigest()
        digests.append(previous)
    return digests


#: How every event in clear begins, of any release: a JSON object, no space after its brace.
#: Ciphertext begins with a random nonce: a lone ``{`` would take one event in 256 for clear.
CLEAR_START = b'{"'


def is_sealed(state: bytes | str) -> bool:
    """Whether stored bytes are encrypted (see ``CLEAR_START``)."""
    return not (state.startswith(CLEAR_START) if isinstance(state, (bytes, bytearray)) else str(state).startswith('{"'))
