"""What the published JSON Schema says about each value: exactly what ``import`` accepts.

Several values are normalised before they are checked (ids are lowercased, party codes
uppercased, both stripped), so the pattern an input must match is not the pattern of the stored
value. These are the input patterns, written in the subset of regular expressions that Python's
``re`` (the ``jsonschema`` package) and ECMA-262 (ajv and most other validators) read alike:
explicit character classes, no ``\\d``/``\\s``/``\\w`` (their meaning differs between engines),
and ``$(?!\\n)`` for the end (Python's ``$`` also matches before a final newline).
"""

from __future__ import annotations

#: What Python's ``str.strip()`` and ``str.isspace()`` count as whitespace, spelled out.
BLANK = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
#: The whitespace the normalising validators strip from ids and codes: ASCII only.
EDGE = "[\\t\\n\\x0b\\x0c\\r ]*"


def anchored(body: str) -> str:
    return f"^(?:{body})$(?!\\n)"


def padded(body: str) -> str:
    """An input that may carry ASCII whitespace around it (stripped before it is stored)."""
    return anchored(f"{EDGE}(?:{body}){EDGE}")


SLUG_INPUT = padded("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
REF_INPUT = padded("[A-Za-z0-9][A-Za-z0-9._-]{0,99}#[1-9][0-9]{0,8}")
PARTY_INPUT = padded("[A-Za-z][A-Za-z0-9]{1,7}")
SHA256_INPUT = padded("[0-9A-Fa-f]{64}")
#: What a text that holds NUL matches (the schema says ``"not"`` that; see ``fields.NUL``).
NUL = "\\x00"
#: Some character that is not whitespace: "must not be blank".
NOT_BLANK = f"[^{BLANK}]"
#: A URL: no whitespace, and no NUL (which no store can hold in text; see ``fields.NUL_FREE``).
URL_INPUT = anchored(f"https?://[^{BLANK}\\x00]+")

_YEAR = "[12][0-9]{3}"  # MIN_YEAR..MAX_YEAR of dates.py
_LEAP_YEAR = "[12][0-9](?:0[48]|[2468][048]|[13579][26])|(?:1[26]|2[048])00"
_MONTH_DAY = (
    "(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8])"
)
_FULL_DATE = f"{_YEAR}-(?:{_MONTH_DAY})|(?:{_LEAP_YEAR})-02-29"
#: A real day, month or year between 1000 and 2999.
PRECISION_DATE_INPUT = anchored(f"{_FULL_DATE}|{_YEAR}-(?:0[1-9]|1[0-2])|{_YEAR}")

_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
_OFFSET = "Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]"
#: A record time: RFC 3339, upper-case T and Z, at most microseconds, no leap second.
TIMESTAMP_INPUT = anchored(f"(?:{_FULL_DATE})T{_TIME}(?:{_OFFSET})")
#: A record time as the tracker writes it, in UTC with ``Z`` (not anchored): every text it matches
#: whole, ``TIMESTAMP_INPUT`` matches (the same date and time, one of its offsets).
TIMESTAMP_UTC = f"(?:{_FULL_DATE})T{_TIME}Z"
#: The model's own check of a URL (pydantic's regex engine has no look-ahead, and its ``$`` is
#: the end of the text); the same set of URLs as ``URL_INPUT``.
URL_PATTERN = f"^https?://[^{BLANK}\\x00]+$"
