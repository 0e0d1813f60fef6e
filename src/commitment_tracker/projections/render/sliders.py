"""The sliders' data as the page holds it: JSON written a few commitments at a time, never held whole.

A report of many commitments recorded over years holds hundreds of thousands of answers (a page of
a million events, hundreds of megabytes of JSON at the two stops every page offers): they are
written to a spool file as they are found, and the page copies the spool into its ``#time-data``
script as it is written. The JSON is compact (keys sorted, no spaces, text as UTF-8: the page's
own encoding) with ``<``, ``>``, ``&`` and ``'`` escaped as Jinja2's ``tojson`` escapes them, so no
text from the store can close the script; commitments are given in the order of their ids. Each
answer's cells (each party's status) are one of few: they are written once each, in ``cells``,
and an answer names them by their place. What the page says besides the answers (the first day
any of them was made, the parties scored) is gathered on the way.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

import orjson
from markupsafe import Markup

from commitment_tracker.projections.time_travel import Answers, OverBudget

#: Characters of a spool read into the page at a time.
PIECE = 1 << 20


def htmlsafe(text: str) -> str:
    """JSON text as Jinja2's ``tojson`` escapes it for an HTML page (``utils.htmlsafe_json_dumps``)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def compact(value: Any) -> str:
    """``value`` as compact JSON, keys sorted, text as UTF-8: spelled by orjson (a report spells a
    hundred thousand answers; the standard library's encoder was a tenth of its time), else, for
    what orjson refuses (an integer past 64 bits, a lone surrogate), by the standard library, its
    text escaped as ASCII (a lone surrogate has no UTF-8)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))


class Spool(Answers):
    """The answers and each commitment's runs, written as found to temporary files.

    A commitment's answers differ from one another in a few fields (its status, its dates, its
    cells): what does not change (its id, title, parties, when it was made...) would be most of
    every answer. So the page holds each commitment's first answer once (``bases``), and each
    answer as the fields in which it differs from its commitment's base: the page's script puts
    them together (``Object.assign({}, base, answer)``: every answer has the same fields)."""

    def __init__(self, budget: int | None = None) -> None:
        super().__init__()
        # The budget is on the distinct answers whole, as compact JSON (``whole_size``): what the page
        # holds is smaller still, but an attempt at many stops is then given up as early as it was.
        self.whole_budget = budget
        self._whole: set[str] = set()
        self.answers: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.runs: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.bases: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.commitments = 0  # commitments whose runs are written, and bases written
        self.based = 0
        self.first_made: date | None = None
        self.parties: set[str] = set()
        self._bases: dict[str, dict[str, Any]] = {}
        self._entries: dict[str, list[str]] = {}  # each commitment's runs, spelled, until it is written
        self._cells: dict[str, int] = {}  # each distinct cells' spelling -> its place in ``cells``
        self.whole_size = 1  # the compact JSON of the distinct answers, whole: '[' so far

    def number(self, row: dict[str, Any]) -> int:
        if self.whole_budget is not None:
            text = compact(row)
            if text not in self._whole:
                self._whole.add(text)
                self.whole_size += len(text) + 1  # and a ',' or the closing ']'
                if self.whole_size > self.whole_budget:
                    raise OverBudget
        cells = compact(row["cells"])
        place = self._cells.get(cells)
        if place is None:
            place = self._cells[cells] = len(self._cells)
        row = row | {"cells": place}
        base = self._bases.get(row["id"])
        if base is None:
            base = self._bases[row["id"]] = row
            made = date.fromisoformat(row["made_day"])
            self.first_made = made if self.first_made is None else min(self.first_made, made)
        self.parties.update(row["scores"])
        # Numbered by what is written: two commitments' answers that differ alike from their bases are one.
        return super().number({key: value for key, value in row.items() if base[key] != value})

    def spell(self, row: dict[str, Any]) -> str:
        return compact(row)

    def found(self, row: dict[str, Any], text: str) -> None:
        self.answers.write(("," if self.count else "") + htmlsafe(text))

    def held(self, slug: str, entry: list[Any]) -> None:
        self._entries.setdefault(slug, []).append(compact(entry))  # spelled once, written with its commitment

    def add(self, commitments: dict[str, list[list[Any]]]) -> None:
        """Some commitments' runs (with the bases of their answers), each after every commitment
        whose id sorts before it."""
        for slug in sorted(commitments):
            key = compact(slug)
            self.runs.write(("," if self.commitments else "") + htmlsafe(key) + ":["
                            + htmlsafe(",".join(self._entries.pop(slug))) + "]")  # fmt: skip
            self.commitments += 1
        for slug in sorted(self._bases):
            key, text = compact(slug), compact(self._bases[slug])
            self.bases.write(("," if self.based else "") + htmlsafe(key) + ":" + htmlsafe(text))
            self.based += 1
        self._bases, self._entries, self._whole = {}, {}, set()
        self.forget()

    def close(self) -> None:
        self.answers.close()
        self.runs.close()
        self.bases.close()

    def json(self, rest: dict[str, Any]) -> Iterator[Markup]:
        """The whole ``#time-data`` object: the answers, bases and runs from the spool, ``rest`` as given."""
        keys = sorted(["answers", "bases", "cells", "commitments", *rest])
        yield Markup("{")
        for n, key in enumerate(keys):
            yield Markup(("," if n else "") + htmlsafe(compact(key)) + ":")
            if key == "answers":
                yield from _copy(self.answers, "[", "]")
            elif key == "bases":
                yield from _copy(self.bases, "{", "}")
            elif key == "commitments":
                yield from _copy(self.runs, "{", "}")
            elif key == "cells":
                yield Markup(htmlsafe("[" + ",".join(self._cells) + "]"))
            else:
                yield Markup(htmlsafe(compact(rest[key])))
        yield Markup("}")


def _copy(spool: IO[str], opening: str, closing: str) -> Iterator[Markup]:
    spool.seek(0)
    yield Markup(opening)
    while piece := spool.read(PIECE):
        yield Markup(piece)
    yield Markup(closing)
