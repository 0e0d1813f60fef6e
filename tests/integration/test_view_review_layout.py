"""A view written before assessments carried their analyst and review state (SPEC §8.2) is rebuilt
once, on the first read: its answers and ``verify`` are then those of a view written now."""

from __future__ import annotations

import json

from commitment_tracker.projections.view import catchup
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.conftest import Ctrack


def test_a_view_whose_assessments_lack_review_state_is_rebuilt_once(store_url: str, monkeypatch) -> None:
    ctrack = Ctrack(store_url)
    ctrack.ok("--by", "ana", "pledge", "open", "--on", "2024-01-10", "--title", "Keep markets open", "--party", "US")
    ctrack.ok("--by", "ana", "assess", "open", "--party", "US", "--score", "1", "--on", "2024-06-01")
    ctrack.ok("--by", "bob", "assess", "open", "--party", "US", "--score", "0", "--on", "2024-06-02")
    ctrack.ok("--by", "rev", "review", "open#2", "--approve", "--on", "2024-07-01")
    with monkeypatch.context() as patch:  # as the earlier release wrote the rows
        patch.setattr(catchup, "coding_data", lambda event, review: {
            "party": event.party, "score": event.score, "cycle": event.cycle, "assessor": event.assessor})
        with open_tracker(resolve_store(store_url)) as tracker:
            reader = ViewReader(tracker)
            reader.rebuild()
            assert "analyst" not in json.loads(reader.view.scores("2025-01-01", "9999-12-30")[0][3])
            reader.close()
    assert json.loads(ctrack.ok("scores", "--approved-only", "--json").stdout)["overall"]["average"] == 1.0
    assert json.loads(ctrack.ok("scores", "--json").stdout)["overall"]["disputed"] == 1
    assert ctrack.ok("verify").stdout.startswith("OK:")
    with open_tracker(resolve_store(store_url)) as tracker:
        reader = ViewReader(tracker)
        assert not reader.view.predates_reviews() and reader.catch_up() == 0
        reader.close()
