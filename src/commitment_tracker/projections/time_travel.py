"""What the report's time sliders need: the fold's own answers at every (as of D, known at K) a reader can pick.

The known-at slider stops at each distinct record time of the log (nothing else changes what was
known), so the page holds one answer set per stop. For one stop, a commitment's answer changes over
valid time only on the days of its own events, the days a meeting of its ``due_next`` kind was held
or announced, and the days time alone changes something: the day after its deadline (overdue, a
recurring lapse), the deadline's last day and the end of a recurring commitment's first period (it
starts to count in the matrix). The answer is computed by the fold on each of those days, so the
page answers exactly what ``ctrack status --as-of D --known-at K`` answers, for every D and K.

Answers are deduplicated: a stop repeats nothing that the previous stop already said about a
commitment, and identical answers are stored once.

A log recorded a little at a time has as many record times as events: a page cannot offer them all
(each stop costs a fold of every commitment it changed, and the page's size grows with them), so
above ``stop_limit`` (fewer for more commitments) the slider offers that many, spread evenly over the record times, the latest always among them. Each offered stop then
says until when its answer holds (the next record time, offered or not), so the page never passes
off one moment's answer as another's; ``ctrack status --known-at`` answers any moment. From one
stop to the next only the streams recorded in between are resolved again, and only the commitments
whose stream (or, for those due by a next meeting, the meetings) changed are folded again.
"""

from __future__ import annotations

import heapq
import json
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any

from commitment_tracker.events import add_period, first_day, last_day
from commitment_tracker.projections.compliance import cell_data, due_by
from commitment_tracker.projections.fold import RECURRING, CommitmentStatus
from commitment_tracker.projections.knowledge import Knowledge, KnownSince, Log
from commitment_tracker.projections.scores import ScoreTrack, score_track
from commitment_tracker.tracker import Recorded
from commitment_tracker.tracker.streams import KIND_OF_FIRST

DAY = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: The most record times the known-at slider offers (see the module doc), and the most
#: (commitment, stop) pairs a page holds: a report of many commitments offers fewer stops.
MAX_STOPS = 100
STOP_BUDGET = 2000


def stop_limit(commitments: int) -> int:
    """How many record times a page of this many commitments offers."""
    return max(2, min(MAX_STOPS, STOP_BUDGET // max(commitments, 1)))


@dataclass(frozen=True, slots=True)
class Stop:
    """One record time the known-at slider can stop at, and the events recorded at that moment."""

    at: datetime
    records: tuple[Recorded, ...]  # in record order; their refs are spelled only for the stops offered
    until: datetime | None = None  # the next record time, when the page does not offer it

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(record.ref for record in self.records)

    @property
    def label(self) -> str:
        more = len(self.refs) - 1
        return f"after {self.refs[0]}" + (f" and {more} more" if more else "")

    def to_data(self) -> dict[str, Any]:
        at = self.at.astimezone(timezone.utc)
        return {"at": at.isoformat().replace("+00:00", "Z"), "us": _micros(at), "label": self.label,
                "refs": list(self.refs), "until_us": _micros(self.until) if self.until else None}  # fmt: skip


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch: exact in a JavaScript number (below 2**53 until the year 2255)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def stops(log: Log, known_at: datetime | None = None) -> list[Stop]:
    """The distinct record times up to ``known_at`` (None: all), oldest first."""
    found: dict[datetime, list[Any]] = {}
    for records in log.streams.values():
        for record in records:
            at = record.event.recorded_at
            if at is not None and (known_at is None or at <= known_at):
                found.setdefault(at, []).append(record)
    # Most record times hold one record: only the others need sorting into record order.
    return [Stop(at, tuple(found[at]) if len(found[at]) == 1 else tuple(sorted(found[at], key=lambda r: r.seq)))
            for at in sorted(found)]  # fmt: skip


def offer(every: list[Stop], limit: int = MAX_STOPS) -> list[Stop]:
    """The stops the known-at slider offers: all of them when there are at most ``limit``, else
    ``limit`` spread evenly over record order, the latest always; each then knows its successor."""
    if len(every) <= limit:
        return every
    last = len(every) - 1
    return [replace(every[i], until=every[i + 1].at if i < last else None) for i in _picks(len(every), limit)]


def _picks(count: int, limit: int) -> list[int]:
    """``limit`` indexes of ``count`` (more) spread evenly, the first and the last among them."""
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


class RecordTimes:
    """Distinct record times gathered a few streams at a time, held as microseconds since the epoch
    (8 bytes each: a million record times as datetimes would be most of a report's memory)."""

    def __init__(self) -> None:
        self._runs: list[array[int]] = []

    def add(self, moments: Iterable[datetime]) -> None:
        self._runs.append(array("q", sorted({_micros(moment) for moment in moments})))

    def ordered(self) -> array[int]:
        """Every time added, once each, ascending."""
        merged: array[int] = array("q")
        for us in heapq.merge(*self._runs):
            if not merged or merged[-1] != us:
                merged.append(us)
        self._runs = [merged]
        return merged


def offer_times(every: Sequence[int], limit: int = MAX_STOPS) -> list[tuple[datetime, datetime | None]]:
    """``offer`` from the record times alone (``RecordTimes.ordered``): each offered time, with the
    next record time when the page does not offer it (None when it does, or for the latest)."""
    if len(every) <= limit:
        return [(_moment(us), None) for us in every]
    last = len(every) - 1
    return [(_moment(every[i]), _moment(every[i + 1]) if i < last else None) for i in _picks(len(every), limit)]


def _moment(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def edition_moments(log: Log, known_at: datetime | None = None) -> dict[str, int]:
    """Each edition's record time (SPEC §8.1: ``--known-at EDITION``), in the stops' microseconds,
    so that a link naming an edition (``#known-at=g20-2022``, or ``g20-2022^`` just before it) opens
    the page at that moment; editions recorded after ``known_at`` are left out."""
    found = {}
    for slug, records in log.streams.items():
        at = records[0].event.recorded_at
        if records[0].event.type == "edition_published" and at is not None and (known_at is None or at <= known_at):
            found[slug] = _micros(at.astimezone(timezone.utc))
    return found


@dataclass(frozen=True, slots=True)
class Moment:
    """What was known at one offered stop, and what had changed since the previous one."""

    number: int
    knowledge: Knowledge
    changed: frozenset[str]  # entities recorded since the previous offered stop (all, at the first)
    meetings_changed: bool


def moments(log: Log, every: list[Stop], offered: list[Stop]) -> Iterator[Moment]:
    """The knowledge at each offered stop, resolving again only the streams recorded since the last."""
    at = [s.at for s in offered]
    return _moments(log, _recorded_between([(stop.at, record.entity) for stop in every for record in stop.records], at), at)


def moments_at(log: Log, offered: list[datetime]) -> Iterator[Moment]:
    """``moments`` for a log of some of the streams (a few commitments, with the meetings), at the
    offered record times: what changed between two of them is read from the log's own records, so
    the moments are those of the whole log, restricted to its streams."""
    # Each stream is due again at the first offered time at or after each of its records: no sort
    # of every record (a hundred thousand of them in a report's chunk) is needed to know that.
    between: list[set[str]] = [set() for _ in offered]
    for slug, records in log.streams.items():
        for record in records:
            at = record.event.recorded_at
            if at is not None:
                number = bisect_left(offered, at)
                if number < len(offered):
                    between[number].add(slug)
    return _moments(log, between, offered)


def _recorded_between(recorded: Sequence[tuple[datetime, str]], offered: list[datetime]) -> list[set[str]]:
    """The streams recorded up to each offered time and after the one before it, given each
    record's (record time, stream) in record-time order."""
    between: list[set[str]] = []
    consumed = 0
    for at in offered:
        changed: set[str] = set()
        while consumed < len(recorded) and recorded[consumed][0] <= at:
            changed.add(recorded[consumed][1])
            consumed += 1
        between.append(changed)
    return between


def _moments(log: Log, between: list[set[str]], offered: list[datetime]) -> Iterator[Moment]:
    """The moments at the ``offered`` record times, given the streams recorded up to each and
    after the one before it (``between``): those are the ones resolved again there."""
    state: KnownSince | None = None
    for number, at in enumerate(offered):
        changed = between[number]
        if state is None:
            state = KnownSince(log, at)
            knowledge, changed = state.knowledge, set(log.streams)
        else:
            knowledge = state.advance(changed, at)
        meetings = any(KIND_OF_FIRST.get(log.streams[slug][0].event.type) == "meeting" for slug in changed)
        yield Moment(number, knowledge, frozenset(changed), meetings)


def due_kinds(knowledge: Knowledge, slug: str) -> set[str]:
    """The meeting kinds a commitment has been due by (what makes meetings change its answer)."""
    made, steps = knowledge.steps(slug)
    return _kinds(made, steps)


def _kinds(made: Any, steps: list[Any]) -> set[str]:
    # Read from the fields: getattr of a field a model lacks raises inside pydantic, slowly.
    return {made.due_next, *(vars(step.event).get("due_next") for step in steps)} - {None}


def unchanged(moment: Moment, slug: str, before: dict[str, Any], kinds: dict[str, set[str]]) -> bool:
    """Whether a commitment's answer at this moment is the one it had at the previous moment."""
    if slug not in before or slug in moment.changed:
        return False
    return not (moment.meetings_changed and kinds.get(slug))


#: What the page's script draws of a status; the rest (every instance of a recurring commitment,
#: each party's status, which the cells repeat) would only make answers bigger and fewer alike.
DRAWN = ("id", "title", "parties", "cadence", "status", "made_on", "due_on", "due_next", "due_meeting",
         "overdue", "late", "last_event_on", "reaffirmations")  # fmt: skip


def answer(knowledge: Knowledge, status: CommitmentStatus, as_of: date, approved_only: bool = False) -> dict[str, Any]:
    """One commitment's board row, matrix row and scores as of a day: what the page draws.

    ``scores`` are the ones that count (SPEC §8: empty when none has been given), ``score_only``
    whether the commitment is only scores (``scores.score_only``: the page then draws no status
    for it), ``area`` and ``code`` what the scores section groups and names it by."""
    return _answer(status.to_data(), as_of, score_track(knowledge, status.id, approved_only))


def _answer(data: dict[str, Any], as_of: date, track: ScoreTrack) -> dict[str, Any]:
    """``answer`` from the status as plain data (``CommitmentStatus.to_data``: the fold's row, with no
    status built on each change day), with the commitment's scores read once for all its days."""
    found = track.scores(as_of)  # SPEC §8.2's reviewed scores, if the track was asked for them
    status, cadence, overdue, party_status = data["status"], data["cadence"], data["overdue"], data["party_status"]
    # Built in place, in the order of the fields listed (a hundred thousand answers on a page of 100k events).
    told = dict(zip(DRAWN, _drawn(data)))
    told["made_day"] = _day_text(data["made_on"])
    told["counted"] = due_by(status, cadence, data["made_on"], data["due_on"], as_of)
    told["cells"] = {party: cell_data(party_status[party], cadence, status, overdue) for party in data["parties"]}
    told["area"], told["code"] = data["area"], data["code"]
    told["scores"] = dict(sorted(found.items())) if found is not None else {}
    told["score_only"] = track.only(as_of)
    return told


_drawn = itemgetter(*DRAWN)


@lru_cache(maxsize=1 << 12)
def _day_text(made_on: str) -> str:
    """The first day of a making's date, spelled: the same for every answer of a commitment."""
    return first_day(made_on).isoformat()


def change_days(knowledge: Knowledge, slug: str) -> list[date]:
    """The days, from the making on, on which the commitment's answer can change (see the module doc)."""
    return list(_by_change_day(knowledge, slug))


def _by_change_day(knowledge: Knowledge, slug: str) -> dict[date, dict[str, Any] | None]:
    """The commitment's status (as plain data) on each of its change days, in order. The days of its events and
    meetings are folded first; the days their deadlines add are folded only if they are new."""
    made, steps = knowledge.steps(slug)
    made_day = first_day(made.on)
    days = {made_day, *(day for day in (step.day for step in steps) if day > made_day)}
    for kind in _kinds(made, steps):
        days.update(knowledge.meetings.change_days(kind, made_day))  # type: ignore[arg-type]
    ordered = sorted(days)
    found = dict(zip(ordered, knowledge.rows(slug, ordered)))
    added = set()
    for status in found.values():
        if status is None:
            continue
        if status["due_on"]:
            added.update({last_day(status["due_on"]), last_day(status["due_on"]) + DAY})
        if status["cadence"] in RECURRING:
            added.add(add_period(last_day(status["made_on"]), status["cadence"]))
    more = sorted(d for d in added - days if d >= made_day)
    if more:
        found |= dict(zip(more, knowledge.rows(slug, more)))
    return {day: found[day] for day in sorted(found) if day >= made_day}


def runs(knowledge: Knowledge, slug: str, approved_only: bool = False) -> list[tuple[date, dict[str, Any]]]:
    """The commitment's answer over valid time: (first day, answer), each holding until the next."""
    found: list[tuple[date, dict[str, Any]]] = []
    track = score_track(knowledge, slug, approved_only)
    for day, status in _by_change_day(knowledge, slug).items():
        if status is None:
            continue
        row = _answer(status, day, track)
        if not found or found[-1][1] != row:
            found.append((day, row))
    return found


def time_travel(log: Log, known_at: datetime | None = None, limit: int = MAX_STOPS) -> dict[str, Any]:
    """The data the page's sliders read: stops, distinct answers, and each commitment's runs per stop.

    ``commitments[slug]`` is a list of ``[stop, runs]``: from that stop index on (until the next
    entry) the commitment's answer as of D is that of the last run whose day is ≤ D; ``runs`` is
    ``[[day, answer index], ...]``, empty while the commitment is unknown or retracted.
    """
    every = stops(log, known_at)
    offered = offer(every, limit)
    return travel_data(moments(log, every, offered), every, offered)


class OverBudget(Exception):
    """The sliders' answers, written as JSON, would take more bytes than the caller allows."""


class Answers:
    """The distinct answers found so far, each numbered once, in the order found.

    With a ``budget``, ``number`` raises ``OverBudget`` as soon as ``json.dumps`` of the answers
    would be longer than that: a page that offers fewer stops is wanted then, and the answers of the
    commitments and stops not yet folded would be thrown away. ``found`` is given each new answer
    (by default kept in ``rows``: a caller that writes them out keeps none)."""

    def __init__(self, budget: int | None = None) -> None:
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self.size = 0  # len(json.dumps(answers)) so far: each answer, and ", " or the brackets around them
        self.budget = budget
        self._index: dict[str, int] = {}

    def number(self, row: dict[str, Any]) -> int:
        # Told apart by their JSON, as the page holds them (as long as json.dumps(row): the same
        # items in another order): an answer spelled once is never spelled again to be written.
        text = self.spell(row)
        found = self._index.get(text)
        if found is None:
            self.size += len(text) + 2
            if self.budget is not None and self.size > self.budget:
                raise OverBudget
            found = self._index[text] = self.count
            self.found(row, text)
            self.count += 1
        return found

    def spell(self, row: dict[str, Any]) -> str:
        """An answer's JSON, by which equal answers are told apart (and as a writer writes it)."""
        return json.dumps(row, sort_keys=True)

    def found(self, row: dict[str, Any], text: str) -> None:
        self.rows.append(row)

    def held(self, slug: str, entry: list[Any]) -> None:
        """A commitment's runs from a stop on (``[stop, runs]``), as ``travel_runs`` adds it."""

    def forget(self) -> None:
        """Let the spellings seen so far go: an answer names its commitment, so once a commitment's
        answers are all found, none of another commitment's can equal them."""
        self._index = {}


def travel_runs(found: Iterator[Moment] | list[Moment], answers: Answers,
                approved_only: bool = False) -> dict[str, list[list[Any]]]:  # fmt: skip
    """``commitments`` of ``time_travel``'s data for the commitments of the moments' knowledge, each
    distinct answer numbered by ``answers``."""
    commitments: dict[str, list[list[Any]]] = {}
    previous: dict[str, list[list[Any]]] = {}
    kinds: dict[str, set[str]] = {}
    for moment in found:
        knowledge = moment.knowledge
        current = {}
        for slug in knowledge.commitments:
            if unchanged(moment, slug, previous, kinds):
                current[slug] = previous[slug]
                continue
            kinds[slug] = due_kinds(knowledge, slug)
            current[slug] = [[day.isoformat(), answers.number(row)] for day, row in runs(knowledge, slug, approved_only)]
        for slug in current.keys() | previous.keys():
            now = current.get(slug, [])
            if previous.get(slug, []) != now:
                commitments.setdefault(slug, []).append(entry := [moment.number, now])
                answers.held(slug, entry)
        previous = current
    return commitments


def travel_data(found: Iterator[Moment] | list[Moment], every: list[Stop], offered: list[Stop],
                approved_only: bool = False, budget: int | None = None) -> dict[str, Any]:  # fmt: skip
    """``time_travel``'s data at the ``offered`` stops, the answers held in memory (see ``Answers``
    for the ``budget``)."""
    answers = Answers(budget)
    commitments = travel_runs(found, answers, approved_only)
    return {"stops": [s.to_data() for s in offered], "recorded_times": len(every), "answers": answers.rows,
            "commitments": commitments}  # fmt: skip
