"""The schema: every event of the interchange format, one discriminated union, its JSON Schema.

Imports nothing else from the project.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from commitment_tracker.events.dates import add_period, first_day, last_day, next_day
from commitment_tracker.events.errors import describe, holds_nul_only
from commitment_tracker.events.fields import without_nul
from commitment_tracker.events.models import (
    COMMITMENT_TYPES,
    CORRECTABLE,
    EVENT_TYPES,
    META_TYPES,
    AnyEvent,
    AssessmentReviewed,
    CommitmentAbandoned,
    CommitmentEvent,
    CommitmentFulfilled,
    CommitmentMade,
    CommitmentReaffirmed,
    CommitmentStalled,
    CommitmentSuperseded,
    ComplianceAssessed,
    DeadlineChanged,
    EditionPublished,
    Event,
    EventCorrected,
    EventRetracted,
    MeetingHeld,
    MeetingScheduled,
    MetaEvent,
    ProgressReported,
    SourceRegistered,
    StatementIssued,
)
from commitment_tracker.events.upcasting import upcast

SCHEMA_VERSION = 1
"""Bumped whenever any model's ``class_version`` is; published in the JSON Schema."""

class _LazyAdapter:
    """The union's TypeAdapter, built on first use (building it costs start-up time)."""

    _adapter: TypeAdapter[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if _LazyAdapter._adapter is None:
            _LazyAdapter._adapter = TypeAdapter(AnyEvent)
        return getattr(_LazyAdapter._adapter, name)


EVENT_ADAPTER: Any = _LazyAdapter()


class InvalidEvent(ValueError):
    """An event that does not match the schema; the message is one line."""


def parse_json(text: str | bytes) -> Event:
    """Validate one JSON object as an event."""
    try:
        return _validate_json()(text)  # type: ignore[no-any-return]
    except ValidationError as error:
        raise InvalidEvent(describe(error)) from None


@functools.cache
def _validate_json() -> Any:
    """The union's compiled JSON validator itself: an import validates every line through it, and
    the adapter's own ``validate_json`` only forwards its defaults to it, a fifth of its cost."""
    return EVENT_ADAPTER.validator.validate_json


def parse_obj(obj: object) -> Event:
    """Validate a plain JSON-like object (e.g. from YAML) exactly as JSON would be validated."""
    try:
        text = json.dumps(obj, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidEvent(f"not plain JSON data: {error}") from None
    return parse_json(text)


def build(type_: str, **fields: Any) -> Event:
    """Make an event of ``type_`` from Python values, leaving out fields that are None."""
    if type_ not in EVENT_TYPES:
        raise InvalidEvent(f"unknown event type {type_!r}")
    data = {k: v for k, v in fields.items() if v is not None and v != ()}
    data["type"] = type_
    try:
        return EVENT_ADAPTER.validate_python(data)  # type: ignore[no-any-return]
    except ValidationError as error:
        raise InvalidEvent(describe(error)) from None


@functools.cache
def number_fields(type_: str) -> frozenset[str]:
    """The fields of an event type that hold numbers (an integer, a number, or a choice among
    integers such as a score), read from its JSON Schema: what a text cell must be parsed into."""

    def numeric(schema: dict[str, Any]) -> bool:
        if schema.get("type") in ("integer", "number"):
            return True
        if "enum" in schema and all(isinstance(v, int | float) and not isinstance(v, bool) for v in schema["enum"]):
            return True
        return any(numeric(option) for option in schema.get("anyOf", ()))

    model = EVENT_TYPES.get(type_)
    if model is None:
        return frozenset()
    return frozenset(k for k, v in model.model_json_schema()["properties"].items() if numeric(v))


def to_data(event: Event) -> dict[str, Any]:
    """The event as interchange JSON data: fields left unset are omitted."""
    return event.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one event: what ``import`` accepts, wherever JSON Schema can say it.

    It cannot say that an end or a scheduled date falls on or after ``on``, nor that parties are
    distinct once codes are normalised (``us`` and ``US``, ``ROK`` and ``KR``); ``import`` checks
    those too.
    """
    schema = EVENT_ADAPTER.json_schema()
    # "discriminator" is an OpenAPI keyword, unknown to JSON Schema (strict validators refuse it);
    # each branch's required "type" constant selects the branch all the same.
    schema.pop("discriminator", None)
    for definition in schema["$defs"].values():
        if "const" in definition.get("properties", {}).get("type", {}):
            definition["required"] = ["type", *(n for n in definition.get("required", []) if n != "type")]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "commitment-tracker event"
    schema["description"] = (
        f"One event of the commitment-tracker interchange format (schema version {SCHEMA_VERSION}); "
        "a JSON Lines file of these is what `ctrack import` reads and `ctrack export` writes."
    )
    return schema


__all__ = [
    "COMMITMENT_TYPES", "CORRECTABLE", "EVENT_ADAPTER", "EVENT_TYPES", "META_TYPES", "SCHEMA_VERSION",
    "AnyEvent", "AssessmentReviewed", "CommitmentAbandoned", "CommitmentEvent", "CommitmentFulfilled", "CommitmentMade",
    "CommitmentReaffirmed", "CommitmentStalled", "CommitmentSuperseded", "ComplianceAssessed", "DeadlineChanged", "EditionPublished", "Event",
    "EventCorrected", "EventRetracted", "InvalidEvent", "MeetingHeld", "MeetingScheduled", "MetaEvent",
    "ProgressReported", "SourceRegistered", "StatementIssued", "add_period", "build", "first_day",
    "holds_nul_only", "json_schema", "last_day", "next_day", "number_fields", "parse_json", "parse_obj", "to_data", "upcast",
    "without_nul",
]  # fmt: skip
