"""Checking the materialised view against the log: the view is derived, so it must be re-derivable.

The view's tables refuse direct edits (triggers), but whoever can drop a trigger can make the board
lie. So ``verify`` derives the view again from the log, up to the position the stored view has
reached, and compares what does not depend on how the log was paged into it: every fact, every
entity, every reference, every interval currently believed (``known_to`` open) and every live score.
Linear in the log, like verify itself; nothing is written anywhere.

It goes in two passes, neither of which writes a scratch view:

1. the log, in record order, against ``view_facts`` (``verify`` feeds this pass the events its log
   check has just read, so the log is read and decoded once): each event's fact row is derived
   exactly as catch-up derives it and must be stored as such (looked up by key, a page of the log
   at a time), and the view must hold no other fact (the counts agree);
2. ``view_facts``, now known to be the log's, in entity order: each entity's rows of the other
   tables are derived from its facts alone (catch-up's own functions, over the whole stream) and
   must be exactly the stored ones, as multisets; again the counts agree, so no stored row escapes
   the comparison (an extra row, a duplicate, a row of an entity without facts).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import EVENT_TYPES
from commitment_tracker.projections.view.catchup import (
    StatusProjection,
    derive_commitment,
    fact_of,
    open_view,
    paused_gc,
    refs_of,
)
from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.tables import ASSESSMENT_COLUMNS, FOREVER
from commitment_tracker.tracker import Recorded, stream_id
from commitment_tracker.tracker.streams import KIND_OF_FIRST
from commitment_tracker.tracker.mapper import construct_event

if TYPE_CHECKING:
    from commitment_tracker.tracker import Tracker

PAGE = 20_000  # events (or facts) held at a time: bounds verify's memory

FACT_COLUMNS = "entity, position, seq, recorded, kind, data"

#: What is compared, per derived table: the columns (entity first, sealed content last), a filter,
#: and whether the last column is sealed.
COMPARED = [
    ("view_entities", "entity, kind, made_on, due_next", "", True),
    ("view_intervals", "entity, valid_from, valid_to, status, status_before, cause, cause_type, cause_on, data",
     f"known_to = '{FOREVER}'", True),
    ("view_assessments", f"entity, {ASSESSMENT_COLUMNS}", f"known_to = '{FOREVER}'", True),
    ("view_refs", "entity, position, target, role", "", False),  # ids only: nothing sealed
]  # fmt: skip

Row = tuple[Any, ...]


def check_view(tracker: Tracker) -> str | None:
    """None when the stored view is what the log derives, else the first difference."""
    check = ViewCheck(tracker)
    try:
        for notification in tracker.notifications():
            if notification.id > check.position:
                break
            # Validated when recorded: decoded as catch-up decodes it.
            check.feed(tracker.mapper.to_domain_event(notification, validate=False, hashed=False))  # type: ignore[call-arg]
        return check.finish()
    finally:
        check.close()


class ViewCheck:
    """The view check, fed the log's events in record order: ``verify`` feeds it the events its
    log check has just decoded and validated, so the log is read and decoded once for both."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.stored = open_view(tracker)
        self.position = StatusProjection(tracker, self.stored).position()
        self.page: list[Recorded] = []
        self.after = 0  # the log position the page starts after
        self.events = 0  # how many events were compared
        self.found: str | None = None

    def feed(self, record: Recorded) -> None:
        """One event of the log (the next in record order)."""
        if self.found is None and record.seq <= self.position:
            self.page.append(record)
            if len(self.page) == PAGE:
                self._compare_page()

    def _compare_page(self) -> None:
        if self.page and self.found is None:
            with paused_gc():
                self.found = _page_difference(self.stored, self.page, self.after)
            self.events, self.after, self.page = self.events + len(self.page), self.page[-1].seq, []

    def finish(self) -> str | None:
        """None when the stored view is what the events fed derive, else the first difference."""
        if self.position > self.tracker.count():
            return f"the status view claims log position {self.position}, past the end of the log"
        self._compare_page()
        if self.found is not None:
            return self.found
        held = self.stored.read("SELECT count(*) FROM {view_facts}")[0][0]
        if held != self.events:
            return f"view_facts differs from the log: it holds {held} facts for {self.events} events"
        return _derived_difference(self.stored)

    def close(self) -> None:
        self.stored.datastore.close()  # type: ignore[attr-defined]


def _page_difference(stored: ViewSQL, page: list[Recorded], after: int) -> str | None:
    """The first entity whose facts recorded in this page of the log are not stored exactly."""
    derived = [fact_of(record)[0] for record in page]
    entities = sorted({row[0] for row in derived})
    rows = stored.opened(stored.read_in(f"SELECT {FACT_COLUMNS} FROM {{view_facts}} WHERE seq > ? AND seq <= ? "
                                        "AND entity IN ({entities})", entities, [after, page[-1].seq]))  # fmt: skip
    held = {(row[0], row[1]): tuple(row) for row in rows}
    for row in derived:
        if held.get((row[0], row[1])) != row:
            return f"view_facts differs from the log at {row[0]!r}"
    if len(rows) != len(derived):  # a stored fact more, in this page's window, for one of its entities
        extra = sorted(set(held) - {(row[0], row[1]) for row in derived}) or [(entities[0], 0)]
        return f"view_facts differs from the log at {extra[0][0]!r}"
    return None


# --- pass 2: view_facts against every table derived from it --------------------------------------


def _derived_difference(stored: ViewSQL) -> str | None:
    counts = dict.fromkeys((table for table, *_ in COMPARED), 0)
    batch: dict[str, list[Row]] = {}
    held = 0
    facts = stored.scan("view_facts", FACT_COLUMNS, "", 2, True)
    for entity, rows in groupby(facts, key=lambda row: row[0]):
        batch[entity] = [tuple(row) for row in rows]
        held += len(batch[entity])
        if held >= PAGE:
            with paused_gc():
                found = _batch_difference(stored, batch, counts)
            if found is not None:
                return found
            batch, held = {}, 0
    if batch:
        with paused_gc():
            found = _batch_difference(stored, batch, counts)
        if found is not None:
            return found
    for table, _, where, _ in COMPARED:
        held = stored.read(f"SELECT count(*) FROM {{{table}}}" + (f" WHERE {where}" if where else ""))[0][0]
        if held != counts[table]:  # rows of entities that have no facts, or duplicates
            return f"{table} differs from the log: it holds {held} rows where the log derives {counts[table]}"
    return None


def _batch_difference(stored: ViewSQL, batch: dict[str, list[Row]], counts: dict[str, int]) -> str | None:
    """The first difference between a batch of entities' stored rows and the rows derived from
    their facts; ``counts`` accumulates how many rows of each table were derived."""
    derived: dict[str, dict[str, list[Row]]] = {table: {} for table, *_ in COMPARED}
    for entity, facts in batch.items():
        for table, rows in _derive(entity, facts, clear=not stored.sealer.sealing).items():
            derived[table][entity] = rows
            counts[table] += len(rows)
    entities = list(batch)
    for table, columns, where, sealed in COMPARED:
        clause = f"{where} AND " if where else ""
        rows = stored.read_in(f"SELECT {columns} FROM {{{table}}} WHERE {clause}entity IN ({{entities}})", entities)
        held: dict[str, list[Row]] = {entity: [] for entity in batch}
        for row in stored.opened(rows) if sealed else rows:
            held[row[0]].append(tuple(row))
        for entity in entities:
            # Derived rows are distinct (sets, one entity row, one reference per event and name),
            # so the stored rows equal them as a multiset when they have as many and the same set.
            mine, theirs = held[entity], derived[table][entity]
            if len(mine) != len(theirs) or set(mine) != set(theirs):
                return f"{table} differs from the log at {entity!r}"
    return None


def _derive(entity: str, facts: Sequence[Row], clear: bool) -> dict[str, list[Row]]:
    """One entity's rows of every compared table, from its whole stream of facts (in position
    order), as catch-up writes them."""
    refs: list[Row] = []
    datas = []
    for row in facts:
        data = json.loads(row[5])
        refs += refs_of(entity, row[1], data)
        datas.append(data)
    kind = KIND_OF_FIRST.get(facts[0][4], "other") if facts[0][1] == 1 else None
    if kind != "commitment":
        # Not a commitment (or a stream whose first event is missing, which no log derives).
        return {"view_entities": [(entity, kind, None, None)], "view_intervals": [], "view_assessments": [],
                "view_refs": refs}  # fmt: skip
    ident = stream_id(entity)
    records = [Recorded(ident, row[1], construct_event(EVENT_TYPES[row[4]], data), seq=row[2])
               for row, data in zip(facts, datas)]  # fmt: skip
    made = derive_commitment(entity, records, clear=clear)
    row = made.entity
    return {
        "view_entities": [(row[0], row[1], row[3], row[2])],  # the compared order: made_on, then due_next
        "view_intervals": [(entity, *interval) for interval in made.intervals],
        "view_assessments": [(entity, *score) for score in made.scores],
        "view_refs": refs,
    }
