"""The registered sources, as known."""

from __future__ import annotations

from typing import Any

from commitment_tracker.events import SourceRegistered
from commitment_tracker.projections.knowledge import Knowledge


def sources(knowledge: Knowledge) -> list[dict[str, Any]]:
    rows = []
    for slug, resolved in knowledge.streams.items():
        first = resolved[0]
        if isinstance(first.event, SourceRegistered) and not first.retracted:
            event = first.event
            rows.append({
                "id": slug, "title": event.title, "publisher": event.publisher, "url": event.url,
                "published_on": event.published_on, "sha256": event.sha256,
                "archived": event.text is not None, "ref": first.record.ref,
            })  # fmt: skip
    return sorted(rows, key=lambda r: r["id"])


def titles(knowledge: Knowledge) -> dict[str, str]:
    """Each registered source's title, by id: what evidence lines print beside a source id."""
    return {row["id"]: row["title"] for row in sources(knowledge)}
