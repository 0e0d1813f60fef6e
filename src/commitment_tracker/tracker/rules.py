"""The rules of SPEC §4: which events may be recorded, given what the store already knows.

Transitions between statuses are not refused here (events arrive out of order; the fold resolves
them). What is refused is what can never make sense: unknown ids, ids made twice, events dated
before their commitment, deadlines before the pledge, a fulfilled standing principle, parties that
are not party to the commitment, a retraction of something unknown or already retracted.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from commitment_tracker.events import (
    EVENT_TYPES,
    AssessmentReviewed,
    ComplianceAssessed,
    META_TYPES,
    CommitmentEvent,
    CommitmentMade,
    Event,
    EventCorrected,
    EventRetracted,
    MetaEvent,
    SourceRegistered,
    first_day,
    last_day,
    to_data,
)
from commitment_tracker.events.dates import reads_as_date
from commitment_tracker.events.parties import is_party, suggest
from commitment_tracker.tracker.errors import NotFound, QuoteNotFound, RuleViolation
from commitment_tracker.tracker.reviewing import check_corrected_assessment, check_reconciliation, check_review
from commitment_tracker.tracker.resolution import apply_correction, takes_parties_as_party

if TYPE_CHECKING:
    from commitment_tracker.tracker.streams import Stream, Streams

#: How far ahead of this machine's clock an imported record time may be.
CLOCK_SKEW = timedelta(minutes=5)
#: The event types that name one party (a compliance score, or a correction of one).
HAS_PARTY = frozenset(name for name, cls in EVENT_TYPES.items() if "party" in cls.model_fields)


#: Commitment events whose every rule reads only their own stream's pledge (when they cite no
#: source, quote or meeting): most of a log. They are judged in one pass over the pledge the stream
#: caches; anything in doubt goes through the full checks, which then say what is wrong.
ON_PLEDGE = frozenset({"commitment_reaffirmed", "progress_reported", "commitment_fulfilled", "commitment_stalled",
                       "commitment_abandoned"})  # fmt: skip


def check(event: Event, ledger: Streams, now: datetime, recorded_by: str | None = None) -> None:
    """Refuse ``event`` (a typed error, one sentence) unless it may be recorded now; ``recorded_by``
    is who records it, when the event does not say (a reviewer is never the analyst)."""
    if event.type in ON_PLEDGE:
        stream = ledger.stream(event.commitment)  # type: ignore[attr-defined]
        if holds_on_pledge(event, stream, ledger.latest_recorded_at, now):  # type: ignore[arg-type]
            return
    _check_record_time(event, ledger, now)
    _check_parties(event)
    if event.source is not None and event.type != "source_registered":
        _require(ledger, event.source, "source")
    if not isinstance(event, EventCorrected):  # a correction's quote is the corrected one: see _check_meta
        _check_quote(event, ledger)
    if isinstance(event, MetaEvent):
        _check_meta(event, ledger)
    elif isinstance(event, AssessmentReviewed):
        check_review(event, ledger, event.recorded_by or recorded_by)
    else:
        _check_fact(event, ledger)


def holds_on_pledge(event: CommitmentEvent, stream: Stream, latest: datetime | None, now: datetime) -> bool:
    """Whether every rule ``check`` applies holds, for an event of ``ON_PLEDGE`` that cites no
    source, quote or meeting, given its commitment's ``stream`` and the latest record time: its
    record time in order, its date not before the pledge, its parties known and the commitment's,
    no fulfilment of a standing principle. False: not judged here."""
    if event.source is not None or event.quote is not None or event.meeting is not None:  # type: ignore[attr-defined]
        return False
    at = event.recorded_at
    if at is not None and (at > now + CLOCK_SKEW or (latest is not None and at < latest)):
        return False
    pledge = stream.pledge()
    if pledge is None:
        return False
    made_on, parties, standing = pledge
    if last_day(event.on) < made_on or (standing and event.type == "commitment_fulfilled"):
        return False
    named = event.parties  # type: ignore[attr-defined]
    return not named or (parties.issuperset(named) and all(map(is_party, named)))


def _check_parties(event: Event) -> None:
    """Every party an event names is in the registry (ISO 3166 and the EU): a name or a typo is
    refused with a suggestion, never stored as a new party."""
    named = getattr(event, "parties", None) or ()
    if event.type in HAS_PARTY and event.party is not None:  # type: ignore[attr-defined]
        # (Only models with the field are asked: pydantic answers a missing attribute slowly.)
        named = (*named, event.party)  # type: ignore[attr-defined]
    for code in named:
        if not is_party(code):
            hint = suggest(code)
            raise RuleViolation(f"unknown party {code!r}" + (f"; did you mean {hint}?" if hint else
                                " (see 'ctrack parties' for the codes)"))  # fmt: skip


def _check_fact(event: Event, ledger: Streams, *, correcting: bool = False) -> None:
    """Check a base event; ``correcting`` when it is the corrected form of a stored event."""
    stream = ledger.stream(event.entity)
    kind = event.type
    if kind in ("source_registered", "statement_issued", "commitment_made", "edition_published") and not correcting:
        if stream.used:
            raise RuleViolation(f"the id {event.entity!r} is already used")
    if kind == "edition_published":
        _check_edition(event, ledger)
    if kind in ("meeting_held", "meeting_scheduled") and not correcting:
        if stream.used and stream.kind != "meeting":
            raise RuleViolation(f"the id {event.entity!r} is already used by a {stream.kind or 'retracted entity'}")
        if stream.held():
            raise RuleViolation(f"meeting {event.entity!r} was already held; correct that event instead")
    meeting = getattr(event, "meeting", None) if kind not in ("meeting_held", "meeting_scheduled") else None
    if meeting is not None:
        _require(ledger, meeting, "meeting")
    if kind == "statement_issued":
        for commitment in event.about:  # type: ignore[attr-defined]
            _require(ledger, commitment, "commitment")
    if isinstance(event, CommitmentMade):
        _check_deadline(event.cadence, event.on, event.due, event.due_next)
    elif isinstance(event, CommitmentEvent):
        # The event's own stream is its commitment's: no second lookup.
        _check_commitment_event(event, ledger, stream.made if correcting else _required(stream, "commitment").made)


def _check_edition(event: Event, ledger: Streams) -> None:
    """An edition's id never reads as a date (``--known-at`` takes both), and editions are
    recorded in publication order (``--known-at A`` before ``--known-at B`` when A came out first)."""
    if reads_as_date(event.entity):
        raise RuleViolation(f"the edition id {event.entity!r} reads as a date; give it a name (e.g. g20-{event.entity})")
    on = first_day(event.on)  # type: ignore[attr-defined]
    for slug in ledger.editions():
        stream = ledger.stream(slug)
        if slug == event.entity or stream.kind != "edition":
            continue
        published = stream.knowledge.event_at(1)
        if on < first_day(published.on):  # type: ignore[attr-defined]
            raise RuleViolation(f"editions are recorded in publication order: {event.entity} ({event.on}) would "
                                f"come before {slug} ({published.on}), recorded already")  # type: ignore[attr-defined]  # fmt: skip


def _check_commitment_event(event: CommitmentEvent, ledger: Streams, made: CommitmentMade) -> None:
    if last_day(event.on) < first_day(made.on):
        raise RuleViolation(
            f"{event.type} on {event.on} is dated before {event.commitment!r} was made ({made.on})"
        )
    parties = getattr(event, "parties", None)
    if event.type == "compliance_assessed":
        parties = (event.party,)  # type: ignore[attr-defined]
    if parties:
        outside = [p for p in parties if p not in made.parties]
        if outside:
            raise RuleViolation(
                f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not party to "
                f"{event.commitment!r} ({', '.join(made.parties)})"
            )
    if event.type == "commitment_fulfilled" and made.cadence == "standing":
        raise RuleViolation(
            f"{event.commitment!r} is a standing commitment and is never fulfilled; "
            "record a reaffirmation or progress instead"
        )
    if event.type == "commitment_superseded":
        by = event.by  # type: ignore[attr-defined]
        if by == event.commitment:
            raise RuleViolation("a commitment cannot supersede itself")
        _require(ledger, by, "commitment")
    if event.type == "deadline_changed":
        _check_deadline(made.cadence, made.on, event.due, event.due_next)  # type: ignore[attr-defined]
    if isinstance(event, ComplianceAssessed) and event.reconciles:
        check_reconciliation(event, ledger)


def _check_still_first(stream: Stream, made: CommitmentMade) -> None:
    """A pledge's corrected date may not fall after any of its own (live) events."""
    knowledge = stream.knowledge
    for position in range(2, knowledge.version + 1):
        if knowledge.records[position - 1].event.type in META_TYPES or knowledge.is_retracted(position):
            continue
        on = getattr(knowledge.event_at(position), "on", None)
        if on is not None and last_day(on) < first_day(made.on):
            raise RuleViolation(
                f"{made.commitment}#{position} ({on}) would then be dated before the commitment was made "
                f"({made.on}); correct or retract it first"
            )


def _check_parties_kept(stream: Stream, made: CommitmentMade) -> None:
    """A pledge's corrected parties must still include every party its (live) events name: the
    same check those events met when recorded, and meet again when corrected themselves."""
    knowledge = stream.knowledge
    for position in range(2, knowledge.version + 1):
        if knowledge.records[position - 1].event.type in META_TYPES or knowledge.is_retracted(position):
            continue
        named = getattr(knowledge.event_at(position), "parties", None) or ()
        outside = [p for p in named if p not in made.parties]
        if outside:
            raise RuleViolation(
                f"{made.commitment}#{position} names {', '.join(outside)}, who would then not be party to "
                f"{made.commitment!r}; correct or retract it first"
            )


def _check_deadline(cadence: str, on: str, due: str | None, due_next: str | None) -> None:
    if (due or due_next) and cadence != "once":
        raise RuleViolation(
            f"a {cadence} commitment has no fixed deadline (its next one follows from its cadence)"
        )
    if due is not None and last_day(due) < first_day(on):
        raise RuleViolation(f"due date {due} is before the commitment was made ({on})")


#: The fields of an assessment its reviews and reconciliations were checked against when recorded.
REVIEWED_FIELDS = frozenset({"on", "party", "cycle", "assessor"})


def _check_meta(event: MetaEvent, ledger: Streams) -> None:
    stream = ledger.stream(event.entity)
    position = event.target_position
    if position > stream.version:
        raise NotFound(f"unknown event reference {event.target!r}", slug=None if stream.kind else event.entity)
    target = stream.knowledge.records[position - 1].event
    if stream.knowledge.is_retracted(position):
        raise RuleViolation(f"{event.target} is already retracted")
    if isinstance(event, EventRetracted):
        return
    assert isinstance(event, EventCorrected)
    if target.type in META_TYPES:
        raise RuleViolation(f"{event.target} is a {target.type}; correct the original event instead")
    fields = EVENT_TYPES[target.type].model_fields
    foreign = [name for name in event.corrections if name not in fields]
    if takes_parties_as_party(EVENT_TYPES[target.type], event):
        if len(event.parties) > 1:  # type: ignore[arg-type]
            raise RuleViolation(f"a {target.type} is of one party: give one --party")
        foreign.remove("parties")
    if foreign:
        raise RuleViolation(f"a {target.type} has no field {', '.join(foreign)} to correct")
    current = stream.knowledge.event_at(position)
    corrected = apply_correction(current, event)
    if "quote" in event.corrections:
        _check_quote(corrected, ledger)
    if position == 1 and isinstance(corrected, CommitmentMade):
        _check_deadline(corrected.cadence, corrected.on, corrected.due, corrected.due_next)
        if "on" in event.corrections:
            _check_still_first(stream, corrected)
        if "parties" in event.corrections:
            _check_parties_kept(stream, corrected)
        return
    if isinstance(corrected, AssessmentReviewed):
        check_review(corrected, ledger, corrected.recorded_by)  # as it would stand: checked as when recorded
        return
    _check_fact(corrected, ledger, correcting=True)
    # Only these fields are what a review or reconciliation of it was checked against (a rescoring,
    # the common correction, reads none of the stream's later events).
    if isinstance(corrected, ComplianceAssessed) and any(getattr(corrected, f) != getattr(current, f) for f in REVIEWED_FIELDS):
        check_corrected_assessment(stream, position, corrected)


def _check_quote(event: Event, ledger: Streams) -> None:
    """A quote citing a source whose text is archived must be found in that text.

    Both are compared whitespace-normalised (runs of whitespace, line breaks included, count as
    one space), case-sensitively, after Unicode NFC and with curly quotes and apostrophes read as
    straight ones: typing a quote never has to match the typography of the archived copy, but
    every word and letter must be there. A source registered with its text and a quote is
    checked against its own text.
    """
    if event.quote is None or event.source is None:
        return
    if isinstance(event, SourceRegistered):
        text = event.text
    else:
        stream = ledger.stream(event.source)
        registered = stream.knowledge.event_at(1) if stream.kind == "source" else None
        text = registered.text if isinstance(registered, SourceRegistered) else None
    if text is None:
        return
    if normalise_quote(event.quote) not in _normalised_text(text):
        excerpt = " ".join(event.quote.split())
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:57] + "..."
        raise QuoteNotFound(f"the quote {excerpt!r} is not in the archived text of source {event.source!r}")


#: Typographic quotes and apostrophes, read as their straight forms.
QUOTE_MARKS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})  # fmt: skip


def normalise_quote(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(QUOTE_MARKS).split())


@lru_cache(maxsize=8)
def _normalised_text(text: str) -> str:
    # An import may cite one archived source many times: normalise its text once.
    return normalise_quote(text)


def _require(ledger: Streams, slug: str, kind: str):  # type: ignore[no-untyped-def]
    return _required(ledger.stream(slug), kind)


def _required(stream: Stream, kind: str) -> Stream:
    found = stream.kind
    if found != kind:
        if found is None:
            raise NotFound(f"unknown {kind} {stream.slug!r}", slug=stream.slug)
        raise RuleViolation(f"{stream.slug!r} is a {found}, not a {kind}")
    return stream


def _check_record_time(event: Event, ledger: Streams, now: datetime) -> None:
    at = event.recorded_at
    if at is None:
        return
    if at > now + CLOCK_SKEW:
        raise RuleViolation(f"recorded_at {at.isoformat()} is in the future")
    latest = ledger.latest_recorded_at
    if latest is not None and at < latest:
        # Record time only moves forward: an import may carry its history's record times, but
        # it can never claim the tracker knew something before what it already holds.
        held = _held_already(event, ledger)
        if held is not None:  # the usual cause: a file imported twice
            raise RuleViolation(f"{held} already holds this event (recorded_at {at.isoformat()}): was the file "
                                "imported before?")  # fmt: skip
        raise RuleViolation(
            f"recorded_at {at.isoformat()} is earlier than the latest record time {latest.isoformat()}"
        )


def _held_already(event: Event, ledger: Streams) -> str | None:
    """The reference of a stored event that is ``event`` but for who recorded it, if there is one."""
    try:
        stream = ledger.stream(event.entity)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an id the rules refuse anyway: no event of it is held
        return None
    wanted = _as_recorded(event)
    for record in stream.knowledge.records:
        stored = record.event
        if stored.type == event.type and getattr(stored, "recorded_at", None) == event.recorded_at:
            if _as_recorded(stored) == wanted:
                return str(record.ref)
    return None


def _as_recorded(event: Event) -> dict[str, object]:
    return {key: value for key, value in to_data(event).items() if key != "recorded_by"}
