"""Bring a stored payload written by an older schema up to the current models.

The library's convention, applied to our pydantic models: a model with ``class_version = N``
defines static methods ``upcast_v1_v2(state) ... upcast_vN-1_vN(state)`` that edit the raw dict in
place. Stored events are never rewritten; they are upcast every time they are read.
"""

from __future__ import annotations

from typing import Any

from commitment_tracker.events.models import EVENT_TYPES, Event


def upcast(state: dict[str, Any], from_version: int, cls: type[Event] | None = None) -> dict[str, Any]:
    """Upcast ``state`` (a raw event dict of ``from_version``) to its model's current version."""
    cls = cls or EVENT_TYPES.get(state.get("type", ""), Event)
    version = from_version
    while version < cls.class_version:
        getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
        version += 1
    return state
