"""The names a PostgreSQL log's chain table, lock table, functions and triggers take from the log
table's name: the tracker's own names as they have always been, and for a table name near
PostgreSQL's 63-byte identifier limit, names that fit it and never collide (PostgreSQL would
otherwise cut them to 63 bytes, silently, and two of them could become one)."""

from __future__ import annotations

from dataclasses import astuple

import pytest

from commitment_tracker.tracker.pgnames import MAX_IDENTIFIER, log_names


def test_the_names_of_the_trackers_own_log_are_those_stores_already_hold() -> None:
    names = log_names("tracker_events")
    assert (names.chain, names.lock, names.guard, names.in_turn) == (
        "tracker_events_chain", "tracker_events_lock", "tracker_events_append_only", "tracker_events_in_turn")  # fmt: skip
    assert names.triggers == {
        ("events", "rows"): "tracker_events_rows_events", ("events", "truncate"): "tracker_events_truncate_events",
        ("chain", "rows"): "tracker_events_rows_chain", ("chain", "truncate"): "tracker_events_truncate_chain",
    }  # fmt: skip


LONG = ["e" * 63, "e" * 62 + "f", "e" * 50, "e" * 45 + "_" + "x" * 10, "é" * 31, "日本" * 10 + "e" * 3]


@pytest.mark.parametrize("table", LONG)
def test_names_from_a_long_table_name_fit_the_limit_and_are_distinct(table: str) -> None:
    names = log_names(table)
    every = [names.chain, names.lock, names.guard, names.in_turn, *names.triggers.values()]
    assert all(len(name.encode()) <= MAX_IDENTIFIER for name in every), every
    assert len(set(every)) == len(every), every
    # Neither the log's own name, nor what PostgreSQL would cut any of them to.
    assert table not in every
    assert len({name.encode()[:MAX_IDENTIFIER] for name in every}) == len(every)


def test_long_table_names_that_differ_only_past_the_limit_get_different_names() -> None:
    first, second = log_names("e" * 62 + "1"), log_names("e" * 62 + "2")
    assert not set(astuple(first)[:4]) & set(astuple(second)[:4])
    assert not set(first.triggers.values()) & set(second.triggers.values())
