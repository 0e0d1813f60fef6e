"""How events are stored: stable topics, canonical JSON, the per-stream hash chain.

The library's default mapper rebuilds events without validation; ours validates every stored
payload with the pydantic schema after upcasting, and computes each event's hash from the exact
bytes written (before compression and encryption) so integrity can be verified later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import register_topic
from pydantic import ValidationError

from commitment_tracker.events import EVENT_TYPES, Event, describe, to_data, upcast
from commitment_tracker.tracker.errors import KeyProblem
from commitment_tracker.tracker.records import Recorded

TOPIC_PREFIX = "commitment_tracker:"


def topic_of(event_type: str) -> str:
    return TOPIC_PREFIX + event_type


# Stored topics name the event type, not the module, so moving a class never breaks a store.
for _type, _cls in EVENT_TYPES.items():
    register_topic(topic_of(_type), _cls)


def canonical(event: Event, prev: str) -> bytes:
    """The exact bytes stored (before compression or encryption): the event as pydantic's
    serializer writes it (fields in schema order, unset ones left out), and its stream link."""
    version = f',"class_version":{event.class_version}' if event.class_version > 1 else ""
    body = event.model_dump_json(exclude_none=True).encode()
    return b'{"event":' + body + f',"prev":"{prev}"{version}}}'.encode()


def chain_hash(originator_id: UUID | str, version: int, topic: str, plain: bytes) -> str:
    """An event's hash in its stream (``originator_id`` as a UUID or its canonical text)."""
    header = f"{originator_id}\n{version}\n{topic}\n".encode()
    return hashlib.sha256(header + plain).hexdigest()


def decode_event(state: dict[str, Any], validate: bool = True) -> Event:
    data = state["event"]
    cls = EVENT_TYPES[data["type"]]
    upcast(data, state.get("class_version", 1), cls)
    if not validate:
        return construct_event(cls, data)
    # Stored payloads are JSON-decoded already: validate them leniently (dates arrive as text).
    return cls.model_validate(data, strict=False)


def construct_event(cls: type[Event], data: dict[str, Any]) -> Event:
    """An event from data the tracker itself validated when it was recorded, without validating
    it again (projections read every event; ``verify`` validates every one)."""
    for name in ("parties", "about"):
        if isinstance(data.get(name), list):
            data[name] = tuple(data[name])
    if isinstance(data.get("recorded_at"), str):
        data["recorded_at"] = datetime.fromisoformat(data["recorded_at"])
    return cls.model_construct(**data)


@dataclass(frozen=True)
class SealedEvent(StoredEvent):
    """A stored event on its way to the database, with what the recorder needs under the write
    lock and cannot read from ``state`` without the key: its canonical bytes (the chain digest is
    computed over them) and its record time (which must never run backwards along the log)."""

    plain: bytes = b""
    recorded_at: datetime | None = None


class RecordMapper(Mapper[UUID]):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        recorded = cast(Recorded, domain_event)
        plain = recorded.plain or canonical(recorded.event, recorded.prev)
        data = plain
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return SealedEvent(
            originator_id=recorded.originator_id,
            originator_version=recorded.originator_version,
            topic=topic_of(recorded.event.type),
            state=data,
            plain=plain,
            recorded_at=recorded.event.recorded_at,
        )

    def stamp_of(self, stored: StoredEvent) -> datetime | None:
        """The record time of a stored event (read without validating it again)."""
        return self.to_domain_event(stored, validate=False).event.recorded_at  # type: ignore[no-any-return]

    def decrypt(self, stored: StoredEvent) -> bytes:
        data = stored.state
        if isinstance(data, str):
            data = data.encode()  # a blob rewritten as text by hand still reads the same
        if self.cipher is None:
            if not data.startswith(b"{"):  # every canonical event is a JSON object
                raise KeyProblem.missing()
            return data
        try:
            data = self.cipher.decrypt(data)
        except Exception as error:  # AES-GCM authenticates: a wrong key never yields garbage
            raise (KeyProblem.unexpected() if data.startswith(b'{"event"') else KeyProblem.wrong()) from error
        if self.compressor:
            data = self.compressor.decompress(data)
        return data

    def to_domain_event(self, stored_event: StoredEvent, validate: bool = True) -> Any:
        plain = self.decrypt(stored_event)
        originator_id = stored_event.originator_id
        if not isinstance(originator_id, UUID):
            originator_id = UUID(str(originator_id))
        try:
            state = json.loads(plain)
            event = decode_event(state, validate)
        except ValidationError as error:
            raise MapperDeserialisationError(describe(error)) from error
        except (ValueError, KeyError, TypeError) as error:
            raise MapperDeserialisationError(f"unreadable event: {error}") from error
        return Recorded(
            originator_id=originator_id,
            originator_version=stored_event.originator_version,
            event=event,
            prev=state.get("prev", ""),
            hash=chain_hash(originator_id, stored_event.originator_version, stored_event.topic, plain),
            seq=getattr(stored_event, "id", 0),
            plain=plain,
        )
