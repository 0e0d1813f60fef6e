"""What the tracker learned between two record times: the board as of one valid date, compared as
known at K1 and as known at K2, with the events recorded in between that changed it.

``learned`` compares the two ends ("what did we learn this week?"); ``learning`` walks every
moment in between at which something was recorded and lists each change of an answer at the moment
it happened, the record-time counterpart of ``replay``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, timezone
from itertools import groupby
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.fold import CommitmentStatus
from commitment_tracker.projections.knowledge import KnownSince

if TYPE_CHECKING:
    from commitment_tracker.projections.view.contract import Reader

#: What a board row says about a commitment: every field of its status but the id (a hand-kept list
#: missed the made date, the last reaffirmation and more), the ones a reader looks at first leading.
FIELDS = tuple(dict.fromkeys(["status", "due_on", "overdue", "late", "party_status",
                              *(f.name for f in dataclass_fields(CommitmentStatus) if f.name != "id")]))


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    if old is None or new is None:
        return ["exists"]
    return [f for f in FIELDS if old.get(f) != new.get(f)]


def _entry(slug: str, old: dict[str, Any] | None, new: dict[str, Any] | None, fields: list[str],
           causes: list[str]) -> dict[str, Any]:  # fmt: skip
    return {"id": slug, "title": (new or old or {}).get("title"), "status_from": (old or {}).get("status"),
            "status_to": (new or {}).get("status"), "changed": fields, "causes": causes}  # fmt: skip


def _ordered(rows: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(rows, key=lambda s: (first_day(rows[s]["made_on"]), s))


@dataclass(frozen=True)
class Ends:
    """The boards as of one valid date known at the two ends of a record-time window, of the
    commitments the window can have changed (``among``; None: every one): the answers and the
    scores compare the same two, so each is read once."""

    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    among: frozenset[str] | None = None

    @classmethod
    def read(cls, reader: Reader, as_of: date, known_from: datetime, known_to: datetime) -> Ends:
        among = learnable(reader, known_from, known_to)
        return cls(reader.board_among(sorted(among), Clocks(as_of, known_from)),
                   reader.board_among(sorted(among), Clocks(as_of, known_to)), among)  # fmt: skip


def learnable(reader: Reader, known_from: datetime, known_to: datetime) -> frozenset[str]:
    """The commitments whose answer or scores can differ between two record times. A commitment's
    answer as of a valid date folds its own stream (its assessments and their reviews join it) and,
    for a deadline by the next meeting of a kind, the meetings: so those with an event recorded in
    between, and, when a meeting's event is, those its kinds may be the deadline of. Not the whole
    board at both ends: a window of ten events at a million made that fold most commitments twice."""
    return _learnable(reader, reader.recorded_between(known_from, known_to))


def _learnable(reader: Reader, recorded: list[Any]) -> frozenset[str]:
    """``learnable`` of the window's events (``recorded_between``'s rows)."""
    slugs = {row[0] for row in recorded if row[4] == "commitment"}
    meetings = sorted({row[0] for row in recorded if row[4] == "meeting"})
    return frozenset(slugs | set(reader.due_by_meetings(meetings))) if meetings else frozenset(slugs)


def learned(reader: Reader, as_of: date, known_from: datetime, known_to: datetime,
            ends: Ends | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Every commitment whose answer as of ``as_of`` differs between what was known at the two
    record times, with the references of the events recorded in between that caused it."""
    ends = ends or Ends.read(reader, as_of, known_from, known_to)
    before, after = {r["id"]: r for r in ends.before}, {r["id"]: r for r in ends.after}
    changed = {slug: fields for slug in _ordered(before | after)
               if (fields := changed_fields(before.get(slug), after.get(slug)))}  # fmt: skip
    # The causes of these answers alone, and of the meetings that moved their deadlines: the window
    # may hold most of the log, and most of its meetings moved none of these answers.
    moved = {m for slug in changed for m in deadline_meetings(before.get(slug), after.get(slug))}
    causes = Causes(reader.recorded_of(sorted(changed.keys() | moved), known_from, known_to))
    return [_entry(slug, before.get(slug), after.get(slug), fields, causes.of(slug, before.get(slug), after.get(slug)))
            for slug, fields in changed.items()]  # fmt: skip


def learned_scores(reader: Reader, as_of: date, known_from: datetime, known_to: datetime,
                   approved_only: bool = False, ends: Ends | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Every (commitment, party, cycle) whose score as of ``as_of`` (as ``scores --cycle`` picks it,
    with that cycle; among the approved ones alone with ``approved_only``) differs between what was
    known at the two record times: ``before`` is None for a score that appears, ``after`` None for
    one that goes. ``causes``: the commitment's own events recorded in between, as for the answers.
    ``ends``: the two boards, when the caller has read them already."""
    from commitment_tracker.projections.view.scoreview import ScoreSource

    ends = ends or Ends.read(reader, as_of, known_from, known_to)
    before = ScoreSource(reader, Clocks(as_of, known_from), board=ends.before, among=ends.among)
    after = ScoreSource(reader, Clocks(as_of, known_to), board=ends.after, among=ends.among)
    boards = {row["id"]: row for row in before.board} | {row["id"]: row for row in after.board}
    found = []
    for slug in _ordered(boards):
        old, new = before.units(slug, approved_only), after.units(slug, approved_only)
        for party, cycle in sorted(old.keys() | new.keys(), key=lambda unit: (unit[1] or "", unit[0])):
            if old.get((party, cycle)) != new.get((party, cycle)):
                found.append({"commitment": slug, "party": party, "cycle": cycle, "before": old.get((party, cycle)),
                              "after": new.get((party, cycle))})  # fmt: skip
    if not found:
        return []
    slugs = sorted({s["commitment"] for s in found})
    causes = Causes(reader.recorded_of(slugs, known_from, known_to))
    # Each score's causes are the window's events that change its unit (``units_touched``), read
    # from the changed commitments' streams as known at the window's end.
    streams = reader.knowledge_of_ids(slugs, Clocks(as_of, known_to)).streams
    return [item | {"causes": causes.of_unit(streams[item["commitment"]], item["commitment"], (item["party"], item["cycle"]))}
            for item in found]  # fmt: skip


#: Commitments walked through a window at a time (their streams held at once), on the view.
CHUNK = 200


def learning(reader: Reader, as_of: date, known_from: datetime, known_to: datetime) -> list[dict[str, Any]]:
    """Each change of an answer as of ``as_of`` at the record time it happened, within (K1, K2].

    A board per moment would cost the whole board at each of the window's record times (as many as
    its events, for a log recorded one event at a time). Instead the streams that can change are
    read once -- the commitments recorded in the window and, when a meeting is recorded in it,
    those its kinds may be the deadline of (``learnable``) -- and, moment by moment, only the
    streams recorded at that moment are resolved again and only the commitments they touch are
    folded again. One commitment's answers depend on its own stream and the meetings alone, so the
    commitments are walked ``CHUNK`` at a time, each chunk's streams let go before the next is read
    (at a million events a window of ten minutes named 553 commitments: 635 MB held at once), and
    the changes put back in the order of one walk: by moment, then as ``_ordered`` lists them."""
    recorded = reader.recorded_between(known_from, known_to)
    if not recorded:
        return []
    slugs = sorted(_learnable(reader, recorded))
    size = CHUNK if reader.view is not None else max(1, len(slugs))  # the fold reader reads the whole log each time
    # The board at the start, of every chunk's commitments at once: at an earlier record time a
    # board of a few ids costs a range of the index as long as the whole board's.
    board = {r["id"]: r for r in reader.board_among(slugs, Clocks(as_of, known_from))}
    keyed: list[tuple[tuple[str, date, str], dict[str, Any]]] = []
    for start in range(0, len(slugs), size):
        chunk = set(slugs[start : start + size])
        rows = [row for row in recorded if row[4] != "commitment" or row[0] in chunk]
        keyed += _walk(reader, as_of, known_from, {s: board[s] for s in chunk if s in board}, chunk, rows)
    keyed.sort(key=lambda item: item[0])
    return [step for _, step in keyed]


def _walk(reader: Reader, as_of: date, known_from: datetime, board: dict[str, dict[str, Any]], slugs: set[str],
          recorded: list[Any]) -> list[tuple[tuple[str, date, str], dict[str, Any]]]:  # fmt: skip
    """``learning``'s changes of some commitments (``board``: their rows at the window's start),
    each with its place in the whole walk's order."""
    log = reader.log_of(sorted(slugs))
    state = KnownSince(log, known_from)
    steps = []
    for moment, group in groupby(recorded, key=lambda row: row[2]):
        facts = list(group)
        known = _moment(moment)
        knowledge = state.advance({row[0] for row in facts}, known)
        affected = {row[0] for row in facts if row[4] == "commitment"}
        if any(row[4] == "meeting" for row in facts):
            affected |= {slug for slug, row in board.items() if row.get("due_next")}
        now: dict[str, dict[str, Any] | None] = {}
        for slug in affected:
            status = knowledge.status(slug, as_of)
            now[slug] = json.loads(json.dumps(status.to_data())) if status is not None else None  # as stored
        changes = {slug: changed_fields(board.get(slug), row) for slug, row in now.items()
                   if board.get(slug) is not None or row is not None}  # fmt: skip
        causes = Causes((row[0], row[1]) for row in facts)
        shown = {s: (now[s] or board[s]) for s, fields in changes.items() if fields}
        for slug in _ordered(shown):
            place = (moment, first_day(shown[slug]["made_on"]), slug)  # _ordered's key, within the moment
            steps.append((place, {"known_at": known.isoformat(), **_entry(slug, board.get(slug), now[slug], changes[slug],
                                                                           causes.of(slug, board.get(slug), now[slug]))}))  # fmt: skip
        for slug, row in now.items():
            if row is None:
                board.pop(slug, None)
            else:
                board[slug] = row
    return steps


def deadline_meetings(old: dict[str, Any] | None, new: dict[str, Any] | None) -> set[str]:
    """The meetings that resolved a commitment's next-meeting deadline at either end, when that
    deadline moved. With its own stream unchanged, a deadline moves only when one of these two
    meetings changed: the one that resolves it now appeared or moved ahead, or the one that did
    went (a meeting's rank among the candidates depends on its own events alone)."""
    if old is None or new is None or (old["due_on"], old["due_meeting"]) == (new["due_on"], new["due_meeting"]):
        return set()
    return {m for m in (old["due_meeting"], new["due_meeting"]) if m is not None}


class Causes:
    """The events recorded in a window, indexed once by entity (a window may hold most of the log)."""

    def __init__(self, rows: Iterable[Any]) -> None:
        """``rows``: (entity, position) of events recorded in the window, as ``recorded_of`` gives them."""
        self.recorded: dict[str, list[int]] = {}
        for entity, position in rows:
            self.recorded.setdefault(entity, []).append(position)

    def _refs(self, entity: str) -> list[str]:
        # In record order, which along one stream is position order.
        return [f"{entity}#{position}" for position in sorted(self.recorded.get(entity, ()))]

    def of_unit(self, stream: list[Any], slug: str, unit: tuple[str, str | None]) -> list[str]:
        """What changed one score of a commitment (``stream``: its resolved records): its events
        recorded in the window that touch the score's unit (``scores.units_touched``)."""
        from commitment_tracker.projections.scores import units_touched

        touched = [(position, units_touched(stream, position)) for position in sorted(self.recorded.get(slug, ()))]
        return [f"{slug}#{position}" for position, units in touched if units is None or unit in units]

    def of(self, slug: str, old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> list[str]:
        """What changed a commitment's answer from ``old`` to ``new``: its own events recorded in
        the window, then those of the meetings that moved its deadline (``deadline_meetings``)."""
        return [*self._refs(slug), *(ref for m in sorted(deadline_meetings(old, new)) for ref in self._refs(m))]


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
