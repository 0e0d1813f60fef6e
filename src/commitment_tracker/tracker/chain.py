"""The log's running digest: each stored event extends a hash chain in record order.

``link`` is computed from exactly what the database holds (ids, topic, stored bytes, which may be
encrypted), so the chain can be checked without decrypting anything.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

GENESIS = hashlib.sha256(b"commitment-tracker log v1").hexdigest()


def link(previous: str, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    """The running digest after appending one stored event to a log whose digest was ``previous``."""
    ident = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id).replace("-", "")
    header = f"{previous}\n{ident}\n{version}\n{topic}\n".encode()
    if not isinstance(state, (bytes, bytearray, memoryview)):
        state = str(state).encode()  # an intruder's edit may have turned the blob into text
    return hashlib.sha256(header + hashlib.sha256(state).digest()).hexdigest()
