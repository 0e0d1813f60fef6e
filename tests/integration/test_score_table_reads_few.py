"""``export-scores`` reads the makings of the commitments it exports, not of every commitment.

A row of the wide table needs its commitment's making as known at K (summit, code, wording,
published average), read from its stream. The makings of every commitment on the board were
read first, and the streams read for them were kept by the reader: at a million events of a log
with no score at all, ``export-scores`` took 29 s and 596 MB to write a header. A summit or a
year asks every making (each says whether its commitment is in scope); nothing else does.
"""

from __future__ import annotations

from datetime import date

from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view import reader as reader_module
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.view.scoreview import score_table
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.integration.test_gaps_in_bounded_memory import _lines


def test_the_table_reads_the_makings_of_its_rows_alone_and_keeps_no_large_fold(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(reader_module, "EXACT_CHUNK", 3)
    with open_tracker(resolve_store(str(tmp_path / "t.db"))) as tracker:
        tracker.import_file(_lines(tmp_path), "tester", warn=None)
        reader = ViewReader(tracker)
        reader.catch_up()
        asked: list[list[str]] = []
        original = reader.knowledge_of_ids
        monkeypatch.setattr(reader, "knowledge_of_ids", lambda slugs, clocks: asked.append(list(slugs)) or original(slugs, clocks))
        clocks = Clocks(date(2030, 1, 1))
        parties, rows = score_table(reader, clocks)
        exported = {row["id"] for row in rows}
        assert rows and len(exported) < len(reader.board(clocks))  # some commitments have no score
        assert {slug for slugs in asked for slug in slugs} == exported
        # A fold larger than a chunk is not kept by the reader once read.
        assert all(len(key[0]) <= 3 for key in reader._exact_known)
        # With a year, every making is read (each says whether its commitment is in scope).
        asked.clear()
        _, in_year = score_table(reader, clocks, year=2012)
        assert {slug for slugs in asked for slug in slugs} == {row["id"] for row in reader.board(clocks)}
        assert {row["id"] for row in in_year} <= exported
        reader.close()
