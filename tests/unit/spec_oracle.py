"""An independent reading of SPEC §5, for comparison with the tracker's fold: slow and plain.

Written from the SPEC text (and the sentences docs/spec-additions.md adds to it), sharing no code
with ``projections/``: it filters the log by record time, applies retractions and corrections
itself, resolves ``due_next`` from the meetings itself, and folds one commitment's events in
valid-time order (ties: record order) up to the as-of date. Only the date arithmetic of SPEC §2
(a coarse date is its first day, a deadline its last day; a period is whole months, clamped to
a shorter month's end) is restated here, not imported.

Where SPEC §5 leaves a case open, the tracker's documented resolution is taken and named below.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from commitment_tracker.tracker import Recorded

MONTHS = {"annual": 12, "semiannual": 6, "quarterly": 3, "monthly": 1}
CLOSED = ("fulfilled", "abandoned", "superseded")


def first(text: str) -> date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def last(text: str) -> date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


def plus_period(day: date, cadence: str) -> date:
    month0 = day.month - 1 + MONTHS[cadence]
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- SPEC §2: the log as known at K, with retractions and corrections recorded by then ----------


def known(records: list[Recorded], known_at: datetime | None) -> dict[str, list[tuple[int, int, dict[str, Any], bool]]]:
    """Per entity: (position, seq, effective fields, retracted) of every non-meta event known at K."""
    seen = [r for r in records if known_at is None or r.event.recorded_at <= known_at]
    by_ref = {f"{r.event.entity}#{r.position}": r for r in seen}

    def retracted(ref: str) -> bool:
        # A retraction counts unless it is itself retracted (and so on, recursively).
        return any(
            r.event.type == "event_retracted" and r.event.target == ref and not retracted(f"{r.event.entity}#{r.position}")
            for r in seen
        )

    streams: dict[str, list[tuple[int, int, dict[str, Any], bool]]] = {}
    for ref, r in by_ref.items():
        if r.event.type in ("event_retracted", "event_corrected"):
            continue
        fields = dict(r.event)
        for c in sorted(seen, key=lambda c: c.seq):  # corrections apply in record order
            if c.event.type != "event_corrected" or c.event.target != ref or retracted(f"{c.event.entity}#{c.position}"):
                continue
            for name in c.event.model_fields_set - {"type", "target", "reason", "source", "recorded_by", "recorded_at"}:
                value = getattr(c.event, name)
                if value is None or name not in fields:
                    continue
                fields[name] = value
                if name == "due" and "due_next" in fields:  # a commitment has one kind of deadline
                    fields["due_next"] = None
                if name == "due_next" and "due" in fields:
                    fields["due"] = None
        streams.setdefault(r.event.entity, []).append((r.position, r.seq, fields, retracted(ref)))
    for events in streams.values():
        events.sort()
    return streams


# --- SPEC §4: due_next --------------------------------------------------------------------------


def next_meeting(streams: dict[str, list[Any]], kind: str, made_on: str, as_of: date) -> str | None:
    """"The first meeting of that kind after the commitment's `on` that is held on or before D, else
    the scheduled date of the first such meeting announced on or before D." A meeting's latest
    announcement (valid time, ties: record order), as corrected, defines its date and kind."""
    after = first(made_on)
    held, announced = [], []
    for slug, events in streams.items():
        live = [f for _, _, f, gone in events if not gone]
        if not live or live[0]["type"] not in ("meeting_held", "meeting_scheduled"):
            continue
        holding = [f for f in live if f["type"] == "meeting_held"]
        if holding and first(holding[-1]["on"]) <= as_of:
            if holding[-1]["kind"] == kind and first(holding[-1]["on"]) > after:
                held.append((first(holding[-1]["on"]), slug, holding[-1]["on"]))
            continue
        schedules = [(first(f["on"]), n, f) for n, f in enumerate(live) if f["type"] == "meeting_scheduled"]
        schedules = [s for s in schedules if s[0] <= as_of]
        if schedules:
            latest = max(schedules, key=lambda s: (s[0], s[1]))[2]
            if latest["kind"] == kind and first(latest["scheduled_for"]) > after:
                announced.append((first(latest["scheduled_for"]), slug, latest["scheduled_for"]))
    if held:
        return min(held)[2]
    if announced:
        return min(announced)[2]
    return None


# --- SPEC §5 ------------------------------------------------------------------------------------


def board_row(records: list[Recorded], slug: str, as_of: date, known_at: datetime | None) -> dict[str, Any] | None:
    streams = known(records, known_at)
    events = streams.get(slug)
    if not events or events[0][2]["type"] != "commitment_made" or events[0][3]:
        return None
    made = events[0][2]
    if first(made["on"]) > as_of:
        return None  # "A commitment made after D does not exist as of D."
    cadence, parties = made["cadence"], list(made["parties"])
    recurring = cadence in MONTHS
    due, due_next = made["due"], made["due_next"]
    status = "active" if cadence == "standing" else "pledged"
    party = dict.fromkeys(parties, "pending")
    fulfilled_on: str | None = None
    instances: list[str] = []
    instance_parties: list[str] = []
    reaffirmations = 0
    rest = sorted((e for e in events[1:] if not e[3]), key=lambda e: (first(e[2]["on"]), e[1]))
    for _, _, f, _ in rest:
        if first(f["on"]) > as_of:
            break
        kind = f["type"]
        named = [p for p in (f.get("parties") or parties) if p in party]
        if kind == "commitment_reaffirmed":
            reaffirmations += 1
        elif kind == "deadline_changed":
            due, due_next = f["due"], f["due_next"]
        elif kind == "commitment_superseded":
            status, fulfilled_on = "superseded", None
        elif cadence == "once":
            if kind in ("progress_reported", "commitment_stalled"):
                # "a later progress, reaffirmation or stall [after a closing event] changes no status"
                if status not in CLOSED:
                    status = "in_progress" if kind == "progress_reported" else "stalled"
                continue
            for p in named:
                party[p] = "fulfilled" if kind == "commitment_fulfilled" else "abandoned"
            if all(v == "fulfilled" for v in party.values()):
                if status != "fulfilled":
                    fulfilled_on = f["on"]  # fulfilled when it first became fulfilled
                status = "fulfilled"
            elif "pending" not in party.values():
                # the tracker's resolution: everyone either delivered or walked away
                status, fulfilled_on = "abandoned", None
            elif kind == "commitment_fulfilled" and named and status != "superseded":
                status = "in_progress"  # "a partial fulfilment makes a once commitment in_progress"
        elif kind == "commitment_abandoned":
            for p in named:
                party[p] = "abandoned"
            if all(v == "abandoned" for v in party.values()):
                status = "abandoned"
        elif kind == "commitment_fulfilled" and recurring:
            # "records that one period's instance was held"; taking part again revives a party
            instances.append(f["on"])
            instance_parties = named
            for p in named:
                party[p] = "pending"
            if status in ("abandoned", "superseded") and not all(v == "abandoned" for v in party.values()):
                status = "pledged"

    due_on, late = None, False
    if recurring:
        base = instances[-1] if instances else made["on"]
        due_day = plus_period(last(base), cadence)
        due_on = due_day.isoformat()
        if status not in ("abandoned", "superseded"):
            status = "lapsed" if as_of > due_day else ("on_track" if instances else "pledged")
            if instances:
                before = instances[-2] if len(instances) > 1 else made["on"]
                late = first(instances[-1]) > plus_period(last(before), cadence)
        if status == "on_track":
            for p in instance_parties:
                if party[p] == "pending":
                    party[p] = "fulfilled"
    elif cadence == "once":
        due_on = due if due is not None else (next_meeting(streams, due_next, made["on"], as_of) if due_next else None)
        late = status == "fulfilled" and due_on is not None and first(fulfilled_on) > last(due_on)  # type: ignore[arg-type]
    overdue = due_on is not None and cadence != "standing" and status not in CLOSED and as_of > last(due_on)
    return {
        "status": status, "due_on": due_on, "overdue": overdue, "late": late, "party_status": party,
        "reaffirmations": reaffirmations, "instances": instances,
        "fulfilled_on": fulfilled_on if status == "fulfilled" else None,
    }  # fmt: skip
