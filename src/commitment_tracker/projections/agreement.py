"""Agreement between analysts (SPEC §8.2): Krippendorff's alpha, ordinal metric.

Over the units (commitment, party, cycle) that at least two analysts scored, each analyst's
value being their latest coding (``reviews.units``; reconciliations are not codings). The
coefficient is the ``krippendorff`` package's (checked against Krippendorff's published example
and a reference written from the definition in the tests); alpha is None where it is undefined:
fewer than two pairable values, or no variation among them (expected disagreement 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from commitment_tracker.projections.reviews import Coding, UnitCodings, units

BY = ("cycle", "area", "party", "assessor")
#: The scores' order: the ordinal metric ranks the values, the domain keeps all three.
VALUES = (-1, 0, 1)


def alpha(matrix: Sequence[Sequence[float | None]], level: str = "ordinal",
          domain: Sequence[float] | None = VALUES) -> float | None:  # fmt: skip
    """Krippendorff's alpha of a reliability matrix (one row per coder, one column per unit,
    None where the coder gave no value); None where it is undefined."""
    values = [v for column in zip(*matrix, strict=True) for v in _pairable(column)]
    if len(values) < 2 or len(set(values)) < 2:
        return None
    import krippendorff  # numpy-based: imported only when a figure is asked for
    import numpy

    data = numpy.array([[numpy.nan if v is None else float(v) for v in row] for row in matrix], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                                    value_domain=list(domain) if domain is not None else None))  # fmt: skip


def _pairable(column: Iterable[float | None]) -> list[float]:
    found = [v for v in column if v is not None]
    return found if len(found) >= 2 else []


def figure(scored: Sequence[UnitCodings]) -> dict[str, Any]:
    """Alpha, units, pairable values and analysts over units (those with fewer than two
    analysts' codings are left out: nothing to pair)."""
    paired = [u for u in scored if len(u.latest) >= 2]
    analysts = sorted({name for u in paired for name in u.latest})
    matrix = [[(u.latest[a].score if a in u.latest else None) for u in paired] for a in analysts]
    return {"alpha": alpha(matrix) if paired else None, "units": len(paired),
            "pairable_values": sum(len(u.latest) for u in paired), "analysts": analysts}  # fmt: skip


def agreement(scored: Sequence[UnitCodings], by: str | None, areas: dict[str, str | None]) -> dict[str, Any]:
    """``groups`` and ``overall`` of ``scores --agreement`` (SPEC §8.2); ``areas``: each
    commitment's issue area. Without ``by``, ``groups`` is empty."""
    paired = [u for u in scored if len(u.latest) >= 2]
    groups: list[dict[str, Any]] = []
    if by is not None:
        buckets: dict[Any, list[UnitCodings]] = {}
        for unit in paired:
            keys = {"cycle": [unit.cycle], "area": [areas.get(unit.commitment)], "party": [unit.party],
                    "assessor": sorted(unit.latest)}[by]  # fmt: skip
            for key in keys:
                buckets.setdefault(key, []).append(unit)
        groups = [{"key": key, **figure(found)} for key, found in buckets.items()]
        groups.sort(key=lambda g: (g["key"] is None, g["key"] if g["key"] is not None else ""))
    return {"by": by, "groups": groups, "overall": figure(paired)}


def undefined(summary: dict[str, Any]) -> list[str]:
    """A note for each figure whose alpha is undefined, saying why."""
    notes = []
    for group in [*summary["groups"], {"key": None, **summary["overall"], "overall": True}]:
        if group["alpha"] is not None:
            continue
        where = "overall" if group.get("overall") else f"{summary['by']} {group['key'] if group['key'] is not None else '(none)'}"
        why = ("fewer than two pairable values (no unit scored by two analysts)" if group["pairable_values"] < 2
               else "the analysts' values do not vary")  # fmt: skip
        notes.append(f"agreement is undefined {'' if where == 'overall' else 'for '}{where}: {why}")
    return notes


def of_commitment(found: Sequence[Coding], as_of: date) -> dict[str, Any]:
    """One commitment's agreement and its disputed cells as of ``as_of``, from its codings
    (``reviews.codings``): what the per-summit report (SPEC §8.1) shows under each commitment.
    ``disputed``: each disputed unit with every analyst's latest score and its ref."""
    scored = units(found, as_of)
    return {**figure(scored), "disputed": [
        {"party": u.party, "cycle": u.cycle,
         "scores": [{"analyst": name, "score": c.score, "ref": c.ref} for name, c in sorted(u.latest.items())]}
        for u in scored if u.disputed]}  # fmt: skip
