"""The materialised view agrees with the pure fold (the oracle) for any as-of and known-at."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from commitment_tracker.projections import Log, replay
from commitment_tracker.projections.view import catchup
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.projections.clocks import Clocks
from tests.integration.demo_view import DATASET, demo_view
from tests.integration.histories import imported_history
from tests.unit.test_out_of_order import START, histories



def _agree(reader: ViewReader, log: Log, as_of: date, known_at) -> None:
    knowledge = log.known_at(known_at)
    assert reader.board(Clocks(as_of, known_at)) == [c.to_data() for c in knowledge.board(as_of)]
    key = lambda c: (c.day, c.commitment, c.before, c.after, c.cause, c.on)  # noqa: E731
    assert [key(c) for c in reader.replay(None, Clocks(as_of, known_at))] == [key(c) for c in replay(knowledge, None, as_of)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(50, 600),
    page=st.sampled_from([2, 7, 50, 5000]),
    probes=st.lists(st.tuples(st.integers(0, 6000), st.one_of(st.none(), st.floats(0, 1))), min_size=3, max_size=6),
)
def test_view_and_fold_agree_on_random_histories(tmp_path_factory, monkeypatch, seed, size, page, probes) -> None:
    monkeypatch.setattr(catchup, "PAGE", page)  # small pages: many versions; large: many gaps
    path = tmp_path_factory.mktemp("agree") / "t.db"
    lines = tmp_path_factory.mktemp("agree") / "h.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(size, seed)))
    with open_tracker(resolve_store(str(path))) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        records = [r for records in log.streams.values() for r in records]
        times = sorted(r.event.recorded_at for r in records)
        for offset, fraction in probes:
            as_of = date(2014, 6, 1) + timedelta(days=offset)
            known_at = None if fraction is None else times[int(fraction * (len(times) - 1))]
            _agree(reader, log, as_of, known_at)
        reader.close()


def test_view_and_fold_agree_on_the_demo_dataset_at_every_record_time(store_url: str) -> None:
    with demo_view(store_url) as demo:
        for known_at in demo.moments:
            for as_of in (date(2023, 8, 17), date(2023, 8, 18), date(2024, 4, 30), date(2024, 7, 1),
                          date(2024, 10, 16), date(2025, 8, 19), date(2026, 1, 1)):  # fmt: skip
                _agree(demo.reader, demo.log, as_of, known_at)


def test_a_late_event_only_recomputes_the_commitment_it_touches(sqlite_url: str) -> None:
    from commitment_tracker import events as ev

    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.import_file(DATASET, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        before = {r[0] for r in reader.view.read("SELECT DISTINCT entity FROM {view_intervals}")}
        rows_before = reader.view.read("SELECT entity, valid_from, known_from FROM {view_intervals}")
        tracker.record([ev.build("commitment_reaffirmed", commitment="denuclearization", on="2023-09-01")], "t")
        assert reader.catch_up() == 1
        rows_after = reader.view.read("SELECT entity, valid_from, known_from FROM {view_intervals}")
        changed = {row[0] for row in set(rows_after) - set(rows_before)}
        assert changed == {"denuclearization"} and "denuclearization" in before
        reader.close()


@pytest.mark.parametrize("processes", [2])
def test_two_readers_catching_up_apply_each_event_once(sqlite_url: str, processes: int) -> None:
    with open_tracker(resolve_store(sqlite_url)) as tracker:
        tracker.import_file(DATASET, "tester")
        first, second = ViewReader(tracker), ViewReader(tracker)
        assert first.catch_up() == 49
        assert second.catch_up() == 0  # tracking: already applied
        count = first.view.read("SELECT COUNT(*) FROM {view_facts}")[0][0]
        assert count == 49
        first.close()
        second.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])  # fmt: skip
@given(items=histories(distinct_days=False), rng=st.randoms(use_true_random=False))
def test_view_and_fold_agree_on_histories_with_redundant_fulfilments_stalls_and_re_announced_meetings(
    tmp_path_factory, items, rng
) -> None:
    """The hypothesis histories of the fold's own tests (same-day events, meetings corrected to
    another kind, parties joining by correction...), imported into a real store."""
    with imported_history(items, rng, tmp_path_factory.mktemp("agree")) as (_, reader, stored, moments):
        for known_at in moments:
            for offset in (-10, 0, 30, 200, 400, 700, 1000, 1400):
                # Same-day events include events of the making's own day: replay lists the making,
                # then the change they make, as the fold's walk does.
                _agree(reader, stored, START + timedelta(days=offset), known_at)
