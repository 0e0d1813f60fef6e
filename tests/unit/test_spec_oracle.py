"""The tracker's fold answers exactly what SPEC §5 says: compared with an independent reading of it.

``spec_oracle.board_row`` is a slow, plain fold written from the SPEC text alone. On random
histories (every cadence, partial and redundant fulfilments and abandonments, stalls,
supersessions, deadline changes, meetings re-announced and corrected to other kinds, retractions
of corrections and of retractions, same-day events), recorded in a random order a user could have
typed, both must give the same board row for every commitment at several (as-of, known-at) pairs.
"""

from __future__ import annotations

from datetime import timedelta
from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import spec_oracle
from .test_out_of_order import START, histories, linear, recorded
from commitment_tracker.events import first_day
from commitment_tracker.projections import Log

COMPARED = ("status", "due_on", "overdue", "late", "party_status", "reaffirmations", "instances", "fulfilled_on")


def tracker_row(log: Log, slug: str, as_of, known_at):  # type: ignore[no-untyped-def]
    status = log.known_at(known_at).status(slug, as_of)
    if status is None:
        return None
    data = status.to_data()
    return {k: data[k] for k in COMPARED}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(histories(distinct_days=False), st.randoms(use_true_random=False))
def test_the_fold_agrees_with_an_independent_reading_of_spec_5(items, rng: Random) -> None:
    shuffled = [i.key for i in items]
    rng.shuffle(shuffled)
    log = recorded(linear(items, {k: n for n, k in enumerate(shuffled)}))
    records = [r for stream in log.streams.values() for r in stream]
    times = sorted(r.event.recorded_at for r in records)
    slugs = sorted({i.entity for i in items if i.event is not None and i.event.type == "commitment_made"})
    known_ats = [None, *rng.sample(times, min(3, len(times)))]
    # Days on which something happens (where answers change), and a few anywhere.
    days = sorted({first_day(on) for i in items if (on := getattr(i.event, "on", None) or (i.meta or ("", 0, {}))[2].get("on"))})
    as_ofs = rng.sample(days, min(8, len(days))) + [START + timedelta(days=rng.randint(-10, 1500)) for _ in range(4)]
    for known_at in known_ats:
        for as_of in as_ofs:
            for slug in slugs:
                expected = spec_oracle.board_row(records, slug, as_of, known_at)
                assert tracker_row(log, slug, as_of, known_at) == expected, (slug, as_of, known_at)


def test_the_oracle_is_not_the_fold():
    """A guard on the oracle: it must disagree with a fold that moves fulfilled_on (the old bug)."""
    from .builders import Story

    story = Story()
    story.made("c", "2024-01-10", due="2024-03-31")
    story.event("commitment_fulfilled", "c", "2024-03-01")
    story.event("commitment_fulfilled", "c", "2024-06-01", parties=("JP",))
    row = spec_oracle.board_row(story.records, "c", START + timedelta(days=400), None)
    assert row is not None
    assert (row["status"], row["fulfilled_on"], row["late"]) == ("fulfilled", "2024-03-01", False)
