"""The published editions of compliance scores (SPEC §8.1), as known: oldest first."""

from __future__ import annotations

from typing import Any

from commitment_tracker.events import EditionPublished, first_day
from commitment_tracker.projections.knowledge import Knowledge


def editions(knowledge: Knowledge) -> list[dict[str, Any]]:
    """Every edition not retracted, as corrected, in publication order (ties: record order)."""
    rows = []
    for slug, resolved in knowledge.streams.items():
        first = resolved[0]
        if isinstance(first.event, EditionPublished) and not first.retracted:
            event = first.event
            rows.append({
                "id": slug, "on": event.on, "title": event.title, "cycle": event.cycle, "summit": event.summit,
                "source": event.source, "note": event.note, "recorded_at": first.record.event.recorded_at.isoformat()
                if first.record.event.recorded_at else None, "recorded_by": first.record.event.recorded_by,
                "ref": first.record.ref, "seq": first.record.seq,
            })  # fmt: skip
    rows.sort(key=lambda r: (first_day(r["on"]), r["seq"]))
    return [{k: v for k, v in r.items() if k != "seq"} for r in rows]
