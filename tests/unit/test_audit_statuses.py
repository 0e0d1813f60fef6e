"""The audit trail's status before and after each event (``history`` in valid-time order) is the
fold's status as of the event's day, from the whole status the fold builds, for every kind of
commitment (once, standing, recurring: a recurring one lapses by time alone) and at every as-of day.
"""

from __future__ import annotations

import json
from datetime import date

from .builders import record
from commitment_tracker.events import META_TYPES, first_day, parse_obj
from commitment_tracker.projections import Log
from commitment_tracker.projections.fold import CommitmentFold
from commitment_tracker.projections.history import _valid_day, history
from tests.cli.helpers import DATASET


def statuses(knowledge, slug: str) -> list[tuple[str | None, str | None]]:
    """(before, after) of each event in the trail's order, from ``CommitmentFold.view`` afresh."""
    resolved = knowledge.streams[slug]
    ordered = sorted(resolved, key=lambda r: (_valid_day(r, resolved), r.record.position))
    made_day = first_day(resolved[0].event.on)
    fold = CommitmentFold(resolved[0].event)
    found, status = [], None
    for item in [resolved[0], *[r for r in ordered if r is not resolved[0]]]:
        day = max(_valid_day(item, resolved), made_day)
        before = fold.view(day, knowledge.meetings).status if status is not None else None
        if item is resolved[0]:
            after = fold.view(day, knowledge.meetings).status
        elif item.retracted or item.record.event.type in META_TYPES:
            after = before
        else:
            fold.apply(item.event)
            after = fold.view(day, knowledge.meetings).status
        found.append((before, after))
        status = after
    return found


def test_the_trail_tells_the_folds_status_before_and_after_every_event():
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    events = [parse_obj(json.loads(line)) for line in lines if line.strip()]
    log = Log(record(events))
    knowledge = log.known_at(None)
    cadences = set()
    for slug in knowledge.commitments:
        cadences.add(knowledge.streams[slug][0].event.cadence)
        for as_of in (date(2024, 1, 1), date(2026, 12, 31)):
            trail = history(log, knowledge, slug, by_record=False, as_of=as_of)
            assert [(r["status_before"], r["status_after"]) for r in trail] == statuses(knowledge, slug), slug
    assert {"once", "standing"} <= cadences


def test_a_recurring_commitment_lapsing_between_its_events():
    events = [
        parse_obj({"type": "commitment_made", "commitment": "r", "on": "2020-01-01", "title": "Meet yearly",
                   "parties": ["US", "JP"], "cadence": "annual"}),
        parse_obj({"type": "commitment_fulfilled", "commitment": "r", "on": "2020-06-01", "parties": ["US"]}),
        parse_obj({"type": "progress_reported", "commitment": "r", "on": "2023-03-01", "note": "talks"}),
        parse_obj({"type": "commitment_fulfilled", "commitment": "r", "on": "2024-02-01"}),
        parse_obj({"type": "commitment_abandoned", "commitment": "r", "on": "2026-01-01", "parties": ["JP"]}),
    ]
    log = Log(record(events))
    knowledge = log.known_at(None)
    trail = history(log, knowledge, "r", by_record=False, as_of=date(2026, 12, 31))
    found = [(r["status_before"], r["status_after"]) for r in trail]
    assert found == statuses(knowledge, "r")
    assert ("lapsed", "lapsed") in found  # time alone, between two events


def test_a_folds_status_alone_is_its_whole_statuss_on_every_day():
    """``CommitmentFold.status_on``, which the audit trail and the timelines' walk read, against
    ``view``: after each step of every commitment of the dataset and of the synthetic history, on
    days from before the making to years after (lapses of recurring commitments among them)."""
    import tempfile
    from datetime import timedelta
    from pathlib import Path

    from benchmarks.synthetic import write

    with tempfile.TemporaryDirectory() as tmp:
        lines = write(Path(tmp) / "history.jsonl", 600).read_text(encoding="utf-8").splitlines()
    lines += DATASET.read_text(encoding="utf-8").splitlines()
    knowledge = Log(record(parse_obj(json.loads(line)) for line in lines if line.strip())).known_at(None)
    checked = set()
    for slug in knowledge.commitments:
        made, steps = knowledge.steps(slug)
        fold = CommitmentFold(made)
        start = first_day(made.on) - timedelta(days=40)
        for step in [None, *steps]:
            if step is not None:
                fold.apply(step.event)
            for n in range(0, 3650, 47):
                day = start + timedelta(days=n)
                assert fold.status_on(day) == fold.view(day, knowledge.meetings).status, (slug, day)
                checked.add((made.cadence, fold.status_on(day)))
    assert {("annual", "lapsed"), ("once", "fulfilled"), ("standing", "active")} <= checked
