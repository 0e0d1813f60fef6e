"""Deadlines as of a date: what is overdue, what falls due soon, what awaits a meeting not yet set.

A commitment has a deadline when it is open (not fulfilled, abandoned or superseded) and not a
standing principle: a ``due`` date, a ``due_next`` meeting kind (resolved to the next meeting of
that kind held or announced by D, see ``meetings.next_of_kind``), or for a recurring commitment the
day its next instance is due. A deadline is met by its last day ("2024-06" by 30 June), so:

- ``overdue``: D is past that day (the fold's ``overdue``);
- ``upcoming``: that day is D itself or within ``within`` days after D;
- ``awaiting``: a ``due_next`` that no meeting resolves yet ("awaiting the next trilateral-summit").

Deadlines further away than the window are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from collections.abc import Iterable
from typing import Any

from commitment_tracker.events import last_day
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.fold import CLOSED, CommitmentStatus
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.projections.meetings import MeetingIndex

STATES = ("overdue", "upcoming", "awaiting")


@dataclass(frozen=True, slots=True)
class Deadline:
    commitment: CommitmentStatus
    state: str  # one of STATES
    days: int | None  # from D to the deadline's last day; negative when overdue; None when awaiting
    meeting_held: bool | None  # for a resolved due_next: whether the meeting was held by D

    @property
    def pending(self) -> tuple[str, ...]:
        """The parties that still owe it."""
        return tuple(p for p, s in self.commitment.party_status.items() if s == "pending")

    def to_data(self) -> dict[str, Any]:
        c = self.commitment
        return {
            "id": c.id, "title": c.title, "state": self.state, "due_on": c.due_on, "days": self.days,
            "due_next": c.due_next, "due_meeting": c.due_meeting, "meeting_held": self.meeting_held,
            "status": c.status, "cadence": c.cadence, "parties": list(c.parties),
            "pending": list(self.pending),
        }  # fmt: skip


def deadlines(knowledge: Knowledge, as_of: date, within: int) -> list[Deadline]:
    """Overdue, upcoming (within ``within`` days after ``as_of``) and awaiting deadlines, in that order."""
    return deadlines_of(knowledge.board(as_of), knowledge.meetings, as_of, within)


def deadlines_of(board: Iterable[CommitmentStatus], meetings: MeetingIndex, as_of: date, within: int, *,
                 area: str | None = None) -> list[Deadline]:  # fmt: skip
    """The deadlines of a board (from the view or a fold), meetings resolving ``due_next`` ones;
    of one issue area's commitments, if given."""
    horizon = as_of + timedelta(days=within)
    found = []
    for commitment in board:
        if not in_area(commitment.area, area):
            continue
        if commitment.status in CLOSED or commitment.cadence == "standing":
            continue
        if commitment.due_on is None:
            if commitment.due_next is not None:
                found.append(Deadline(commitment, "awaiting", None, None))
            continue
        day = last_day(commitment.due_on)
        held = None
        if commitment.due_next is not None and commitment.due_meeting is not None:
            resolved = meetings.next_of_kind(commitment.due_next, commitment.made_on, as_of)
            held = resolved.held if resolved is not None else None
        if commitment.overdue:
            found.append(Deadline(commitment, "overdue", (day - as_of).days, held))
        elif as_of <= day <= horizon:
            found.append(Deadline(commitment, "upcoming", (day - as_of).days, held))
    order = {state: index for index, state in enumerate(STATES)}
    found.sort(key=lambda d: (order[d.state], d.days or 0, d.commitment.made_on, d.commitment.id))
    return found
