"""The pure status fold of SPEC §5: a commitment's events, as known, folded as of a valid date.

``CommitmentFold`` accumulates events in valid-time order (ties: record order); ``view(as_of)``
derives what depends on the date itself (recurring lapses, deadlines, overdue). Every query --
board, show, history, replay, diff -- is built from this one fold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from commitment_tracker.events import (
    CommitmentAbandoned,
    CommitmentFulfilled,
    CommitmentMade,
    CommitmentReaffirmed,
    CommitmentStalled,
    CommitmentSuperseded,
    DeadlineChanged,
    Event,
    ProgressReported,
    add_period,
    first_day,
    last_day,
)
from commitment_tracker.projections.meetings import MeetingIndex

ONCE_STATUSES = ("pledged", "in_progress", "fulfilled", "stalled", "abandoned", "superseded")
STANDING_STATUSES = ("active", "abandoned", "superseded")
RECURRING_STATUSES = ("pledged", "on_track", "lapsed", "abandoned", "superseded")
STATUSES = tuple(dict.fromkeys(ONCE_STATUSES + STANDING_STATUSES + RECURRING_STATUSES))
CLOSED = frozenset({"fulfilled", "abandoned", "superseded"})
RECURRING = frozenset({"annual", "semiannual", "quarterly", "monthly"})


@dataclass(frozen=True)
class CommitmentStatus:
    """A commitment as of a valid date, known at a record time: plain data for every query."""

    id: str
    title: str
    parties: tuple[str, ...]
    cadence: str
    status: str
    made_on: str
    due_on: str | None
    overdue: bool
    late: bool
    last_event_on: str
    reaffirmations: int
    last_reaffirmed_on: str | None
    instances: tuple[str, ...]
    party_status: dict[str, str]
    due: str | None
    due_next: str | None
    due_meeting: str | None
    fulfilled_on: str | None
    superseded_by: str | None
    meeting: str | None
    area: str | None = None  # SPEC §8: the issue area and external reference code
    code: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CommitmentStatus:
        """A board row back as the status it was made from (the view stores ``to_data``)."""
        # The view stores rows with sorted keys: the parties' statuses go back in pledge order.
        status = data["party_status"]
        ordered = {p: status[p] for p in data["parties"] if p in status} | status
        return cls(**data | {"parties": tuple(data["parties"]), "instances": tuple(data["instances"]),
                             "party_status": ordered})  # fmt: skip

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "parties": list(self.parties), "cadence": self.cadence,
            "status": self.status, "made_on": self.made_on, "due_on": self.due_on,
            "overdue": self.overdue, "late": self.late, "last_event_on": self.last_event_on,
            "reaffirmations": self.reaffirmations, "last_reaffirmed_on": self.last_reaffirmed_on,
            "instances": list(self.instances), "party_status": dict(self.party_status),
            "due": self.due, "due_next": self.due_next, "due_meeting": self.due_meeting,
            "fulfilled_on": self.fulfilled_on, "superseded_by": self.superseded_by,
            "meeting": self.meeting, "area": self.area, "code": self.code,
        }  # fmt: skip


def once_deadline(
    due: str | None, due_next: str | None, made_on: str, fulfilled_on: str | None, as_of: date,
    meetings: MeetingIndex,
) -> tuple[str | None, str | None, bool]:
    """(due_on, due_meeting, late) of a ``once`` commitment: its date, or the next meeting's."""
    due_on, due_meeting = due, None
    if due is None and due_next is not None:
        deadline = meetings.next_of_kind(due_next, made_on, as_of)
        if deadline is not None:
            due_on, due_meeting = deadline.on, deadline.meeting
    # fulfilled_on is only set while the commitment stands fulfilled, so late is never stale.
    late = due_on is not None and fulfilled_on is not None and first_day(fulfilled_on) > last_day(due_on)
    return due_on, due_meeting, late


def is_overdue(due_on: str | None, status: str, cadence: str, as_of: date) -> bool:
    return due_on is not None and status not in CLOSED and as_of > last_day(due_on) and cadence != "standing"


def resolve_next_meeting(row: dict[str, Any], as_of: date, meetings: MeetingIndex) -> dict[str, Any]:
    """A board row stored without meetings, with its next-meeting deadline resolved as of a date.

    The view keeps rows of ``due_next`` commitments independent of meetings, so a meeting never
    forces their intervals to be recomputed; the deadline is resolved when the row is read.
    """
    if row["cadence"] != "once" or row["due"] is not None or row["due_next"] is None:
        return row
    due_on, due_meeting, late = once_deadline(
        row["due"], row["due_next"], row["made_on"], row["fulfilled_on"], as_of, meetings
    )
    overdue = is_overdue(due_on, row["status"], row["cadence"], as_of)
    return row | {"due_on": due_on, "due_meeting": due_meeting, "late": late, "overdue": overdue}


class CommitmentFold:
    """Accumulates one commitment's effective events, applied in valid-time order."""

    def __init__(self, made: CommitmentMade) -> None:
        self.id = made.commitment
        self.title = made.title
        self.parties = made.parties
        self.cadence = made.cadence
        self.made_on = made.on
        self.due = made.due
        self.due_next = made.due_next
        self.meeting = made.meeting
        self.status = "active" if made.cadence == "standing" else "pledged"
        self.party = dict.fromkeys(made.parties, "pending")
        self.fulfilled_on: str | None = None
        self.superseded_by: str | None = None
        self.instances: list[str] = []
        self.instance_parties: tuple[str, ...] = ()
        self.reaffirmations = 0
        self.last_reaffirmed_on: str | None = None
        self.last_event_on = made.on
        self.area, self.code = made.area, made.code

    @classmethod
    def resumed(cls, row: dict[str, Any]) -> CommitmentFold:
        """The fold as it stood when it gave ``row`` (``row(day, meetings)`` with no meetings):
        every later event applies to it as to the fold that gave the row. What the row shows
        differently from the fold's own fields is only ever derived from them: a recurring
        commitment's status (the fold keeps pledged, abandoned or superseded; the row adds lapses)
        and its parties (``fulfilled`` in the row is a pending party of the running instance); an
        instance's parties matter only while on track, and then the row shows them."""
        fold = cls.__new__(cls)
        fold.id, fold.title, fold.parties, fold.cadence = row["id"], row["title"], tuple(row["parties"]), row["cadence"]
        fold.made_on, fold.due, fold.due_next, fold.meeting = row["made_on"], row["due"], row["due_next"], row["meeting"]
        fold.status, fold.party = row["status"], dict(row["party_status"])
        fold.instance_parties = ()
        if fold.cadence in RECURRING:
            if fold.status not in ("abandoned", "superseded"):
                fold.status = "pledged"
            if row["status"] == "on_track":
                fold.instance_parties = tuple(p for p, v in row["party_status"].items() if v == "fulfilled")
            fold.party = {p: "pending" if v == "fulfilled" else v for p, v in row["party_status"].items()}
        fold.fulfilled_on, fold.superseded_by = row["fulfilled_on"], row["superseded_by"]
        fold.instances = list(row["instances"])
        fold.reaffirmations, fold.last_reaffirmed_on = row["reaffirmations"], row["last_reaffirmed_on"]
        fold.last_event_on, fold.area, fold.code = row["last_event_on"], row["area"], row["code"]
        return fold

    @property
    def recurring(self) -> bool:
        return self.cadence in RECURRING

    def apply(self, event: Event) -> None:
        on = getattr(event, "on", None)
        if on is not None and first_day(on) > first_day(self.last_event_on):
            self.last_event_on = on
        if isinstance(event, CommitmentReaffirmed):
            self.reaffirmations += 1
            self.last_reaffirmed_on = event.on
        elif isinstance(event, ProgressReported):
            if self.cadence == "once" and self.status not in CLOSED:
                self.status = "in_progress"
        elif isinstance(event, CommitmentStalled):
            if self.cadence == "once" and self.status not in CLOSED:
                self.status = "stalled"
        elif isinstance(event, CommitmentFulfilled):
            self._fulfil(event)
        elif isinstance(event, CommitmentAbandoned):
            for party in event.parties or self.parties:
                if party in self.party:
                    self.party[party] = "abandoned"
            self._settle(progress=False)
        elif isinstance(event, CommitmentSuperseded):
            self.status = "superseded"
            self.superseded_by = event.by
            self.fulfilled_on = None  # no longer fulfilled, so neither late nor fulfilled on a day
        elif isinstance(event, DeadlineChanged):
            self.due, self.due_next = event.due, event.due_next

    def _fulfil(self, event: CommitmentFulfilled) -> None:
        parties = [p for p in (event.parties or self.parties) if p in self.party]
        if self.cadence == "standing":
            return  # a principle is never done; kept in the history only
        if self.recurring:
            self.instances.append(event.on)
            self.instance_parties = tuple(parties)
            for party in parties:
                self.party[party] = "pending"  # taking part again revives a party that had left
            if self.status in ("abandoned", "superseded") and not self._all("abandoned"):
                self.status = "pledged"
            return
        was_fulfilled = self.status == "fulfilled"
        for party in parties:
            self.party[party] = "fulfilled"
        self._settle(progress=bool(parties))
        if self.status == "fulfilled" and not was_fulfilled:
            # Fulfilled from the day it first became so: saying it again later changes nothing.
            self.fulfilled_on = event.on

    def _all(self, value: str) -> bool:
        return all(v == value for v in self.party.values())

    def _settle(self, *, progress: bool) -> None:
        """Overall status after a party's fulfilment (``progress``) or abandonment changed."""
        if self.cadence != "once":
            if self._all("abandoned"):
                self.status = "abandoned"
            return
        values = set(self.party.values())
        if values == {"fulfilled"}:
            self.status = "fulfilled"
        elif "pending" not in values:
            self.status = "abandoned"  # every party has either walked away or already delivered
        elif progress and self.status != "superseded":
            # A partial fulfilment is progress: it ends a stall. A partial abandonment is not,
            # so it leaves the overall status (a stall included) as it was.
            self.status = "in_progress"
        if self.status != "fulfilled":
            self.fulfilled_on = None

    # --- derived as of a date ------------------------------------------------------------------

    def view(self, as_of: date, meetings: MeetingIndex) -> CommitmentStatus:
        return CommitmentStatus.from_data(self.row(as_of, meetings))

    def row(self, as_of: date, meetings: MeetingIndex) -> dict[str, Any]:
        """``view(as_of, meetings).to_data()``, built directly: the view's intervals need one at
        every change point of every commitment, and a frozen dataclass is slow to build."""
        status, due_on, due_meeting, late = self.status, None, None, False
        party_status = dict(self.party)
        if self.cadence in RECURRING:
            due_on, status, late = self._recurring(as_of)
            for party, value in party_status.items():
                if value == "pending" and status == "on_track" and party in self.instance_parties:
                    party_status[party] = "fulfilled"
        elif self.cadence == "once":
            due_on, due_meeting, late = once_deadline(
                self.due, self.due_next, self.made_on, self.fulfilled_on, as_of, meetings
            )
        overdue = is_overdue(due_on, status, self.cadence, as_of)
        return {
            "id": self.id, "title": self.title, "parties": list(self.parties), "cadence": self.cadence,
            "status": status, "made_on": self.made_on, "due_on": due_on, "overdue": overdue, "late": late,
            "last_event_on": self.last_event_on, "reaffirmations": self.reaffirmations,
            "last_reaffirmed_on": self.last_reaffirmed_on, "instances": list(self.instances),
            "party_status": party_status, "due": self.due, "due_next": self.due_next,
            "due_meeting": due_meeting, "fulfilled_on": self.fulfilled_on,
            "superseded_by": self.superseded_by, "meeting": self.meeting, "area": self.area, "code": self.code,
        }  # fmt: skip

    def status_on(self, as_of: date) -> str:
        """``view(as_of, meetings).status`` alone: only a recurring commitment's changes with time (a
        lapse), and no meeting changes it (the audit trail asks before and after every event)."""
        return self._recurring(as_of)[1] if self.cadence in RECURRING else self.status

    def _recurring(self, as_of: date) -> tuple[str, str, bool]:
        """(due_on, status, late): the next instance is due one period after the last one."""
        # A coarse instance ("2024") gets the benefit of the doubt: its period runs from its end.
        base = self.instances[-1] if self.instances else self.made_on
        due = add_period(last_day(base), self.cadence)
        late = False
        if self.instances:
            before = self.instances[-2] if len(self.instances) > 1 else self.made_on
            late = first_day(self.instances[-1]) > add_period(last_day(before), self.cadence)
        if self.status in ("abandoned", "superseded"):
            return due.isoformat(), self.status, False  # late describes a standing fulfilment only
        if as_of > due:
            return due.isoformat(), "lapsed", late
        return due.isoformat(), "on_track" if self.instances else "pledged", late

    def next_change(self, after: date) -> date | None:
        """The first day after ``after`` on which time alone changes the status (a lapse)."""
        if not self.recurring or self.status in ("abandoned", "superseded"):
            return None
        base = self.instances[-1] if self.instances else self.made_on
        lapse = add_period(last_day(base), self.cadence)
        lapse = date.fromordinal(lapse.toordinal() + 1)
        return lapse if lapse > after else None
