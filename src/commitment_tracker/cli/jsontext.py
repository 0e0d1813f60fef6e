"""The commands' JSON text: ``json.dumps(data, ensure_ascii=False, indent=2)``, to the byte, in pieces.

The standard library encodes with indentation in Python only (its C encoder knows no indent): a
board of 10,000 commitments took 0.26 s to spell, against 0.02 s for orjson, which writes the same
text. A long list (a board, a replay) is still written a piece at a time: its items are encoded
one by one and indented to their depth (JSON text holds no raw newline but between tokens, so
indenting every newline of a piece moves it as a whole), and the answer is never held twice as one
string. What orjson refuses (keys that are not text, integers past 64 bits, lone surrogates) is
spelled by the standard library, that piece alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

#: Items from which a list or an object is written an item at a time (below it, in one piece).
LONG = 100
#: How deep long containers are walked: a board's rows inside an answer's object inside a list.
DEPTH = 3


def json_pieces(data: Any, depth: int = 0) -> Iterator[str]:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` as pieces whose concatenation it is."""
    if depth < DEPTH and isinstance(data, (list, tuple)) and (len(data) >= LONG or depth == 0) and data:
        pad = "\n" + "  " * (depth + 1)
        yield "["
        for index, item in enumerate(data):
            yield ("," if index else "") + pad
            yield from json_pieces(item, depth + 1)
        yield "\n" + "  " * depth + "]"
    elif (depth < DEPTH and isinstance(data, dict) and (len(data) >= LONG or depth == 0) and data
          and all(type(key) is str for key in data)):  # fmt: skip
        pad = "\n" + "  " * (depth + 1)
        yield "{"
        for index, (key, value) in enumerate(data.items()):
            yield ("," if index else "") + pad + _piece(key, 0) + ": "
            yield from json_pieces(value, depth + 1)
        yield "\n" + "  " * depth + "}"
    else:
        yield _piece(data, depth)


def _piece(data: Any, depth: int) -> str:
    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * depth) if depth and "\n" in text else text
