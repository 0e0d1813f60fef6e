"""The party registry: ISO 3166 countries (from pycountry) plus the EU, with the names and short
forms analysts and published datasets use for them.

A party is stored as an upper-case code: the ISO alpha-2 code of a country (``JP``, ``KR``), or
``EU``. ``lookup`` reads a code, an alpha-3 code, a name or a common short form and answers the
code; ``suggest`` offers the closest known party for something it cannot read.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

#: Parties that are not ISO 3166 countries.
EXTRA_PARTIES = {"EU": "European Union"}

#: Short forms and names in common use that ISO 3166 does not spell (checked case-insensitively,
#: with dots, dashes and underscores read as spaces).
ALIASES = {
    "rok": "KR", "korea": "KR", "south korea": "KR", "republic of korea": "KR",
    "dprk": "KP", "north korea": "KP",
    "usa": "US", "us": "US", "united states": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "united kingdom": "GB", "britain": "GB", "great britain": "GB",
    "safrica": "ZA", "south africa": "ZA", "rsa": "ZA",
    "saudi": "SA", "saudi arabia": "SA", "ksa": "SA",
    "russia": "RU", "china": "CN", "prc": "CN", "turkey": "TR", "turkiye": "TR",
    "eu": "EU", "european union": "EU",
    "taiwan": "TW", "vietnam": "VN", "iran": "IR", "syria": "SY", "laos": "LA", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
}  # fmt: skip


def _key(text: str) -> str:
    return " ".join(re.sub(r"[._\-]+", " ", text.strip().lower()).split())


@lru_cache(maxsize=1)
def _registry() -> tuple[dict[str, str], dict[str, str]]:
    """(code -> display name, key -> code), built on first use (pycountry loads a JSON file)."""
    import pycountry

    names: dict[str, str] = {}
    keys: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names[code] = getattr(country, "common_name", None) or country.name
        for spelling in (code, country.alpha_3, country.name, getattr(country, "common_name", None),
                         getattr(country, "official_name", None)):  # fmt: skip
            if spelling:
                keys.setdefault(_key(spelling), code)
    for code, name in EXTRA_PARTIES.items():
        names[code] = name
        keys[_key(code)] = code
        keys[_key(name)] = code
    keys.update({_key(alias): code for alias, code in ALIASES.items()})
    return names, keys


def parties() -> dict[str, str]:
    """Every known party code and its name."""
    return dict(_registry()[0])


def aliases_of(code: str) -> list[str]:
    """The spellings that read as ``code``, other than the code itself."""
    return sorted(k for k, c in _registry()[1].items() if c == code and k != code.lower())


def name_of(code: str) -> str:
    return _registry()[0].get(code, code)


def is_party(code: str) -> bool:
    return code in _registry()[0]


def lookup(text: str) -> str | None:
    """The code of the party ``text`` names (a code, alpha-3 code, name or short form), or None."""
    return _registry()[1].get(_key(text))


def lookup_code(text: str) -> str | None:
    """Like ``lookup`` but for what people type as a code: codes and short forms, not full names.

    ``--party Japan`` is refused (with a suggestion) rather than read, so a typo in a name never
    becomes a new party; ``JP``, ``JPN``, ``ROK``, ``USA``, ``UK`` and ``EU`` are read.
    """
    key = _key(text)
    if " " in key or len(key) > 3 and key not in ALIASES:
        return None
    return _registry()[1].get(key)


def suggest(text: str) -> str | None:
    """The closest known party to ``text``, as 'CODE (Name)', or None."""
    names, keys = _registry()
    code = keys.get(_key(text))
    if code is None:
        close = difflib.get_close_matches(_key(text), list(keys), n=1, cutoff=0.75)
        code = keys[close[0]] if close else None
    return f"{code} ({names[code]})" if code else None
