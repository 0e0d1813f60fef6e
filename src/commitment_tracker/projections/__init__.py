"""The read side. This package is its pure core: the status fold (as-of / known-at), what is
known at a record time, and the queries built on them (board, show, history, diff, replay,
scores, deadlines, the compliance matrix, timelines and the report's time sliders).

What it offers here: ``Clocks`` (a question's two clocks, as one value: the CLI builds it once per
command, the readers take it whole), ``Log`` (a log to fold), ``Knowledge`` (the log as known at a
moment), ``CommitmentFold`` and ``CommitmentStatus``, and the queries below. The core reads no SQL, opens
no file and draws nothing; it may import ``tracker`` and ``events``, never its two rooms above:

- ``projections.view``: the materialised bitemporal view over the store, and the readers the CLI
  gets from ``projections.view.open_reader``;
- ``projections.render``: the chart, the heat map image and the HTML report.
"""

from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.fold import STATUSES, CommitmentFold, CommitmentStatus
from commitment_tracker.projections.knowledge import Knowledge, Log
from commitment_tracker.projections.queries import board, diff, filter_board, replay, show, statements_about
from commitment_tracker.projections.history import history
from commitment_tracker.projections.walk import Change, walk

__all__ = [
    "STATUSES", "Change", "Clocks", "filter_board", "CommitmentFold", "CommitmentStatus", "Knowledge", "Log", "board", "diff",
    "history", "replay", "show", "statements_about", "walk",
]  # fmt: skip
