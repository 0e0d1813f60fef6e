"""Compliance scores (SPEC §8): which score counts, and the averages of any grouping.

A pure fold over the same ``Knowledge`` the status board uses. As of D, known at K, a party's
score on a commitment is its ``compliance_assessed`` event (recorded by K, not retracted,
corrections applied, ``on`` <= D; with a cycle, only that cycle's) with the latest ``on``, ties
broken by record order. A party without one has no score: it is left out of every average.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from commitment_tracker.events import ComplianceAssessed, first_day
from commitment_tracker.events.parties import name_of
from commitment_tracker.events.scoring import counting_scores
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.fold import RECURRING
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.projections.reviews import codings
from commitment_tracker.tracker.resolution import apply_correction

GROUPINGS = ("commitment", "party", "area", "year", "cycle", "summit")
#: The cycle filter that keeps only assessments without a cycle label (labels are slugs, never empty).
UNLABELLED = ""


#: A score's unit: (party, cycle), the cycle None for assessments without one.
Unit = tuple[str, str | None]


def units_touched(stream: list[Any], position: int) -> set[Unit] | None:
    """The units whose score the event at ``position`` of a commitment's stream (its resolved
    records, in position order) may change: an assessment's own (as recorded and as corrected),
    and, for a correction, retraction or review of one, that assessment's (a correction of its
    party or cycle moves it from one unit to another: both). None for every unit: the making,
    with which the scores appear, and a retraction of it, with which they go. A correction of
    the making, a status event or a meeting's changes no score: the empty set."""
    if position == 1:
        return None
    item = stream[position - 1]
    event = item.record.event
    if event.type == "compliance_assessed":
        return {unit for unit in (_unit(event), _unit(item.event)) if unit is not None}
    target = getattr(event, "target_position", None)  # a retraction, a correction or a review
    if target is None or target >= position:
        return set()
    if target == 1:
        return None if event.type == "event_retracted" else set()
    aimed = stream[target - 1]
    if aimed.record.event.type != "compliance_assessed":
        return units_touched(stream, target)  # a retraction of a correction or review: what that touched
    found = {_unit(aimed.record.event), _unit(aimed.event)}
    if event.type == "event_corrected":
        found.add(_unit(apply_correction(aimed.record.event, event)))
    return {unit for unit in found if unit is not None}


def _unit(event: Any) -> Unit | None:
    return (event.party, event.cycle or None) if isinstance(event, ComplianceAssessed) else None


@dataclass(frozen=True, slots=True)
class Scored:
    """One commitment as of D with the score of each assessed party."""

    id: str
    code: str | None
    area: str | None
    title: str
    made_on: str
    scores: dict[str, int]  # party -> score, only the parties that have one
    summit: str | None = None
    text: str | None = None
    published_average: float | None = None

    @property
    def year(self) -> int:
        return first_day(self.made_on).year


def scored(knowledge: Knowledge, slug: str, as_of: date, cycle: str | None = None,
           approved_only: bool = False) -> Scored | None:  # fmt: skip
    """One commitment's scores as of ``as_of``; None when it was not made by then. With
    ``approved_only`` (SPEC §8.2), the assessments not approved at the knowledge's record time are
    dropped before the score that counts is picked."""
    made, steps = knowledge.steps(slug)
    if first_day(made.on) > as_of:
        return None
    if approved_only:
        assessments: list[Any] = [c for c in codings(knowledge, slug) if c.approved]
    else:
        assessments = [s.event for s in steps if isinstance(s.event, ComplianceAssessed)]
    return Scored(made.commitment, made.code, made.area, made.title, made.on,
                  counting_scores(assessments, as_of, cycle), made.summit, made.text, made.published_average)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ScoreTrack:
    """One commitment's scores over valid time, read from its stream once: on any day, what
    ``scored`` and ``score_only`` answer on that day alone (the report's sliders ask on every change
    day of every commitment, and each one-day call sorts the whole stream again)."""

    made_day: date
    counting: list[Any]  # the assessments whose scores may count (approved ones alone, if asked), in (on, record) order
    every: list[Any]  # every live assessment: whether a commitment is score-only does not depend on reviews
    others_from: date | None  # the first day an event other than scores is dated (date.min: one is undated)

    def scores(self, as_of: date) -> dict[str, int] | None:
        """``scored(...).scores`` as of ``as_of``; None when the commitment was not made by then."""
        return None if self.made_day > as_of else counting_scores(self.counting, as_of)

    def only(self, as_of: date) -> bool:
        """``score_only`` as of ``as_of`` (a making with a status to tell is never: ``others_from``
        is then its day)."""
        if self.made_day > as_of or (self.others_from is not None and self.others_from <= as_of):
            return False
        return bool(counting_scores(self.every, as_of))


def score_track(knowledge: Knowledge, slug: str, approved_only: bool = False) -> ScoreTrack:
    """A commitment's ``ScoreTrack`` in ``knowledge``."""
    made, steps = knowledge.steps(slug)
    every = [s.event for s in steps if isinstance(s.event, ComplianceAssessed)]
    counting = [c for c in codings(knowledge, slug) if c.approved] if approved_only else every
    days = [date.min if on is None else first_day(on) for on in _others_on(knowledge, slug)]
    if tells_a_status(made.due, made.due_next, made.cadence):
        days.append(first_day(made.on))
    return ScoreTrack(first_day(made.on), counting, every, min(days, default=None))


def tells_a_status(due: Any, due_next: str | None, cadence: str) -> bool:
    """Whether a making with this deadline and cadence gives its commitment a status to tell with
    no other event of its own: a deadline (a date; or the next meeting of a kind, which other
    streams hold) or a recurring cadence (it lapses with time). Such a commitment is never
    score-only: shown by its scores, "lapsed" or "overdue" would be hidden."""
    return due is not None or due_next is not None or cadence in RECURRING


def _others_on(knowledge: Knowledge, slug: str) -> Iterator[str | None]:
    """The dates of a commitment's events besides its making that are not scores (see ``score_only``)."""
    for resolved in knowledge.streams[slug][1:]:
        if not (resolved.is_meta or resolved.record.event.type in SCORE_EVENTS):
            yield getattr(resolved.event, "on", None)


def score_sheet(knowledge: Knowledge, as_of: date, *, cycle: str | None = None, area: str | None = None,
                party: str | None = None, approved_only: bool = False) -> list[Scored]:  # fmt: skip
    """Every commitment in existence as of ``as_of`` (in an area, if given, compared without case),
    with its counting scores (of one party, if given; approved ones only, if asked)."""
    sheet = []
    for slug in knowledge.commitments:
        row = scored(knowledge, slug, as_of, cycle, approved_only)
        if row is None or not in_area(row.area, area):
            continue
        if party is not None:
            row = Scored(row.id, row.code, row.area, row.title, row.made_on,
                         {p: s for p, s in row.scores.items() if p == party}, row.summit, row.text,
                         row.published_average)  # fmt: skip
        sheet.append(row)
    return sheet


def cycles(knowledge: Knowledge, slugs: Iterable[str] | None = None) -> list[str]:
    """Every cycle label any live assessment carries (``UNLABELLED`` for those without one), of
    every commitment or of ``slugs`` alone."""
    found: set[str] = set()
    wanted = None if slugs is None else set(slugs)
    for slug in knowledge.commitments:
        if wanted is not None and slug not in wanted:
            continue
        for step in knowledge.steps(slug)[1]:
            if isinstance(step.event, ComplianceAssessed):
                found.add(step.event.cycle or UNLABELLED)
    return sorted(found, key=lambda c: (c == UNLABELLED, c))


# --- averages ---------------------------------------------------------------------------------


def percent(average: float | None) -> float | None:
    return None if average is None else (average + 1) / 2 * 100


def _summary(pairs: list[tuple[str, int]]) -> dict[str, Any]:
    """Average, percent and counts of (commitment id, score) pairs, each one (commitment, party)."""
    average = sum(score for _, score in pairs) / len(pairs) if pairs else None
    return {"average": average, "percent": percent(average), "scores": len(pairs),
            "commitments": len({commitment for commitment, _ in pairs})}  # fmt: skip


def _pairs(sheet: Iterable[Scored]) -> list[tuple[str, int]]:
    return [(row.id, score) for row in sheet for score in row.scores.values()]


def summarise(sheet: list[Scored], by: str) -> dict[str, Any]:
    """``groups`` and ``overall`` of SPEC §8 for a sheet grouped ``by`` commitment, party, area or
    year (``cycle`` groups are built from one sheet per cycle: see ``by_cycle``)."""
    groups: list[dict[str, Any]] = []
    if by == "commitment":
        for row in sheet:
            if not row.scores:
                continue
            group = {"key": row.id, **_summary(_pairs([row])), "id": row.id, "code": row.code,
                     "area": row.area, "title": row.title, "made_on": row.made_on,
                     "party_scores": dict(sorted(row.scores.items()))}  # fmt: skip
            groups.append(published(group, row.text, row.published_average))
    else:
        buckets: dict[Any, list[tuple[str, int]]] = {}
        for row in sheet:
            for party, score in row.scores.items():
                key = {"party": party, "area": row.area, "year": row.year, "summit": row.summit}[by]
                buckets.setdefault(key, []).append((row.id, score))
        for key, pairs in buckets.items():
            group = {"key": key, **_summary(pairs)}
            if by == "party":
                group["name"] = name_of(key)
            groups.append(group)
        if by == "party":  # a ranking: best average first
            groups.sort(key=lambda g: (-g["average"], g["key"]))
        else:
            groups.sort(key=lambda g: (g["key"] is None, g["key"] if g["key"] is not None else ""))
    return {"by": by, "groups": groups, "overall": _summary(_pairs(sheet))}


#: The orders ``scores --sort`` offers: the key ascending, the highest average or the most scores first.
SORTS = ("key", "average", "scores")


def ranks(groups: list[dict[str, Any]]) -> dict[Any, int]:
    """Each group's rank by its average, highest first, whatever order the groups are shown in;
    equal averages share a rank (1, 1, 1, 4), as compliance reports rank members. A group
    without an average has none."""
    found: dict[Any, int] = {}
    previous: tuple[float, int] | None = None
    for index, group in enumerate(sort_groups([g for g in groups if g["average"] is not None], "average")):
        rank = previous[1] if previous is not None and previous[0] == group["average"] else index + 1
        found[group["key"]] = rank
        previous = (group["average"], rank)
    return found


def ranked(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each group with its ``rank`` (``ranks``; None without an average): the summit report's
    Table 3 and the report's member ranking."""
    found = ranks(groups)
    return [group | {"rank": found.get(group["key"])} for group in groups]


def sort_groups(groups: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """``groups`` in the order ``by`` names (ties: by key); a group without an average comes last."""

    def key(group: dict[str, Any]) -> tuple[Any, ...]:
        name = (group["key"] is None, str(group["key"]) if group["key"] is not None else "")
        if by == "average":
            return (group["average"] is None, -(group["average"] or 0), *name)
        if by == "scores":
            return (-group["scores"], *name)
        return name

    return sorted(groups, key=key)


#: How far a commitment's computed average may be from its published one (printed to 2 places).
PUBLISHED_TOLERANCE = 0.005


def published(group: dict[str, Any], text: str | None, average: float | None) -> dict[str, Any]:
    """A ``--by commitment`` group beside what was published (SPEC §8.1): the full ``text``, the
    ``published_average`` the latest edition gave, and ``average_differs`` where the two differ."""
    differs = average is not None and group["average"] is not None and (
        abs(group["average"] - average) > PUBLISHED_TOLERANCE + 1e-9)
    return group | {"text": text, "published_average": average, "average_differs": differs}


def with_published(groups: list[dict[str, Any]], pledges: dict[str, Any]) -> list[dict[str, Any]]:
    """``published`` for groups read from the view, whose rows carry no text nor published average."""
    return [published(group, getattr(pledges.get(group["id"]), "text", None),
                      getattr(pledges.get(group["id"]), "published_average", None)) for group in groups]  # fmt: skip


def by_cycle(sheets: dict[str, list[Scored]], overall: list[Scored]) -> dict[str, Any]:
    """One group per cycle, each from the sheet of that cycle's assessments alone."""
    groups = [{"key": cycle or None, **_summary(_pairs(sheet))} for cycle, sheet in sheets.items()]
    return {"by": "cycle", "groups": [g for g in groups if g["scores"]], "overall": _summary(_pairs(overall))}


def scored_commitments(sheet: list[Scored]) -> Iterator[Scored]:
    return (row for row in sheet if row.scores)


#: The events a score-only commitment has besides its making (SPEC §8; §8.2's reviews).
SCORE_EVENTS = frozenset({"compliance_assessed", "assessment_reviewed"})


def score_only(knowledge: Knowledge, slug: str, as_of: date) -> bool:
    """Whether a commitment is *score-only* as of ``as_of`` (in ``knowledge``, the log as known at
    K): it has a score that counts, its making sets no deadline nor cadence (``tells_a_status``),
    and its only events besides its making are assessments, reviews, and retractions and
    corrections. Such a commitment has no status to tell -- its ``pledged`` says nothing -- so
    displays lead with its scores (display only: its status stays as
    SPEC §5 defines it). An event dated after ``as_of`` does not count yet; a retracted one does
    (its history tells of it), and so does a correction of the making (``import-scores`` records
    those)."""
    found = scored(knowledge, slug, as_of)
    made = knowledge.steps(slug)[0]
    if found is None or not found.scores or tells_a_status(made.due, made.due_next, made.cadence):
        return False
    for resolved in knowledge.streams[slug][1:]:
        if resolved.is_meta or resolved.record.event.type in SCORE_EVENTS:
            continue
        on = getattr(resolved.event, "on", None)
        if on is None or first_day(on) <= as_of:
            return False
    return True
