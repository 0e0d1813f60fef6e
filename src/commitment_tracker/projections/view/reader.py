"""Queries answered from the materialised view: indexed lookups for any as-of and known-at.

The board, diff and replay read the view's intervals; a commitment that the view marks as
changing at the requested record time (a gap) is folded exactly from its own stream instead. So
is, for replay, a commitment made within its window with steps dated on or before the making's
day: the view keeps one row per valid day, where the walk lists the making, then what they change.
``show`` and ``history`` fold one commitment from its stream (plus meetings and statements),
never the whole log.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day
from commitment_tracker.projections.view.boardrows import board_row
from commitment_tracker.projections.view.catchup import StatusProjection, knowledge_of, record_from_fact
from commitment_tracker.projections.view.creation import open_view
from commitment_tracker.projections.view.tables import stamp
from commitment_tracker.projections.view.decode import loads
from commitment_tracker.projections.fold import CommitmentStatus, resolve_next_meeting
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.queries import board_diff, did_you_mean
from commitment_tracker.projections.meetings import MeetingIndex, days_named
from commitment_tracker.projections.walk import Change, walk
from commitment_tracker.tracker import NotFound, Recorded

if TYPE_CHECKING:
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.projections.scores import Scored
    from commitment_tracker.tracker import Tracker


#: The days before a meeting whose meetings of its kind ``show MEETING`` reads first (widened
#: fourfold until the meeting's window is within them).
MEETING_SPAN = 400
#: How many exact folds of a few commitments a reader keeps (see ``ViewReader._exact``).
EXACT_KEPT = 4
#: Commitments folded exactly at a time where the view has gaps (``ViewReader._exact_chunks``): on
#: a log kept on the same commitments for years, a record time inside a page finds most of them
#: changing, and folding them all at once held the whole log.
EXACT_CHUNK = 200


#: How many commitments ``board_among`` reads by their ids, at most, at an earlier record time.
BY_KEY = 500


class ViewReader:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.view = open_view(tracker)
        self.projection = StatusProjection(tracker, self.view)
        self._meeting_streams: dict[str, list[Recorded]] | None = None
        self._meetings_now: MeetingIndex | None = None
        self._shared_streams: dict[str, list[Recorded]] | None = None
        self._exact_known: dict[tuple[tuple[str, ...], datetime | None], Knowledge] = {}
        self.stale = False  # set when the view predates one of its tables: rebuilt on catch-up

    def close(self) -> None:
        self.view.datastore.close()  # type: ignore[attr-defined]

    def behind(self) -> int:
        return self.tracker.count() - self.projection.position()

    def catch_up(self, progress: Any = None) -> int:
        self._meeting_streams = self._meetings_now = self._shared_streams = None
        self._exact_known = {}
        if self.stale or not self.view.batches_reach(self.projection.position()):
            # A view from before one of its tables (or whose batches were not recorded, as by a
            # release before view_batches): rebuilt once, so that verify can replay its batches.
            self.stale = False
            return self.rebuild(progress)
        if self.view.is_clear():
            # Written in clear before the store had a key: rebuild it sealed, once the log is known
            # to decrypt with this key (a wrong key must not wipe the view).
            next(self.tracker.log(), None)
            return self.rebuild(progress)
        if self.view.predates_reviews() or self.view.earlier_board_rows():
            return self.rebuild(progress)
        if self.projection.position() == 0 or self.view.lacks_indexes():
            # The whole view is written (see ViewSQL.bulk); or a rebuild or first catch-up was
            # interrupted with its indexes dropped: this one goes on as it would have, and makes them.
            with self.view.bulk():
                return self.projection.catch_up(progress)
        return self.projection.catch_up(progress)

    def rebuild(self, progress: Any = None) -> int:
        self.view.reset(self.tracker.name)  # type: ignore[attr-defined]
        self.projection = StatusProjection(self.tracker, self.view)
        return self.catch_up(progress)

    # --- exact folds of a few streams ----------------------------------------------------------

    def _meetings(self) -> dict[str, list[Recorded]]:
        """Every meeting's stream (deadlines by the next meeting of a kind depend on them)."""
        if self._meeting_streams is None:
            streams: dict[str, list[Recorded]] = {}
            for row in self.view.meeting_facts():
                streams.setdefault(row[0], []).append(record_from_fact(row))
            self._meeting_streams = streams
        return self._meeting_streams

    def log_for(self, slug: str) -> Log:
        """A log of one entity's stream plus what bears on it: the meetings of the kinds it is due
        by, the statements about it, and the sources (for evidence)."""
        own = self.tracker.stream(slug)
        if not own:
            raise NotFound(f"unknown id {slug!r}{self.did_you_mean(slug)}")
        # The kinds it is due by now (the view's), and every kind any of its events ever named: at
        # an earlier --known-at a deadline later retracted or corrected away may still hold.
        named = {vars(record.event).get("due_next") for record in own} - {None}
        kinds = sorted({k for k in (self.view.due_next(slug) or "").split(",") if k} | named)
        # Whole streams: a meeting's retraction, say, does not name its kind.
        patterns = [("statement", f'"{slug}"'), *(("meeting", f'"kind": "{kind}"') for kind in kinds)]
        facts = self.view.related_facts(patterns)
        streams: dict[str, list[Recorded]] = {}
        for row in facts:
            streams.setdefault(row[0], []).append(record_from_fact(row))
        streams[slug] = own
        return Log(record for records in streams.values() for record in records)

    def recorded_between(self, after: datetime, until: datetime) -> list[Any]:
        """(entity, position, recorded, event type, entity kind) of every event recorded in (after, until]."""
        return self.view.recorded_between(stamp(after), stamp(until))  # type: ignore[no-any-return]

    def recorded_of(self, slugs: list[str], after: datetime, until: datetime) -> list[Any]:
        """(entity, position) of the events of some entities (a few changed answers' commitments and
        the meetings that moved their deadlines) recorded in (after, until]: what their causes need,
        not every event of the window (which may be most of the log)."""
        return self.view.recorded_of(slugs, stamp(after), stamp(until))  # type: ignore[no-any-return]

    def ids(self) -> list[str]:
        """Every entity's id (commitments, meetings, statements, sources)."""
        return [row[0] for row in self.view.read("SELECT entity FROM {view_entities}")]

    def did_you_mean(self, slug: str) -> str:
        return did_you_mean(slug, self.ids())

    def log_around(self, slug: str, roles: tuple[str, ...]) -> Log:
        """``slug``'s stream, the whole streams of the entities whose events name it in one of
        ``roles`` (found by the references index, whatever they were corrected to since: the fold
        tells what holds), and the sources (for evidence titles)."""
        entities = sorted({slug, *self.view.referring(slug, roles)})
        rows = self.view.facts(entities) + self.view.facts_of_kinds(["source"])
        streams: dict[str, list[Recorded]] = {}
        seen: set[tuple[str, int]] = set()  # a source named by itself comes twice
        for row in rows:
            if (row[0], row[1]) not in seen:
                seen.add((row[0], row[1]))
                streams.setdefault(row[0], []).append(record_from_fact(row))
        in_log_order = sorted(streams.values(), key=lambda records: records[0].seq)  # as the whole fold lists them
        return Log(record for records in in_log_order for record in records)

    def log_of(self, slugs: Sequence[str]) -> Log:
        """A log of some commitments with every meeting, source and statement (what a report of
        them draws on), read from the view, in the order the whole log lists its streams."""
        streams: dict[str, list[Recorded]] = {}
        for row in self.view.facts(sorted(set(slugs))):
            streams.setdefault(row[0], []).append(record_from_fact(row))
        if self._shared_streams is None:
            # Read once per catch-up, not once per call: the report and replay by record time take
            # their commitments a chunk at a time, and every chunk's log holds all of these.
            self._shared_streams = {}
            for row in self.view.facts_of_kinds(["meeting", "source", "statement"]):
                self._shared_streams.setdefault(row[0], []).append(record_from_fact(row))
        streams.update(self._shared_streams)
        in_log_order = sorted(streams.values(), key=lambda records: records[0].seq)
        return Log(record for records in in_log_order for record in records)

    def record_times(self, slugs: Sequence[str], clocks: Clocks) -> Iterator[list[datetime]]:
        """The record times up to ``clocks.known_at`` of the events ``log_of(slugs)`` holds, read by SQL a few
        hundred streams at a time (a report needs every record time to choose its stops, not the
        events: a million of them in one list would be most of its memory)."""
        # Up to K, or up to "now" (stamp(None)), which is after every record time.
        known_at = clocks.known_at
        bound = ("<= ?", stamp(known_at)) if known_at is not None else ("< ?", stamp(None))
        entities = sorted(set(slugs))
        for start in range(0, len(entities), 500):
            yield [datetime.fromisoformat(row[0]) for row in self.view.read_in(
                f"SELECT recorded FROM {{view_facts}} WHERE recorded {bound[0]} AND entity IN ({{entities}})",
                entities[start : start + 500], [bound[1]])]  # fmt: skip
        yield [datetime.fromisoformat(row[0]) for row in self.view.read(
            f"SELECT f.recorded FROM {{view_facts}} f JOIN {{view_entities}} e ON e.entity = f.entity "
            f"WHERE f.recorded {bound[0]} AND e.kind IN ('meeting', 'source', 'statement')", [bound[1]])]  # fmt: skip

    def knowledge_of_kinds(self, kinds: frozenset[str], clocks: Clocks) -> Knowledge:
        """What is known at ``clocks.known_at`` of every entity of some kinds ("source", "meeting",
        "statement"), read from the view's facts of those entities alone, not the whole log."""
        streams: dict[str, list[Recorded]] = {}
        for row in self.view.facts_of_kinds(sorted(kinds)):
            streams.setdefault(row[0], []).append(record_from_fact(row))
        return knowledge_of(streams, clocks.known_at)

    def knowledge_of_ids(self, slugs: list[str], clocks: Clocks) -> Knowledge:
        """Exact knowledge at ``clocks.known_at`` of a few entities' streams, with the meetings (which
        resolve next-meeting deadlines): what a chart of some commitments needs, nothing more."""
        return self._exact(slugs, clocks.known_at)

    def exact_now(self, slugs: list[str]) -> Knowledge:
        """What is known now of a few entities' streams (without the meetings a board needs)."""
        return knowledge_of(self._streams(slugs), None)

    def _exact(self, slugs: list[str], known_at: datetime | None) -> Knowledge:
        """Exact knowledge at ``known_at`` of a few commitments, from the view's facts. The last
        few are kept, if no larger than a chunk (``EXACT_CHUNK``): the board and the scores at one
        record time fold the same commitments (the view's gaps at that time), and a comparison of
        two record times asks for each twice."""
        key = (tuple(slugs), known_at)
        if key not in self._exact_known:
            knowledge = knowledge_of(self._meetings() | self._streams(slugs), known_at)
            if len(slugs) > EXACT_CHUNK:
                return knowledge  # too large to keep: a caller reading many streams reads them once
            if len(self._exact_known) >= EXACT_KEPT:
                del self._exact_known[next(iter(self._exact_known))]  # the oldest: memory stays bounded
            self._exact_known[key] = knowledge
        return self._exact_known[key]

    def _exact_chunks(self, slugs: list[str], known_at: datetime | None) -> Iterator[tuple[list[str], Knowledge]]:
        """Exact knowledge at ``known_at`` of ``slugs``, ``EXACT_CHUNK`` of them at a time (each
        chunk with its slugs), each chunk's streams let go before the next is read (a few small
        folds are kept by ``_exact``)."""
        if len(slugs) <= EXACT_CHUNK:
            yield slugs, self._exact(slugs, known_at)
            return
        meetings = knowledge_of(self._meetings(), known_at).streams  # resolved once, for every chunk
        for start in range(0, len(slugs), EXACT_CHUNK):
            chunk = slugs[start : start + EXACT_CHUNK]
            # Each stream is resolved on its own: the meetings' and the chunk's together are what
            # one fold of both gives (see Log.known_at), in the same order.
            yield chunk, Knowledge(meetings | knowledge_of(self._streams(chunk), known_at).streams)

    def _streams(self, slugs: list[str]) -> dict[str, list[Recorded]]:
        """The streams of ``slugs`` as the view's facts hold them, in position order."""
        streams: dict[str, list[Recorded]] = {}
        for row in self.view.facts(slugs):
            streams.setdefault(row[0], []).append(record_from_fact(row))
        return streams

    # --- the board and what changed ------------------------------------------------------------

    def board(self, clocks: Clocks) -> list[dict[str, Any]]:
        known = stamp(clocks.known_at)
        return self._board(self.view.board(clocks.as_of.isoformat(), known), self.view.gaps(known), clocks)

    def board_due_at(self, meeting: str, clocks: Clocks) -> list[dict[str, Any]]:
        """The board rows whose next-meeting deadline is ``meeting``: read for the commitments due
        by its kind made within its window (``MeetingIndex.making_window``), with only the meetings
        of that kind near it (``_meetings_near``), not every meeting nor every commitment ever due
        by that kind. The window bounds the making days the view holds, which are those known now:
        at an earlier record time a correction since may have moved a making into it, so there
        every commitment due by the kind is read (their rows, resolved, tell exactly)."""
        own = {meeting: [record_from_fact(row) for row in self.view.facts([meeting])]}
        alone = knowledge_of(own, clocks.known_at).meetings
        if alone.making_window(meeting, clocks.as_of) is None:
            return []
        meetings = self._meetings_near(meeting, alone, clocks)
        window = meetings.making_window(meeting, clocks.as_of)
        assert window is not None  # its own stream decides that it exists
        kind, start, end = window
        made = (end.isoformat(), start.isoformat() if start else None) if clocks.known_at is None else None
        slugs = self.view.due_by([kind], made)
        if not slugs:
            return []
        return [row for row in self._board_among(slugs, clocks, meetings) if row["due_meeting"] == meeting]

    def board_among(self, slugs: Sequence[str], clocks: Clocks) -> list[dict[str, Any]]:
        """The board's rows of some commitments, in the board's order, read for them alone (their
        rows by the open-interval index; those changing at the record time folded exactly)."""
        return self._board_among(slugs, clocks)

    def _board_among(self, slugs: Sequence[str], clocks: Clocks, meetings: MeetingIndex | None = None) -> list[dict[str, Any]]:
        """``board_among``; ``meetings``: an index the caller knows resolves their next-meeting deadlines."""
        if not slugs:
            return []
        known, wanted = stamp(clocks.known_at), set(slugs)
        gaps = sorted(set(self.view.gaps(known)) & wanted)
        if clocks.known_at is None or len(wanted) <= BY_KEY:
            rows = self.view.board_of(sorted(wanted), clocks.as_of.isoformat(), known)
        else:
            # At an earlier record time the rows closed since are found by one range of the index
            # (closed after it): read once for the whole board, not once per batch of ids.
            rows = [row for row in self.view.board(clocks.as_of.isoformat(), known) if row[0] in wanted]
        return self._board(rows, gaps, clocks, meetings)

    def due_by_meetings(self, meetings: Sequence[str]) -> list[str]:
        """The commitments whose next-meeting deadline these meetings may resolve, at any record
        time: those any of whose events named a kind that any event of these meetings names (a
        meeting's kind may have been corrected)."""
        kinds = {kind for row in self.view.facts(sorted(set(meetings))) if (kind := loads(row[5]).get("kind"))}
        return self.view.due_by(sorted(kinds))  # type: ignore[no-any-return]

    def _meetings_near(self, meeting: str, alone: MeetingIndex, clocks: Clocks) -> MeetingIndex:
        """The meetings that decide which commitments ``meeting`` is the deadline of, as known at
        ``clocks`` (``alone``: the index of the meeting by itself): those ever of its kind (only
        they resolve a deadline by the next meeting of it) with a fact naming a day from some span
        before it to it (or, when it is only announced, to the as-of day). Exact once the window's
        start (a meeting of the kind held before) is within the span: any meeting dated between
        it and the end names such a day. The span widens until it is, or holds every meeting of
        the kind."""
        kind, _, end = alone.making_window(meeting, clocks.as_of)  # type: ignore[misc]
        upper = end if alone.held_by(meeting, clocks.as_of) else max(end, clocks.as_of)
        facts: dict[str, list[Any]] = {}
        days: dict[str, list[date]] = {}
        for row in self.view.meeting_facts_naming([kind]):  # plain JSON: only the chosen are decoded
            facts.setdefault(row[0], []).append(row)
            days.setdefault(row[0], []).extend(days_named(loads(row[5])))
        earliest = min((day for named in days.values() for day in named), default=end)
        decoded: dict[str, list[Recorded]] = {}
        span = MEETING_SPAN
        while True:
            since = end - timedelta(days=span) if span < (end - date.min).days else date.min
            for slug, named in days.items():
                if slug not in decoded and any(since <= day <= upper for day in named):
                    decoded[slug] = [record_from_fact(row) for row in facts[slug]]
            # The meeting itself is among them: one of its facts names its kind and its day.
            index = knowledge_of(decoded, clocks.known_at).meetings
            start = index.making_window(meeting, clocks.as_of)[1]  # type: ignore[index]
            if since <= earliest or (start is not None and start >= since):
                return index
            span *= 4

    def _board(self, found: list[Any], gaps: list[str], clocks: Clocks,
               meetings: MeetingIndex | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Board rows from the view's (entity, data) rows, next-meeting deadlines resolved (by
        ``meetings`` when given: the caller knows it resolves these rows), the commitments
        changing at the record time (``gaps``) folded exactly instead."""
        as_of, known_at = clocks.as_of, clocks.known_at
        rows = {entity: board_row(data) for entity, data in found}
        if any(row["due_next"] for row in rows.values()):
            meetings = meetings or self._meetings_at(known_at)
            rows = {slug: resolve_next_meeting(row, as_of, meetings) for slug, row in rows.items()}
        for chunk, exact in self._exact_chunks(gaps, known_at) if gaps else ():
            for slug in chunk:
                status = exact.status(slug, as_of)
                rows.pop(slug, None)
                if status is not None:
                    rows[slug] = status.to_data()
        return sorted(rows.values(), key=lambda r: (first_day(r["made_on"]), r["id"]))

    def statuses(self, clocks: Clocks) -> list[CommitmentStatus]:
        """The board as statuses (for deadlines and the matrix), from the view's rows."""
        return [CommitmentStatus.from_data(row) for row in self.board(clocks)]

    def meetings_at(self, clocks: Clocks) -> MeetingIndex:
        return self._meetings_at(clocks.known_at)

    def score_sheet(self, clocks: Clocks, area: str | None = None,
                    board: Sequence[dict[str, Any]] | None = None) -> list[Scored]:  # fmt: skip
        from commitment_tracker.projections.view.scoreview import ScoreSource

        return ScoreSource(self, clocks, board=list(board) if board is not None else None).sheet(area=area)

    def score_only(self, clocks: Clocks, sheet: Sequence[Scored] | None = None,
                   board: Sequence[dict[str, Any]] | None = None) -> set[str]:  # fmt: skip
        """The commitments that are score-only at ``clocks`` (``projections.scores.score_only``):
        of those with a score, the ones with no other event at all, read from the view's event
        types; the few with other events are folded exactly (a later-dated fulfilment, say).
        ``sheet``: the score sheet at ``clocks`` the caller has read already (only its commitments
        are judged), so that it is not read twice; ``board``: likewise the whole board."""
        from commitment_tracker.projections.scores import SCORE_EVENTS, score_only, tells_a_status
        from commitment_tracker.events import META_TYPES

        scored = [row.id for row in (self.score_sheet(clocks) if sheet is None else sheet) if row.scores]
        if not scored:
            return set()
        besides = ["commitment_made", *sorted(SCORE_EVENTS | META_TYPES)]
        mixed = sorted(set(self.view.with_events_besides(scored, besides, stamp(clocks.known_at))))
        alone = set(scored) - set(mixed)
        # A making with a deadline or a cadence has a status to tell (``scores.tells_a_status``):
        # its board row, as known at the clocks, carries the making's deadline and cadence.
        rows = self.board_among(sorted(alone), clocks) if board is None else [row for row in board if row["id"] in alone]
        found = {row["id"] for row in rows if not tells_a_status(row["due_on"], row["due_next"], row["cadence"])}
        if mixed:
            exact = self._exact(mixed, clocks.known_at)
            found |= {slug for slug in mixed if score_only(exact, slug, clocks.as_of)}
        return found

    def _meetings_at(self, known_at: datetime | None) -> MeetingIndex:
        """The meetings as known at a record time (deadlines by the next meeting depend on them)."""
        if known_at is None and self._meetings_now is not None:
            return self._meetings_now
        index = knowledge_of(self._meetings(), known_at).meetings
        if known_at is None:
            self._meetings_now = index
        return index

    def diff(self, start: date, clocks: Clocks) -> list[dict[str, Any]]:
        """What changed on the board from ``start`` to ``clocks.as_of``, both as known at ``clocks.known_at``."""
        return board_diff(self.board(clocks.on(start)), self.board(clocks))

    def replay(self, start: date | None, clocks: Clocks) -> list[Change]:
        end, known_at = clocks.as_of, clocks.known_at
        known = stamp(known_at)
        gaps = set(self.view.gaps(known))
        rows = self.view.changes((start or date.min).isoformat(), end.isoformat(), known)
        # A commitment's first row (no status before it) starts on its making's day and holds the
        # effect of its steps dated on or before that day too: one change, where the walk lists
        # the making and then what those steps change. The commitments made within the window
        # with such steps (as known at this record time) are folded exactly, like the gaps.
        made = [(row[0], row[1]) for row in rows if row[3] is None and row[0] not in gaps]
        gaps |= self.view.stepped_by_making(made, known)
        changes = []
        for entity, valid_from, status, before, cause, cause_type, cause_on, data in rows:
            if entity in gaps:
                continue
            day = date.fromisoformat(valid_from)
            changes.append(Change(day, cause_on, entity, board_row(data)["title"], before, status, cause, cause_type))
        for _, exact in self._exact_chunks(sorted(gaps), known_at) if gaps else ():
            for slug in exact.commitments:
                changes += [c for c in walk(exact, slug, until=end) if start is None or c.day >= start]
        changes.sort(key=lambda c: (c.day, c.commitment))
        return changes


class CurrentView(ViewReader):
    """The view, read as it stands by a user who may not write it (it was current when opened)."""

    def behind(self) -> int:
        return 0

    def catch_up(self, progress: Any = None) -> int:
        return 0

