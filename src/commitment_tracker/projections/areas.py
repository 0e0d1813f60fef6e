"""The issue-area filter, written once: ``--area`` matches an area in any case (casefolded), on
every command that takes it, the view's ``area_key`` column included."""

from __future__ import annotations


def area_key(area: str | None) -> str:
    """An issue area as ``--area`` compares it ("" for none)."""
    return (area or "").casefold()


def in_area(area: str | None, wanted: str | None) -> bool:
    """Whether a commitment of issue area ``area`` is among those ``--area wanted`` asks for
    (every one, when ``wanted`` is None)."""
    return wanted is None or area_key(area) == area_key(wanted)
