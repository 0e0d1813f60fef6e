"""A second shape of history: a log kept on the same commitments for years.

``synthetic.py`` keeps each commitment's events close together in record order, so one catch-up
page touches few streams. Here every event picks its commitment uniformly among N/100 of them, so
every page touches nearly every stream, however long the log: the shape that showed catch-up
re-deriving whole streams page after page. The commitments are made first (their first year);
the other events follow the calendar as an analyst records them, a tenth of them recorded up to
90 days late, one in five hundred dated by its commitment's making (its day, or its month: on or
before that day), 2% retracting or correcting an earlier event of their stream, and one meeting per
200 events. A date that would fall before the making is the making's day. Deterministic, and
streamed: a million events in bounded memory.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchmarks.synthetic import CADENCES, KINDS, PARTIES, RECORDED_FROM

START = date(2012, 1, 1)
YEARS = 12  # the body of the log spans this many years of valid time


def generate(total: int, seed: int = 2024, record_times: bool = True) -> Iterator[dict[str, Any]]:
    """``total`` events in record order (exactly, once ``total`` >= 100)."""
    rng = random.Random(seed)
    count = max(1, total // 100)
    made: list[tuple[date, list[str], str]] = []  # (day, parties, cadence) per commitment
    for index in range(count):
        day = START + timedelta(days=index * 365 // count)
        parties = rng.sample(PARTIES, rng.randint(2, 3))
        cadence = rng.choice(CADENCES)
        made.append((day, parties, cadence))
    positions = [1] * count  # each stream's length so far
    body: list[list[int]] = [[] for _ in range(count)]  # positions that may still be retracted or corrected
    moment = RECORDED_FROM
    span = (YEARS * 365) / max(1, total - count)
    body_start = START + timedelta(days=365)

    def stamped(event: dict[str, Any]) -> dict[str, Any]:
        nonlocal moment
        moment += timedelta(seconds=1)
        return event | ({"recorded_at": moment.isoformat()} if record_times else {}) | {"recorded_by": "spread"}

    for index, (day, parties, cadence) in enumerate(made):
        event: dict[str, Any] = {"type": "commitment_made", "commitment": f"s{index:07d}", "on": day.isoformat(),
                                 "title": f"Spread commitment {index}", "parties": parties, "cadence": cadence}  # fmt: skip
        if cadence == "once":
            if rng.random() < 0.5:
                event["due"] = (day + timedelta(days=rng.randrange(200, 2000))).isoformat()
            else:
                event["due_next"] = rng.choice(KINDS)
        yield stamped(event)
    meetings = 0
    for n in range(total - count):
        today = body_start + timedelta(days=int(n * span))
        if n % 200 == 199:
            kind = rng.choice(KINDS)
            yield stamped({"type": "meeting_held", "meeting": f"sm{meetings:06d}", "on": today.isoformat(),
                           "kind": kind, "title": f"Meeting {meetings}", "parties": PARTIES[:3]})  # fmt: skip
            meetings += 1
            continue
        index = rng.randrange(count)
        slug, (made_on, parties, cadence) = f"s{index:07d}", made[index]
        roll = rng.random()
        if roll < 0.02 and body[index]:
            target = body[index].pop(rng.randrange(len(body[index])))
            if roll < 0.01:
                event = {"type": "event_retracted", "target": f"{slug}#{target}", "reason": "spread retraction"}
            else:
                event = {"type": "event_corrected", "target": f"{slug}#{target}", "reason": "spread correction",
                         "on": max(made_on, today - timedelta(days=rng.randrange(0, 400))).isoformat()}  # fmt: skip
            positions[index] += 1
            yield stamped(event)
            continue
        late = rng.random() < 0.1
        on = max(made_on, today - timedelta(days=rng.randrange(1, 91))) if late else today
        event = {"commitment": slug, "on": on.isoformat()}
        if roll >= 0.998:  # reported long after, dated by the making (a month starts on or before its day)
            event["on"] = made_on.strftime("%Y-%m") if roll >= 0.999 else made_on.isoformat()
        kind_roll = rng.random()
        if kind_roll < 0.35:
            event["type"] = "commitment_reaffirmed"
        elif kind_roll < 0.65:
            event |= {"type": "progress_reported", "note": f"progress {rng.random():.6f}"}
        elif kind_roll < 0.85 and cadence != "standing":
            event |= {"type": "commitment_fulfilled", "parties": rng.sample(parties, rng.randint(1, len(parties)))}
        elif kind_roll < 0.93:
            event |= {"type": "commitment_stalled", "note": "stalled"}
        else:
            event |= {"type": "commitment_abandoned", "parties": [rng.choice(parties)]}
        positions[index] += 1
        body[index].append(positions[index])
        yield stamped(event)


def write(path: Path, total: int, seed: int = 2024, record_times: bool = True) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for event in generate(total, seed, record_times):
            handle.write(json.dumps(event, separators=(",", ":")) + "\n")
    return path
