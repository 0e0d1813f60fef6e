"""``queue``, ``scores --agreement`` and ``scores --disagreements`` read the board rows of the
commitments that have assessments, not the whole board.

Their answers are the units of assessed commitments (SPEC §8.2); the board only says which of
those are on it as of the day, and their areas. They walked the whole board: on a million events
of a log with no assessment at all, ``queue`` read and decoded 10,000 board rows to say that
nothing waits for review.
"""

from __future__ import annotations

from datetime import date

import pytest

from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.view.recorder import ViewSQL
from commitment_tracker.projections.view.reviewview import agreement_summary, disagreements, review_queue
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.integration.test_gaps_in_bounded_memory import _lines

ANSWERS = {
    "queue": lambda reader, at: review_queue(reader, at),
    "agreement": lambda reader, at: agreement_summary(reader, at, "party"),
    "disagreements": lambda reader, at: disagreements(reader, at),
}


@pytest.mark.parametrize("answer", sorted(ANSWERS))
def test_the_review_answers_read_the_assessed_commitments_board_rows_alone(tmp_path, monkeypatch, answer: str) -> None:
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(_lines(tmp_path), "tester", warn=None)
        reader = ViewReader(tracker)
        reader.catch_up()
        at = Clocks(date(2030, 1, 1))
        board = [row["id"] for row in reader.board(at)]
        assessed = {row[0] for row in reader.view.read("SELECT DISTINCT entity FROM {view_assessments}")}
        assert assessed and len(assessed) < len(board) / 2  # else this proves nothing
        expected = ANSWERS[answer](FoldReader(tracker), at)
        whole: list[str] = []
        some: list[str] = []
        board_of = ViewSQL.board_of
        monkeypatch.setattr(ViewSQL, "board", lambda self, day, known: whole.append(day) or [])
        monkeypatch.setattr(ViewSQL, "board_of", lambda self, ids, day, known: some.extend(ids) or board_of(self, ids, day, known))
        assert ANSWERS[answer](reader, at) == expected
        assert not whole
        assert set(some) <= assessed
        reader.close()
