"""A board row in ``view_intervals`` holds its fields' values in one fixed order, not their names
(the names were half of the row's bytes, and the intervals half of a store); a view written with
the names, as the release before wrote it, answers as before and is rebuilt once on its first
read by a user who may write it, after which ``verify`` passes."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

import pytest

from commitment_tracker.projections import Log
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.fold import CommitmentStatus
from commitment_tracker.projections.view import resume
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.conftest import Ctrack

DATA = "src/commitment_tracker/data/trilateral.jsonl"
#: The fields of a board row, from the model itself: a field added later is covered too.
FIELDS = {f.name for f in fields(CommitmentStatus)}


def _stored_rows(store_url: str) -> list[str]:
    with open_tracker(resolve_store(store_url)) as tracker:
        reader = ViewReader(tracker)
        try:
            return [row[1] for row in reader.view.opened(reader.view.read("SELECT entity, data FROM {view_intervals}"))]
        finally:
            reader.close()


def _fold_board(store_url: str, as_of: date) -> list[dict[str, object]]:
    with open_tracker(resolve_store(store_url)) as tracker:
        return [json.loads(json.dumps(c.to_data())) for c in Log(tracker.log()).known_at(None).board(as_of)]


@pytest.fixture
def trilateral(store_url: str) -> Ctrack:
    ctrack = Ctrack(store_url)
    ctrack.ok("import", DATA)
    ctrack.ok("status")
    return ctrack


def test_a_stored_board_row_names_none_of_its_fields(trilateral: Ctrack, store_url: str) -> None:
    rows = _stored_rows(store_url)
    assert rows
    for text in rows:
        assert not any(f'"{name}":' in text for name in FIELDS), text
        values = json.loads(text)
        assert isinstance(values, list) and len(values) == len(FIELDS)


def test_the_board_read_from_compact_rows_is_the_folds(trilateral: Ctrack, store_url: str) -> None:
    for as_of in ("2023-08-01", "2024-07-01", "2025-10-01"):
        board = trilateral.json("status", "--as-of", as_of)["commitments"]  # type: ignore[index]
        assert board == _fold_board(store_url, date.fromisoformat(as_of))


def test_a_view_written_with_named_fields_answers_and_is_rebuilt_once(store_url: str, monkeypatch) -> None:
    ctrack = Ctrack(store_url)
    ctrack.ok("import", DATA)
    with monkeypatch.context() as patch:  # as the release before wrote the rows: JSON objects
        patch.setattr(resume, "board_text", json.JSONEncoder(sort_keys=True).encode)
        with open_tracker(resolve_store(store_url)) as tracker:
            reader = ViewReader(tracker)
            reader.rebuild()
            reader.close()
    named = _stored_rows(store_url)
    assert named and all(isinstance(json.loads(text), dict) for text in named)
    with open_tracker(resolve_store(store_url)) as tracker:
        reader = ViewReader(tracker)
        try:
            assert reader.view.earlier_board_rows()
            # Read as it stands (a user who may not write it reads it so): the same answers.
            rows = reader.board(Clocks(date(2024, 7, 1)))
        finally:
            reader.close()
    assert rows == _fold_board(store_url, date(2024, 7, 1))
    # The first read by a user who may write the view rebuilds it in this layout.
    board = ctrack.json("status", "--as-of", "2024-07-01")["commitments"]  # type: ignore[index]
    assert board == _fold_board(store_url, date(2024, 7, 1))
    assert all(isinstance(json.loads(text), list) for text in _stored_rows(store_url))
    assert ctrack.ok("verify").stdout.startswith("OK:")
    with open_tracker(resolve_store(store_url)) as tracker:
        reader = ViewReader(tracker)
        try:
            assert not reader.view.earlier_board_rows() and reader.catch_up() == 0
        finally:
            reader.close()


def test_verify_names_a_view_in_the_earlier_layout(store_url: str, monkeypatch) -> None:
    ctrack = Ctrack(store_url)
    ctrack.ok("import", DATA)
    with monkeypatch.context() as patch:
        patch.setattr(resume, "board_text", json.JSONEncoder(sort_keys=True).encode)
        with open_tracker(resolve_store(store_url)) as tracker:
            reader = ViewReader(tracker)
            reader.rebuild()
            reader.close()
    result = ctrack("verify")
    assert result.exit_code == 1
    assert "earlier release" in result.output and "view_intervals" in result.output


def test_a_current_view_whose_first_row_is_rewritten_in_the_earlier_form_never_verifies(
    trilateral: Ctrack, store_url: str
) -> None:
    """The earlier layout is told by one row: a hostile edit that gives a current view's first row
    the earlier form (with a lie in it) must not pass ``verify``, whatever else reads it (like any
    edit of the view, it may be served until ``verify`` names it and ``rebuild`` repairs it)."""
    from commitment_tracker.projections.view.boardrows import board_row
    from tests.integration.test_view_guard import View

    truth = trilateral.json("status", "--as-of", "2025-10-01")["commitments"]  # type: ignore[index]
    view = View(store_url)
    view.drop_guards()
    table = view.table("view_intervals")
    rowid = "ctid" if view.postgres else "rowid"
    (first, data), = view.run(f"SELECT {rowid}, data FROM {table} ORDER BY {rowid} LIMIT 1")
    lie = board_row(data) | {"status": "fulfilled", "title": "forged"}
    mark = "%s" if view.postgres else "?"
    view.execute(f"UPDATE {table} SET data = {mark} WHERE {rowid} = {mark}",
                 [json.dumps(lie, sort_keys=True), first])  # fmt: skip
    result = trilateral("verify")
    assert result.exit_code == 1 and not result.output.startswith("OK"), result.output
    # One row in the earlier form beside rows in the current one is an edit, not a view an earlier
    # release wrote (each release writes a view whole): verify names the edited row as it names any.
    assert "view_intervals" in result.output and "earlier release" not in result.output, result.output
    # A query by a user who may write the view reads it as it stands (the rows that tell the layout
    # disagree, so nothing says an earlier release wrote it): the lie stays until a rebuild, as any
    # edit of the view does. Either way verify is OK only without the lie.
    trilateral.ok("status", "--as-of", "2025-10-01")
    forged = any("forged" in text for text in _stored_rows(store_url))
    result = trilateral("verify")
    assert (result.exit_code, result.output.startswith("OK")) == ((1, False) if forged else (0, True)), result.output
    trilateral.ok("rebuild")
    assert trilateral.ok("verify").stdout.startswith("OK:")
    assert trilateral.json("status", "--as-of", "2025-10-01")["commitments"] == truth  # type: ignore[index]
