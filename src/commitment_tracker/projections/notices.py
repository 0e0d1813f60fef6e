"""Notes for the person recording: what the fold will make of an event they are about to record."""

from __future__ import annotations

from commitment_tracker.events import first_day
from commitment_tracker.projections.knowledge import Knowledge
from commitment_tracker.projections.walk import walk


def redundant_fulfilment(knowledge: Knowledge, slug: str, on: str, ref: str) -> str | None:
    """A note when the fulfilment ``ref`` (dated ``on``) of a ``once`` commitment found it fulfilled.

    A commitment is fulfilled when it first became fulfilled (SPEC §5): a second fulfilment is kept
    in the history but changes nothing, so someone who meant to move the date should correct the
    fulfilment that counts instead.
    """
    day = first_day(on)
    status = knowledge.status(slug, day)
    if status is None or status.cadence != "once" or status.status != "fulfilled":
        return None
    causes = [c.cause for c in walk(knowledge, slug, until=day) if c.after == "fulfilled" and c.cause]
    cause = causes[-1] if causes else slug
    if cause == ref:
        return None  # this fulfilment is the one that counts
    return (
        f"Note: {slug!r} already stands fulfilled on {on} (since {status.fulfilled_on}, {cause}); this "
        f"fulfilment changes nothing. To change when it was fulfilled: ctrack correct {cause} --on DATE --reason ..."
    )
