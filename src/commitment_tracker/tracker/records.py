"""What the log holds: each event with its stream position, global position and chain hash."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from uuid import UUID, uuid5

from commitment_tracker.events import Event

#: Ids are derived from slugs, so the same slug always names the same stream.
ID_NAMESPACE = UUID("6f1c2f4e-8d1a-5b57-9a0e-3c2d4b5a6e7f")


@lru_cache(maxsize=65536)
def stream_id(slug: str) -> UUID:
    return uuid5(ID_NAMESPACE, slug)


@dataclass(frozen=True, slots=True)
class Recorded:
    """One stored event: the library's domain event for this application.

    ``originator_version`` is the event's 1-based position in its entity's stream (the N of the
    reference ``entity#N``); ``seq`` is its position in the whole log (record order; 0 before it is
    saved); ``prev`` is the hash of the previous event of the stream; ``hash`` its own.
    """

    originator_id: UUID
    originator_version: int
    event: Event
    prev: str = ""
    hash: str = ""
    seq: int = 0
    plain: bytes = field(default=b"", compare=False, repr=False)  # the stored JSON, once computed

    @property
    def entity(self) -> str:
        return self.event.entity

    @property
    def position(self) -> int:
        return self.originator_version

    @property
    def ref(self) -> str:
        return f"{self.event.entity}#{self.originator_version}"
