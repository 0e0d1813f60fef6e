"""Dates with a precision: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

A coarse date keeps its text for display; it counts as its first day for ordering and
as-of filtering, and as its last day when it is a deadline ("by 2025" means by 31 Dec 2025).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

# ASCII digits only: Python's \d also matches other scripts' digits, which int() would read but
# no other tool reading the interchange format (or the published JSON Schema) would.
PRECISION_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_PRECISION_DATE = re.compile(PRECISION_DATE_PATTERN)

#: Years a date may name: wide enough for any treaty, narrow enough that periods never overflow.
MIN_YEAR, MAX_YEAR = 1000, 2999

PERIOD_MONTHS = {"annual": 12, "semiannual": 6, "quarterly": 3, "monthly": 1}


@lru_cache(maxsize=1 << 16)  # an import validates the same few thousand dates over and over
def check_precision_date(text: str) -> str:
    """Return ``text`` if it names a real day, month or year, else raise ValueError."""
    if not _PRECISION_DATE.match(text):
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a date on the calendar") from None
    if not MIN_YEAR <= parts[0] <= MAX_YEAR:
        raise ValueError(f"{text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return text


@lru_cache(maxsize=1 << 16)
def reads_as_date(text: str) -> bool:
    """Whether an id would be read as a date where a date or an id may stand (``--known-at``):
    a year, a month or a day, in the extended or the basic form."""
    return re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}|[0-9]{8}", text.strip()) is not None


@lru_cache(maxsize=1 << 16)  # a fold reads the same few thousand dates again and again
def first_day(text: str) -> date:
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


@lru_cache(maxsize=1 << 16)
def last_day(text: str) -> date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], 12, 31)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=1 << 16)  # the fold asks for the same period end at every change point
def add_period(day: date, cadence: str) -> date:
    return add_months(day, PERIOD_MONTHS[cadence])


def next_day(day: date) -> date:
    return day + timedelta(days=1)
