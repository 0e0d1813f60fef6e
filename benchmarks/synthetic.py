"""A deterministic synthetic history: commitments of every cadence, meetings, retractions and
corrections, recorded in an order shuffled against valid time.

One commitment per 100 events; 2% of events are retractions or corrections. Generated in blocks,
so a million events stream in bounded memory.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

CADENCES = ["once", "once", "once", "standing", "annual", "semiannual", "quarterly", "monthly"]
KINDS = ["summit", "ministerial", "dialogue"]
PARTIES = ["US", "JP", "KR", "AU", "IN"]
BLOCK = 50  # commitments shuffled together
START = date(2015, 1, 1)
RECORDED_FROM = datetime(2020, 1, 1, tzinfo=timezone.utc)


def _day(rng: random.Random, after: date, span: int = 3000) -> date:
    return after + timedelta(days=rng.randrange(1, span))


def _commitment(rng: random.Random, index: int, size: int, prefix: str = "") -> list[dict[str, Any]]:
    """One commitment's stream in record order (made first, the rest shuffled), size events."""
    slug = f"{prefix}c{index:07d}"
    cadence = rng.choice(CADENCES)
    made_on = _day(rng, START, 2500)
    parties = rng.sample(PARTIES, rng.randint(2, 3))
    made: dict[str, Any] = {
        "type": "commitment_made", "commitment": slug, "on": made_on.isoformat(),
        "title": f"Synthetic commitment {index}", "parties": parties, "cadence": cadence,
    }  # fmt: skip
    if cadence == "once":
        if rng.random() < 0.5:
            made["due"] = _day(rng, made_on, 1500).isoformat()
        else:
            made["due_next"] = rng.choice(KINDS)
    body = []
    meta_count = max(0, round(size * 0.02))
    for _ in range(size - 1 - meta_count):
        on = _day(rng, made_on, 3500).isoformat()
        roll = rng.random()
        if roll < 0.35:
            body.append({"type": "commitment_reaffirmed", "commitment": slug, "on": on})
        elif roll < 0.65:
            body.append({"type": "progress_reported", "commitment": slug, "on": on, "note": f"progress {rng.random():.6f}"})
        elif roll < 0.85 and cadence != "standing":
            body.append({"type": "commitment_fulfilled", "commitment": slug, "on": on,
                         "parties": rng.sample(parties, rng.randint(1, len(parties)))})  # fmt: skip
        elif roll < 0.93:
            body.append({"type": "commitment_stalled", "commitment": slug, "on": on, "note": "stalled"})
        else:
            body.append({"type": "commitment_abandoned", "commitment": slug, "on": on, "parties": [rng.choice(parties)]})
    rng.shuffle(body)  # record order against valid time
    stream = [made, *body]
    targets = rng.sample(range(2, len(stream) + 1), min(meta_count, len(stream) - 1))
    for n, target in enumerate(targets):
        ref = f"{slug}#{target}"
        if n % 2 == 0:
            stream.append({"type": "event_retracted", "target": ref, "reason": "synthetic retraction"})
        else:
            stream.append({"type": "event_corrected", "target": ref, "reason": "synthetic correction",
                           "on": _day(rng, made_on, 3500).isoformat()})  # fmt: skip
    return stream


def _meeting(rng: random.Random, index: int, prefix: str = "") -> list[dict[str, Any]]:
    slug = f"{prefix}m{index:06d}"
    kind = rng.choice(KINDS)
    held = _day(rng, START, 5000)
    events = []
    if rng.random() < 0.5:
        events.append({"type": "meeting_scheduled", "meeting": slug, "on": (held - timedelta(days=30)).isoformat(),
                       "scheduled_for": held.isoformat(), "kind": kind, "title": f"Meeting {index}",
                       "parties": PARTIES[:3]})  # fmt: skip
    events.append({"type": "meeting_held", "meeting": slug, "on": held.isoformat(), "kind": kind,
                   "title": f"Meeting {index}", "parties": PARTIES[:3]})  # fmt: skip
    return events


def generate(total: int, seed: int = 2024, record_times: bool = True, prefix: str = "") -> Iterator[dict[str, Any]]:
    """``total`` events (exactly) in record order, each with a record time unless not wanted
    (a store that already holds events only accepts record times later than its own)."""
    rng = random.Random(seed)
    produced = 0
    commitment = meeting = 0
    moment = RECORDED_FROM
    while produced < total:
        streams: list[list[dict[str, Any]]] = []
        for _ in range(BLOCK):
            remaining = total - produced - sum(map(len, streams))
            if remaining <= 0:
                break
            if rng.random() < 0.2:
                streams.append(_meeting(rng, meeting, prefix)[:remaining])
                meeting += 1
                continue
            streams.append(_commitment(rng, commitment, min(100, remaining), prefix))
            commitment += 1
        # Interleave the block's streams at random, keeping each stream's own order.
        cursors = [0] * len(streams)
        live = [i for i, s in enumerate(streams) if s]
        while live:
            i = rng.choice(live)
            event = streams[i][cursors[i]]
            cursors[i] += 1
            if cursors[i] == len(streams[i]):
                live.remove(i)
            moment += timedelta(seconds=1)
            stamp = {"recorded_at": moment.isoformat()} if record_times else {}
            yield event | stamp | {"recorded_by": "synthetic"}
            produced += 1


def write(path: Path, total: int, seed: int = 2024, record_times: bool = True, prefix: str = "") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for event in generate(total, seed, record_times, prefix):
            handle.write(json.dumps(event, separators=(",", ":")) + "\n")
    return path
