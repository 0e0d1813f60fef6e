"""A report of more commitments than the page reads at a time: every part of it is still the fold's.

The report reads its commitments' streams a few at a time (``render.report.CHUNK``), so that its
memory does not grow with the log. Here the chunk is made small, on a history kept on the same
commitments for years (``benchmarks/spread.py``: every record touches another stream, meetings
decide next-meeting deadlines, retractions and corrections), and the page is checked against the
pure fold of the whole log: the board and the matrix as written, each shown commitment's audit
trail, the sliders' answers at every stop they offer, and what the page says it left out.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from commitment_tracker.projections import Log
from commitment_tracker.projections.time_travel import answer
from tests.cli.page import parse

AS_OF = "2020-06-30"


@pytest.fixture
def spread_store(ctrack_sqlite: Any, tmp_path: Any) -> Any:
    from benchmarks import spread

    ctrack_sqlite.ok("import", str(spread.write(tmp_path / "spread.jsonl", 2400)))
    return ctrack_sqlite


def the_log(ctrack: Any) -> Log:
    from commitment_tracker.tracker import open_tracker, resolve_store

    with open_tracker(resolve_store(ctrack.store)) as tracker:
        return Log(tracker.log())


def pick(data: dict[str, Any], stop: int, as_of: date) -> dict[str, dict[str, Any]]:
    """The board the page's script draws at stop index ``stop`` as of ``as_of``: id -> answer."""
    board = {}
    for slug, entries in data["commitments"].items():
        current = [runs for first, runs in entries if first <= stop]
        if current:
            held = [index for on, index in current[-1] if on <= as_of.isoformat()]
            if held:
                answer = data["bases"][slug] | data["answers"][held[-1]]  # as the script puts them together
                board[slug] = answer | {"cells": data["cells"][answer["cells"]]}
    return board


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("chunk", [1, 7])
def test_a_report_read_a_few_commitments_at_a_time_is_the_fold_of_the_whole_log(spread_store, tmp_path, monkeypatch,
                                                                                chunk):  # fmt: skip
    import commitment_tracker.projections.render.report as report

    monkeypatch.setattr(report, "CHUNK", chunk, raising=False)
    out = tmp_path / "report.html"
    result = spread_store.ok("report", "--as-of", AS_OF, "--limit", "9", "--out", str(out))
    page = parse(out.read_text(encoding="utf-8"))
    knowledge = the_log(spread_store).known_at(None)
    as_of = date.fromisoformat(AS_OF)
    board = list(knowledge.board(as_of))
    assert len(board) == 24
    shown = [c.id for c in board][-9:]
    rows = page.find("table", id="board").find("tbody").find_all("tr")
    assert [(r.attrs["data-id"], r.attrs["data-status"]) for r in rows] == [(c.id, c.status) for c in board if c.id in shown]
    matrix = page.find("table", id="matrix").find("tbody").find_all("tr")
    assert [r.attrs["data-id"] for r in matrix] == [c.id for c in board]
    assert "the 9 most recently made of 24 commitments" in result.stderr
    # Each shown commitment's audit trail: every event its history tells (those dated after the day too, as the page lists them).
    for slug in shown:
        trail = page.find(id=f"c-{slug}").find("table", class_="audit").find("tbody").find_all("tr")
        told = spread_store.json("history", slug)["events"]
        assert sorted(r.attrs["id"] for r in trail) == sorted("ev-" + e["ref"].replace("#", "-") for e in told)
    # The sliders: at every offered stop, on days across the window, the fold's answers.
    data = json.loads(page.find("script", id="time-data").text)
    log = the_log(spread_store)
    days = [date(2012, 1, 1) + timedelta(days=n) for n in range(0, (as_of - date(2012, 1, 1)).days + 1, 61)] + [as_of]
    assert len(data["stops"]) >= 2
    for number, stop in enumerate(data["stops"]):
        known = log.known_at(moment(stop["at"]))
        for day in days[number % 3 :: 3] + [as_of]:
            expected = {s.id: answer(known, s, day) for s in known.board(day)}
            assert pick(data, number, day) == expected, (stop["label"], day)
