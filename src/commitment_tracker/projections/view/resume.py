"""What a page changes of a commitment's live steps, when its fold can resume instead of restarting.

A status event (reaffirmed, progress, fulfilled, stalled, abandoned, superseded) changes a
commitment's rows from its own valid date on and no other step. So does a retraction of one (from
the date the retracted step stood at) and a correction of one (from the earlier of its old and its
new date). A page that brings a commitment only such events is planned here: the earliest valid
date it changes, the live steps it adds or replaces, and the stored steps it drops. Catch-up then
folds on from the last interval starting before that date with the stored steps after it.

Anything else may change an earlier step or what the first one says (the making, a deadline, an
assessment or review, a retraction of a correction or of a retraction, a correction naming a
next-meeting kind, which the commitment's row of kinds must list): no plan, and the commitment is
derived from its whole stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from commitment_tracker.events import EVENT_TYPES, first_day
from commitment_tracker.projections.fold import CommitmentFold
from commitment_tracker.projections.intervals import Interval, intervals_from
from commitment_tracker.projections.knowledge import Step
from commitment_tracker.projections.meetings import MeetingIndex
from commitment_tracker.projections.view.boardrows import board_row, board_text
from commitment_tracker.projections.view.decode import loads
from commitment_tracker.tracker import Recorded, Resolved, stream_id
from commitment_tracker.tracker.mapper import construct_event
from commitment_tracker.tracker.resolution import apply_correction

#: Rows are stored without meetings (a next-meeting deadline is resolved when a row is read).
NO_MEETINGS = MeetingIndex({})

#: The events a commitment's fold resumes with: each changes its rows from its own valid date on.
RESUMING = frozenset({"commitment_reaffirmed", "progress_reported", "commitment_fulfilled", "commitment_stalled",
                      "commitment_abandoned", "commitment_superseded"})  # fmt: skip
#: The meta-events that resume too, when their target is a live status step.
META = frozenset({"event_retracted", "event_corrected"})


@dataclass(frozen=True, slots=True)
class Plan:
    """One commitment's page, as a change of its live steps from ``first`` on."""

    first: date  # the earliest valid date whose row the page may change
    live: dict[int, Step]  # position -> the step as it now stands (new, or newly corrected)
    dropped: frozenset[int]  # stored steps retracted or replaced by ``live``


def may_resume(records: list[Recorded]) -> bool:
    """Whether a page's records of one commitment are all of the kinds a plan can take (whether
    their targets are live status steps is known only once those are read: ``plan``)."""
    for record in records:
        kind = record.event.type
        if record.position == 1 or not (kind in RESUMING or kind in META):
            return False
        if kind == "event_corrected" and vars(record.event).get("due_next") is not None:
            return False  # it names a meeting kind: the commitment's row of kinds changes
    return True


def stored_targets(records: list[Recorded]) -> list[int]:
    """The positions before this page that the page's meta-events name: their step rows are read."""
    first = records[0].position
    return sorted({r.event.target_position for r in records if r.event.type in META and r.event.target_position < first})  # type: ignore[attr-defined]


def stored_step(entity: str, position: int, data: str) -> Step:
    """A view_steps row back as the step it records (its event as corrected when written)."""
    fields = loads(data)
    event = construct_event(EVENT_TYPES[fields["type"]], fields)
    return Step(event, Resolved(Recorded(stream_id(entity), position, event), event))


def plan(records: list[Recorded], stored: dict[int, Step]) -> Plan | None:
    """The page's change of one commitment's steps (``records`` in position order; ``stored``: the
    live step rows of the positions ``stored_targets`` named, those found), or None when a record
    names something other than a live status step."""
    live: dict[int, Step] = {}
    dropped: set[int] = set()
    days: list[date] = []
    for record in records:
        event: Any = record.event
        if event.type in RESUMING:
            live[record.position] = Step(event, Resolved(record, event))
            days.append(first_day(event.on))
            continue
        target = event.target_position
        if target in live:
            step = live.pop(target)
        elif target in stored and target not in dropped and stored[target].event.type in RESUMING:
            step = stored[target]
            dropped.add(target)
        else:
            return None  # a retracted, meta or non-status event: derive the commitment whole
        days.append(step.day)
        if event.type == "event_corrected":
            corrected = apply_correction(step.event, event)
            live[target] = Step(corrected, Resolved(step.resolved.record, corrected))
            days.append(live[target].day)
    return Plan(min(days), live, frozenset(dropped))


def fold_on(first: Sequence[Any], later: list[Step]) -> list[tuple[Any, ...]] | None:
    """A commitment's open rows from the open interval ``first`` on (a view_intervals row:
    entity, valid_from, ..., data), its fold resumed from that row with the live steps dated after
    its start (in valid-time order): ``interval_list``'s rows, the first with its end recomputed.
    None when ``first`` is not a row this fold gives (a view written otherwise): derive it whole."""
    start, row = date.fromisoformat(first[1]), board_row(first[-1])
    fold = CommitmentFold.resumed(row)
    if fold.row(start, NO_MEETINGS) != row:
        return None
    seed = Interval(start, start, *first[3:8], row)
    return interval_list(intervals_from(fold, seed, later, NO_MEETINGS), seed=(row, first[-1]))


def interval_list(fresh: Sequence[Interval], seed: tuple[dict[str, Any], str] | None = None) -> list[tuple[Any, ...]]:
    """view_intervals rows without the entity nor record times, in valid-time order. ``seed``: a
    row's data and its stored JSON, reused where an interval carries that very data (the interval
    a resumed fold starts from), instead of encoding it again."""
    return [
        (i.valid_from.isoformat(), i.valid_to.isoformat(), i.status, i.status_before, i.cause,
         i.cause_type, i.cause_on, seed[1] if seed is not None and i.data is seed[0] else board_text(i.data))
        for i in fresh
    ]  # fmt: skip
