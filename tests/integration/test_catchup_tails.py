"""Catch-up keeps where each commitment's fold stands between pages (projections/view/tails.py).

A page that appends to a commitment after its last interval resumes from the tail the previous
page left in memory, reading nothing back. The tails describe the view at one position only: a
second process catching up the same view (or a rebuild resetting it) makes them stale, and a
projection that used them then would write rows computed from an interval that is no longer the
last. The pure fold stays the oracle.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from commitment_tracker import events as ev
from commitment_tracker.projections.view import catchup, tails
from commitment_tracker.projections.view.check import check_view
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.integration.test_incremental_catchup import _agree_every, _count_rows_read


def _made(slug: str, cadence: str = "once") -> ev.Event:
    return ev.build("commitment_made", commitment=slug, on="2020-01-01", title=slug.upper(), parties=("US", "JP"),
                    cadence=cadence)  # fmt: skip


def _many_caught_up(tracker) -> list[str]:
    """150 commitments with a year of progress each, the view caught up by a reader since closed
    (so that none of them is in a reader's memory): their ids."""
    slugs = [f"p{n:03d}" for n in range(150)]
    tracker.record([_made(slug) for slug in slugs], "t")
    for month in range(2, 13):
        tracker.record([ev.build("progress_reported", commitment=slug, on=f"2020-{month:02d}-01", note="n")
                        for slug in slugs], "t")  # fmt: skip
    reader = ViewReader(tracker)
    reader.catch_up()
    reader.close()
    return slugs


def _exact(tracker, readers) -> None:
    for reader in readers:
        _agree_every(reader, tracker, date(2019, 12, 1), 1500, 29)


def test_a_page_appending_after_the_last_interval_reads_no_interval_back(sqlite_url: str, monkeypatch) -> None:
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([_made("a"), _made("b", "annual")], "t")
        reader = ViewReader(tracker)
        reader.catch_up()
        read = _count_rows_read(monkeypatch, "open_intervals_from")
        for month in range(2, 12):
            tracker.record([ev.build("progress_reported", commitment="a", on=f"2020-{month:02d}-01", note="n"),
                            ev.build("commitment_fulfilled", commitment="b", on=f"2020-{month:02d}-03")], "t")  # fmt: skip
            assert reader.catch_up() == 2
        assert read == []  # every page resumed from the tails
        # A late event (before the last interval) is read back, and the answers stay the fold's.
        tracker.record([ev.build("commitment_stalled", commitment="a", on="2020-03-15", note="late")], "t")
        reader.catch_up()
        assert sum(read) > 0
        _exact(tracker, [reader])
        reader.close()
        assert check_view(tracker) is None


@pytest.mark.parametrize("page", [1, 3])
def test_two_processes_catching_up_in_turn_never_resume_from_a_stale_tail(store_url: str, monkeypatch, page) -> None:
    """Each reader's tails are computed for the view as it left it; the other reader moves it on."""
    monkeypatch.setattr(catchup, "PAGE", page)
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.record([_made("c"), _made("d", "annual")], "t")
        first, second = ViewReader(tracker), ViewReader(tracker)
        first.catch_up()
        days = ["2020-03-01", "2020-05-01", "2020-02-10", "2020-08-01", "2020-07-01", "2020-12-01", "2021-04-01"]
        kinds = ["commitment_stalled", "progress_reported", "commitment_fulfilled"]
        for turn, day in enumerate(days):
            tracker.record([ev.build(kinds[turn % 3], commitment="c", on=day, **({"note": "n"} if turn % 3 < 2 else {})),
                            ev.build("commitment_fulfilled", commitment="d", on=day, parties=("US",))], "t")  # fmt: skip
            (first if turn % 2 else second).catch_up()
            _exact(tracker, [first if turn % 2 else second])
        first.catch_up()
        second.catch_up()
        _exact(tracker, [first, second])
        first.close()
        second.close()
        assert check_view(tracker) is None


def test_a_rebuild_forgets_the_tails(sqlite_url: str) -> None:
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([_made("e")], "t")
        reader, other = ViewReader(tracker), ViewReader(tracker)
        reader.catch_up()
        tracker.record([ev.build("commitment_stalled", commitment="e", on="2020-05-01", note="n")], "t")
        reader.catch_up()
        other.rebuild()  # the view is reset and caught up again elsewhere: positions move
        tracker.record([ev.build("progress_reported", commitment="e", on="2020-06-01", note="n")], "t")
        reader.catch_up()
        _exact(tracker, [reader, other])
        reader.close()
        other.close()
        assert check_view(tracker) is None


def test_the_tails_kept_are_bounded(sqlite_url: str, monkeypatch) -> None:
    """The commitments touched least recently are forgotten first; those are read back when touched."""
    monkeypatch.setattr(tails, "LIMIT", 3)
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([_made(f"k{n}") for n in range(6)], "t")
        reader = ViewReader(tracker)
        reader.catch_up()
        assert len(reader.projection.tails) == 3
        for month in range(2, 6):
            tracker.record([ev.build("progress_reported", commitment=f"k{n}", on=f"2020-{month:02d}-0{n + 1}", note="n")
                            for n in range(6)], "t")  # fmt: skip
            reader.catch_up()
            assert len(reader.projection.tails) == 3
        _exact(tracker, [reader])
        reader.close()
        assert check_view(tracker) is None


def test_every_read_of_a_catch_up_searches_an_index_by_every_key_it_has(sqlite_url: str, monkeypatch) -> None:
    """A page's reads must not grow with the view where their answer does not: each finds its rows
    by the commitment (and the position or date it asks for), never by scanning every open row.
    With a page naming many commitments at once, SQLite's planner may prefer to scan the open rows
    and look each up in the list of commitments (an automatic index): that is a plan over the
    whole view, however few rows the page needs."""
    from commitment_tracker.projections.view.sqlite import SQLiteStatusView

    plans: list[tuple[str, list[str]]] = []
    read = SQLiteStatusView.read

    def explained(self, statement, params=()):
        params = list(params)
        with self.datastore.transaction(commit=False) as c:
            c.execute("EXPLAIN QUERY PLAN " + self.q(statement), params)
            plans.append((statement, [row[-1] for row in c.fetchall()]))
        return read(self, statement, params)

    with open_tracker(resolve_store(sqlite_url)) as tracker:
        slugs = _many_caught_up(tracker)
        reader = ViewReader(tracker)  # no tails: every commitment is read back
        monkeypatch.setattr(SQLiteStatusView, "read", explained)
        tracker.record([ev.build("commitment_stalled", commitment=slug, on="2020-03-15", note="late") for slug in slugs]
                       + [ev.build("event_retracted", target=f"{slug}#3", reason="r") for slug in slugs[:80]]
                       + [ev.build("event_corrected", target=f"{slug}#5", reason="r", on="2020-04-15") for slug in slugs[80:]],
                       "t")  # fmt: skip
        reader.catch_up()
        reader.close()
    looked_up = [(statement, plan) for statement, plan in plans if "{view_steps}" in statement and "position = " in statement]
    assert looked_up, "no step was read by its position"
    for statement, plan in plans:
        for line in plan:
            one_row = statement.rstrip().endswith("LIMIT 1")  # a probe, or the last row by an index
            assert not (line.startswith("SCAN ") and "view_" in line and not one_row), (statement[:300], plan)
            assert "AUTOMATIC" not in line, (statement[:300], plan)
            assert not re.search(r"INDEX \w+ \(known_to=\?\)$", line), (statement[:300], plan)
    for statement, plan in looked_up:
        assert any("position=?" in line for line in plan), (statement[:300], plan)


def test_a_view_made_before_an_index_was_added_gets_it_on_its_rebuild(sqlite_url: str) -> None:
    from commitment_tracker.projections.view.tables import INDEXES

    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([_made("q")], "t")
        reader = ViewReader(tracker)
        reader.catch_up()
        with reader.view.datastore.transaction(commit=True) as c:
            c.execute("DROP INDEX view_steps_at")
        reader.rebuild()
        names = {row[0] for row in reader.view.read("SELECT name FROM sqlite_master WHERE type = 'index'")}
        reader.close()
    assert {name for name, _, _ in INDEXES} <= names


def test_on_postgresql_the_pairs_drive_every_read_of_a_catch_up(pg_url: str, monkeypatch) -> None:
    """PostgreSQL pulls a simple lateral subquery up into a plain join and then may hash the pairs
    against every open row (it did for 400): catch-up's reads by pairs must stay nested loops."""
    from psycopg.rows import tuple_row

    from commitment_tracker.projections.view.postgres import PostgresStatusView

    plans: list[tuple[str, list[str]]] = []
    read = PostgresStatusView.read

    def explained(self, statement, params=()):
        params = list(params)
        if "WITH w(" in statement:  # the reads by pairs
            with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
                curs.execute("EXPLAIN " + self.q(statement), params)
                plans.append((statement, [row[0] for row in curs.fetchall()]))
        return read(self, statement, params)

    with open_tracker(resolve_store(pg_url)) as tracker:
        slugs = _many_caught_up(tracker)
        reader = ViewReader(tracker)
        with reader.view.datastore.get_connection() as conn:
            conn.execute("ANALYZE")
        monkeypatch.setattr(PostgresStatusView, "read", explained)
        tracker.record([ev.build("commitment_stalled", commitment=slug, on="2020-03-15", note="late") for slug in slugs]
                       + [ev.build("event_retracted", target=f"{slug}#3", reason="r") for slug in slugs], "t")  # fmt: skip
        reader.catch_up()
        reader.close()
        assert check_view(tracker) is None
    assert len(plans) >= 3
    for statement, plan in plans:
        assert not any("Hash Join" in line or "Merge Join" in line for line in plan), (statement[-300:], plan)


def test_nothing_of_a_page_is_held_while_the_next_is_read(sqlite_url: str, monkeypatch) -> None:
    """A page's stored events and decoded records go once its rows are made, and its rows once
    written: a long catch-up holds one page at a time, not the page before it as well (which was
    its peak memory). Counted at each read of the next page: the stored events still alive, and
    the decoded records still carrying their stored bytes (the rows the tails keep carry none)."""
    import gc

    from eventsourcing.persistence import Notification

    from commitment_tracker.tracker import Recorded

    monkeypatch.setattr(catchup, "PAGE", 40)
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.record([_made(f"c{n}") for n in range(20)], "t")
        for month in range(2, 12):
            tracker.record([ev.build("progress_reported", commitment=f"c{n}", on=f"2020-{month:02d}-01", note="n")
                            for n in range(20)], "t")  # fmt: skip
        reader = ViewReader(tracker)
        select = tracker.recorder.select_notifications
        held: list[tuple[int, int]] = []

        def counted(*args, **kwargs):
            alive = gc.get_objects()
            held.append((sum(isinstance(o, Notification) for o in alive),
                         sum(isinstance(o, Recorded) and bool(o.plain) for o in alive)))  # fmt: skip
            return select(*args, **kwargs)

        monkeypatch.setattr(tracker.recorder, "select_notifications", counted)
        assert reader.catch_up() == 220
        assert len(held) == 7  # six pages, and the read that finds no more
        assert held[1:] == [(0, 0)] * 6
        reader.close()
        assert check_view(tracker) is None
