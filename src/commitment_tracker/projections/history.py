"""The audit trail of one entity: every event, with both clocks and its effect on the status."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from commitment_tracker.events import META_TYPES, MetaEvent, first_day, to_data
from commitment_tracker.projections.fold import CommitmentFold
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.tracker import NotFound, Resolved, resolve

MEETING_TYPES = frozenset({"meeting_held", "meeting_scheduled"})


def row(resolved: Resolved) -> dict[str, Any]:
    """One event as the audit trail shows it: its effective values (corrections applied), what
    later records did to it, and -- when corrected -- its values as recorded under ``original``."""
    record = resolved.record
    own = to_data(resolved.event)
    own.pop("recorded_at", None)
    own.pop("recorded_by", None)
    data: dict[str, Any] = {
        "ref": record.ref,
        "type": record.event.type,
        "on": getattr(resolved.event, "on", None),
        "recorded_at": record.event.recorded_at.isoformat() if record.event.recorded_at else None,
        "recorded_by": record.event.recorded_by,
        "seq": record.seq,
        **{k: v for k, v in own.items() if k != "type"},
        "retracted": resolved.retracted,
        "retracted_by": list(resolved.retracted_by),
        "corrected_by": list(resolved.corrected_by),
    }
    if resolved.corrected_by:
        recorded = {k: v for k, v in to_data(record.event).items() if k not in ("recorded_at", "recorded_by")}
        changed = sorted(k for k in own.keys() | recorded.keys() if own.get(k) != recorded.get(k))
        data["effective"] = {k: own.get(k) for k in changed}
        data["original"] = {k: recorded.get(k) for k in changed}
    return data


def history(log: Log, knowledge: Knowledge, slug: str, *, by_record: bool, as_of: date,
            until_as_of: bool = False) -> list[dict[str, Any]]:  # fmt: skip
    """Every event of ``slug``'s stream known at the knowledge's record time.

    Valid-time order (ties: record order): ``status_before``/``status_after`` are the status as
    of the event's own date, just before and just after it (retracted events and retractions or
    corrections change nothing there), up to ``as_of`` when ``until_as_of``. Record order: the status as of ``as_of`` that the tracker
    would have given just before and just after the event was recorded.
    """
    resolved = knowledge.streams.get(slug)
    if not resolved:
        raise NotFound(f"unknown id {slug!r}")
    is_commitment = resolved[0].record.event.type == "commitment_made"
    if by_record:
        rows = [row(r) for r in resolved]
        statuses = _by_record(log, knowledge, slug, as_of) if is_commitment else [(None, None)] * len(rows)
        for data, (before, after) in zip(rows, statuses, strict=True):
            data["status_before"], data["status_after"] = before, after
        return rows
    rows = _by_valid_time(knowledge, slug, resolved, is_commitment)
    # ``until_as_of``: the story up to the as-of date, what had happened by then (``history``);
    # ``show`` and the report list every event next to the status as of that date.
    return [data for data in rows if data.pop("_day") <= as_of or not until_as_of]


def _valid_day(item: Resolved, resolved: list[Resolved]) -> date:
    """Where an event sits in valid time; a retraction or correction sits with its target."""
    event = item.event
    if isinstance(event, MetaEvent):
        return _valid_day(resolved[event.target_position - 1], resolved)
    on = getattr(event, "on", None)
    return first_day(on) if on else date.min


def _by_valid_time(knowledge: Knowledge, slug: str, resolved: list[Resolved], is_commitment: bool) -> list[dict[str, Any]]:
    ordered = sorted(resolved, key=lambda r: (_valid_day(r, resolved), r.record.position))
    if not is_commitment or resolved[0].retracted:
        rows = [row(r) for r in ordered]
        for data, item in zip(rows, ordered, strict=True):
            data["status_before"] = data["status_after"] = None
            data["_day"] = _valid_day(item, resolved)
        return rows
    made = resolved[0].event
    made_day = first_day(made.on)  # type: ignore[attr-defined]
    fold = CommitmentFold(made)  # type: ignore[arg-type]
    rows = []
    status: str | None = None
    # The making applies first, whatever its place among events dated earlier.
    for item in [resolved[0], *[r for r in ordered if r is not resolved[0]]]:
        data = row(item)
        day = max(_valid_day(item, resolved), made_day)
        before = fold.status_on(day) if status is not None else None
        if item is resolved[0]:
            after: str | None = fold.status_on(day)
        elif item.retracted or item.record.event.type in META_TYPES:
            after = before
        else:
            fold.apply(item.event)
            after = fold.status_on(day)
        status = after
        data["status_before"], data["status_after"] = before, after
        data["_day"] = day
        rows.append(data)
    return rows


def _by_record(log: Log, knowledge: Knowledge, slug: str, as_of: date) -> list[tuple[str | None, str | None]]:
    records = [r.record for r in knowledge.streams[slug]]
    statuses: list[tuple[str | None, str | None]] = []
    previous: str | None = None
    for index, record in enumerate(records):
        at: datetime | None = record.event.recorded_at
        # What the tracker knew then: meetings recorded by then, and this stream up to this record.
        then = log.known_at(at, kinds=MEETING_TYPES)
        then.streams[slug] = resolve(records[: index + 1])
        status = then.status(slug, as_of)
        current = status.status if status is not None else None
        statuses.append((previous, current))
        previous = current
    return statuses
