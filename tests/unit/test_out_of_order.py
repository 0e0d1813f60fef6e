"""SPEC §2: "Events recorded out of valid-time order must give the same answer as if recorded in order."

A random history (commitments of every cadence, their events on distinct valid dates, meetings,
retractions and corrections) is recorded twice: once in valid-time order and once in a random
record order that a user could actually have typed (each stream starts with its making, a meeting
is held after its announcements, a retraction or correction follows its target, a supersession
follows the making of its successor). References of retractions and corrections are remapped to
their target's position in each order. Known at "now", the two logs must agree on the whole status
board as of any date, and on every status change that ``replay`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .builders import record
from commitment_tracker.events import Event, build, first_day
from commitment_tracker.projections import Log, replay

START = date(2024, 1, 1)
PARTIES = ("US", "JP", "KR")
KINDS = ("summit", "ministerial")
CADENCES = ("once", "standing", "annual", "semiannual", "quarterly", "monthly")


@dataclass
class Item:
    """One event of a generated history, before it is given a place in record order."""

    key: int
    entity: str
    event: Event | None = None  # a base event
    meta: tuple[str, int, dict[str, Any]] | None = None  # (type, target key, fields)
    after: set[int] = field(default_factory=set)  # keys that must be recorded before this one


def text(offset: int, precision: str = "day") -> str:
    d = START + timedelta(days=offset)
    return {"day": d.isoformat(), "month": d.strftime("%Y-%m"), "year": str(d.year)}[precision]


@st.composite
def histories(draw: st.DrawFn, distinct_days: bool = True) -> list[Item]:
    """A random history; ``distinct_days``: no two events of a commitment share a valid day (so
    record order cannot matter), else same-day events are common (record order breaks ties)."""
    items: list[Item] = []

    def add(entity: str, **kw: Any) -> Item:
        item = Item(len(items), entity, **kw)
        items.append(item)
        return item

    slugs = [f"c{i}" for i in range(draw(st.integers(1, 4)))]
    made: dict[str, Item] = {}
    fresh: dict[str, Any] = {}  # per commitment: a draw of a not-yet-used valid day

    for slug in slugs:
        cadence = draw(st.sampled_from(CADENCES))
        parties = tuple(p for p in PARTIES if draw(st.booleans())) or ("US",)
        start = draw(st.integers(0, 400))
        precision = draw(st.sampled_from(("day",) * 4 + ("month", "year")))
        deadline: dict[str, Any] = {}
        if cadence == "once":
            choice = draw(st.sampled_from(("none", "due", "due_next", "due_next")))
            if choice == "due":
                deadline["due"] = text(start + draw(st.integers(0, 500)), draw(st.sampled_from(("day", "month"))))
            elif choice == "due_next":
                deadline["due_next"] = draw(st.sampled_from(KINDS))
        made[slug] = add(slug, event=build(
            "commitment_made", commitment=slug, on=text(start, precision), title=f"Commitment {slug}",
            parties=parties, cadence=cadence, **deadline))  # fmt: skip
        used: set[date] = set()

        def fresh_on(start: int = start, used: set[date] = used, coarse: bool = True) -> str | None:
            """A date on or after the making whose first day no other event of the stream has."""
            for _ in range(5):
                offset = draw(st.integers(0, 700)) if distinct_days else draw(st.sampled_from((0, 1, 30, 200, 400)))
                on = text(start + offset, draw(st.sampled_from(("day",) * 5 + ("month", "year"))) if coarse else "day")
                if first_day(on) not in used or not distinct_days:
                    used.add(first_day(on))
                    return on
            return None

        fresh[slug] = (fresh_on, parties, cadence, start)

    for slug in slugs:
        fresh_on, parties, cadence, start = fresh[slug]
        types = ["commitment_reaffirmed", "progress_reported", "commitment_stalled", "commitment_abandoned"]
        types += ["commitment_fulfilled"] * 3 if cadence != "standing" else []
        types += ["deadline_changed"] if cadence == "once" else []
        types += ["commitment_superseded"] if len(slugs) > 1 else []
        # A deadline moved is drawn for itself too: only a once commitment's can move, and among
        # its other events it came up too seldom for a run of the property to be sure to see one.
        moved = ["deadline_changed"] if cadence == "once" and draw(st.integers(0, 3)) else []
        for type_ in [*moved, *(draw(st.sampled_from(types)) for _ in range(draw(st.integers(0, 6))))]:
            on = fresh_on()
            if on is None:
                continue
            fields: dict[str, Any] = {}
            after = {made[slug].key}
            if type_ in ("commitment_reaffirmed", "commitment_fulfilled", "commitment_abandoned") and draw(st.booleans()):
                fields["parties"] = tuple(p for p in parties if draw(st.booleans())) or parties[:1]
            if type_ in ("progress_reported", "commitment_stalled"):
                fields["note"] = "n"
            if type_ == "commitment_superseded":
                fields["by"] = draw(st.sampled_from([s for s in slugs if s != slug]))
                after.add(made[fields["by"]].key)
            if type_ == "deadline_changed":
                if draw(st.booleans()):
                    fields["due"] = text(start + draw(st.integers(0, 700)))
                else:
                    fields["due_next"] = draw(st.sampled_from(KINDS))
            add(slug, event=build(type_, commitment=slug, on=on, **fields), after=after)

    for m in range(draw(st.integers(0, 3))):
        slug, kind = f"m{m}", draw(st.sampled_from(KINDS))
        common = {"meeting": slug, "title": f"Meeting {slug}", "parties": ("US", "JP")}
        announced = draw(st.lists(st.integers(0, 700), max_size=3, unique=True))
        # Mostly one kind per meeting; sometimes re-announced as another kind. Announcements are
        # recorded in the order drawn (not their valid-time order): the first one opens the stream.
        schedules: list[Item] = []
        for a in announced:
            schedules.append(add(slug, event=build(
                "meeting_scheduled", on=text(a), scheduled_for=text(a + draw(st.integers(1, 300))),
                kind=kind if draw(st.integers(0, 3)) else draw(st.sampled_from(KINDS)), **common),
                after={schedules[-1].key} if schedules else set()))  # fmt: skip
        if not schedules or draw(st.booleans()):
            add(slug, event=build("meeting_held", on=text(draw(st.integers(0, 800))), kind=kind, **common),
                after={s.key for s in schedules})  # fmt: skip

    # corrections and retractions of what was generated so far
    base = list(items)
    for item in base:
        assert item.event is not None
        event = item.event
        if event.type != "commitment_made" and event.type.startswith("commitment") or event.type in (
            "progress_reported", "deadline_changed"
        ):
            if draw(st.integers(0, 4)) == 0:
                fresh_on = fresh[item.entity][0]
                correction: dict[str, Any] = {}
                if getattr(event, "parties", None) and draw(st.booleans()):
                    correction["parties"] = tuple(reversed(fresh[item.entity][1]))[:draw(st.integers(1, 3))]
                else:
                    on = fresh_on(coarse=False)
                    if on is None:
                        continue
                    correction["on"] = on
                fix = add(item.entity, meta=("event_corrected", item.key, {"reason": "fix", **correction}),
                          after={item.key})  # fmt: skip
                if draw(st.integers(0, 3)) == 0:
                    add(item.entity, meta=("event_retracted", fix.key, {"reason": "bad fix"}), after={fix.key})
        elif event.type == "commitment_made" and getattr(event, "due", None) and draw(st.integers(0, 3)) == 0:
            add(item.entity, meta=("event_corrected", item.key, {"reason": "fix", "due": text(draw(st.integers(400, 900)))}),
                after={item.key})  # fmt: skip
        elif event.type == "commitment_made" and draw(st.integers(0, 5)) == 0:
            # A party joins after the fact: every party its events name stays a party.
            joined = tuple(p for p in PARTIES if p not in event.parties)  # type: ignore[attr-defined]
            if joined:
                parties = event.parties + joined[: draw(st.integers(1, len(joined)))]  # type: ignore[attr-defined]
                add(item.entity, meta=("event_corrected", item.key, {"reason": "fix", "parties": parties}), after={item.key})
        elif event.type == "meeting_scheduled" and draw(st.booleans()):
            # Re-announced as another kind, or for another day.
            other = next(k for k in KINDS if k != event.kind)  # type: ignore[attr-defined]
            fix = {"kind": other} if draw(st.booleans()) else {
                "scheduled_for": text((first_day(event.on) - START).days + draw(st.integers(1, 300)))}  # type: ignore[attr-defined]
            add(item.entity, meta=("event_corrected", item.key, {"reason": "fix", **fix}), after={item.key})
        elif event.type == "meeting_held" and draw(st.integers(0, 3)) == 0:
            add(item.entity, meta=("event_corrected", item.key, {"reason": "fix", "kind": draw(st.sampled_from(KINDS))}),
                after={item.key})  # fmt: skip
    successors = {getattr(i.event, "by", None) for i in base}
    makings = list({i.entity: i for i in reversed(base)}.values())  # the first event of each stream
    for item in [i for i in base if i not in makings] + makings:
        if item in makings and item.entity in successors:
            continue  # the tracker refuses a supersession by a commitment that was never made
        if draw(st.integers(0, 5)) == 0:
            # a retraction follows every correction of its target (a retracted event cannot be
            # corrected); a stream's retracted first event, everything of its stream (nothing can
            # follow it)
            fixes = {i.key for i in items if i.meta is not None and i.meta[1] == item.key}
            if item in makings:
                fixes = {i.key for i in items if i.entity == item.entity}
            retraction = add(item.entity, meta=("event_retracted", item.key, {"reason": "wrong"}),
                             after={item.key} | fixes)  # fmt: skip
            if draw(st.integers(0, 2)) == 0:
                add(item.entity, meta=("event_retracted", retraction.key, {"reason": "was right"}),
                    after={retraction.key})  # fmt: skip
    return items


def linear(items: list[Item], priority: dict[int, Any]) -> list[Item]:
    """The items in ``priority`` order, each delayed until everything it must follow is recorded."""
    pending = sorted(items, key=lambda i: priority[i.key])
    done: set[int] = set()
    order = []
    while pending:
        index = next(n for n, item in enumerate(pending) if item.after <= done)
        item = pending.pop(index)
        order.append(item)
        done.add(item.key)
    return order


def valid_time_priority(items: list[Item]) -> dict[int, Any]:
    """Valid-time order; a retraction or correction comes right after its target."""
    by_key = {i.key: i for i in items}

    def key(item: Item) -> tuple[Any, ...]:
        if item.meta is None:
            return (first_day(item.event.on), item.key)  # type: ignore[union-attr]
        return (*key(by_key[item.meta[1]]), item.key)

    return {i.key: key(i) for i in items}


def recorded(order: list[Item]) -> Log:
    """The items recorded in ``order``: positions per stream, meta targets remapped to them."""
    positions: dict[str, int] = {}
    ref: dict[int, str] = {}
    events = []
    for item in order:
        positions[item.entity] = positions.get(item.entity, 0) + 1
        ref[item.key] = f"{item.entity}#{positions[item.entity]}"
        if item.meta is not None:
            type_, target, fields = item.meta
            assert ref[target].split("#")[0] == item.entity
            events.append(build(type_, target=ref[target], **fields))
        else:
            events.append(item.event)
    return Log(record(events))


def as_of_dates(items: list[Item], rng: Random) -> list[date]:
    days = {START - timedelta(days=31), START + timedelta(days=1500)}
    days |= {START + timedelta(days=rng.randint(-30, 1500)) for _ in range(30)}
    for item in items:
        on = getattr(item.event, "on", None)
        if on is not None:
            days |= {first_day(on), first_day(on) - timedelta(days=1)}
    return sorted(days)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(histories(), st.randoms(use_true_random=False))
def test_the_board_and_replay_do_not_depend_on_the_order_events_were_recorded_in(items, rng):
    in_order = recorded(linear(items, valid_time_priority(items))).known_at(None)
    shuffled = [i.key for i in items]
    rng.shuffle(shuffled)
    out_of_order = recorded(linear(items, {k: n for n, k in enumerate(shuffled)})).known_at(None)

    for as_of in as_of_dates(items, rng):
        expected = [s.to_data() for s in in_order.board(as_of)]
        assert [s.to_data() for s in out_of_order.board(as_of)] == expected, as_of

    end = START + timedelta(days=1600)

    def changes(knowledge: Any) -> list[dict[str, object]]:
        return [{k: v for k, v in c.to_data().items() if k != "cause"} for c in replay(knowledge, None, end)]

    assert changes(out_of_order) == changes(in_order)


def test_the_generated_histories_do_exercise_retractions_corrections_meetings_and_every_cadence():
    """A guard on the generator itself: the property above is only as good as its histories."""
    seen: set[str] = set()

    # The same examples on every run, in CI or not (hypothesis's CI profile derandomizes, a plain
    # make test did not, and one run in four missed a deadline change). Hypothesis also mixes in
    # constants of the modules loaded so far, so the examples still shift with what ran before:
    # the generator draws a deadline change often enough that no such shift loses it (none in 250
    # seeds), where it failed one seed in ten before.
    @settings(max_examples=100, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(histories())
    def collect(items: list[Item]) -> None:
        for item in items:
            if item.meta is not None:
                seen.add(item.meta[0])
            else:
                seen.add(item.event.type)  # type: ignore[union-attr]
                seen.add(f"cadence:{getattr(item.event, 'cadence', None)}")

    collect()
    assert {"event_retracted", "event_corrected", "meeting_held", "meeting_scheduled",
            "commitment_superseded", "commitment_fulfilled", "deadline_changed"} <= seen  # fmt: skip
    assert {f"cadence:{c}" for c in CADENCES} <= seen
