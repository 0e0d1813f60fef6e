"""Disputed units (SPEC §8.2) for ``scores``: where analysts' latest scores of a unit differ and no
reconciliation names them all, each keyed by what ``scores`` groups by (``reviews.count_disputed``).

Two ways to the same answer as the fold's ``reviews.disputes``: from a ``ScoreSource`` that read
every assessment already (grouped in Python), or, for scores grouped in SQL, from the few
commitments SQL finds with a unit assessed twice or more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day
from commitment_tracker.projections.areas import in_area
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.reviews import Coding, UnitCodings, disputes, units
from commitment_tracker.projections.view.tables import stamp
from commitment_tracker.projections.view.decode import loads

if TYPE_CHECKING:
    from commitment_tracker.projections.view.contract import Reader
    from commitment_tracker.projections.view.recorder import ViewSQL


def disputed_rows(board_rows: list[dict[str, Any]], scored: list[UnitCodings], *, cycle: str | None = None,
                  area: str | None = None, party: str | None = None, ids: set[str] | None = None,
                  summits: dict[str, str | None] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The disputed units (SPEC §8.2) among the commitments and scores a ``scores`` query keeps,
    each with what its groups are keyed by: from a board and the units of its commitments (a
    ``ScoreSource``'s ``board`` and ``unit_codings()``)."""
    board = {row["id"]: row for row in board_rows}
    found = []
    for unit in scored:
        row = board[unit.commitment]
        if not unit.disputed or not in_area(row.get("area"), area) or (ids is not None and unit.commitment not in ids):
            continue
        if (party is not None and unit.party != party) or (cycle is not None and unit.cycle != (cycle or None)):
            continue
        found.append({"commitment": unit.commitment, "party": unit.party, "cycle": unit.cycle, "area": row.get("area"),
                      "year": first_day(row["made_on"]).year, "summit": (summits or {}).get(unit.commitment)})  # fmt: skip
    return found


class SQLDisputes:
    """The disputed units (SPEC §8.2) from a clear store's view without reading every assessment:
    a unit can be disputed only when it has two live assessments or more, which SQL finds; only
    those commitments' rows are read and their codings compared, and the commitments the view
    marks as changing at K (gaps) are folded exactly."""

    def __init__(self, reader: Reader, view: ViewSQL, clocks: Clocks) -> None:
        self.reader, self.view, self.clocks = reader, view, clocks
        self.day, self.known = clocks.as_of.isoformat(), stamp(clocks.known_at)

    def rows(self, *, cycle: str | None, area: str | None, party: str | None) -> list[dict[str, Any]]:
        live = "known_from <= ? AND known_to > ? AND valid_on <= ? AND made_on <= ?"
        params = [self.known, self.known, self.day, self.day]
        gaps = set(self.view.gaps(self.known))
        twice = self.view.read(f"SELECT DISTINCT entity FROM (SELECT entity FROM {{view_assessments}} WHERE {live} "
                               "GROUP BY entity, party, cycle HAVING count(*) > 1) AS units", params)  # fmt: skip
        candidates = sorted({row[0] for row in twice} - gaps)
        codings_of: dict[str, list[Coding]] = {}
        placed: dict[str, tuple[str | None, int]] = {}
        contents: dict[str, dict[str, Any]] = {}
        rows = self.view.opened(self.view.read_in(
            f"SELECT entity, position, valid_on, area, made_on, data FROM {{view_assessments}} WHERE {live} "
            "AND entity IN ({entities}) ORDER BY entity, valid_on, position", candidates, params)) if candidates else []  # fmt: skip
        for entity, position, on, row_area, made_on, data in rows:
            if data not in contents:
                contents[data] = loads(data)
            codings_of.setdefault(entity, []).append(Coding.from_data(entity, position, on, contents[data]))
            placed[entity] = (row_area, int(made_on[:4]))
        found = []
        for entity, found_codings in codings_of.items():
            row_area, year = placed[entity]
            if not in_area(row_area, area):
                continue
            for unit in units(found_codings, self.clocks.as_of):
                if unit.disputed and (party is None or unit.party == party) and (cycle is None or unit.cycle == (cycle or None)):
                    found.append({"commitment": entity, "party": unit.party, "cycle": unit.cycle, "area": row_area,
                                  "year": year, "summit": None})  # fmt: skip
        # Of the gapped commitments, only those assessed by K can have a disputed unit at K.
        assessed = self.view.assessed_gaps(self.known, gaps)
        if assessed:
            exact = self.reader.knowledge_of_ids(assessed, self.clocks)
            found += disputes(exact, self.clocks.as_of, cycle=cycle, area=area, party=party)
        return found
