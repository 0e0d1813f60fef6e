"""The sliders' data as the page holds it: JSON written a few commitments at a time, never held whole.

A report of many commitments recorded over years holds hundreds of thousands of answers (a page of
a million events, most of a gigabyte of JSON at the two stops every page offers): they are written
to a spool file as they are found, and the page copies the spool into its ``#time-data`` script as
it is written. The bytes are those of Jinja2's ``tojson`` of the same data (keys sorted, ``<``,
``>``, ``&`` and ``'`` escaped, so no text from the store can close the script), for commitments
given in the order of their ids; what the page says besides the answers (the first day any of
them was made, the parties scored) is gathered on the way.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from markupsafe import Markup

from commitment_tracker.projections.time_travel import Answers, OverBudget

#: Characters of a spool read into the page at a time.
PIECE = 1 << 20


def htmlsafe(text: str) -> str:
    """JSON text as Jinja2's ``tojson`` escapes it for an HTML page (``utils.htmlsafe_json_dumps``)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


class Spool(Answers):
    """The answers and each commitment's runs, written as found to temporary files.

    A commitment's answers differ from one another in a few fields (its status, its dates, its
    cells): what does not change (its id, title, parties, when it was made...) would be most of
    every answer. So the page holds each commitment's first answer once (``bases``), and each
    answer as the fields in which it differs from its commitment's base: the page's script puts
    them together (``Object.assign({}, base, answer)``: every answer has the same fields)."""

    def __init__(self, budget: int | None = None) -> None:
        super().__init__()
        # The budget is on the answers as the page once held them, whole (``Answers``): what it holds
        # now is smaller, but an attempt at many stops is then given up as early as it was.
        self.whole_budget = budget
        self.whole_size = 0
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

    def number(self, row: dict[str, Any]) -> int:
        base = self._bases.get(row["id"])
        if base is None:
            base = self._bases[row["id"]] = row
            made = date.fromisoformat(row["made_day"])
            self.first_made = made if self.first_made is None else min(self.first_made, made)
        self.parties.update(row["scores"])
        if self.whole_budget is not None:
            text = json.dumps(row)
            if text not in self._whole:
                self._whole.add(text)
                self.whole_size += len(text) + 2
                if self.whole_size > self.whole_budget:
                    raise OverBudget
        # Numbered by what is written: two commitments' answers that differ alike from their bases are one.
        return super().number({key: value for key, value in row.items() if base[key] != value})

    def found(self, row: dict[str, Any], text: str) -> None:
        self.answers.write((", " if self.count else "") + htmlsafe(text))

    def held(self, slug: str, entry: list[Any]) -> None:
        self._entries.setdefault(slug, []).append(json.dumps(entry))  # spelled once, written with its commitment

    def add(self, commitments: dict[str, list[list[Any]]]) -> None:
        """Some commitments' runs (with the bases of their answers), each after every commitment
        whose id sorts before it."""
        for slug in sorted(commitments):
            key = json.dumps(slug)
            self.runs.write((", " if self.commitments else "") + htmlsafe(key) + ": ["
                            + htmlsafe(", ".join(self._entries.pop(slug))) + "]")  # fmt: skip
            self.commitments += 1
        for slug in sorted(self._bases):
            key, text = json.dumps(slug), json.dumps(self._bases[slug], sort_keys=True)
            self.bases.write((", " if self.based else "") + htmlsafe(key) + ": " + htmlsafe(text))
            self.based += 1
        self._bases, self._entries, self._whole = {}, {}, set()
        self.forget()

    def close(self) -> None:
        self.answers.close()
        self.runs.close()
        self.bases.close()

    def json(self, rest: dict[str, Any]) -> Iterator[Markup]:
        """The whole ``#time-data`` object: the answers, bases and runs from the spool, ``rest`` as given."""
        keys = sorted(["answers", "bases", "commitments", *rest])
        yield Markup("{")
        for n, key in enumerate(keys):
            yield Markup((", " if n else "") + htmlsafe(json.dumps(key)) + ": ")
            if key == "answers":
                yield from _copy(self.answers, "[", "]")
            elif key == "bases":
                yield from _copy(self.bases, "{", "}")
            elif key == "commitments":
                yield from _copy(self.runs, "{", "}")
            else:
                yield Markup(htmlsafe(json.dumps(rest[key], sort_keys=True)))
        yield Markup("}")


def _copy(spool: IO[str], opening: str, closing: str) -> Iterator[Markup]:
    spool.seek(0)
    yield Markup(opening)
    while piece := spool.read(PIECE):
        yield Markup(piece)
    yield Markup(closing)
