"""Records that are allowed but look like mistakes: a note on stderr, never a refusal.

Events arrive late and out of order, so none of these can be refused (SPEC §5: the fold resolves
transitions); but an analyst recording one of them usually meant something else, and says so
sooner when told at once:
- a fulfilment of a commitment every party of it had already fulfilled on or before that date
  (it changes nothing; moving the date is a correction);
- a pledge or an assessment dated in the future;
- a commitment due by the next meeting of one kind, fulfilled at a meeting of another kind.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from commitment_tracker.events import CommitmentFulfilled, CommitmentMade, ComplianceAssessed, Event, first_day

if TYPE_CHECKING:
    from commitment_tracker.tracker.streams import Fulfilled, Stream, Streams

RECURRING = ("annual", "semiannual", "quarterly", "monthly")


def cautions(event: Event, ledger: Streams, now: datetime) -> list[str]:
    """What looks wrong about ``event``, given everything known before it (empty: nothing)."""
    if isinstance(event, CommitmentMade) and first_day(event.on) > now.date():
        return [f"{event.commitment}: the pledge is dated {event.on}, in the future (today is {now.date().isoformat()})"]
    if isinstance(event, ComplianceAssessed) and first_day(event.on) > now.date():
        return [f"{event.commitment}: {event.party}'s score is dated {event.on}, in the future (today is "
                f"{now.date().isoformat()}): it counts only from that day on"]
    if not isinstance(event, CommitmentFulfilled):
        return []
    stream = ledger.stream(event.commitment)
    if stream.kind != "commitment":
        return []
    made = stream.made
    already = already_fulfilled(event, stream)
    found = [already] if already else []
    due_next = made.due_next
    if event.meeting and due_next:
        kind = _meeting_kind(ledger.stream(event.meeting))
        if kind is not None and kind != due_next:
            found.append(f"{event.commitment} is due by the next {due_next}, but {event.meeting} is a {kind}: "
                         f"it does not meet that deadline")  # fmt: skip
    return found


def already_fulfilled(event: CommitmentFulfilled, stream: Stream) -> str | None:
    """The note for a fulfilment of a commitment (``stream``, a commitment's) that every party it
    names had fulfilled on or before its date, if they all had; None otherwise."""
    made = stream.made
    if made.cadence in RECURRING or made.cadence == "standing":
        return None
    parties = set(event.parties or made.parties)
    day = first_day(event.on)
    fulfilled = stream.fulfilled()
    earliest = fulfilled.earliest
    if not all(party in earliest and earliest[party] <= day for party in parties):
        return None
    earlier = _fulfilled_before(stream.slug, fulfilled, day)
    refs = sorted({earlier[p] for p in parties})
    return (f"{event.commitment} was already fulfilled by {', '.join(parties_in(made.parties, parties))} "
            f"({', '.join(refs)}); this fulfilment changes nothing. To move the date, "
            f"correct the first: ctrack correct {refs[0]} --on DATE --reason ...")  # fmt: skip


def parties_in(order: tuple[str, ...], parties: set[str]) -> list[str]:
    return [p for p in order if p in parties]


def _fulfilled_before(slug: str, fulfilled: Fulfilled, day: date) -> dict[str, str]:
    """Each party with a live fulfilment dated on or before ``day``: party -> the first one's ref."""
    found: dict[str, str] = {}
    for position, on, parties in fulfilled.live:
        if on <= day:
            for party in parties:
                found.setdefault(party, f"{slug}#{position}")
    return found


def _meeting_kind(stream: Stream) -> str | None:
    """The kind a meeting has as known: its latest live held or scheduled event, as corrected."""
    knowledge = stream.knowledge
    kind = None
    for position in knowledge.positions("meeting_held", "meeting_scheduled"):
        if not knowledge.is_retracted(position):
            kind = knowledge.event_at(position).kind  # type: ignore[attr-defined]
    return kind
