"""``search`` reads the streams of its best candidates a few at a time, until it has its results.

The index ranks up to 2,000 candidates; each result needs its entity's stream (its kind, parties,
area, the event's date, whether it was retracted). Folding every candidate's stream at once made a
search whose word is in every title hold most of the log: 456 MB at a million events for 20
results. The results are the same whichever the batch: the candidates are judged in rank order.
"""

from __future__ import annotations

import pytest

from commitment_tracker import events as ev
from commitment_tracker.projections.view import search
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store


@pytest.fixture
def reader(sqlite_url: str):
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([ev.build("commitment_made", commitment=f"c{n:03d}", on="2020-01-01", title=f"Alpha pledge {n}",
                                 parties=("US", "JP") if n % 2 else ("FR", "DE"), area="Trade" if n % 3 else "Health")
                        for n in range(120)], "t")  # fmt: skip
        tracker.record([ev.build("progress_reported", commitment=f"c{n:03d}", on="2021-01-01", note="alpha progress")
                        for n in range(0, 120, 5)], "t")  # fmt: skip
        tracker.record([ev.build("event_retracted", target=f"c{n:03d}#2", reason="alpha mistake")
                        for n in range(0, 120, 10)], "t")  # fmt: skip
        found = ViewReader(tracker)
        found.catch_up()
        yield found
        found.close()


@pytest.mark.parametrize("filters", [{}, {"party": "JP"}, {"area": "health"}, {"kind": "progress_reported"},
                                     {"kind": "event_retracted"}, {"party": "CN"}])  # fmt: skip
@pytest.mark.parametrize("limit", [1, 7, 1000])
def test_the_results_are_the_same_whatever_the_batch(reader, monkeypatch, filters, limit) -> None:
    monkeypatch.setattr(search, "FOLDED", 10**6)
    whole = search.results(reader, "alpha", limit=limit, **filters)
    monkeypatch.setattr(search, "FOLDED", 4)
    assert search.results(reader, "alpha", limit=limit, **filters) == whole
    assert whole or filters == {"party": "CN"}


def test_a_few_results_read_a_few_streams(reader, monkeypatch) -> None:
    monkeypatch.setattr(search, "FOLDED", 4)
    folded: list[int] = []
    exact_now = reader.exact_now
    monkeypatch.setattr(reader, "exact_now", lambda slugs: folded.append(len(slugs)) or exact_now(slugs))
    assert len(search.results(reader, "alpha", limit=3)) == 3
    assert folded and max(folded) <= 4 and sum(folded) <= 8  # not the 120 candidates' streams
