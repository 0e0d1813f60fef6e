"""Review, queue, agreement and disagreements (SPEC §8.2) answered through a reader.

The units and their codings come from the same ``ScoreSource`` the scores read (the view's
assessment rows carry analyst, reconciliations and review state); what the rows do not carry --
notes, sources, who recorded what and when -- is read from the streams of the few commitments
shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from commitment_tracker.projections.agreement import agreement
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.reviews import Coding, UnitCodings, last_reviews, waiting
from commitment_tracker.projections.view.scoreview import ScoreSource
from commitment_tracker.tracker.reviewing import same_person

if TYPE_CHECKING:
    from commitment_tracker.projections.knowledge import Knowledge
    from commitment_tracker.projections.view.contract import Reader


def _kept(source: ScoreSource, board: list[dict[str, Any]], *, cycle: str | None, area: str | None,
          party: str | None) -> list[UnitCodings]:  # fmt: skip
    areas = {row["id"]: row.get("area") for row in board}
    return [unit for unit in source.unit_codings(board)
            if in_area(areas[unit.commitment], area) and (party is None or unit.party == party)
            and (cycle is None or unit.cycle == (cycle or None))]  # fmt: skip


def agreement_summary(reader: Reader, clocks: Clocks, by: str | None, *, cycle: str | None = None,
                      area: str | None = None, party: str | None = None) -> dict[str, Any]:  # fmt: skip
    """``scores --agreement``: Krippendorff's alpha over the units two or more analysts scored."""
    source = ScoreSource(reader, clocks)
    board = source.assessed_board()
    areas = {row["id"]: row.get("area") for row in board}
    return agreement(_kept(source, board, cycle=cycle, area=area, party=party), by, areas)


def disagreements(reader: Reader, clocks: Clocks, *, cycle: str | None = None, area: str | None = None,
                  party: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """``scores --disagreements``: every unit whose analysts' latest scores differ, with each
    analyst's score, when and by whom it was recorded, its note and source, and the
    reconciliation that settled it (None while it is disputed)."""
    source = ScoreSource(reader, clocks)
    found = [u for u in _kept(source, source.assessed_board(), cycle=cycle, area=area, party=party) if u.differs]
    knowledge = reader.knowledge_of_ids(sorted({u.commitment for u in found}), clocks) if found else None
    rows = []
    for unit in found:
        assert knowledge is not None
        settled = unit.reconciled_by
        rows.append({
            "commitment": unit.commitment, "party": unit.party, "cycle": unit.cycle, "disputed": unit.disputed,
            "scores": [_detail(knowledge, coding) for _, coding in sorted(unit.latest.items())],
            "reconciled_by": _detail(knowledge, settled) if settled is not None else None,
        })  # fmt: skip
    return rows


def review_queue(reader: Reader, clocks: Clocks, *, assessor: str | None = None,
                 cycle: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """``queue``: what waits for review (``reviews.waiting``), oldest first, returned ones marked."""
    source = ScoreSource(reader, clocks)
    found = [coding for row in source.assessed_board() for coding in waiting(source.codings(row["id"]), clocks.as_of)
             if (assessor is None or same_person(coding.analyst, assessor))
             and (cycle is None or coding.cycle == (cycle or None))]  # fmt: skip
    knowledge = reader.knowledge_of_ids(sorted({c.commitment for c in found}), clocks) if found else None
    rows = []
    for coding in sorted(found, key=lambda c: (c.day, c.commitment, c.position)):
        assert knowledge is not None
        detail = _detail(knowledge, coding)
        review = last_reviews(knowledge.streams[coding.commitment]).get(coding.position)
        detail["state"] = "returned" if coding.review == "returned" else "waiting"
        detail["returned_by"] = review.record.ref if review is not None else None
        detail["return_note"] = review.event.note if review is not None else None
        rows.append(detail)
    return rows


def _detail(knowledge: Knowledge, coding: Coding) -> dict[str, Any]:
    """One assessment as a reviewer reads it: its score and unit, who and when, note and source."""
    record = knowledge.streams[coding.commitment][coding.position - 1]
    event = record.event
    return {"ref": coding.ref, "commitment": coding.commitment, "party": coding.party, "cycle": coding.cycle,
            "score": coding.score, "on": coding.on, "analyst": coding.analyst,
            "recorded_by": record.record.event.recorded_by,
            "recorded_at": record.record.event.recorded_at.isoformat() if record.record.event.recorded_at else None,
            "note": event.note, "source": event.source, "reconciles": [f"{coding.commitment}#{p}" for p in coding.reconciles],
            "review": coding.review, "edition": coding.edition}  # fmt: skip
