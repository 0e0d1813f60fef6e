"""How events are stored: stable topics, canonical JSON, the per-stream hash chain.

The library's default mapper rebuilds events without validation; ours validates every stored
payload with the pydantic schema after upcasting, and computes each event's hash from the exact
bytes written (before compression and encryption) so integrity can be verified later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import register_topic
from pydantic import ValidationError

from commitment_tracker.events import EVENT_TYPES, Event, describe, holds_nul_only, upcast
from commitment_tracker.tracker.chain import is_sealed
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
    # The serializer ``model_dump_json`` calls, asked directly for the bytes it would decode to text.
    body = event.__pydantic_serializer__.to_json(event, exclude_none=True)
    return b'{"event":' + body + f',"prev":"{prev}"{version}}}'.encode()


def chain_hash(originator_id: UUID | str, version: int, topic: str, plain: bytes) -> str:
    """An event's hash in its stream (``originator_id`` as a UUID or its canonical text)."""
    header = f"{originator_id}\n{version}\n{topic}\n".encode()
    return hashlib.sha256(header + plain).hexdigest()


def chain_hashes(originator_ids: Iterable[str], versions: Iterable[int], topics: Iterable[str],
                 plains: Iterable[bytes]) -> list[str]:  # fmt: skip
    """``chain_hash`` of each event of a page (stream ids as their canonical text), in one
    comprehension rather than a call per event."""
    sha256 = hashlib.sha256
    return [sha256(f"{ident}\n{version}\n{topic}\n".encode() + plain).hexdigest()
            for ident, version, topic, plain in zip(originator_ids, versions, topics, plains)]


def decode_event(state: dict[str, Any], validate: bool = True) -> Event:
    data = state["event"]
    cls = EVENT_TYPES[data["type"]]
    upcast(data, state.get("class_version", 1), cls)
    if not validate:
        return construct_event(cls, data)
    # Stored payloads are JSON-decoded already: validate them leniently (dates arrive as text).
    try:
        return cls.model_validate(data, strict=False)
    except ValidationError as error:
        if not holds_nul_only(error):
            raise
    # Valid when an earlier release stored it, before NUL was refused: read as it was written
    # (stored events are forever), so that it can still be shown, corrected and retracted.
    return construct_event(cls, data)


def construct_event(cls: type[Event], data: dict[str, Any]) -> Event:
    """An event from data the tracker itself validated when it was recorded, without validating
    it again (projections read every event; ``verify`` validates every one)."""
    for name in ("parties", "about", "reconciles"):
        if isinstance(data.get(name), list):
            data[name] = tuple(data[name])
    if isinstance(data.get("recorded_at"), str):
        data["recorded_at"] = datetime.fromisoformat(data["recorded_at"])
    defaults = _DEFAULTS[cls] if cls in _DEFAULTS else _defaults(cls)
    values = {**defaults, **data} if defaults is not None else None
    if values is None or len(values) != len(defaults) or _REQUIRED in values.values():  # type: ignore[arg-type]
        return cls.model_construct(**data)  # a field unknown or missing: let pydantic sort it out
    # What ``model_construct`` does for these models, without asking each field for its default
    # on every call (a catch-up constructs every event of the log): same __dict__ in field order,
    # same fields set.
    event = _new(cls)
    _set(event, "__dict__", values)
    _set(event, "__pydantic_fields_set__", set(data))
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


_REQUIRED = object()
_IMMUTABLE = (type(None), str, int, float, bool, tuple, frozenset)
_DEFAULTS: dict[type, dict[str, Any] | None] = {}
_new = object.__new__
_set = object.__setattr__


def _defaults(cls: type[Event]) -> dict[str, Any] | None:
    """Each field, in order, with its default (or ``_REQUIRED``), when building the instance
    directly is exactly ``model_construct``: no aliases, default factories, post-init or private
    attributes, and only immutable defaults (shared by every instance)."""
    plain = not cls.__pydantic_post_init__ and not cls.__private_attributes__ and cls.model_config.get("extra") != "allow"
    for name, field in cls.model_fields.items():
        if field.alias not in (None, name) or field.validation_alias not in (None, name) or field.default_factory:
            plain = False
        elif not field.is_required() and not isinstance(field.default, _IMMUTABLE):
            plain = False
    defaults = {name: _REQUIRED if field.is_required() else field.default for name, field in cls.model_fields.items()}
    _DEFAULTS[cls] = defaults if plain else None
    return _DEFAULTS[cls]


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
        return SealedEvent(
            originator_id=recorded.originator_id,
            originator_version=recorded.originator_version,
            topic=topic_of(recorded.event.type),
            state=self.seal(plain),
            plain=plain,
            recorded_at=recorded.event.recorded_at,
        )

    def seal(self, plain: bytes) -> bytes:
        """An event's canonical bytes as the database holds them: compressed, then encrypted, if
        the store says so."""
        data = plain
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return data

    def stamp_of(self, stored: StoredEvent) -> datetime | None:
        """The record time of a stored event (read without validating it again)."""
        return self.to_domain_event(stored, validate=False).event.recorded_at  # type: ignore[no-any-return]

    def decrypt(self, stored: StoredEvent) -> bytes:
        data = stored.state
        if isinstance(data, str):
            data = data.encode()  # a blob rewritten as text by hand still reads the same
        if self.cipher is None:
            if is_sealed(data):
                raise KeyProblem.missing()
            return data
        try:
            data = self.cipher.decrypt(data)
        except Exception as error:  # AES-GCM authenticates: a wrong key never yields garbage
            raise (KeyProblem.unexpected() if data.startswith(b'{"event"') else KeyProblem.wrong()) from error
        if self.compressor:
            data = self.compressor.decompress(data)
        return data

    def to_domain_event(self, stored_event: StoredEvent, validate: bool = True, hashed: bool = True) -> Any:
        """The stored event as a ``Recorded``; ``hashed=False`` leaves its chain hash out (empty),
        for readers that never check or extend the chain (the views' catch-up)."""
        plain = self.decrypt(stored_event)
        originator_id = stored_event.originator_id
        if not isinstance(originator_id, UUID):
            originator_id = UUID(str(originator_id))
        try:
            # Canonical events are UTF-8 (see ``canonical``): decoding the text first spares
            # json.loads guessing the encoding of every event's bytes.
            state = json.loads(plain.decode("utf-8") if isinstance(plain, bytes) else plain)
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
            hash=chain_hash(originator_id, stored_event.originator_version, stored_event.topic, plain) if hashed else "",
            seq=getattr(stored_event, "id", 0),
            plain=plain,
        )
