"""``Knowledge.steps``: a commitment's making and effective events in the fold's order, whichever
commitments were asked for before it and however often; a stream replaced since is read again.

The report asks for the steps of every commitment of a chunk in several passes (the sliders, the
board, the scores, the order they were made in), so the steps of more than the last commitment are
kept: what is kept must never stand for a stream it was not built from.
"""

from __future__ import annotations

import random

from .builders import Story
from commitment_tracker.events import first_day
from commitment_tracker.projections import Knowledge
from commitment_tracker.tracker import resolve


def expected(knowledge: Knowledge, slug: str) -> tuple[object, list[tuple[object, int]]]:
    """The making and the (event, position) of each effective step, sorted afresh: by valid day, then position."""
    resolved = knowledge.streams[slug]
    live = [r for r in resolved[1:] if not r.retracted and not r.is_meta]
    live.sort(key=lambda r: (first_day(r.event.on), r.record.position))  # type: ignore[attr-defined]
    return resolved[0].event, [(r.event, r.record.position) for r in live]


def found(knowledge: Knowledge, slug: str) -> tuple[object, list[tuple[object, int]]]:
    made, steps = knowledge.steps(slug)
    assert all(step.day == first_day(step.event.on) for step in steps)  # type: ignore[attr-defined]
    return made, [(step.event, step.resolved.record.position) for step in steps]


def story(commitments: int) -> Story:
    """Commitments with events out of valid-time order, ties on a day, a retraction and a correction each."""
    s = Story()
    for n in range(commitments):
        slug = f"c{n:04d}"
        s.made(slug, "2024-01-10")
        late = s.event("progress_reported", slug, f"2024-0{3 + n % 5}-01")
        s.event("commitment_stalled", slug, "2024-02")
        s.event("progress_reported", slug, "2024-02-01")
        gone = s.event("commitment_reaffirmed", slug, "2024-02-15")
        s.retract(gone)
        s.correct(late, on="2024-01-20")
    return s


def test_steps_of_many_commitments_asked_in_any_order_are_each_their_own():
    knowledge = story(300).knowledge()
    slugs = list(knowledge.commitments)
    asks = slugs + slugs[::-1] + random.Random(7).choices(slugs, k=2000)
    for slug in asks:
        assert found(knowledge, slug) == expected(knowledge, slug), slug


def test_a_stream_replaced_since_is_read_again():
    s = story(3)
    knowledge = s.knowledge()
    for slug in knowledge.commitments:
        found(knowledge, slug)
    for slug in list(knowledge.commitments):
        records = [r.record for r in knowledge.streams[slug]]
        for end in range(1, len(records) + 1):  # as history does: the stream as known after each record
            knowledge.streams[slug] = resolve(records[:end])
            assert found(knowledge, slug) == expected(knowledge, slug)
            other = knowledge.commitments[0] if slug != knowledge.commitments[0] else knowledge.commitments[-1]
            assert found(knowledge, other) == expected(knowledge, other)
