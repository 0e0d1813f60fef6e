"""``scores --by commitment`` holds a bounded part of the store at a time, whatever its size: the
commitments' streams and board rows are read a chunk at a time, and its answer is the fold's."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from benchmarks.scores import synthetic_table
from commitment_tracker.cli.main import cli
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view import scoreview
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store

COMMITMENTS = 1200
BOUND = 500  # commitments read at a time: well under the store's


def test_scores_by_commitment_folds_and_decodes_a_chunk_of_commitments_at_a_time(tmp_path, monkeypatch) -> None:
    table, store = tmp_path / "scores.csv", str(tmp_path / "t.db")
    synthetic_table(table, COMMITMENTS)
    result = CliRunner().invoke(cli, ["--store", store, "import-scores", str(table), "--on", "2023-12-31"])
    assert result.exit_code == 0, result.output
    folded: list[int] = []  # how many commitments each read of streams folds
    decoded: list[int] = []  # how many board rows each read returns
    knowledge_of_ids, read = ViewReader.knowledge_of_ids, None
    with open_tracker(resolve_store(store)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        read = type(reader.view).read
        monkeypatch.setattr(ViewReader, "knowledge_of_ids",
                            lambda self, slugs, clocks: folded.append(len(slugs)) or knowledge_of_ids(self, slugs, clocks))  # fmt: skip

        def counting(self, statement, params=()):
            rows = read(self, statement, params)
            if "{view_intervals}" in statement:
                decoded.append(len(rows))
            return rows

        monkeypatch.setattr(type(reader.view), "read", counting)
        found = scoreview.score_summary(reader, Clocks(date(2024, 6, 1)), "commitment")
        monkeypatch.undo()
        assert len(found["groups"]) == COMMITMENTS
        assert found == scoreview.score_summary(FoldReader(tracker), Clocks(date(2024, 6, 1)), "commitment")
        reader.close()
    assert folded and max(folded) <= BOUND
    assert decoded and max(decoded) <= BOUND
