"""A record time inside the view's gaps is answered a few commitments at a time.

A page of catch-up that changes a commitment several times keeps only where the page left it, and
marks the record times in between as a gap: a read at such a time folds that commitment exactly
from its stream. On a log kept on the same commitments for years, every page changes most of them
several times, so a read at a record time inside a page (``--known-at``) folds most of the log:
at a million events, ``status --known-at`` held 982 MB where ``status`` holds 109. The folds are
made a chunk of commitments at a time, each chunk's streams let go before the next is read; and
the scores fold only the gapped commitments that have ever had an assessment (the others have no
score at any record time). The pure fold stays the oracle.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from benchmarks.spread import generate
from commitment_tracker.projections import Log, replay
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.scores import score_sheet
from commitment_tracker.projections.view.scoreview import score_summary
from tests.integration.test_score_view_agreement import _fold_summary
from commitment_tracker.projections.view import catchup, reader as reader_module
from commitment_tracker.projections.view.check import check_view
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.view.tables import stamp
from commitment_tracker.tracker import open_tracker, resolve_store

CHUNK = 2


def _lines(tmp_path, size: int = 2000, seed: int = 5):
    """A spread log in which some events no retraction or correction names are assessments
    instead (same stream, same position, same record time): a third of the commitments have scores."""
    events = list(generate(size, seed))
    targets = {e["target"] for e in events if "target" in e}
    parties: dict[str, str] = {}
    positions: dict[str, int] = {}
    for n, event in enumerate(events):
        slug = event.get("commitment") or event.get("target", "").split("#")[0] or event.get("meeting")
        positions[slug] = positions.get(slug, 0) + 1
        if event["type"] == "commitment_made":
            parties[slug] = event["parties"][0]
        elif event["type"] == "progress_reported" and n % 7 == 0 and int(slug[1:]) % 3 == 0 and \
                f"{slug}#{positions[slug]}" not in targets:
            events[n] = {"type": "compliance_assessed", "commitment": slug, "party": parties[slug], "score": n % 3 - 1,
                         "on": event["on"], "cycle": "final", "recorded_at": event["recorded_at"],
                         "recorded_by": "spread"}  # fmt: skip
    lines = tmp_path / "spread.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in events))
    return lines


@pytest.fixture
def folds(monkeypatch) -> list[set[str]]:
    """The commitments (meetings aside) each exact fold of the readers holds at once."""
    held: list[set[str]] = []
    original = reader_module.knowledge_of

    def counted(streams, known_at):
        held.append({slug for slug, records in streams.items() if records[0].event.type == "commitment_made"})
        return original(streams, known_at)

    monkeypatch.setattr(reader_module, "knowledge_of", counted)
    monkeypatch.setattr(reader_module, "EXACT_CHUNK", CHUNK)
    return held


@pytest.mark.parametrize("fraction", [0.45, 0.8])
def test_a_record_time_inside_the_gaps_folds_a_few_commitments_at_a_time(tmp_path, monkeypatch, folds, fraction) -> None:
    monkeypatch.setattr(catchup, "PAGE", 250)  # pages that change most commitments several times
    lines = _lines(tmp_path)
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(lines, "tester", warn=None)
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
        known_at: datetime = times[int(fraction * (len(times) - 1))]
        gapped = reader.view.gaps(stamp(known_at))
        assert len(gapped) > 4 * CHUNK  # not vacuous: many commitments change across this record time
        knowledge = log.known_at(known_at)
        assessed = {slug for slug in gapped if any(r.event.type == "compliance_assessed" and r.event.recorded_at <= known_at
                                                   for r in log.streams[slug])}  # fmt: skip
        assert assessed and assessed != set(gapped)  # some gapped commitments have scores, some not
        for as_of in (date(2014, 1, 1), date(2019, 6, 1), date(2030, 1, 1)):
            clocks = Clocks(as_of, known_at)
            assert reader.board(clocks) == [c.to_data() for c in knowledge.board(as_of)]
            key = lambda c: (c.day, c.commitment, c.before, c.after, c.cause, c.on)  # noqa: E731
            assert [key(c) for c in reader.replay(as_of - timedelta(days=900), clocks)] == \
                [key(c) for c in replay(knowledge, as_of - timedelta(days=900), as_of)]  # fmt: skip
            assert reader.score_sheet(clocks) == score_sheet(knowledge, as_of)
            for by in ("party", "area", "year", "cycle", "commitment"):
                found = score_summary(reader, clocks, by)
                found.pop("published", None)
                assert found == _fold_summary(knowledge, as_of, by, None, None, None)
        # Each fold held a chunk, but for the scores' (kept between calls at one record time): the
        # gapped commitments that were ever assessed, and no other.
        assert folds and all(len(held) <= CHUNK or held == assessed for held in folds)
        assert assessed in folds
        reader.close()
        assert check_view(tracker) is None
