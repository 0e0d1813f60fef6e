"""A bulk import keeps each stream's head, not its events: whatever order the streams' events
arrive in, once a chunk is written only each stream's first and last events stay in memory."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from commitment_tracker import events as ev
from commitment_tracker.tracker.ledger import Ledger
from commitment_tracker.tracker.resolution import Released

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_events_picking_their_stream_at_random_are_let_go_of_once_written() -> None:
    ledger = Ledger(lambda slug: [], None)
    slugs = [f"c{n}" for n in range(50)]
    for slug in slugs:
        ledger.append(ev.build("commitment_made", commitment=slug, on="2020-01-01", title=slug, parties=("US", "JP")),
                      NOW, "t")  # fmt: skip
    rng = random.Random(7)
    for chunk in range(40):
        for _ in range(25):  # a chunk touches most streams, once or twice: each event is its stream's head
            ledger.append(ev.build("commitment_reaffirmed", commitment=rng.choice(slugs), on="2021-01-01"), NOW, "t")
        ledger.release()  # as the import does once a chunk is written
    for slug in slugs:
        records = ledger.stream(slug).knowledge.records
        kept = [position for position, record in enumerate(records, 1) if not isinstance(record.event, Released)]
        assert set(kept) <= {1, len(records)}, (slug, kept, len(records))
