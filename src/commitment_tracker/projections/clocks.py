"""The two clocks of every question, as one value.

Every answer the tracker gives is bitemporal: it describes the commitments as they stood on a day
of valid time (``as_of``), as the tracker knew them at a moment of record time (``known_at``,
None for everything recorded so far). The CLI builds one ``Clocks`` per command from its options
and hands it down whole; nothing below the CLI rebuilds either clock, and record time becomes SQL
text only where the view binds it (``view.tables.stamp``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Clocks:
    as_of: date
    #: None: everything recorded so far, whenever it was recorded.
    known_at: datetime | None = None
    #: When the question was asked: what an answer reports as its record time when ``known_at``
    #: is None (JSON always names the moment it answered for).
    asked_at: datetime | None = None

    @property
    def moment(self) -> datetime:
        """The record time the answer is for, as a moment (``known_at``, else when asked)."""
        moment = self.known_at or self.asked_at
        if moment is None:
            raise ValueError("these clocks name no moment: give known_at or asked_at")
        return moment

    def on(self, day: date) -> Clocks:
        """The same record time, another day of valid time (a diff's two ends)."""
        return replace(self, as_of=day)
