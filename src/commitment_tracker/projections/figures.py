"""Averages and percents as people read them: every table, image and page prints them so.

Compliance reports round half away from zero (+0.25 is 63%, -0.75 is 13%), where Python's
formatting rounds the binary value half to even (62%, 12%) and a percent computed in floating
point may fall just short of its half (+0.15 is 57.5%, held as 57.49999999999999). An average of
scores is a fraction with a small denominator, never within 1e-9 of a half it is not exactly on,
so the value is nudged by that much before it is rounded. The page's script rounds the same way,
with the same arithmetic (``templates/report.js``: ``halfUp``).
"""

from __future__ import annotations

import math

#: Far less than any average of scores can lie from a half it is not on, far more than float error.
NUDGE = 1e-9


def half_up(value: float, places: int) -> float:
    """``value`` rounded to ``places`` decimals, a half away from zero."""
    factor = 10**places
    whole = math.floor(abs(value) * factor + 0.5 + NUDGE)
    return math.copysign(whole / factor, value)


def average_text(value: float | None) -> str:
    """+0.13; "" for no average. The sign is the average's own: -0.001 prints -0.00."""
    if value is None:
        return ""
    return ("-" if value < 0 else "+") + f"{abs(half_up(value, 2)):.2f}"


def percent_text(value: float | None) -> str:
    """63%; "" for no percent."""
    return "" if value is None else f"{abs(half_up(value, 0)):.0f}%"
