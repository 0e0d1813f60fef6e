"""Two analysts, one score (SPEC §8.2): review state, the queue, and disputed units.

A pure fold over a commitment's live assessments as known at K, each a ``Coding`` with the
decision of its last live review (in record order: a review's ``on`` does not matter for
``--as-of``). The view stores the same codings (``coding_data``) and reads them back with
``Coding.from_data``, so both sides answer through these functions.

- A *unit* is (commitment, party, cycle); an *analyst* is an assessment's assessor, else whoever
  recorded it. An analyst's score on a unit is their latest assessment of it (as SPEC §8 picks).
- An assessment counts as approved when its last review is ``approved``, or it came with an
  edition (the edition was the sign-off).
- A unit is *disputed* while its analysts' latest codings (reconciliations are not codings)
  differ and no reconciliation names every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from commitment_tracker.events import AssessmentReviewed, ComplianceAssessed, first_day
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.tracker import Resolved

#: A unit of a commitment: (party, cycle); cycle None for the assessments without one.
Unit = tuple[str, "str | None"]


@dataclass(frozen=True, slots=True)
class Coding:
    """One live assessment as known, with what its last review decided."""

    commitment: str
    position: int
    on: str
    party: str
    score: int
    cycle: str | None
    analyst: str | None
    reconciles: tuple[int, ...] = ()  # positions in the same stream
    review: str | None = None  # "approved", "returned", or None when never reviewed
    edition: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.commitment}#{self.position}"

    @property
    def day(self) -> date:
        return first_day(self.on)

    @property
    def approved(self) -> bool:
        return self.edition is not None or self.review == "approved"

    @property
    def unit(self) -> Unit:
        return (self.party, self.cycle)

    @classmethod
    def from_data(cls, commitment: str, position: int, on: str, data: dict[str, Any]) -> Coding:
        """A coding from the view's assessment row (see ``coding_data``)."""
        return cls(commitment, position, on, data["party"], data["score"], data["cycle"], data.get("analyst"),
                   tuple(data.get("reconciles") or ()), data.get("review"), data.get("edition"))  # fmt: skip


def coding_data(event: ComplianceAssessed, review: str | None) -> dict[str, Any]:
    """What the view keeps of an assessment (its content: sealed on an encrypted store)."""
    return {"party": event.party, "score": event.score, "cycle": event.cycle, "assessor": event.assessor,
            "analyst": event.analyst, "reconciles": positions(event.reconciles), "review": review,
            "edition": event.edition}  # fmt: skip


def positions(refs: Iterable[str] | None) -> list[int]:
    return [int(ref.rpartition("#")[2]) for ref in refs or ()]


def last_reviews(resolved: Sequence[Resolved]) -> dict[int, Resolved]:
    """Each reviewed position's last live review, in record order."""
    found: dict[int, Resolved] = {}
    for item in resolved:
        if isinstance(item.event, AssessmentReviewed) and not item.retracted:
            found[item.event.target_position] = item
    return found


def codings_of(slug: str, resolved: Sequence[Resolved]) -> list[Coding]:
    """A commitment's live assessments, in (valid day, record order), with their review state."""
    reviews = last_reviews(resolved)
    found = []
    for item in resolved:
        event = item.event
        if isinstance(event, ComplianceAssessed) and not item.retracted:
            review = reviews.get(item.record.position)
            decision = review.event.decision if review is not None else None  # type: ignore[attr-defined]
            found.append(Coding(slug, item.record.position, event.on, event.party, event.score, event.cycle,
                                event.analyst, tuple(positions(event.reconciles)), decision, event.edition))  # fmt: skip
    found.sort(key=lambda c: (c.day, c.position))
    return found


def codings(knowledge: Knowledge, slug: str) -> list[Coding]:
    """``codings_of`` a commitment of ``knowledge`` (none when its making is retracted)."""
    resolved = knowledge.streams.get(slug)
    if not resolved or resolved[0].retracted:
        return []
    return codings_of(slug, resolved)


def until(found: Sequence[Coding], as_of: date) -> list[Coding]:
    return [c for c in found if c.day <= as_of]


# --- disputes ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitCodings:
    """One unit as of a day: each analyst's latest coding, and the reconciliations of it."""

    commitment: str
    party: str
    cycle: str | None
    latest: dict[str, Coding]  # analyst -> their latest coding (no reconciliation)
    reconciliations: list[Coding]

    @property
    def differs(self) -> bool:
        return len({c.score for c in self.latest.values()}) > 1

    @property
    def reconciled_by(self) -> Coding | None:
        """The last reconciliation naming every analyst's latest coding, if any."""
        wanted = {c.position for c in self.latest.values()}
        settled = [r for r in self.reconciliations if wanted <= set(r.reconciles)]
        return settled[-1] if settled else None

    @property
    def disputed(self) -> bool:
        return self.differs and self.reconciled_by is None


def units(found: Sequence[Coding], as_of: date) -> list[UnitCodings]:
    """Every unit of one commitment's codings (``codings``), as of ``as_of``."""
    latest: dict[Unit, dict[str, Coding]] = {}
    reconciliations: dict[Unit, list[Coding]] = {}
    for coding in until(found, as_of):
        if coding.reconciles:
            reconciliations.setdefault(coding.unit, []).append(coding)
        else:
            latest.setdefault(coding.unit, {})[coding.analyst or ""] = coding
    keys = sorted(latest.keys() | reconciliations.keys(), key=lambda u: (u[0], u[1] is None, u[1] or ""))
    commitment = found[0].commitment if found else ""
    return [UnitCodings(commitment, party, cycle, latest.get((party, cycle), {}), reconciliations.get((party, cycle), []))
            for party, cycle in keys]  # fmt: skip


def disputed_units(found: Sequence[Coding], as_of: date) -> list[Unit]:
    """The units of one commitment that are disputed as of ``as_of`` (for the per-summit report)."""
    return [(u.party, u.cycle) for u in units(found, as_of) if u.disputed]


def disputes(knowledge: Knowledge, as_of: date, *, cycle: str | None = None, area: str | None = None,
             party: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Every disputed unit of the commitments in existence as of ``as_of`` (in an area, of a party,
    of a cycle: ``""`` for the assessments without one), keyed as ``count_disputed`` reads them."""
    found = []
    for slug in knowledge.commitments:
        made = knowledge.streams[slug][0].event
        if first_day(made.on) > as_of or not in_area(made.area, area):  # type: ignore[attr-defined]
            continue
        for unit in units(codings(knowledge, slug), as_of):
            if unit.disputed and (party is None or unit.party == party) and (cycle is None or unit.cycle == (cycle or None)):
                found.append({"commitment": slug, "party": unit.party, "cycle": unit.cycle, "area": made.area,  # type: ignore[attr-defined]
                              "year": first_day(made.on).year, "summit": made.summit})  # type: ignore[attr-defined]  # fmt: skip
    return found


def count_disputed(summary: dict[str, Any], by: str, disputed: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``summary`` (SPEC §8's groups and overall) with each group's and the overall count of
    disputed units: ``disputed`` rows carry the unit's ``commitment``, ``party``, ``cycle``, and
    the commitment's ``area``, ``year`` and ``summit``."""
    counts: dict[Any, int] = {}
    total = 0
    for row in disputed:
        key = row["commitment"] if by == "commitment" else row[by]
        counts[key] = counts.get(key, 0) + 1
        total += 1
    for group in summary["groups"]:
        group["disputed"] = counts.get(group["key"], 0)
    summary["overall"]["disputed"] = total
    return summary


# --- the queue ---------------------------------------------------------------------------------


def waiting(found: Sequence[Coding], as_of: date) -> list[Coding]:
    """The assessments of one commitment that wait for review as of ``as_of``: each analyst's
    latest on a unit, unless it came with an edition or was approved; a returned one waits
    (marked returned) until its analyst assesses the unit again."""
    latest: dict[tuple[Unit, str], Coding] = {}
    for coding in until(found, as_of):
        latest[(coding.unit, coding.analyst or "")] = coding
    return sorted((c for c in latest.values() if c.edition is None and c.review != "approved"),
                  key=lambda c: (c.day, c.position))  # fmt: skip
