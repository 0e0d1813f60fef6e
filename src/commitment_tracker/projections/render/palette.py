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
    "compliance_assessed": "assessed",
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
    "compliance_assessed": "h",
}


def luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


INK = "#1b1b1b"


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (the report's badges need 4.5:1)."""
    return max((INK, "#ffffff"), key=lambda text: contrast(text, fill))


def status_label(status: str) -> str:
    return status.replace("_", " ")


#: Score colours, red-amber-green, readable by people who confuse red and green (the middle is light).
SCORE_COLOURS = {1: "#1a9850", 0: "#fee08b", -1: "#d73027"}
NO_SCORE = "#f1f3f4"
