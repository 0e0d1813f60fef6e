"""Checking the materialised view against the log: the view is derived, so it must be re-derivable.

The view's tables refuse direct edits (triggers), but whoever can drop a trigger (or, on a team
store, insert a row) can make an answer lie. So ``verify`` derives the whole view again from the
log, up to the position the stored view has reached, and compares every row of every table any
query reads: every fact, entity and reference, every interval and assessment as believed at every
record time (closed rows too: what each ``--known-at`` answer reads), every gap, every row of the
search index. Which records of a commitment were applied in one catch-up batch decides its closed
rows and gaps, so the check replays the batches the view recorded (``view_batches``). Nothing is
written anywhere.

Coverage is by construction: ``DERIVED`` names how each table of ``TABLES`` (and the search
index) is re-derived, and a table without an entry there fails the check. The log's own tables are
checked by the chain; the library's tracking row and SQLite's ``view_writer`` by what they must
hold; FTS5's shadow tables by FTS5's own integrity-check against the search rows.

It goes in two passes, neither of which writes a scratch view:

1. the log, in record order, against ``view_facts`` (``verify`` feeds this pass the events its log
   check has just read, so the log is read and decoded once): each event's fact row is derived
   exactly as catch-up derives it and must be stored as such (looked up by key, a page of the log
   at a time), and the view must hold no other fact (the counts agree);
2. ``view_facts``, now known to be the log's, in entity order: each entity's rows of every other
   table are derived from its facts (catch-up's own functions, batch by batch as catch-up applied
   them: a commitment's fold resumed where catch-up resumed it, from the rows this pass derived
   for the batch before, else derived from its whole stream so far), and each table's stored
   rows, read whole, must equal them as a multiset, entity by
   entity (a count and a sum of keyed row hashes per entity: the order of rows does not matter,
   and no stored row escapes: a forged row of an entity the log never names is a difference too).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from time import perf_counter
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import EVENT_TYPES
from commitment_tracker.projections.knowledge import Step, valid_order
from commitment_tracker.projections.view.catchup import (
    StatusProjection,
    derive_commitment,
    fact_of,
    paused_gc,
    refs_of,
    step_row,
)
from commitment_tracker.projections.view.creation import open_view
from commitment_tracker.projections.view.resume import fold_on, may_resume, plan
from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.projections.view.search import rows_of as search_rows
from commitment_tracker.projections.view.tables import ASSESSMENT_COLUMNS, FOREVER, TABLES, TRACKING_TABLE
from commitment_tracker.projections.view.decode import loads
from commitment_tracker.tracker import Recorded, stream_id
from commitment_tracker.tracker.streams import KIND_OF_FIRST
from commitment_tracker.tracker.mapper import construct_event

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from commitment_tracker.tracker import Tracker
    from commitment_tracker.tracker.recorders import LogRow

PAGE = 20_000  # events (or facts) held at a time: bounds verify's memory

FACT_COLUMNS = "entity, position, seq, recorded, kind, data"
FACT_COLUMNS_OF_F = ", ".join(f"f.{name}" for name in FACT_COLUMNS.split(", "))

#: How each derived table is read for the comparison: its columns (entity first, sealed content
#: last) and whether that last column is sealed on an encrypted store.
DERIVED: dict[str, tuple[str, bool]] = {
    "view_entities": ("entity, kind, made_on, due_next", True),
    "view_intervals": ("entity, valid_from, valid_to, known_from, known_to, status, status_before, cause, "
                       "cause_type, cause_on, data", True),
    "view_gaps": ("entity, known_from, known_to", False),
    "view_assessments": (f"entity, {ASSESSMENT_COLUMNS.removesuffix(', data')}, known_from, known_to, data", True),
    "view_refs": ("entity, position, target, role", False),  # ids only: nothing sealed
    "view_steps": ("entity, position, day, known_from, known_to, data", True),
    SEARCH_TABLE: ("entity, position, field, type, body", False),  # none on an encrypted store
}  # fmt: skip
#: Tables checked otherwise: the facts against the log (pass 1), the batches by tiling the log.
CHECKED_APART = ("view_facts", "view_batches")

#: The row eventsourcing's single-row tracking table keeps for itself.
MIGRATION_MARK = "__migration__"
assert set(DERIVED) | set(CHECKED_APART) == {*TABLES, SEARCH_TABLE}, "a view table the check does not re-derive"

Row = tuple[Any, ...]
#: Per table, per entity: (rows, sum of the rows' keyed hashes modulo 2**64).
Digests = dict[str, dict[str, list[int]]]
MASK = 2**64 - 1


def check_view(tracker: Tracker) -> str | None:
    """None when the stored view is what the log derives, else the first difference."""
    check = ViewCheck(tracker)
    try:
        for notification in tracker.notifications():
            if notification.id > check.position:
                break
            check.feed(notification)
        return check.finish()
    finally:
        check.close()


class ViewCheck:
    """The view check, fed the log's stored events in record order: ``verify`` feeds it the events
    its log check has just read and judged, so the log is read once for both. ``seconds`` is the
    time spent in it (decoding, deriving, comparing), which verify reports apart."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.stored = open_view(tracker, create=False)  # verify is a read: it creates nothing
        expected = {*TABLES, TRACKING_TABLE[tracker.store.backend]}
        self.tables = self.stored.tables()
        self.missing = sorted(expected - self.tables)
        # No view at all (no query has read this store yet): nothing derived to compare.
        self.absent = len(self.missing) == len(expected)
        self.position = 0 if self.missing else StatusProjection(tracker, self.stored).position()
        self.page: list[Recorded] = []
        self.events = 0  # how many events were compared
        self.found: str | None = None
        if not self.missing and self.stored.earlier_board_rows():
            # Nothing to compare row by row: every row would differ in its form alone.
            self.found = ("view_intervals holds board rows in an earlier release's layout, each naming its fields "
                          "(the next query by a user who may write the view rebuilds it)")  # fmt: skip
        self.seconds = 0.0

    def feed(self, stored: LogRow | Notification) -> None:
        """One stored event of the log (the next in record order), decoded as catch-up decodes it
        (it was validated when recorded, and the log check has just judged it)."""
        if self.found is None and stored.id <= self.position:
            began = perf_counter()
            self.page.append(self.tracker.mapper.to_domain_event(stored, validate=False, hashed=False))  # type: ignore[call-arg]
            if len(self.page) == PAGE:
                self._compare_page()
            self.seconds += perf_counter() - began

    def _compare_page(self) -> None:
        if self.page and self.found is None:
            with paused_gc():
                self.found = _page_difference(self.stored, self.page)
            self.events, self.page = self.events + len(self.page), []

    def finish(self) -> str | None:
        """None when the stored view is what the events fed derive, else the first difference."""
        began = perf_counter()
        try:
            return self._finish()
        finally:
            self.seconds += perf_counter() - began

    def _finish(self) -> str | None:
        if self.absent:
            return None
        if self.missing:
            return f"the status view lacks {', '.join(self.missing)} (written by an earlier release)"
        if self.position > self.tracker.count():
            return f"the status view claims log position {self.position}, past the end of the log"
        self._compare_page()
        if self.found is not None:
            return self.found
        tracking = TRACKING_TABLE[self.tracker.store.backend]
        held = self.stored.read("SELECT count(*) FROM {view_facts}")[0][0]
        if held != self.events:
            return (f"view_facts differs from the log: it holds {held} facts for the {self.events} events up to "
                    f"the position {tracking} records ({self.position})")  # fmt: skip
        problem = _bookkeeping_problem(self.stored, tracking, self.tracker.name, self.position,
                                       writer="view_writer" in self.tables)  # fmt: skip
        if problem is not None:
            return problem
        problem, lasts = _batches_problem(self.stored, self.position)
        return problem or _derived_difference(self.stored, lasts)

    def close(self) -> None:
        self.stored.datastore.close()  # type: ignore[attr-defined]


def _page_difference(stored: ViewSQL, page: list[Recorded]) -> str | None:
    """The first entity whose facts recorded in this page of the log are not stored exactly. Each
    is found by its key, one index search: the view holds no other fact once every page's are
    found and the counts agree (``ViewCheck._finish``). (Reading every fact of the page's
    commitments and keeping the page's cost the whole log per page on a log kept on the same
    commitments for years.)"""
    derived = [fact_of(record)[0] for record in page]
    by_key = stored.each_pair("view_facts", "f", "f.entity = w.entity AND f.position = CAST(w.day AS INTEGER)")
    rows = stored.opened(stored.pairs(f"{{pairs}} SELECT {FACT_COLUMNS_OF_F} FROM w {by_key}",
                                      [(row[0], str(row[1])) for row in derived]))  # fmt: skip
    held = {(row[0], row[1]): tuple(row) for row in rows}
    for row in derived:
        if held.get((row[0], row[1])) != row:
            return f"view_facts differs from the log at {row[0]!r}"
    return None


def _bookkeeping_problem(stored: ViewSQL, tracking: str, name: str, position: int, *, writer: bool) -> str | None:
    """The library's tracking table holds the view's position and the library's own migration
    mark, nothing else; SQLite's ``view_writer`` holds a row only inside the tracker's writes."""
    expected = {(MIGRATION_MARK, 1), *([(name, position)] if position else [])}
    rows = stored.read(f"SELECT application_name, notification_id FROM {stored.table(tracking)}")
    if len(rows) != len(expected) or set(map(tuple, rows)) != expected:
        return f"{tracking} holds rows the tracker never wrote (or lacks one it did)"
    if writer and stored.read("SELECT 1 FROM view_writer LIMIT 1"):  # SQLite's guards' table
        return "view_writer holds a row: the view's guards are lifted outside the tracker's writes"
    return None


# --- pass 2: view_facts against every table derived from it --------------------------------------


def _add(digests: dict[str, list[int]], row: Row) -> None:
    # Python's hash of a tuple of str/int/None is keyed per process (SipHash): both sides are
    # hashed in this process, and nobody outside it can aim a forged row at a collision.
    entry = digests.setdefault(row[0], [0, 0])
    entry[0] += 1
    entry[1] = (entry[1] + hash(row)) & MASK


def _batches_problem(stored: ViewSQL, position: int) -> tuple[str | None, list[int]]:
    """The batches must tile the log from its start to the view's position, each after the last:
    a deleted row leaves a hole, a forged one an overlap. Returns (problem, each batch's last position)."""
    rows = sorted(tuple(row) for row in stored.read("SELECT after_position, last_position FROM {view_batches}"))
    reached = 0
    for after, last in rows:
        if after != reached or last <= after:
            return f"view_batches differs from the log: a batch after position {after} does not follow {reached}", []
        reached = last
    if reached != position:
        return f"view_batches differs from the log: its batches reach position {reached}, the view {position}", []
    return None, [last for _, last in rows]


def _derived_difference(stored: ViewSQL, lasts: list[int]) -> str | None:
    clear = not stored.sealer.sealing
    derived: Digests = {table: {} for table in DERIVED}
    page: dict[str, list[Row]] = {}
    held = 0
    for entity, rows in groupby(stored.scan("view_facts", FACT_COLUMNS, "", 2, True), key=lambda row: row[0]):
        page[entity] = [tuple(row) for row in rows]
        held += len(page[entity])
        if held >= PAGE:
            with paused_gc():
                _derive_page(page, lasts, clear, stored.indexes_text(), derived)
            page, held = {}, 0
    with paused_gc():
        _derive_page(page, lasts, clear, stored.indexes_text(), derived)
    for table, (columns, sealed) in DERIVED.items():
        held_rows: dict[str, list[int]] = {}
        rows = stored.every_row(table, columns)
        for chunk in _chunks(rows, 20000):
            for row in stored.opened(chunk) if sealed else chunk:
                _add(held_rows, tuple(row))
        if held_rows != derived[table]:
            differing = sorted(e for e in held_rows.keys() | derived[table].keys()
                               if held_rows.get(e) != derived[table].get(e))  # fmt: skip
            return f"{table} differs from the log at {differing[0]!r}"
    return stored.search_index_problem()


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _derive_page(page: dict[str, list[Row]], lasts: list[int], clear: bool, indexing: bool, derived: Digests) -> None:
    for entity, facts in page.items():
        for table, rows in _derive(entity, facts, lasts, clear, indexing).items():
            for row in rows:
                _add(derived[table], row)


def _derive(entity: str, facts: Sequence[Row], lasts: list[int], clear: bool, indexing: bool) -> dict[str, list[Row]]:
    """One entity's rows of every derived table, from its whole stream of facts (in position
    order), batch by batch as catch-up applied them."""
    refs: list[Row] = []
    texts: list[Row] = []
    datas = []
    for row in facts:
        data = loads(row[5])
        refs += refs_of(entity, row[1], data)
        if indexing:
            texts += search_rows(entity, row[1], row[4], data)
        datas.append(data)
    found: dict[str, list[Row]] = {"view_refs": refs, SEARCH_TABLE: texts}
    kind = KIND_OF_FIRST.get(facts[0][4], "other") if facts[0][1] == 1 else None
    if kind != "commitment":
        # Not a commitment (or a stream whose first event is missing, which no log derives).
        return found | {"view_entities": [(entity, kind, None, None)]}
    ident = stream_id(entity)
    records = [Recorded(ident, row[1], construct_event(EVENT_TYPES[row[4]], data), seq=row[2])
               for row, data in zip(facts, datas)]  # fmt: skip
    return found | _replay_batches(entity, facts, records, lasts, clear)


class _Rows:
    """One table's rows of one commitment as catch-up's statements leave them, batch after batch:
    each ``[row, known_from, known_to]``, the open ones also by key (a row's first column: an
    interval's valid start, an assessment's or a step's position; one open row per key)."""

    __slots__ = ("every", "open")

    def __init__(self) -> None:
        self.every: list[list[Any]] = []
        self.open: dict[Any, list[Any]] = {}

    def replace(self, derived: Iterable[Row], first: str, last: str, keys: Iterable[Any] | None = None) -> None:
        """One batch's statements: each open row (of ``keys``: those the batch may change; else
        any) that the batch no longer derives is closed at its first record time, and each derived
        row not open yet opens at its last."""
        derived = set(derived)
        for key in list(self.open) if keys is None else [key for key in keys if key in self.open]:
            if self.open[key][0] not in derived:
                self.open.pop(key)[2] = first
        for row in derived:
            entry = self.open.get(row[0])
            if entry is not None and entry[0] == row:
                continue
            if entry is not None:
                entry[2] = first
            self.open[row[0]] = entry = [row, last, FOREVER]
            self.every.append(entry)


class _Fold:
    """Where a commitment stands after a batch, as catch-up would read it back for the next: its
    open intervals in valid-time order and its live steps by position, derived from the log's facts
    (never read from the view being checked)."""

    __slots__ = ("entity", "rows", "steps")

    def __init__(self, entity: str, rows: list[Row], steps: dict[int, Step]) -> None:
        self.entity = entity
        self.rows = rows  # view_intervals rows without the entity nor record times
        self.steps = steps

    def resume(self, batch: list[Recorded]) -> tuple[str, list[Row], list[Row], set[int]] | None:
        """What a batch of status events (or retractions and corrections of them) changes, resumed
        as catch-up resumes it (resume.py): the valid start it resumes from, the open intervals
        from there on, the step rows it opens and the positions whose rows it may change; None
        where catch-up derives the commitment whole."""
        if not may_resume(batch):
            return None
        planned = plan(batch, self.steps)
        if planned is None:
            return None
        # The last open interval starting before the first changed day (rows are in valid-time
        # order, a row's first column its start).
        index = bisect_left(self.rows, (planned.first.isoformat(),)) - 1
        if index < 0:
            return None  # made (or corrected to start) after the first changed day: derived whole
        start = self.rows[index][0]
        later = [step for position, step in self.steps.items()
                 if position not in planned.dropped and step.day.isoformat() > start]  # fmt: skip
        later += planned.live.values()
        later.sort(key=valid_order)
        fresh = fold_on((self.entity, *self.rows[index]), later)
        if fresh is None:
            return None
        self.rows[index:] = fresh
        for position in planned.dropped:
            del self.steps[position]
        self.steps.update(planned.live)
        opened = [step_row(step) for step in planned.live.values()]
        return start, fresh, opened, {*planned.dropped, *planned.live}


def _replay_batches(entity: str, facts: Sequence[Row], records: list[Recorded], lasts: list[int],
                    clear: bool) -> dict[str, list[Row]]:  # fmt: skip
    """A commitment's entity row, intervals, gaps, assessments and steps as catch-up wrote them, batch by
    batch: after each batch that touched it, the rows derived from its stream so far replace the
    open ones (those no longer derived closed at the batch's first record time of the commitment,
    the new ones opened at its last), and a batch that brought it records at several record times
    leaves a gap between the first and the last. Where catch-up resumed the commitment's fold (a
    batch of status events), so does the replay, from where the batch before left it; elsewhere it
    derives the commitment from its whole stream so far, as catch-up did."""
    intervals, scores, steps = _Rows(), _Rows(), _Rows()
    gaps: list[Row] = []
    entity_row: Row = ()
    fold: _Fold | None = None
    for _, group in groupby(range(len(facts)), key=lambda i: bisect_left(lasts, facts[i][2])):
        members = list(group)
        begin, end = members[0], members[-1] + 1
        first, last = facts[begin][3], facts[members[-1]][3]
        resumed = fold.resume(records[begin:end]) if fold is not None else None
        if resumed is not None:
            start, fresh, opened, changed = resumed
            intervals.replace(fresh, first, last, keys=[key for key in intervals.open if key >= start])
            steps.replace(opened, first, last, keys=changed)
        else:
            made = derive_commitment(entity, records[:end], clear=clear)
            entity_row = made.entity
            intervals.replace(made.intervals, first, last)
            scores.replace(made.scores, first, last)
            steps.replace(made.steps, first, last)
            fold = None
            if made.tail is not None:  # not retracted: a later batch may resume from here
                fold = _Fold(entity, sorted(made.intervals), {s.resolved.record.position: s for s in made.live})
        if first < last:
            gaps.append((entity, first, last))
    return {
        "view_entities": [(entity_row[0], entity_row[1], entity_row[3], entity_row[2])],  # made_on, then due_next
        "view_intervals": [(entity, r[0], r[1], known_from, known_to, *r[2:]) for r, known_from, known_to in intervals.every],
        "view_gaps": gaps,
        "view_assessments": [(entity, *r[:-1], known_from, known_to, r[-1]) for r, known_from, known_to in scores.every],
        "view_steps": [(entity, r[0], r[1], known_from, known_to, r[2]) for r, known_from, known_to in steps.every],
    }
