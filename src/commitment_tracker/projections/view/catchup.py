"""Keeping the status view up to date: catch up from the log, a page per transaction.

Each page of the log becomes one view transaction with its tracking position: new facts, the
recomputed intervals of every commitment the page touched (closed and opened bitemporally), and
record-time gaps where a commitment changed several times within the page. A page only touches
the commitments it names: rows are stored without meetings (a next-meeting deadline is resolved
when a row is read), so a meeting recorded late never recomputes anything.

A page costs what it brings. A commitment that the page only brings status events (reaffirmed,
progress, fulfilled, stalled, abandoned, superseded), or retractions and corrections of them, is
folded on from the last open interval that starts before the earliest valid date they change
(resume.py): the fold resumes from that interval's row and applies the live steps dated after it
(``view_steps``), so neither its earlier facts nor its earlier intervals are read. Anything else
(its making, a deadline, an assessment or review, which may change any step) derives the
commitment from its whole stream again. Where the page changes nothing before one of a
commitment's last few intervals, those intervals and the steps after them are the ones the
previous page left in memory (tails.py): nothing is read back at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError, Tracking

from commitment_tracker.events import EVENT_TYPES, CommitmentMade, first_day, to_data, without_nul
from commitment_tracker.projections.areas import area_key
from commitment_tracker.projections.intervals import intervals
from commitment_tracker.projections.knowledge import Knowledge, Step, valid_order
from commitment_tracker.projections.reviews import coding_data, last_reviews
from commitment_tracker.projections.view.resume import (
    NO_MEETINGS,
    Plan,
    fold_on,
    interval_list,
    may_resume,
    plan,
    stored_step,
    stored_targets,
)
from commitment_tracker.projections.view.search import rows_of as search_rows
from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.tails import Tail, Tails, tail_of
from commitment_tracker.projections.view.tables import FOREVER, stamp
from commitment_tracker.projections.view.decode import loads
from commitment_tracker.tracker import Recorded, resolve, stream_id
from commitment_tracker.tracker.streams import KIND_OF_FIRST
from commitment_tracker.tracker.bulk import paused_gc
from commitment_tracker.tracker.mapper import construct_event

if TYPE_CHECKING:
    from commitment_tracker.tracker import Tracker

PAGE = 20000
WHOLE = 200  # commitments derived from their whole streams at a time (bounds the facts held)
RESUME_CHUNK = 500  # commitments resumed at a time (bounds the rows and steps read back)


def record_from_fact(row: Sequence[Any]) -> Recorded:
    entity, position, seq, _, kind, data = row[:6]
    event = construct_event(EVENT_TYPES[kind], loads(data))
    return Recorded(stream_id(entity), position, event, seq=seq)


class StatusProjection:
    """Applies the log to the view, page by page, exactly once."""

    def __init__(self, tracker: Tracker, view: ViewSQL, page: int | None = None) -> None:
        self.tracker = tracker
        self.view = view
        self.page = page or PAGE  # read when made, not when this module was: tests page in small steps
        self.tails = Tails()

    def position(self) -> int:
        return self.view.max_tracking_id(self.tracker.name) or 0  # type: ignore[attr-defined]

    def catch_up(self, progress: Callable[[int], None] | None = None, stop: int | None = None) -> int:
        """Apply every event not yet in the view (up to log position ``stop``, if given); returns
        how many were applied."""
        applied = 0
        while True:
            with paused_gc():
                last = self.position()
                self.tails.valid_at(last)
                page = self.tracker.recorder.select_notifications(start=last, limit=self.page, stop=stop,
                                                                  inclusive_of_start=False)  # fmt: skip
                if not page:
                    return applied
                mapper = self.tracker.mapper
                # Validated when recorded (and by verify): catch-up decodes without validating again.
                records: list[Recorded] = [mapper.to_domain_event(n, validate=False, hashed=False) for n in page]  # type: ignore[call-arg]
                end, count = page[-1].id, len(page)
                # Nothing of a page outlives its turn: its rows are made, the page and its records
                # go; its rows go once written, before the next page is read (two pages at once
                # were the peak of a long catch-up).
                del page
                try:
                    rows = self._batch(records)
                    del records
                except (LookupError, AssertionError, ValueError):
                    # Read against a view that rebuild reset under us (facts gone, position not yet):
                    # not a broken view, a moved one. Read it again from where it is now.
                    if self.position() != last:
                        continue
                    raise
                try:
                    batch = [(last, end)]  # which records fell into one batch: verify replays it
                    self.view.apply(Tracking(self.tracker.name, end), last, *rows, batch)  # type: ignore[attr-defined]
                except IntegrityError:
                    if self.position() == last:
                        raise  # not a race: the view refused the page (edited, or its guards were)
                    continue  # another reader applied this page, or rebuild reset the view: read it again
                finally:
                    del rows
                self.tails.written(end)
                applied += count
                if progress:
                    progress(count)

    # --- one page ------------------------------------------------------------------------------

    def _batch(self, records: list[Recorded]) -> tuple[list[Any], ...]:
        facts, entities, texts, refs = [], [], [], []
        indexing = self.view.indexes_text()
        touched: dict[str, list[str]] = {}  # commitment -> record times in this page
        new: dict[str, list[Recorded]] = {}
        written: dict[tuple[str, int], str] = {}  # each new event's JSON, which its step row repeats
        kinds = self._kinds({r.entity for r in records if r.position > 1})
        for record in records:
            entity, event = record.entity, record.event
            fact, data = fact_of(record)
            facts.append(fact)
            written[entity, record.position] = fact[5]
            refs += refs_of(entity, record.position, data)
            if indexing:
                texts += search_rows(entity, record.position, event.type, data)
            new.setdefault(entity, []).append(Recorded(record.originator_id, record.position, event, seq=record.seq))
            if record.position == 1:
                kinds[entity] = KIND_OF_FIRST.get(event.type, "other")
                if kinds[entity] != "commitment":
                    entities.append((entity, kinds[entity], None, None))
            if kinds.get(entity) == "commitment":
                touched.setdefault(entity, []).append(fact[3])
        closed, opened, gaps = [], [], []
        scores_closed: list[Any] = []
        scores_opened: list[Any] = []
        steps_closed: list[Any] = []
        steps_opened: list[Any] = []
        # Resumed a few hundred commitments at a time: the rows read back, the folds and the fresh
        # intervals of one chunk go before the next are read (a page of a long log touches
        # thousands of commitments), and only the rows to write are kept.
        candidates = [entity for entity in touched if may_resume(new[entity])]
        resumed: set[str] = set()
        for start in range(0, len(candidates), RESUME_CHUNK):
            chunk = candidates[start : start + RESUME_CHUNK]
            for entity, (old_rows, rows, steps, dropped) in self._resume(*self._plans({e: new[e] for e in chunk}), written).items():
                resumed.add(entity)
                first, last = min(touched[entity]), max(touched[entity])
                closed += [(first, entity, FOREVER, row[0]) for row in old_rows - rows]
                opened += [(entity, row[0], row[1], last, FOREVER, *row[2:]) for row in sorted(rows - old_rows)]
                steps_closed += [(first, entity, position, FOREVER) for position in sorted(dropped)]
                steps_opened += [(entity, position, day, last, FOREVER, data) for position, day, data in steps]
                if first < last:
                    gaps.append((entity, first, last))
        # Derived whole, a few streams at a time: their decoded facts go before the next are read.
        whole = [e for e in touched if e not in resumed]
        for start in range(0, len(whole), WHOLE):
            stored = self._stored_facts(whole[start : start + WHOLE], new)
            open_rows: dict[str, list[Any]] = {}
            for row in self.view.open_intervals(list(stored)):
                open_rows.setdefault(row[0], []).append(row)
            open_scores: dict[str, set[tuple[Any, ...]]] = {}
            for row in self.view.open_scores(list(stored)):
                open_scores.setdefault(row[0], set()).add(tuple(row[1:]))
            open_steps: dict[str, set[tuple[Any, ...]]] = {}
            for row in self.view.open_steps(list(stored)):
                open_steps.setdefault(row[0], set()).add(tuple(row[1:]))
            for entity, records_of in stored.items():
                derived = derive_commitment(entity, records_of, clear=not self.view.sealer.sealing)
                first, last = min(touched[entity]), max(touched[entity])
                old = open_scores.get(entity, set())
                scores_closed += [(first, entity, row[0], FOREVER) for row in old - derived.scores]
                scores_opened += [(entity, last, FOREVER, *row) for row in sorted(derived.scores - old, key=lambda r: r[0])]
                old = open_steps.get(entity, set())
                steps_closed += [(first, entity, row[0], FOREVER) for row in old - derived.steps]
                steps_opened += [(entity, *row[:2], last, FOREVER, row[2]) for row in sorted(derived.steps - old)]
                entities.append(derived.entity)
                self.tails.put(entity, derived.tail)
                old_rows = {tuple(row[1:]) for row in open_rows.get(entity, [])}
                for row in old_rows - derived.intervals:
                    closed.append((first, entity, FOREVER, row[0]))
                for row in sorted(derived.intervals - old_rows):
                    opened.append((entity, row[0], row[1], last, FOREVER, *row[2:]))
                if first < last:
                    gaps.append((entity, first, last))
        return facts, entities, closed, opened, gaps, scores_closed, scores_opened, texts, refs, steps_closed, steps_opened

    def _plans(self, candidates: dict[str, list[Recorded]]) -> tuple[dict[str, Plan], dict[tuple[str, int], tuple[str, str]]]:
        """The plans of the commitments whose page may resume (see resume.py), with the stored
        steps their meta-events name read in one statement; and those steps' rows as stored
        ((entity, position) -> (day, data)), which a correction may leave as they were."""
        wanted = [(entity, str(position)) for entity, records in candidates.items() for position in stored_targets(records)]
        stored: dict[str, dict[int, Step]] = {}
        rows: dict[tuple[str, int], tuple[str, str]] = {}
        for entity, position, data in self.view.open_steps_at(wanted) if wanted else ():
            step = stored.setdefault(entity, {})[position] = stored_step(entity, position, data)
            rows[entity, position] = (step.day.isoformat(), data)
        plans = {entity: plan(records, stored.get(entity, {})) for entity, records in candidates.items()}
        return {entity: found for entity, found in plans.items() if found is not None}, rows

    def _resume(self, plans: dict[str, Plan], stored_rows: dict[tuple[str, int], tuple[str, str]],
                written: dict[tuple[str, int], str]) -> dict[str, tuple[set[Any], set[Any], list[Any], frozenset[int]]]:  # fmt: skip
        """For each planned commitment, its fold resumed from the last open interval starting
        before the plan's first day: its open rows from that interval on, their replacements, the
        step rows the plan opens and the positions of those it closes. A commitment left out (no
        such interval: made, or retracted, after that day) is derived from its whole stream.
        Where the page changes nothing before a commitment's last interval, that interval and the
        steps after it are the tail kept from the page that wrote them (tails.py), not read back."""
        found: dict[str, list[Any]] = {}
        later: dict[str, list[Step]] = {}
        before: dict[str, tuple[list[Any], list[Step]]] = {}  # kept rows before the resumed one, kept steps
        unknown = []
        for entity, planned in plans.items():
            kept = self.tails.resumable(entity, planned.first.isoformat())
            if kept is None:
                unknown.append((entity, planned.first.isoformat()))
                continue
            earlier, found[entity], steps = kept
            steps = [s for s in steps if s.resolved.record.position not in planned.dropped]
            start = found[entity][0][1]
            later[entity] = [s for s in steps if s.day.isoformat() > start]
            before[entity] = (earlier, steps)
        read: dict[str, list[Any]] = {}
        for row in self.view.open_intervals_from(sorted(unknown)) if unknown else ():
            read.setdefault(row[0], []).append(row)
        found.update(read)
        later.update({entity: [] for entity in read})
        for entity, position, _, data in self.view.open_steps_after([(e, rows[0][1]) for e, rows in read.items()]) if read else ():
            if position not in plans[entity].dropped:
                later[entity].append(stored_step(entity, position, data))
        resumed = {}
        for entity, rows in found.items():
            live = plans[entity].live
            steps = later[entity] + list(live.values())
            steps.sort(key=valid_order)
            fresh = fold_on(rows[0], steps)
            if fresh is None:
                continue  # not a row this fold gives (a view written otherwise): derive it whole
            # The tail's steps: those kept from before the resumed row too, when the tail served
            # (none of them is live: a step the page replaces was dropped from them).
            earlier, kept_steps = before.get(entity, ([], []))
            every = sorted([*kept_steps, *live.values()], key=valid_order) if entity in before else steps
            self.tails.put(entity, tail_of(earlier + [(entity, *r) for r in fresh], every))
            old_rows = {tuple(r[1:]) for r in rows}
            added = [(position, step.day.isoformat(), step_json(entity, position, step, written)) for position, step in sorted(live.items())]
            # A correction that leaves a step's row as stored (the same date, say) changes no row:
            # closing it and opening the same again would break the record of when it was known.
            kept = {position for position, day, data in added if stored_rows.get((entity, position)) == (day, data)}
            added = [row for row in added if row[0] not in kept]
            resumed[entity] = (old_rows, set(fresh), added, plans[entity].dropped - kept)
        return resumed

    def _kinds(self, entities: set[str]) -> dict[str, str]:
        """What each already-known entity is (commitment, meeting, statement, source)."""
        rows = self.view.read_in("SELECT entity, kind FROM {view_entities} WHERE entity IN ({entities})", sorted(entities))
        return {entity: kind for entity, kind in rows}

    def _stored_facts(self, entities: list[str], new: dict[str, list[Recorded]]) -> dict[str, list[Recorded]]:
        """Each entity's whole stream: what the view holds already, then this page's records."""
        streams: dict[str, list[Recorded]] = {e: [] for e in entities}
        for row in self.view.facts(entities):
            streams[row[0]].append(record_from_fact(row))
        for entity in entities:
            streams[entity].extend(new.get(entity, []))
        return {e: r for e, r in streams.items() if r}


def step_json(entity: str, position: int, step: Step, written: dict[tuple[str, int], str]) -> str:
    """A step row's JSON: its fact's, already encoded, unless a correction changed the event."""
    if step.event is step.resolved.record.event and (entity, position) in written:
        return written[entity, position]
    return json.dumps(to_data(step.event))


def step_row(step: Step) -> tuple[int, str, str]:
    """A live step's view_steps row without the entity nor record times: (position, valid day, data)."""
    return step.resolved.record.position, step.day.isoformat(), json.dumps(to_data(step.event))


def fact_of(record: Recorded) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """An event's view_facts row (entity, position, seq, record time, type, JSON), and its data."""
    event = record.event
    data = to_data(event)
    return (record.entity, record.position, record.seq, stamp(event.recorded_at), event.type, json.dumps(data)), data


@dataclass(frozen=True, slots=True)
class Derived:
    """What the view holds of a commitment once its whole stream (so far) is applied: its
    view_entities row, its open view_intervals rows and its live view_assessments rows (without the
    entity, nor the record times at which they became known)."""

    entity: tuple[Any, ...]
    intervals: set[tuple[Any, ...]]
    scores: set[tuple[Any, ...]]
    steps: set[tuple[Any, ...]]  # the live steps' view_steps rows: (position, valid day, data)
    tail: Tail | None = None  # where a later page resumes (None: retracted, nothing to resume)
    live: tuple[Step, ...] = ()  # the live steps themselves, in valid-time order (verify resumes from them)


def derive_commitment(entity: str, records: Sequence[Recorded], clear: bool = True) -> Derived:
    """A commitment's rows from its stream in position order: catch-up writes them, and verify
    derives them again to check the stored view. ``clear``: the assessments' content columns are
    filled (a store without a key; see ``assessment_rows``)."""
    resolved = resolve(records)
    made = resolved[0].event
    assert isinstance(made, CommitmentMade)
    live = set() if resolved[0].retracted else set(assessment_rows(resolved, clear=clear))
    steps = [Step(r.event, r) for r in resolved[1:] if not r.retracted and not r.is_meta]
    steps.sort(key=valid_order)
    # Every meeting kind any of its events ever named, retracted or corrected away included: at
    # an earlier record time it may have been due by any of them, so show MEETING and show/history
    # read only the commitments and meetings of those kinds. (Read from the fields: getattr of a
    # field a model lacks raises inside pydantic, slowly.)
    due_next = {made.due_next, *(vars(r.event).get("due_next") for r in records)} - {None}
    row = (entity, "commitment", "".join(f",{k}," for k in sorted(due_next)) or None, made.on)
    # Rows are stored without meetings: a next-meeting deadline is resolved when read, so
    # recording a meeting never recomputes the commitments due by one.
    if resolved[0].retracted:
        return Derived(row, set(), live, set())
    fresh = interval_list(intervals(made, resolved[0].record.ref, steps, NO_MEETINGS))
    kept = {step_row(s) for s in steps}
    return Derived(row, set(fresh), live, kept, tail_of([(entity, *r) for r in fresh], steps), tuple(steps))


#: The fields by which an event names another entity (a correction may name new ones: its own
#: fields count too, so the index holds every entity a stream has ever been linked to).
REFERRING = ("meeting", "source", "by", "about")


def refs_of(entity: str, position: int, data: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    """The view_refs rows of one event: (entity, position, named entity, field)."""
    named = set()
    for role in REFERRING:
        value = data.get(role)
        for target in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(target, str) and target != entity:
                named.add((target, role))
    return [(entity, position, target, role) for target, role in sorted(named)]


#: ``until`` of an assessment nothing replaces (later than any valid date).
NEVER_REPLACED = "9999-12-31"


def assessment_rows(resolved: Sequence[Any], clear: bool = True) -> list[tuple[Any, ...]]:
    """A commitment's live assessments as view rows, in the order of ``ASSESSMENT_COLUMNS``:
    (position, valid day, until, cycle until, commitment's first day, party, score, cycle, area,
    area key, data). ``until`` is the valid day from which the party's next assessment (in
    (valid day, record order), the order in which the last one counts) replaces it; ``cycle
    until`` the same within its cycle. ``data`` holds the content (sealed on an encrypted
    store); the content columns, and the links between one party's rows, only when ``clear``."""
    made = resolved[0].event
    made_on = first_day(made.on).isoformat()
    area = getattr(made, "area", None)
    area = without_nul(area) if area else None  # a clear column: see ``without_nul``
    live = [(first_day(item.event.on).isoformat(), item.record.position, item.event) for item in resolved
            if item.event.type == "compliance_assessed" and not item.retracted]  # fmt: skip
    live.sort(key=lambda row: row[:2])
    until: dict[int, str] = {}
    cycle_until: dict[int, str] = {}
    last: dict[Any, int] = {}
    for day, position, event in live:
        for chain, ends in (((event.party,), until), ((event.party, event.cycle), cycle_until)):
            if chain in last:
                ends[last[chain]] = day
            last[chain] = position
    # A review changes its assessment's row (closed, and opened again with the decision), so the
    # rows live at K carry the review state known at K (SPEC §8.2 ``--approved-only``).
    reviews = last_reviews(resolved)
    rows = []
    for day, position, event in live:
        review = reviews.get(position)
        data = json.dumps(coding_data(event, review.event.decision if review is not None else None), sort_keys=True)
        if clear:
            shown = (until.get(position, NEVER_REPLACED), cycle_until.get(position, NEVER_REPLACED), made_on,
                     event.party, event.score, event.cycle, area, area_key(area))  # fmt: skip
        else:
            shown = (None, None, made_on, None, None, None, None, None)
        rows.append((position, day, *shown, data))
    return rows


def knowledge_of(streams: dict[str, list[Recorded]], known_at: datetime | None) -> Knowledge:
    """Exact knowledge of a few streams at a record time (the view's fallback)."""
    from commitment_tracker.projections.knowledge import Log

    return Log(record for records in streams.values() for record in records).known_at(known_at)

