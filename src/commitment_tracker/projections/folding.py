"""Answers without writing: for a user who may read a store but not write its view.

Queries are answered from the materialised view, which readers bring up to date first -- a write.
An auditor's PostgreSQL role (SELECT only) and a read-only archive copy of a SQLite store cannot
write it, so when the view lags the log (or is missing) their queries fold the log in memory
instead: the same fold the view is checked against, the same answers, nothing written.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day
from commitment_tracker.projections import queries
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.reader import ViewReader, did_you_mean
from commitment_tracker.projections.viewstore import TABLES
from commitment_tracker.projections.walk import Change
from commitment_tracker.tracker import NotFound

if TYPE_CHECKING:
    from commitment_tracker.tracker import Tracker

#: The library's tracking table, where the view keeps its position in the log.
TRACKING_TABLE = {"sqlite": "tracking", "postgres": "statusview_tracking"}


def view_tables(tracker: Tracker) -> set[str]:
    from commitment_tracker.projections.search import TABLE as SEARCH_TABLE

    return {*TABLES, SEARCH_TABLE, TRACKING_TABLE[tracker.store.backend]}


def open_reader(tracker: Tracker) -> ViewReader | FoldReader:
    """The view, when it is current or this user may bring it up to date; else the fold."""
    tracker.check_key()
    needed = view_tables(tracker)
    found = tracker.found
    if not needed <= found.tables:
        if not found.can_create:
            return FoldReader(tracker)
        open_view(tracker)  # a store from before the view: add its tables (CREATE IF NOT EXISTS)
        reader = ViewReader(tracker)
        # A view written before it had a table (the references, say) lacks that table's rows for
        # the facts it holds already: rebuild it once, rather than answer from a partial index.
        reader.stale = "view_facts" in found.tables
        return reader
    if needed <= found.writable:
        return ViewReader(tracker)
    reader = CurrentView(tracker)
    if reader.projection.position() >= tracker.count():
        return reader
    reader.close()
    return FoldReader(tracker)


def writable_view(tracker: Tracker) -> ViewReader:
    """The view, for rebuilding it: its tables are created first if this store has none yet."""
    tracker.check_key()
    if not view_tables(tracker) <= tracker.found.tables and tracker.found.can_create:
        open_view(tracker)
    return ViewReader(tracker)


def open_view(tracker: Tracker) -> None:
    from commitment_tracker.projections.catchup import open_view as view

    view(tracker, create=True).datastore.close()  # type: ignore[attr-defined]


class CurrentView(ViewReader):
    """The view, read as it stands by a user who may not write it (it was current when opened)."""

    def catch_up(self, progress: Any = None) -> int:
        return 0


class FoldReader:
    """The queries of ``ViewReader``, answered by folding the whole log; writes nothing."""

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

    def catch_up(self, progress: Any = None) -> int:
        return 0  # nothing to bring up to date: every answer folds the log as it is

    def log_for(self, slug: str) -> Log:
        if not self.tracker.stream(slug):
            raise NotFound(f"unknown id {slug!r}{did_you_mean(slug, list(self.log.streams))}")
        return self.log

    def log_of(self, slugs: Any) -> Log:
        return self.log

    def knowledge(self, known_at: datetime | None) -> Knowledge:
        return self._known(known_at)

    def recorded_between(self, after: datetime, until: datetime) -> list[Any]:
        """As ``ViewReader.recorded_between``, from the log."""
        from commitment_tracker.projections.catchup import stamp
        from commitment_tracker.tracker.ledger import KIND_OF_FIRST

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
        wanted, every = set(slugs), self.recorded_between(after, until)
        return [(row[0], row[1], "own") for row in every if row[0] in wanted] + [
            (row[0], row[1], "meeting") for row in every if row[4] == "meeting"
        ]

    def log_around(self, slug: str, roles: tuple[str, ...]) -> Log:
        return self.log

    def _known(self, known_at: datetime | None) -> Knowledge:
        if known_at not in self._knowledge:
            self._knowledge[known_at] = self.log.known_at(known_at)
        return self._knowledge[known_at]

    def knowledge_of_ids(self, slugs: list[str], known_at: datetime | None) -> Knowledge:
        return self._known(known_at)

    def statuses(self, as_of: date, known_at: datetime | None) -> list[Any]:
        return list(self._known(known_at).board(as_of))

    def meetings_at(self, known_at: datetime | None) -> Any:
        return self._known(known_at).meetings

    def score_sheet(self, as_of: date, known_at: datetime | None, area: str | None = None) -> list[Any]:
        from commitment_tracker.projections.scores import score_sheet

        return score_sheet(self._known(known_at), as_of, area=area)

    def knowledge_of_kinds(self, kinds: frozenset[str], known_at: datetime | None) -> Knowledge:
        from commitment_tracker.tracker.ledger import KIND_OF_FIRST

        return self.log.known_at(known_at, frozenset(t for t, k in KIND_OF_FIRST.items() if k in kinds))

    def board(self, as_of: date, known_at: datetime | None) -> list[dict[str, Any]]:
        rows = [status.to_data() for status in self.log.known_at(known_at).board(as_of)]
        return sorted(rows, key=lambda r: (first_day(r["made_on"]), r["id"]))

    def diff(self, start: date, end: date, known_at: datetime | None) -> list[dict[str, Any]]:
        return queries.board_diff(self.board(start, known_at), self.board(end, known_at))

    def replay(self, start: date | None, end: date, known_at: datetime | None) -> list[Change]:
        return queries.replay(self.log.known_at(known_at), start, end)
