"""Compliance scores answered from the materialised view: indexed lookups, no event decoded.

The board rows (from ``view_intervals``) say which commitments exist as of D, known at K, with
their area, code and title; ``view_scores`` holds every live assessment over record time. The
score that counts is the last of a party's rows in (valid date, record order), exactly as the
pure fold in ``scores.py`` decides; a commitment the view marks as changing at K (a gap) is
folded exactly from its own stream instead.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

from commitment_tracker.projections.catchup import stamp
from commitment_tracker.projections.scores import UNLABELLED, Scored, scored

if TYPE_CHECKING:
    from commitment_tracker.projections.reader import ViewReader


class ScoreSource:
    """Every commitment and assessment as of ``as_of``, known at ``known_at``, read once."""

    def __init__(self, reader: ViewReader, as_of: date, known_at: datetime | None) -> None:
        known = stamp(known_at)
        self.as_of = as_of
        self.board = reader.board(as_of, known_at)
        self.rows: dict[str, list[tuple[str, int, str | None]]] = {}
        if getattr(reader, "view", None) is None:
            # A reader that folds the log (a read-only user whose view lags): every score from the fold.
            self.gaps = {row["id"] for row in self.board}
            self.exact = reader.knowledge(known_at) if self.gaps else None  # type: ignore[attr-defined]
            return
        self.gaps = set(reader.view.gaps(known))
        cycles: dict[str, str | None] = {}  # the few distinct data texts, each parsed once
        for entity, _position, party, score, _on, data in reader.view.scores(as_of.isoformat(), known):
            if entity not in self.gaps:
                if data not in cycles:
                    cycles[data] = json.loads(data)["cycle"]
                self.rows.setdefault(entity, []).append((party, score, cycles[data]))
        self.exact = reader._exact(sorted(self.gaps), known_at) if self.gaps else None

    def cycles(self) -> list[str]:
        found = {cycle or UNLABELLED for rows in self.rows.values() for _, _, cycle in rows}
        if self.exact is not None:
            from commitment_tracker.projections.scores import cycles

            found |= set(cycles(self.exact))
        return sorted(found, key=lambda c: (c == UNLABELLED, c))

    def _scores(self, slug: str, cycle: str | None) -> dict[str, int]:
        if slug in self.gaps:
            assert self.exact is not None
            found = scored(self.exact, slug, self.as_of, cycle)
            return found.scores if found is not None else {}
        scores: dict[str, int] = {}
        for party, score, label in self.rows.get(slug, ()):
            if cycle is None or label == (cycle or None):
                scores[party] = score
        return scores

    def sheet(self, *, cycle: str | None = None, area: str | None = None, party: str | None = None) -> list[Scored]:
        """The same sheet as ``scores.score_sheet`` on the fold."""
        wanted = area.casefold() if area else None
        sheet = []
        for row in self.board:
            if wanted is not None and (row.get("area") or "").casefold() != wanted:
                continue
            scores = self._scores(row["id"], cycle)
            if party is not None:
                scores = {p: s for p, s in scores.items() if p == party}
            sheet.append(Scored(row["id"], row.get("code"), row.get("area"), row["title"], row["made_on"], scores))
        return sheet


