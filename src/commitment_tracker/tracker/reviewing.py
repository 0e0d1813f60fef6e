"""The rules of SPEC §8.2: who may review an assessment, and what a reconciliation may settle.

A review is a second pair of eyes: refused when the reviewer is the one who recorded the
assessment or the analyst who made it, and when its target is not a live assessment. A
reconciliation settles the assessments of one unit (commitment, party, cycle): one naming an
assessment of another unit, or dated before one it names (it would then not be the score that
counts after them), is refused. A correction may not undo either check afterwards: a corrected
review is checked again, and a corrected assessment against every live review and reconciliation
of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commitment_tracker.events import AssessmentReviewed, ComplianceAssessed, first_day, last_day
from commitment_tracker.tracker.errors import NotFound, RuleViolation

if TYPE_CHECKING:
    from commitment_tracker.tracker.streams import Stream, Streams


def same_person(a: str | None, b: str | None) -> bool:
    """Names compared as people type them: case and surrounding spaces aside."""
    return a is not None and b is not None and a.strip().casefold() == b.strip().casefold()


def _assessment(stream: Stream, ref: str, position: int) -> ComplianceAssessed:
    """The live assessment at ``position`` of ``stream``, as corrected, or a one-line refusal."""
    knowledge = stream.knowledge
    if stream.kind is None or position > knowledge.version:
        raise NotFound(f"unknown event reference {ref!r}")
    kind = knowledge.records[position - 1].event.type
    if kind != "compliance_assessed":
        raise RuleViolation(f"{ref} is a {kind}, not an assessment (compliance_assessed)")
    if knowledge.is_retracted(position):
        raise RuleViolation(f"{ref} is retracted")
    return knowledge.event_at(position)  # type: ignore[return-value]


def check_review(event: AssessmentReviewed, ledger: Streams, reviewer: str | None) -> None:
    assessment = _assessment(ledger.stream(event.entity), event.target, event.target_position)
    if last_day(event.on) < first_day(assessment.on):
        raise RuleViolation(f"the review on {event.on} is dated before the assessment it reviews ({event.target}, "
                            f"on {assessment.on})")  # fmt: skip
    if same_person(reviewer, assessment.recorded_by):
        raise RuleViolation(f"{reviewer} recorded {event.target}: a review is by someone else (give --by NAME)")
    if same_person(reviewer, assessment.analyst):
        raise RuleViolation(f"{reviewer} is the analyst of {event.target}: a review is by someone else (give --by NAME)")


def check_reconciliation(event: ComplianceAssessed, ledger: Streams) -> None:
    stream = ledger.stream(event.commitment)
    unit = _unit(event.party, event.cycle)
    for ref in event.reconciles or ():
        slug, _, position = ref.rpartition("#")
        if slug != event.commitment:
            raise RuleViolation(f"{ref} is not an assessment of {event.commitment!r}: a reconciliation settles "
                                f"the assessments of its own unit ({event.commitment}, {unit})")  # fmt: skip
        named = _assessment(stream, ref, int(position))
        if (named.party, named.cycle) != (event.party, event.cycle):
            raise RuleViolation(f"{ref} assesses another unit ({_unit(named.party, named.cycle)}): a reconciliation "
                                f"settles the assessments of its own ({event.commitment}, {unit})")  # fmt: skip
        if first_day(event.on) < first_day(named.on):
            raise RuleViolation(f"the reconciliation on {event.on} is dated before {ref} (on {named.on}), which it "
                                "settles")  # fmt: skip


def check_corrected_assessment(stream: Stream, position: int, corrected: ComplianceAssessed) -> None:
    """The assessment at ``position``, as a correction would leave it, against every live review
    and reconciliation of it (always later in its stream): each must still hold as when recorded."""
    knowledge = stream.knowledge
    ref = f"{stream.slug}#{position}"
    for later in range(position + 1, knowledge.version + 1):
        kind = knowledge.records[later - 1].event.type
        if kind not in ("assessment_reviewed", "compliance_assessed") or knowledge.is_retracted(later):
            continue
        event = knowledge.event_at(later)
        if isinstance(event, AssessmentReviewed) and event.target_position == position:
            _still_reviews(event, f"{stream.slug}#{later}", ref, corrected)
        elif isinstance(event, ComplianceAssessed) and ref in (event.reconciles or ()):
            _still_settles(event, f"{stream.slug}#{later}", ref, corrected)


def _still_reviews(review: AssessmentReviewed, review_ref: str, ref: str, corrected: ComplianceAssessed) -> None:
    if last_day(review.on) < first_day(corrected.on):
        raise RuleViolation(f"{review_ref} (a review on {review.on}) would then be dated before the assessment it "
                            f"reviews ({ref}, on {corrected.on}); correct or retract the review first")  # fmt: skip
    if same_person(review.recorded_by, corrected.analyst):
        raise RuleViolation(f"{review.recorded_by} would then be the analyst of {ref}, which they reviewed in "
                            f"{review_ref}: a review is by someone else; retract the review first")  # fmt: skip


def _still_settles(reconciliation: ComplianceAssessed, settling_ref: str, ref: str, corrected: ComplianceAssessed) -> None:
    if (corrected.party, corrected.cycle) != (reconciliation.party, reconciliation.cycle):
        raise RuleViolation(f"{ref} would then assess another unit ({_unit(corrected.party, corrected.cycle)}) than "
                            f"{settling_ref}, which reconciles it; correct or retract the reconciliation first")  # fmt: skip
    if first_day(reconciliation.on) < first_day(corrected.on):
        raise RuleViolation(f"{settling_ref} (a reconciliation on {reconciliation.on}) would then be dated before "
                            f"{ref} (on {corrected.on}), which it settles; correct or retract it first")  # fmt: skip


def _unit(party: str, cycle: str | None) -> str:
    return f"{party}, {'cycle ' + cycle if cycle else 'no cycle'}"
