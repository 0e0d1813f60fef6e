"""The reader that folds the log: answers without writing, for a user who may read a store but
not write its view.

Queries are answered from the materialised view, which readers bring up to date first -- a write.
An auditor's PostgreSQL role (SELECT only) and a read-only archive copy of a SQLite store cannot
write it, so when the view lags the log (or is missing) their queries fold the log in memory
instead: the same fold the view is checked against, the same answers, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day
from commitment_tracker.projections import queries
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.queries import did_you_mean
from commitment_tracker.projections.walk import Change
from commitment_tracker.tracker import NotFound

if TYPE_CHECKING:
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.tracker import Tracker

class FoldReader:
    """The queries of ``ViewReader``, answered by folding the whole log; writes nothing."""

    view = None  # it reads no table

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self._knowledge: dict[datetime | None, Knowledge] = {}

    def close(self) -> None:
        pass

    @cached_property
    def log(self) -> Log:
        return Log(self.tracker.log())

    def ids(self) -> list[str]:
        return list(self.log.streams)

    def behind(self) -> int:
        return 0

    def catch_up(self, progress: Any = None) -> int:
        return 0  # nothing to bring up to date: every answer folds the log as it is

    def log_for(self, slug: str) -> Log:
        if not self.tracker.stream(slug):
            raise NotFound(f"unknown id {slug!r}{did_you_mean(slug, list(self.log.streams))}")
        return self.log

    def log_of(self, slugs: Any) -> Log:
        return self.log

    def record_times(self, slugs: Sequence[str], clocks: Clocks) -> Iterator[list[datetime]]:
        """As ``ViewReader.record_times``, from the log (every stream but other commitments')."""
        wanted, known_at = set(slugs), clocks.known_at
        yield [record.event.recorded_at for slug, records in self.log.streams.items()
               if slug in wanted or records[0].event.type != "commitment_made" for record in records
               if record.event.recorded_at is not None and (known_at is None or record.event.recorded_at <= known_at)]  # fmt: skip

    def knowledge(self, known_at: datetime | None) -> Knowledge:
        return self._known(known_at)

    def recorded_between(self, after: datetime, until: datetime) -> list[Any]:
        """As ``ViewReader.recorded_between``, from the log."""
        from commitment_tracker.projections.view.tables import stamp
        from commitment_tracker.tracker.streams import KIND_OF_FIRST

        found = []
        for records in self.log.streams.values():
            kind = KIND_OF_FIRST.get(records[0].event.type, "other")
            for record in records:
                at = record.event.recorded_at
                if at is not None and after < at <= until:
                    found.append((record.seq, record.entity, record.position, stamp(at), record.event.type, kind))
        return [row[1:] for row in sorted(found, key=lambda r: (r[3], r[0]))]

    def recorded_of(self, slugs: list[str], after: datetime, until: datetime) -> list[Any]:
        """As ``ViewReader.recorded_of``, from the log."""
        wanted = set(slugs)
        return [(row[0], row[1]) for row in self.recorded_between(after, until) if row[0] in wanted]

    def log_around(self, slug: str, roles: tuple[str, ...]) -> Log:
        return self.log

    def _known(self, known_at: datetime | None) -> Knowledge:
        if known_at not in self._knowledge:
            self._knowledge[known_at] = self.log.known_at(known_at)
        return self._knowledge[known_at]

    def knowledge_of_ids(self, slugs: list[str], clocks: Clocks) -> Knowledge:
        return self._known(clocks.known_at)

    def statuses(self, clocks: Clocks) -> list[Any]:
        return list(self._known(clocks.known_at).board(clocks.as_of))

    def meetings_at(self, clocks: Clocks) -> Any:
        return self._known(clocks.known_at).meetings

    def score_sheet(self, clocks: Clocks, area: str | None = None, board: Sequence[Any] | None = None) -> list[Any]:
        """The fold's own sheet (``board`` aside: the fold's board is the knowledge it folds)."""
        from commitment_tracker.projections.scores import score_sheet

        return score_sheet(self._known(clocks.known_at), clocks.as_of, area=area)

    def score_only(self, clocks: Clocks, sheet: Sequence[Any] | None = None, board: Sequence[Any] | None = None) -> set[str]:
        """The fold's own judgement (``board`` aside: the fold's board is the knowledge it folds)."""
        from commitment_tracker.projections.scores import score_only

        knowledge = self._known(clocks.known_at)
        judged = knowledge.commitments if sheet is None else [row.id for row in sheet]
        return {slug for slug in judged if score_only(knowledge, slug, clocks.as_of)}

    def knowledge_of_kinds(self, kinds: frozenset[str], clocks: Clocks) -> Knowledge:
        from commitment_tracker.tracker.streams import KIND_OF_FIRST

        return self.log.known_at(clocks.known_at, frozenset(t for t, k in KIND_OF_FIRST.items() if k in kinds))

    def board(self, clocks: Clocks) -> list[dict[str, Any]]:
        rows = [status.to_data() for status in self.log.known_at(clocks.known_at).board(clocks.as_of)]
        return sorted(rows, key=lambda r: (first_day(r["made_on"]), r["id"]))

    def board_due_at(self, meeting: str, clocks: Clocks) -> list[dict[str, Any]]:
        return [row for row in self.board(clocks) if row["due_meeting"] == meeting]

    def board_among(self, slugs: Sequence[str], clocks: Clocks) -> list[dict[str, Any]]:
        wanted = set(slugs)
        return [row for row in self.board(clocks) if row["id"] in wanted]

    def due_by_meetings(self, meetings: Sequence[str]) -> list[str]:
        return list(self.log.streams)  # every stream: the boards it filters are folded whole anyway

    def diff(self, start: date, clocks: Clocks) -> list[dict[str, Any]]:
        return queries.board_diff(self.board(clocks.on(start)), self.board(clocks))

    def replay(self, start: date | None, clocks: Clocks) -> list[Change]:
        return queries.replay(self.log.known_at(clocks.known_at), start, clocks.as_of)
