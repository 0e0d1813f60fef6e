"""What every reader of the read side answers: the contract ``open_reader`` hands to the CLI.

Two readers keep it. ``ViewReader`` answers from the materialised view, which it brings up to
date first; ``FoldReader`` folds the log in memory, writing nothing, for a user who may read a
store but not write its view while the view lags. Their answers are the same: the fold is the
oracle the view is checked against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.projections.fold import CommitmentStatus
    from commitment_tracker.projections.knowledge import Knowledge, Log
    from commitment_tracker.projections.meetings import MeetingIndex
    from commitment_tracker.projections.scores import Scored
    from commitment_tracker.projections.view.recorder import ViewSQL
    from commitment_tracker.projections.walk import Change


class Reader(Protocol):
    #: The view's recorder, or None for a reader that folds the log (it reads no table).
    view: ViewSQL | None

    def close(self) -> None: ...

    def behind(self) -> int:
        """How many events of the log ``catch_up`` would apply (0 when it has nothing to do)."""
        ...

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Bring what is read up to date with the log; returns how many events were applied."""
        ...

    def ids(self) -> list[str]:
        """Every entity's id (commitments, meetings, statements, sources)."""
        ...

    # --- logs and knowledge of a few entities --------------------------------------------------

    def log_for(self, slug: str) -> Log: ...

    def log_of(self, slugs: Sequence[str]) -> Log: ...

    def record_times(self, slugs: Sequence[str], clocks: Clocks) -> Iterator[list[datetime]]:
        """The record times up to ``clocks.known_at`` of the events of ``slugs`` and of every stream that is
        not a commitment's (what ``log_of(slugs)`` holds besides other commitments), a batch at a time."""
        ...

    def log_around(self, slug: str, roles: tuple[str, ...]) -> Log: ...

    def knowledge_of_ids(self, slugs: list[str], clocks: Clocks) -> Knowledge:
        """What is known at ``clocks.known_at`` of a few entities, with every meeting."""
        ...

    def knowledge_of_kinds(self, kinds: frozenset[str], clocks: Clocks) -> Knowledge: ...

    def meetings_at(self, clocks: Clocks) -> MeetingIndex: ...

    # --- the board, what changed, what was learned ---------------------------------------------

    def board(self, clocks: Clocks) -> list[dict[str, Any]]: ...

    def board_due_at(self, meeting: str, clocks: Clocks) -> list[dict[str, Any]]:
        """The board's rows whose next-meeting deadline is ``meeting`` (``show MEETING``), without
        reading the rest of the board."""
        ...

    def board_among(self, slugs: Sequence[str], clocks: Clocks) -> list[dict[str, Any]]:
        """The board's rows of some commitments (those of ``slugs`` on it), in the board's order."""
        ...

    def due_by_meetings(self, meetings: Sequence[str]) -> list[str]:
        """A set of commitments holding every one whose next-meeting deadline one of ``meetings``
        may resolve, at any record time."""
        ...

    def statuses(self, clocks: Clocks) -> list[CommitmentStatus]: ...

    def diff(self, start: date, clocks: Clocks) -> list[dict[str, Any]]:
        """The board's changes from ``start`` to ``clocks.as_of``, one record time for both."""
        ...

    def replay(self, start: date | None, clocks: Clocks) -> list[Change]: ...

    def recorded_between(self, after: datetime, until: datetime) -> list[Any]: ...

    def recorded_of(self, slugs: list[str], after: datetime, until: datetime) -> list[Any]: ...

    def score_sheet(self, clocks: Clocks, area: str | None = None,
                    board: Sequence[dict[str, Any]] | None = None) -> list[Scored]:  # fmt: skip
        """The score sheet at ``clocks`` (of ``area``); ``board``: the whole board at ``clocks``,
        when the caller has read it already (the sheet lists its commitments), so that it is not
        read twice."""
        ...

    def score_only(self, clocks: Clocks, sheet: Sequence[Scored] | None = None,
                   board: Sequence[dict[str, Any]] | None = None) -> set[str]:  # fmt: skip
        """The ids of the commitments that are score-only at ``clocks`` (``scores.score_only``);
        of ``sheet``'s commitments only, when the caller has read the score sheet already (and
        ``board``, the whole board at ``clocks``, when it has read that)."""
        ...
