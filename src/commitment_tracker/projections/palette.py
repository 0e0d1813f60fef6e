"""One colour per status, shared by the chart and the report so both read the same way.

Greens for delivered, blues for promised or ongoing, warm colours for trouble, greys for closed
without delivery. Every fill is light or saturated enough for black event markers to show on it.
"""

from __future__ import annotations

STATUS_COLOURS = {
    "pledged": "#9ecae1",
    "active": "#6a8fd8",
    "in_progress": "#f2c14e",
    "on_track": "#86cf7f",
    "fulfilled": "#2e9e57",
    "stalled": "#c58ac9",
    "lapsed": "#e4572e",
    "abandoned": "#8c6d62",
    "superseded": "#bdbdbd",
}
#: Fills dark enough to need white text.
DARK_FILLS = frozenset({"fulfilled", "abandoned", "active", "lapsed"})
PARTY_COLOURS = {"fulfilled": "#2e9e57", "pending": "#f2c14e", "abandoned": "#8c6d62"}
DEADLINE_COLOUR = "#c62828"
OVERDUE_COLOUR = "#c62828"

#: Event types as a reader names them, and the marker the chart draws for each.
EVENT_LABELS = {
    "commitment_made": "made",
    "commitment_reaffirmed": "reaffirmed",
    "progress_reported": "progress",
    "commitment_fulfilled": "fulfilled",
    "commitment_stalled": "stalled",
    "commitment_abandoned": "abandoned",
    "commitment_superseded": "superseded",
    "deadline_changed": "deadline changed",
    "event_retracted": "retraction",
    "event_corrected": "correction",
}
EVENT_MARKERS = {
    "commitment_made": "o",
    "commitment_reaffirmed": "D",
    "progress_reported": "^",
    "commitment_fulfilled": "*",
    "commitment_stalled": "v",
    "commitment_abandoned": "X",
    "commitment_superseded": "s",
    "deadline_changed": "P",
}


def status_label(status: str) -> str:
    return status.replace("_", " ")
