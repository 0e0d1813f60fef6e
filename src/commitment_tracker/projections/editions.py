"""The published editions of compliance scores (SPEC §8.1), as known: oldest first."""

from __future__ import annotations

from typing import Any

from commitment_tracker.events import EditionPublished, first_day
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.tracker import Resolved
from commitment_tracker.tracker.averages import EditionTimes, average_setter, edition_of, edition_times


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


def edition_cycles(knowledge: Knowledge) -> EditionTimes:
    """When each edition of ``knowledge`` was recorded (``tracker.averages.EditionTimes``)."""
    return edition_times((resolved[0].record, resolved[0].event) for resolved in knowledge.streams.values()
                         if isinstance(resolved[0].event, EditionPublished) and not resolved[0].retracted)  # fmt: skip


def average_edition(stream: list[Resolved], times: EditionTimes) -> tuple[str, str | None] | None:
    """The (id, cycle) of the edition that published a commitment's published average as known
    (``stream``: the commitment's, resolved), None when no edition did (``tracker.averages``)."""
    live = set(stream[0].corrected_by)
    corrections = ((r.record, r.record.event) for r in stream[1:] if r.record.ref in live)
    return edition_of(average_setter(stream[0].record, corrections), times)
