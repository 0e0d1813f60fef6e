"""What the report's time sliders need: the fold's own answers at every (as of D, known at K) a reader can pick.

The known-at slider stops at each distinct record time of the log (nothing else changes what was
known), so the page holds one answer set per stop. For one stop, a commitment's answer changes over
valid time only on the days of its own events, the days a meeting of its ``due_next`` kind was held
or announced, and the days time alone changes something: the day after its deadline (overdue, a
recurring lapse), the deadline's last day and the end of a recurring commitment's first period (it
starts to count in the matrix). The answer is computed by the fold on each of those days, so the
page answers exactly what ``ctrack status --as-of D --known-at K`` answers, for every D and K.

Answers are deduplicated: a stop repeats nothing that the previous stop already said about a
commitment, and identical answers are stored once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from commitment_tracker.events import add_period, first_day, last_day
from commitment_tracker.projections.compliance import cell, is_due
from commitment_tracker.projections.fold import RECURRING, CommitmentStatus
from commitment_tracker.projections.knowledge import Knowledge, Log

DAY = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Stop:
    """One record time the known-at slider can stop at, and the events recorded at that moment."""

    at: datetime
    refs: tuple[str, ...]

    @property
    def label(self) -> str:
        more = len(self.refs) - 1
        return f"after {self.refs[0]}" + (f" and {more} more" if more else "")

    def to_data(self) -> dict[str, Any]:
        at = self.at.astimezone(timezone.utc)
        return {"at": at.isoformat().replace("+00:00", "Z"), "us": _micros(at), "label": self.label,
                "refs": list(self.refs)}  # fmt: skip


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch: exact in a JavaScript number (below 2**53 until the year 2255)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def stops(log: Log, known_at: datetime | None = None) -> list[Stop]:
    """The distinct record times up to ``known_at`` (None: all), oldest first."""
    found: dict[datetime, list[Any]] = {}
    for records in log.streams.values():
        for record in records:
            at = record.event.recorded_at
            if at is not None and (known_at is None or at <= known_at):
                found.setdefault(at, []).append(record)
    return [
        Stop(at, tuple(r.ref for r in sorted(found[at], key=lambda r: r.seq)))
        for at in sorted(found)
    ]


def answer(status: CommitmentStatus, as_of: date) -> dict[str, Any]:
    """One commitment's board row and matrix row as of a day: what the page draws."""
    return status.to_data() | {
        "made_day": first_day(status.made_on).isoformat(),
        "counted": is_due(status, as_of),
        "cells": {party: cell(status, party).to_data() for party in status.parties},
    }


def change_days(knowledge: Knowledge, slug: str) -> list[date]:
    """The days, from the making on, on which the commitment's answer can change (see the module doc)."""
    made, steps = knowledge.steps(slug)
    made_day = first_day(made.on)
    days = {made_day, *(step.day for step in steps if step.day > made_day)}
    kinds = {made.due_next, *(getattr(step.event, "due_next", None) for step in steps)} - {None}
    for kind in kinds:
        days.update(knowledge.meetings.change_days(kind, made_day))  # type: ignore[arg-type]
    found = set(days)
    for day in sorted(days):
        status = knowledge.status(slug, day)
        if status is None:
            continue
        if status.due_on:
            found.update({last_day(status.due_on), last_day(status.due_on) + DAY})
        if status.cadence in RECURRING:
            found.add(add_period(last_day(status.made_on), status.cadence))
    return sorted(d for d in found if d >= made_day)


def runs(knowledge: Knowledge, slug: str) -> list[tuple[date, dict[str, Any]]]:
    """The commitment's answer over valid time: (first day, answer), each holding until the next."""
    found: list[tuple[date, dict[str, Any]]] = []
    for day in change_days(knowledge, slug):
        status = knowledge.status(slug, day)
        if status is None:
            continue
        row = answer(status, day)
        if not found or found[-1][1] != row:
            found.append((day, row))
    return found


def time_travel(log: Log, known_at: datetime | None = None) -> dict[str, Any]:
    """The data the page's sliders read: stops, distinct answers, and each commitment's runs per stop.

    ``commitments[slug]`` is a list of ``[stop, runs]``: from that stop index on (until the next
    entry) the commitment's answer as of D is that of the last run whose day is ≤ D; ``runs`` is
    ``[[day, answer index], ...]``, empty while the commitment is unknown or retracted.
    """
    found = stops(log, known_at)
    answers: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    commitments: dict[str, list[list[Any]]] = {}
    previous: dict[str, list[list[Any]]] = {}
    for number, stop in enumerate(found):
        knowledge = log.known_at(stop.at)
        current = {}
        for slug in knowledge.commitments:
            encoded = []
            for day, row in runs(knowledge, slug):
                key = repr(sorted(row.items()))
                if key not in index:
                    index[key] = len(answers)
                    answers.append(row)
                encoded.append([day.isoformat(), index[key]])
            current[slug] = encoded
        for slug in current.keys() | previous.keys():
            now = current.get(slug, [])
            if previous.get(slug, []) != now:
                commitments.setdefault(slug, []).append([number, now])
        previous = current
    return {"stops": [s.to_data() for s in found], "answers": answers, "commitments": commitments}
