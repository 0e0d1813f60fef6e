"""The compliance heat map: commitments x parties, coloured by score, averages in the margins.

Rows are grouped (by issue area, or by year) so 400 commitments read as a report reads; columns
are the parties, best average first. Built from a score sheet (the same as ``ctrack scores``),
drawn (by ``projections.render``) as an HTML table in ``report`` and as an image by ``chart --scores``.
"""

from __future__ import annotations

from typing import Any

from commitment_tracker.events.parties import name_of
from commitment_tracker.projections.scores import Scored, percent

GROUPINGS = ("area", "year")


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def heatmap(sheet: list[Scored], group_by: str = "area") -> dict[str, Any]:
    """Plain data: ``parties`` (ranked), ``groups`` of rows with their cells and averages,
    ``columns`` (each party's average) and ``overall``."""
    scored = [row for row in sheet if row.scores]
    by_party: dict[str, list[int]] = {}
    for row in scored:
        for party, score in row.scores.items():
            by_party.setdefault(party, []).append(score)
    parties = sorted(by_party, key=lambda p: (-(_mean(by_party[p]) or 0), p))
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in scored:
        key = row.area or "(no area)" if group_by == "area" else row.year
        average = _mean(list(row.scores.values()))
        groups.setdefault(key, []).append({
            "id": row.id, "code": row.code or row.id, "title": row.title,
            "cells": [row.scores.get(p) for p in parties], "average": average, "percent": percent(average),
        })  # fmt: skip
    every = [s for row in scored for s in row.scores.values()]
    ordered = sorted(groups.items(), key=lambda kv: str(kv[0]))
    return {
        "group_by": group_by,
        "parties": [{"code": p, "name": name_of(p)} for p in parties],
        "groups": [{"key": key, "rows": rows,
                    "average": _mean([c for r in rows for c in r["cells"] if c is not None])}
                   for key, rows in ordered],  # fmt: skip
        "columns": [_mean(by_party[p]) for p in parties],
        "overall": _mean(every),
        "rows": len(scored),
    }
