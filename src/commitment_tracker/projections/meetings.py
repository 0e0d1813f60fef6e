"""Meetings as known at a record time, and the resolution of ``due_next`` deadlines."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from commitment_tracker.events import MeetingHeld, MeetingScheduled, first_day
from commitment_tracker.tracker import Resolved


@dataclass(frozen=True, slots=True)
class Deadline:
    on: str  # the meeting's date, with its precision
    meeting: str
    held: bool


@dataclass
class Meeting:
    id: str
    held: MeetingHeld | None = None
    schedules: list[MeetingScheduled] = field(default_factory=list)

    @property
    def latest(self) -> MeetingHeld | MeetingScheduled | None:
        return self.held or (self.schedules[-1] if self.schedules else None)


def days_named(data: dict[str, Any]) -> list[date]:
    """The days one of a meeting's facts names (as plain data): the day it was held or announced
    on, the day it was announced for, or one a correction sets. A meeting's date at any record
    time is the first day of one of its facts' days."""
    return [first_day(value) for key in ("on", "scheduled_for") if isinstance(value := data.get(key), str)]


#: The types that begin a meeting's stream: the index reads those streams alone.
MEETING_TYPES = frozenset({"meeting_held", "meeting_scheduled"})


class MeetingIndex:
    """Every meeting's effective held and scheduled events, grouped for deadline lookups."""

    def __init__(self, streams: dict[str, list[Resolved]]) -> None:
        self.meetings: dict[str, Meeting] = {}
        for slug, resolved in streams.items():
            if not resolved or resolved[0].record.event.type not in MEETING_TYPES:
                continue
            meeting = Meeting(slug)
            for item in resolved:
                if item.retracted:
                    continue
                if isinstance(item.event, MeetingHeld):
                    meeting.held = item.event
                elif isinstance(item.event, MeetingScheduled):
                    meeting.schedules.append(item.event)
            if meeting.latest is not None:
                self.meetings[slug] = meeting
        # Held meetings by kind, in date order: the lookups below run for every board row.
        self._held: dict[str, list[tuple[date, str]]] = {}
        for m in self.meetings.values():
            if m.held is not None:
                self._held.setdefault(m.held.kind, []).append((first_day(m.held.on), m.id))
        for held in self._held.values():
            held.sort()
        # kind -> meetings announced as that kind at some point (their latest announcement decides)
        self._announcing: dict[str, list[Meeting]] = {}
        for m in self.meetings.values():
            for kind in {s.kind for s in m.schedules}:
                self._announcing.setdefault(kind, []).append(m)
        self._change_days: dict[str, list[date]] = {}  # kind -> sorted days (see change_days)

    def first_held(self, kind: str, after: date) -> date | None:
        """The day of the first meeting of ``kind`` held after ``after`` (on any as-of date)."""
        held = self._held.get(kind, [])
        index = bisect_right(held, (after, "\uffff"))
        return held[index][0] if index < len(held) else None

    def change_days(self, kind: str | None, after: date) -> list[date]:
        """Days on which ``next_of_kind(kind, after, D)`` can change as D advances. Computed once
        per kind: every fold of a commitment due by one asks, and a long log has thousands of each."""
        if kind is None:
            return []
        days = self._change_days.get(kind)
        if days is None:
            found = {day for day, _ in self._held.get(kind, [])}
            for m in self._announcing.get(kind, ()):
                # Any announcement of such a meeting may re-announce it as another kind, and its
                # holding (as whatever kind) ends what its announcements said.
                found.update(first_day(s.on) for s in m.schedules)
                if m.held is not None:
                    found.add(first_day(m.held.on))
            days = self._change_days[kind] = sorted(found)
        return days[bisect_right(days, after) :]

    def held_by(self, slug: str, as_of: date) -> bool:
        meeting = self.meetings.get(slug)
        return meeting is not None and meeting.held is not None and first_day(meeting.held.on) <= as_of

    def making_window(self, slug: str, as_of: date) -> tuple[str, date | None, date] | None:
        """(kind, start, end): ``slug`` can be, as of ``as_of``, the next-meeting deadline only of
        commitments due by that kind made on a day in [start, end) (start None: no bound), as
        ``next_of_kind`` resolves them; None when it is neither held nor announced by then.

        Held by ``as_of``: the first meeting of its kind held after a making is this one exactly
        when the making is before it and not before the last other meeting of the kind held
        before it (one held in between would come first). Only announced: an announced meeting
        is "the next" only while no meeting of the kind is held between the making and ``as_of``,
        and only after the making, so the making is on or after the last day one was held by
        ``as_of`` and before the day announced."""
        meeting = self.meetings.get(slug)
        if meeting is None:
            return None
        if meeting.held is not None and first_day(meeting.held.on) <= as_of:
            kind, end = meeting.held.kind, first_day(meeting.held.on)
            before = [day for day, _ in self._held.get(kind, []) if day < end]
            return kind, (before[-1] if before else None), end
        known = [s for s in meeting.schedules if first_day(s.on) <= as_of]
        if not known:
            return None
        latest = sorted(known, key=lambda s: first_day(s.on))[-1]  # as next_of_kind picks it
        held = [day for day, _ in self._held.get(latest.kind, []) if day <= as_of]
        return latest.kind, (held[-1] if held else None), first_day(latest.scheduled_for)

    def next_of_kind(self, kind: str, after: str, as_of: date) -> Deadline | None:
        """The first meeting of ``kind`` after ``after``: held by ``as_of``, else announced by then."""
        start = first_day(after)
        held = self._held.get(kind, [])
        index = bisect_right(held, (start, "\uffff"))
        if index < len(held) and held[index][0] <= as_of:
            first = self.meetings[held[index][1]]
            return Deadline(first.held.on, first.id, True)  # type: ignore[union-attr]
        announced: list[tuple[date, str, str]] = []
        for m in self._announcing.get(kind, ()):
            if m.held is not None and first_day(m.held.on) <= as_of:
                continue  # held already, but not after the commitment: it cannot be "the next"
            known = [s for s in m.schedules if first_day(s.on) <= as_of]
            if known:
                # The latest announcement, as corrected, defines the meeting's date and kind. "Latest"
                # in valid time (ties: record order): an announcement recorded out of order must not
                # undo a newer one (SPEC §2).
                latest = sorted(known, key=lambda s: first_day(s.on))[-1]
                if latest.kind == kind and first_day(latest.scheduled_for) > start:
                    announced.append((first_day(latest.scheduled_for), m.id, latest.scheduled_for))
        if announced:
            _, meeting, on = min(announced)
            return Deadline(on, meeting, False)
        return None
