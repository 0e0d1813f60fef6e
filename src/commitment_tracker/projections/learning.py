"""What the tracker learned between two record times: the board as of one valid date, compared as
known at K1 and as known at K2, with the events recorded in between that changed it.

``learned`` compares the two ends ("what did we learn this week?"); ``learning`` walks every
moment in between at which something was recorded and lists each change of an answer at the moment
it happened, the record-time counterpart of ``replay``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone
from itertools import groupby
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day

if TYPE_CHECKING:
    from commitment_tracker.projections.reader import ViewReader

#: What a board row says about a commitment, in the order a change is described.
FIELDS = ("status", "due_on", "overdue", "late", "party_status", "title", "parties", "cadence", "due", "due_next",
          "instances", "reaffirmations", "last_event_on")  # fmt: skip


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    if old is None or new is None:
        return ["exists"]
    return [f for f in FIELDS if old.get(f) != new.get(f)]


def _entry(slug: str, old: dict[str, Any] | None, new: dict[str, Any] | None, fields: list[str],
           causes: list[str]) -> dict[str, Any]:  # fmt: skip
    return {"id": slug, "title": (new or old or {}).get("title"), "status_from": (old or {}).get("status"),
            "status_to": (new or {}).get("status"), "changed": fields, "causes": causes}  # fmt: skip


def _ordered(rows: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(rows, key=lambda s: (first_day(rows[s]["made_on"]), s))


def learned(reader: ViewReader, as_of: date, known_from: datetime, known_to: datetime) -> list[dict[str, Any]]:
    """Every commitment whose answer as of ``as_of`` differs between what was known at the two
    record times, with the references of the events recorded in between that caused it."""
    before = {r["id"]: r for r in reader.board(as_of, known_from)}
    after = {r["id"]: r for r in reader.board(as_of, known_to)}
    recorded = reader.recorded_between(known_from, known_to)
    rows = []
    for slug in _ordered(before | after):
        fields = changed_fields(before.get(slug), after.get(slug))
        if fields:
            rows.append(_entry(slug, before.get(slug), after.get(slug), fields, _causes(slug, recorded)))
    return rows


def learning(reader: ViewReader, as_of: date, known_from: datetime, known_to: datetime) -> list[dict[str, Any]]:
    """Each change of an answer as of ``as_of`` at the record time it happened, within (K1, K2]."""
    board = {r["id"]: r for r in reader.board(as_of, known_from)}
    steps = []
    recorded = reader.recorded_between(known_from, known_to)
    for moment, group in groupby(recorded, key=lambda row: row[2]):
        facts = list(group)
        known = _moment(moment)
        now = {r["id"]: r for r in reader.board(as_of, known)}
        for slug in _ordered(board | now):
            fields = changed_fields(board.get(slug), now.get(slug))
            if fields:
                steps.append({"known_at": known.isoformat(), **_entry(slug, board.get(slug), now.get(slug), fields,
                                                                       _causes(slug, facts))})  # fmt: skip
        board = now
    return steps


def _causes(slug: str, recorded: Iterable[Any]) -> list[str]:
    """The commitment's own events recorded in the window; failing those, the meetings recorded in
    it (at a fixed valid date only they can move another stream's answer: a next-meeting deadline)."""
    recorded = list(recorded)
    own = [f"{entity}#{position}" for entity, position, *_ in recorded if entity == slug]
    return own or [f"{entity}#{position}" for entity, position, _, _, kind in recorded if kind == "meeting"]


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
