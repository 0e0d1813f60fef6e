"""``replay`` read through the view lists the changes the fold's walk lists, on the making's day too.

Events dated on the day a commitment was made, or before it (a coarse date: "2024-03" for a
making on 2024-03-15), take effect on that day. The fold's walk shows the making, then the change
those events make, as two changes of that day; the view stores one row per valid day, whose status
is already theirs. Here commitments get such events, corrections that move the making or an event
onto, off or past that day, and retractions, recorded one at a time and caught up now and then
(so that a commitment is sometimes changed several times within one catch-up), on SQLite, on an
encrypted SQLite store and on PostgreSQL; ``replay`` is then asked, now and at every record time,
for random valid dates from random starts, and must list exactly what the fold of the log lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitment_tracker.cli.main import cli
from commitment_tracker.events import build, first_day
from commitment_tracker.projections import Log, replay
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import RuleViolation, Tracker, open_tracker, resolve, resolve_store
from tests.conftest import fresh_pg_store

BASE = date(2024, 3, 10)
PARTIES = ("US", "JP")
STATUS_EVENTS = ("commitment_reaffirmed", "progress_reported", "commitment_fulfilled", "commitment_stalled",
                 "commitment_abandoned")  # fmt: skip

#: Where an event is dated: the making's own day written at some precision (a month or a year
#: starts on or before it), or some days after it at some precision.
PRECISIONS = ("day", "day", "month", "year")
dated = st.one_of(
    st.tuples(st.just(0), st.sampled_from(PRECISIONS)),
    st.tuples(st.sampled_from((1, 2, 20, 90)), st.sampled_from(PRECISIONS)),
)


def text(day: date, precision: str) -> str:
    return {"day": day.isoformat(), "month": day.strftime("%Y-%m"), "year": str(day.year)}[precision]


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """The makings, then what is recorded about them, in record order; ``catch_up`` marks where the
    view is brought up to date. Dates and targets are relative: they are resolved against each
    stream as it stands when recorded (a refused event is left out, as a user's would be)."""
    count = draw(st.integers(1, 3))
    found: list[tuple[Any, ...]] = []
    for index in range(count):
        cadence = draw(st.sampled_from(("once", "once", "annual", "standing")))
        due = draw(st.one_of(st.none(), st.integers(30, 400))) if cadence == "once" else None
        found.append(("make", index, draw(st.integers(0, 40)), draw(st.sampled_from(PRECISIONS)), cadence, due))
    commitment = st.integers(0, count - 1)
    which = st.integers(0, 20)  # an event of the stream, by its index among those that may take it
    precisions = st.sampled_from(PRECISIONS)
    recorded = draw(st.lists(st.tuples(st.one_of(
        st.tuples(st.just("step"), commitment, st.sampled_from(STATUS_EVENTS), dated),
        st.tuples(st.just("step"), commitment, st.sampled_from(STATUS_EVENTS), dated),
        st.tuples(st.just("move_making"), commitment, st.sampled_from((-20, -1, 1, 3, 25)), precisions),
        st.tuples(st.just("move_step"), commitment, which, dated),
        st.tuples(st.just("retract"), commitment, which),
    ), st.booleans()), min_size=1, max_size=16))  # fmt: skip
    # Caught up after about half of them: a step's row then holds from its own record time until
    # a later retraction or correction closes it; else the page's gap covers the time between.
    for operation, caught_up in recorded:
        found += [operation, ("catch_up",)] if caught_up else [operation]
    return found


def _event(tracker: Tracker, operation: tuple[Any, ...]) -> Any:
    """The event an operation records, given the streams as they stand (None: nothing to do)."""
    kind, index = operation[0], operation[1]
    slug = f"c{index}"
    if kind == "make":
        _, _, offset, precision, cadence, due = operation
        on = BASE + timedelta(days=offset)
        deadline = {"due": (on + timedelta(days=due)).isoformat()} if due is not None else {}
        return build("commitment_made", commitment=slug, on=text(on, precision), title=f"Commitment {slug}",
                     parties=PARTIES, cadence=cadence, **deadline)  # fmt: skip
    stream = resolve(tracker.stream(slug))
    if not stream or stream[0].retracted:
        return None
    made = first_day(stream[0].event.on)  # type: ignore[attr-defined]
    if kind == "step":
        _, _, type_, (offset, precision) = operation
        fields = {"note": "n"} if type_ in ("progress_reported", "commitment_stalled") else {}
        if type_ == "commitment_fulfilled" and stream[0].event.cadence == "standing":  # type: ignore[attr-defined]
            type_ = "commitment_reaffirmed"
        return build(type_, commitment=slug, on=text(made + timedelta(days=offset), precision), **fields)
    if kind == "move_making":
        _, _, offset, precision = operation
        return build("event_corrected", target=stream[0].record.ref, reason="the day was wrong",
                     on=text(made + timedelta(days=offset), precision))  # fmt: skip
    live = [r for r in stream[1:] if not r.retracted and not r.is_meta]
    if kind == "move_step":
        _, _, pick, (offset, precision) = operation
        if not live:
            return None
        return build("event_corrected", target=live[pick % len(live)].record.ref, reason="the day was wrong",
                     on=text(made + timedelta(days=offset), precision))  # fmt: skip
    # A retraction of anything but the making: a step, a correction or a retraction of one.
    targets = [r for r in stream[1:] if not r.retracted]
    if not targets:
        return None
    return build("event_retracted", target=targets[operation[2] % len(targets)].record.ref, reason="wrong")


def _key(change: Any) -> tuple[Any, ...]:
    return (change.day, *change.to_data().values())


@contextmanager
def _store(kind: str, folder: Any) -> Iterator[Tracker]:
    if kind == "postgres":
        with fresh_pg_store() as url, open_tracker(resolve_store(url)) as tracker:
            yield tracker
        return
    key = CliRunner().invoke(cli, ["keygen"]).stdout.strip() if kind == "encrypted" else None
    with open_tracker(resolve_store(str(folder / "t.db"), cipher_key=key)) as tracker:
        yield tracker


@pytest.mark.parametrize("kind", ["sqlite", "encrypted", pytest.param("postgres", marks=pytest.mark.postgres)])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])  # fmt: skip
@given(recorded=operations(), data=st.data())
def test_replay_through_the_view_lists_the_folds_changes_on_and_before_the_making_day(
    tmp_path_factory, kind, recorded, data
) -> None:
    with _store(kind, tmp_path_factory.mktemp("making-day")) as tracker:
        reader = ViewReader(tracker)
        for operation in recorded:
            if operation[0] == "catch_up":
                reader.catch_up()
                continue
            event = _event(tracker, operation)
            if event is not None:
                try:
                    tracker.record([event], "tester")
                except RuleViolation:
                    pass  # refused, as it would be to a user: nothing recorded
        reader.catch_up()
        log = Log(tracker.log())
        records = [r for stream in log.streams.values() for r in stream]
        days = sorted({first_day(r.event.on) for r in records if getattr(r.event, "on", None)})  # type: ignore[attr-defined]
        # At every record time (each may be one at which a step on the making's day was live, and
        # retracted or moved later) and now, a few valid dates and starts at random.
        as_of = st.one_of(st.sampled_from(days), st.integers(-5, 500).map(lambda n: BASE + timedelta(days=n)))
        start = st.one_of(st.none(), st.sampled_from(days))  # the beginning, or an event's day
        try:
            for known_at in [None, *sorted({r.event.recorded_at for r in records})]:
                for day, first in data.draw(st.lists(st.tuples(as_of, start), min_size=1, max_size=3)):
                    first = first if first is None or first <= day else None
                    expected = [_key(c) for c in replay(log.known_at(known_at), first, day)]
                    found = [_key(c) for c in reader.replay(first, Clocks(day, known_at))]
                    assert found == expected, (known_at, day, first)
        finally:
            reader.close()


@pytest.mark.parametrize("undo", ["retracted", "moved"])
def test_a_step_of_the_making_day_later_retracted_or_moved_still_counts_as_known_before(store_url: str, undo) -> None:
    """Its row is closed by then: as known while it stood, replay still lists the making, then the
    fulfilment of the same day."""
    undone = (build("event_retracted", target="c#2", reason="wrong") if undo == "retracted"
              else build("event_corrected", target="c#2", reason="later", on="2024-04-02"))  # fmt: skip
    with open_tracker(resolve_store(store_url)) as tracker:
        reader = ViewReader(tracker)
        for event in (build("commitment_made", commitment="c", on="2024-03-15", title="C", parties=PARTIES),
                      build("commitment_fulfilled", commitment="c", on="2024-03-15"), undone):  # fmt: skip
            tracker.record([event], "tester")
            reader.catch_up()  # each record its own page: no gap covers any record time
        log = Log(tracker.log())
        fulfilled_at = tracker.event_at("c#2").event.recorded_at
        try:
            at = Clocks(date(2024, 12, 31), fulfilled_at)
            assert [(c.day, c.before, c.after, c.cause) for c in reader.replay(None, at)] == [
                (date(2024, 3, 15), None, "pledged", "c#1"), (date(2024, 3, 15), "pledged", "fulfilled", "c#2")]
            for known_at in [None, *(r.event.recorded_at for r in log.streams["c"])]:
                expected = [_key(c) for c in replay(log.known_at(known_at), None, date(2024, 12, 31))]
                assert [_key(c) for c in reader.replay(None, Clocks(date(2024, 12, 31), known_at))] == expected
        finally:
            reader.close()
