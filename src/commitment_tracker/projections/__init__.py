"""The read side: the pure status fold (as-of / known-at) and the queries built on it."""

from commitment_tracker.projections.fold import STATUSES, CommitmentFold, CommitmentStatus
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.queries import board, diff, filter_board, replay, show, statements_about
from commitment_tracker.projections.history import history
from commitment_tracker.projections.walk import Change, walk

__all__ = [
    "STATUSES", "Change", "filter_board", "CommitmentFold", "CommitmentStatus", "Knowledge", "Log", "board", "diff",
    "history", "replay", "show", "statements_about", "walk",
]  # fmt: skip
