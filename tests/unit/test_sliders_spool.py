"""The sliders' data written a few commitments at a time is, byte for byte, the JSON of the whole.

The page once wrote its ``#time-data`` with Jinja2's ``tojson`` of the data held whole; the spool
writes it as it is found. Both must give the same bytes, for any text the store may hold (a title
that tries to close the script, quotes, ampersands, non-ASCII); each answer, put together with its
commitment's base as the page's script does, must be the answer; and a budget must stop the spool
exactly where it stops the answers held whole (as the page held them before).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.utils import htmlsafe_json_dumps

from .test_time_travel import budget_case
from commitment_tracker.projections.render.sliders import Spool
from commitment_tracker.projections.time_travel import OverBudget, moments, travel_runs

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(["</script>", "<!--", "&amp;", "'", '"'])


def row(slug: str, title: str, parties: list[str], scores: dict[str, int]) -> dict[str, Any]:
    return {"id": slug, "title": title, "made_day": "2024-01-02", "parties": parties, "scores": scores}


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
                                                                                             max_size=2)),
                                max_size=3), max_size=4),
       TEXT)  # fmt: skip
def test_the_spool_writes_what_tojson_writes_of_the_data_held_whole(given_rows, note):
    rows_by_slug = {slug: [row(slug, *parts) for parts in found] for slug, found in given_rows.items()}
    rest = {"stops": [{"label": note, "us": 1}], "party_names": {note: note}, "board_ids": sorted(rows_by_slug)}
    # Held whole: each commitment's first answer, and each answer as what differs from it.
    answers: list[dict[str, Any]] = []
    bases = {slug: rows[0] for slug, rows in rows_by_slug.items() if rows}
    commitments = {}
    for slug in sorted(rows_by_slug):
        runs = []
        for n, r in enumerate(rows_by_slug[slug]):
            differs = {k: v for k, v in r.items() if bases[slug][k] != v}
            if differs not in answers:
                answers.append(differs)
            runs.append([f"2024-01-0{n + 1}", answers.index(differs)])
        commitments[slug] = [[0, runs]]
    whole = rest | {"answers": answers, "bases": bases, "commitments": commitments}
    text = spooled(rows_by_slug, rest)
    assert text == str(htmlsafe_json_dumps(whole, sort_keys=True))
    # And the page's script, putting each answer together with its base, has every answer back.
    data = json.loads(text)
    for slug, rows in rows_by_slug.items():
        held = [data["bases"][slug] | data["answers"][index] for _, index in data["commitments"][slug][0][1]]
        assert held == rows


def test_a_budget_stops_the_spool_where_it_stops_the_answers_held_whole(tmp_path):
    log, every, offered, whole, size = budget_case(tmp_path)
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
