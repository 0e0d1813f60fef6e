"""The compliance matrix: commitments x parties, and each party's share of due commitments fulfilled.

In the manner of the G7 Research Group's compliance tables (scored by member, by commitment and
overall), built from the one fold: every cell is a party's status as of D, known at K.

What counts (the contract of ``ctrack matrix``):

- A commitment is **due** as of D when its deadline has arrived by D:
  - ``once``: it has a ``due_on`` -- its ``due`` date, or the meeting its ``due_next`` resolved to --
    whose last day is on or before D (a coarse deadline "2024-06" arrives on 30 June);
  - recurring: its first period has run out, i.e. D is on or after ``made_on`` plus one period
    (from then on a party is judged by whether it is keeping up as of D: the ``on_track`` status
    with the party in the latest instance counts as fulfilled; ``lapsed`` does not);
  - never: a ``standing`` principle (it is never "done"), a ``once`` commitment without a deadline
    or with an unresolved ``due_next``, or a commitment superseded by D (its successor carries it).
- A party's due commitments are the due commitments it is party to; it **fulfilled** one when its
  cell says ``fulfilled`` as of D. Fulfilling early counts once the deadline arrives; abandoning is
  counted (as not fulfilled) once the deadline arrives, not before.
- ``share`` = fulfilled / due, or None when nothing is due for that party.

A cell is the party's status from the fold (``fulfilled`` / ``pending`` / ``abandoned``), except that
a party still "pending" on a standing principle is shown ``active`` and on a superseded commitment
``superseded``: neither is something the party still owes. ``overdue`` marks a pending party on an
overdue commitment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from commitment_tracker.events import add_period, last_day
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.fold import RECURRING, CommitmentStatus
from commitment_tracker.projections.knowledge import Knowledge


@dataclass(frozen=True, slots=True)
class Cell:
    status: str
    overdue: bool

    def to_data(self) -> dict[str, Any]:
        return {"status": self.status, "overdue": self.overdue}


@dataclass(frozen=True, slots=True)
class Row:
    commitment: CommitmentStatus
    due: bool  # whether it counts towards the summary as of D
    cells: dict[str, Cell]

    def to_data(self) -> dict[str, Any]:
        c = self.commitment
        return {
            "id": c.id, "title": c.title, "status": c.status, "cadence": c.cadence, "due_on": c.due_on,
            "due": self.due, "cells": {party: cell.to_data() for party, cell in self.cells.items()},
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Score:
    due: int
    fulfilled: int

    @property
    def share(self) -> float | None:
        return round(self.fulfilled / self.due, 4) if self.due else None

    def to_data(self) -> dict[str, Any]:
        return {"due": self.due, "fulfilled": self.fulfilled, "share": self.share}


@dataclass(frozen=True, slots=True)
class Matrix:
    as_of: date
    parties: tuple[str, ...]
    rows: tuple[Row, ...]
    summary: dict[str, Score]

    def to_data(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "parties": list(self.parties),
            "rows": [row.to_data() for row in self.rows],
            "summary": {party: score.to_data() for party, score in self.summary.items()},
        }


def is_due(commitment: CommitmentStatus, as_of: date) -> bool:
    """Whether ``commitment``'s deadline (or first period) has arrived by ``as_of``; see the module doc."""
    return due_by(commitment.status, commitment.cadence, commitment.made_on, commitment.due_on, as_of)


def due_by(status: str, cadence: str, made_on: str, due_on: str | None, as_of: date) -> bool:
    """``is_due`` from a status's fields (a caller holding board rows, not statuses)."""
    if status == "superseded" or cadence == "standing":
        return False
    if cadence in RECURRING:
        return as_of >= add_period(last_day(made_on), cadence)
    return due_on is not None and last_day(due_on) <= as_of


def cell(commitment: CommitmentStatus, party: str) -> Cell:
    return Cell(*cell_parts(commitment.party_status[party], commitment.cadence, commitment.status, commitment.overdue))


def cell_data(party_status: str, cadence: str, status: str, overdue: bool) -> dict[str, Any]:
    """``cell(...).to_data()`` from a status's fields: the report's sliders write a cell per party
    per change day, as data, with no Cell built for it."""
    word, late = cell_parts(party_status, cadence, status, overdue)
    return {"status": word, "overdue": late}


def cell_parts(party_status: str, cadence: str, status: str, overdue: bool) -> tuple[str, bool]:
    """A cell's word and whether it is overdue, from a status's fields."""
    if party_status == "pending" and cadence == "standing":
        return "active", False
    if party_status == "pending" and status == "superseded":
        return "superseded", False
    return party_status, party_status == "pending" and overdue


def matrix(knowledge: Knowledge, as_of: date, area: str | None = None) -> Matrix:
    """Every commitment in existence as of ``as_of`` (of one issue area, if given, in any case)
    against every party to any of them."""
    return matrix_of(knowledge.board(as_of), as_of, area)


def matrix_of(statuses: Iterable[CommitmentStatus], as_of: date, area: str | None = None) -> Matrix:
    """The matrix of a board (the commitments as of ``as_of``, from the view or a fold)."""
    board = [c for c in statuses if in_area(c.area, area)]
    # Parties in order of first appearance: the trilateral reads US, JP, KR as it was pledged.
    parties = tuple(dict.fromkeys(party for c in board for party in c.parties))
    rows = []
    due = dict.fromkeys(parties, 0)
    fulfilled = dict.fromkeys(parties, 0)
    for commitment in board:
        counted = is_due(commitment, as_of)
        cells = {party: cell(commitment, party) for party in commitment.parties}
        rows.append(Row(commitment, counted, cells))
        if counted:
            for party, found in cells.items():
                due[party] += 1
                fulfilled[party] += found.status == "fulfilled"
    summary = {party: Score(due[party], fulfilled[party]) for party in parties}
    return Matrix(as_of, parties, tuple(rows), summary)
