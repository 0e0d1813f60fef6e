"""The sliders' data written a few commitments at a time holds every answer, in as few bytes as it can.

The spool writes the page's ``#time-data`` as it is found: compact JSON (keys sorted, no spaces,
text as UTF-8) with ``<``, ``>``, ``&`` and ``'`` escaped, so no text the store may hold (a title
that tries to close the script, quotes, ampersands, non-ASCII) can close the script; each answer,
put together with its commitment's base and its cells as the page's script does, must be the
answer; the cells (each party's status) are written once each and named by their place; and a
budget must stop the spool exactly where the compact JSON of the distinct answers, whole, would
outgrow it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .test_time_travel import budget_case
from commitment_tracker.projections.render.sliders import Spool
from commitment_tracker.projections.time_travel import OverBudget, moments, travel_runs

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(["</script>", "<!--", "&amp;", "'", '"'])


def row(slug: str, title: str, parties: list[str], scores: dict[str, int], statuses: list[str] | None = None) -> dict[str, Any]:
    statuses = statuses or ["pending"]
    cells = {party: {"overdue": n % 2 == 1, "status": statuses[n % len(statuses)]} for n, party in enumerate(parties)}
    return {"id": slug, "title": title, "made_day": "2024-01-02", "parties": parties, "scores": scores, "cells": cells}


def compact(value: Any) -> str:
    """Compact JSON as the page holds it: keys sorted, no spaces, text as UTF-8, HTML's specials escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def put_together(data: dict[str, Any], slug: str, index: int) -> dict[str, Any]:
    """An answer as the page's script puts it together: its commitment's base, what differs, its cells."""
    answer = data["bases"][slug] | data["answers"][index]
    return answer | {"cells": data["cells"][answer["cells"]]}


def spooled(rows_by_slug: dict[str, list[dict[str, Any]]], rest: dict[str, Any]) -> str:
    """What the spool writes for these answers, given as one chunk."""
    spool = Spool()
    try:
        commitments = {}
        for slug, rows in sorted(rows_by_slug.items()):  # as travel_runs gives them: each entry held as found
            commitments[slug] = [entry := [0, [[f"2024-01-0{n + 1}", spool.number(r)] for n, r in enumerate(rows)]]]
            spool.held(slug, entry)
        spool.add(commitments)
        return "".join(spool.json(rest))
    finally:
        spool.close()


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True),
                       st.lists(st.tuples(TEXT, st.lists(TEXT, max_size=3), st.dictionaries(TEXT, st.integers(-1, 1),
                                                                                             max_size=2),
                                          st.lists(st.sampled_from(["pending", "fulfilled", "abandoned"]), max_size=2)),
                                max_size=3), max_size=4),
       TEXT)  # fmt: skip
def test_the_spool_writes_every_answer_as_compact_json_that_cannot_close_the_script(given_rows, note):
    rows_by_slug = {slug: [row(slug, *parts) for parts in found] for slug, found in given_rows.items()}
    rest = {"stops": [{"label": note, "us": 1}], "party_names": {note: note}, "board_ids": sorted(rows_by_slug)}
    text = spooled(rows_by_slug, rest)
    assert not any(special in text for special in "<>&'")
    data = json.loads(text)
    assert text == compact(data)
    assert {key: data[key] for key in rest} == rest
    # The page's script, putting each answer together with its base and its cells, has every answer back.
    for slug, rows in rows_by_slug.items():
        assert [put_together(data, slug, index) for _, index in data["commitments"][slug][0][1]] == rows
    assert data["bases"].keys() == {slug for slug, rows in rows_by_slug.items() if rows}
    # Nothing is written twice: an answer once per chunk, cells once per page, and an answer holds only what differs.
    assert len({compact(a) for a in data["answers"]}) == len(data["answers"])
    assert len({compact(c) for c in data["cells"]}) == len(data["cells"])
    for slug, entries in data["commitments"].items():
        for _, index in entries[0][1]:
            assert all(data["bases"][slug][key] != value for key, value in data["answers"][index].items())


def test_a_budget_stops_the_spool_where_the_compact_json_of_the_answers_held_whole_would_outgrow_it(tmp_path):
    log, every, offered, whole, _ = budget_case(tmp_path)
    size = len(json.dumps(whole["answers"], separators=(",", ":"), ensure_ascii=False))
    for budget, fits in ((size, True), (size - 1, False)):
        spool = Spool(budget)
        try:
            if fits:
                spool.add(travel_runs(moments(log, every, offered), spool))
                assert json.loads("".join(spool.json({})))["commitments"].keys() == whole["commitments"].keys()
            else:
                with pytest.raises(OverBudget):
                    spool.add(travel_runs(moments(log, every, offered), spool))
        finally:
            spool.close()
