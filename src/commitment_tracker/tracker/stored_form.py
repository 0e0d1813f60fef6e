"""Judging a stored event from its bytes, without building its model: verify's log check.

The tracker stores each event exactly as ``mapper.canonical`` writes it: ``{"event":{...},"prev":"..."}``,
the event's fields in schema order, unset ones left out, no spaces. Bytes of exactly that shape are
judged here without a model:

- the shape, one regular expression per type made from the model's own fields, proves that every
  key is one of the model's, in schema order, present once, the required ones there: so the value
  taken for a key is the one ``json.loads`` reads, which is what every reader of the log reads (a
  second ``recorded_at`` or ``prev`` cannot hide behind a first);
- each value is validated by its field's own pydantic type, alone (a log repeats its values: dates,
  parties, ids, titles; each distinct one is validated once, the cache bounded).

Anything else returns None and is decoded and validated in full by the caller, as before: another
shape (spaces, another key order, an escape the tracker does not write, NUL), an earlier class
version (upcast first), a type whose model checks its fields together or has validators of its
own. So this path only ever accepts what the model accepts, and it is the common one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from commitment_tracker.events import EVENT_TYPES, Event

# JSON as the tracker's serializer writes it: strings with only the escapes it uses (never NUL,
# which no store may hold), numbers, booleans, and flat lists of those.
_PLAIN = rb'[^"\\\x00-\x1f]*'
_STRING = rb'"' + _PLAIN + rb'(?:\\(?:["\\bfnrt]|u00(?:0[1-9a-f]|1[0-9a-f]))' + _PLAIN + rb')*"'
_SCALAR = rb"(?:" + _STRING + rb"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false)"
_VALUE = rb"(?:" + _SCALAR + rb"|\[(?:" + _SCALAR + rb"(?:," + _SCALAR + rb")*)?\])"
_PREFIX = b'{"event":{"type":"'
#: How many distinct values a type keeps validated before its cache starts again: bounds memory
#: (a log of a million events names its few thousand dates and parties again and again; its
#: notes, rarely).
CACHE_LIMIT = 50_000
#: Fields whose every value is new (a record time per event): validated each time, never kept.
UNCACHED = frozenset({"recorded_at"})


@dataclass(frozen=True, slots=True)
class Read:
    """What the log check needs of one event: whose stream it is in, its record time, its link."""

    entity: str
    recorded_at: datetime | None
    prev: str
    #: The event's own JSON exactly as ``export`` writes it (every value spelt as it spells it, no
    #: default left out), else None.
    body: bytes | None = None


class _Form:
    """One event type's canonical shape and the validators of its fields."""

    def __init__(self, cls: type[Event]) -> None:
        fields = [(name, info) for name, info in cls.model_fields.items() if name != "type"]
        parts = [re.escape(_PREFIX) + re.escape(cls.model_fields["type"].default.encode()) + b'"']
        for name, info in fields:
            group = b',"' + name.encode() + b'":(?P<' + name.encode() + b">" + _VALUE + b")"
            parts.append(b"(?:" + group + b")" + (b"" if info.is_required() else b"?"))
        version = f',"class_version":{cls.class_version}'.encode() if cls.class_version > 1 else b""
        parts.append(rb'\},"prev":"(?P<_prev>[0-9a-f]{64}|)"' + re.escape(version) + rb"\}\Z")
        self.match = re.compile(b"".join(parts)).match
        self.adapters: dict[str, TypeAdapter[Any]] = {}
        self.cls = cls
        self.fields = dict(fields)
        self.entity_field = _entity_field(cls)
        self.defaulted = [name for name, info in fields if not info.is_required() and info.get_default() is not None]
        self.valid: dict[str, dict[bytes, Any]] = {}  # field -> raw value -> its validated value
        self.spelt: dict[str, dict[bytes, bool]] = {}  # field -> raw value -> spelt_as_stored()
        self.entities: dict[bytes, str] = {}  # raw value of the entity field -> the entity
        self.held = 0
        self.forget()

    def forget(self) -> None:
        """Let go of the values validated so far (their count bounds memory, not their use)."""
        self.valid = {name: {} for name in self.fields}
        self.spelt = {name: {} for name in self.fields}
        self.entities = {}
        self.held = 0

    def judge(self, name: str, raw: bytes) -> Any:
        """A field's value validated (raising ValidationError)."""
        return self.adapter(name).validate_json(raw, strict=False)

    def spelt_as_stored(self, name: str, raw: bytes, value: Any) -> bool:
        """Whether ``export``, which writes the model's JSON data with ``json.dumps``, writes this
        value as ``raw``."""
        data = self.adapter(name).dump_python(value, mode="json")
        if isinstance(data, str) and b"\\" not in raw:  # nothing to escape: the text between the quotes
            return raw[1:-1] == data.encode()
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() == raw

    def adapter(self, name: str) -> TypeAdapter[Any]:
        found = self.adapters.get(name)
        if found is None:
            info = self.fields[name]
            annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            found = self.adapters[name] = TypeAdapter(annotation)
        return found


def _entity_field(cls: type[Event]) -> str:
    """The field the model's own ``entity`` reads (asked of the model, not listed here)."""
    probe = SimpleNamespace(**{name: f"{name}#1" for name in cls.model_fields})
    return str(cls.entity.fget(probe)).split("#")[0]  # type: ignore[attr-defined]


def _checks_alone(cls: type[Event]) -> bool:
    """Whether the model's validation (and serialization) is its fields', one field at a time: no
    validators or serializers of its own (those see several fields, or the model, at once)."""
    found = cls.__pydantic_decorators__
    return not (found.model_validators or found.field_validators or found.validators or found.root_validators
                or found.field_serializers or found.model_serializers)


_FORMS: dict[bytes, _Form | None] = {}
_MISSING = object()


def _form(kind: bytes) -> _Form | None:
    if kind not in _FORMS:
        cls = EVENT_TYPES.get(kind.decode("utf-8", "replace"))
        _FORMS[kind] = _Form(cls) if cls is not None and _checks_alone(cls) else None
    return _FORMS[kind]


def read(plain: bytes, exporting: bool = False) -> Read | None:
    """The event in ``plain`` (its canonical bytes) when they have exactly the tracker's shape and
    every value is valid; None when it must be decoded and validated in full. ``exporting`` asks
    for ``Read.body`` too."""
    if not plain.startswith(_PREFIX):
        return None
    form = _form(plain[len(_PREFIX) : plain.find(b'"', len(_PREFIX))])
    if form is None:
        return None
    found = form.match(plain)
    if found is None:
        return None
    values = found.groupdict()
    prev = values.pop("_prev")
    if form.held > CACHE_LIMIT:
        form.forget()
    valid = form.valid
    exported = exporting
    stamp = None
    for name, raw in values.items():
        if raw is None:
            continue
        value = valid[name].get(raw, _MISSING)
        if value is _MISSING:
            try:
                value = form.judge(name, raw)
            except ValidationError:
                return None  # the full decode says why, as it always has
            if name in UNCACHED:
                stamp = value
            else:
                valid[name][raw] = value
                form.held += 1
        if exported:
            spelt = form.spelt[name].get(raw)
            if spelt is None:
                spelt = form.spelt_as_stored(name, raw, value)
                if name not in UNCACHED:
                    form.spelt[name][raw] = spelt
            exported = spelt
    entity_raw = values[form.entity_field]
    entity = form.entities.get(entity_raw)
    if entity is None:
        value = valid[form.entity_field][entity_raw]
        entity = form.entities[entity_raw] = form.cls.entity.fget(SimpleNamespace(**{form.entity_field: value}))  # type: ignore[attr-defined]
    if exported and form.defaulted and any(values[name] is None for name in form.defaulted):
        exported = False  # export writes the default the bytes leave out (stored before the field was)
    body = plain[len(_PREFIX) - len(b'{"type":"') : found.start("_prev") - len(b',"prev":"')] if exported else None
    return Read(entity, stamp, prev.decode(), body)
