"""Meetings, statements and sources -- listed, or one shown with what names it -- are read from the
view (its kind index and its references), never the whole log, and agree with the fold of the whole
log (the oracle) at every record time, in clear and sealed."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from commitment_tracker.projections import Log
from commitment_tracker.projections.entities import meetings, show_meeting, show_source, statements
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.sources import sources
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker.streams import KIND_OF_FIRST
from commitment_tracker.projections.clocks import Clocks
from tests.integration.demo_view import DATASET, demo_view

DAYS = (date(2023, 8, 18), date(2024, 7, 1), date(2025, 8, 19), date(2026, 1, 1))


def _lists(knowledge, as_of: date) -> tuple:
    return meetings(knowledge, as_of), statements(knowledge, as_of), sources(knowledge)


@pytest.mark.parametrize("sealed", [False, True], ids=["clear", "sealed"])
def test_lists_read_from_the_view_agree_with_the_whole_fold(store_url: str, sealed: bool, monkeypatch) -> None:
    if sealed:
        monkeypatch.setenv("TRACKER_CIPHER_KEY", CliRunner().invoke(cli, ["keygen"]).stdout.strip())
    with demo_view(store_url) as demo:
        log = demo.log
        kinds = frozenset({"meeting", "statement", "source"})
        fold = FoldReader(demo.tracker)
        for known_at in demo.moments:
            read = demo.reader.knowledge_of_kinds(kinds, Clocks(DAYS[0], known_at))
            assert set(read.streams) <= {s for s, r in log.streams.items() if KIND_OF_FIRST[r[0].event.type] in kinds}
            for as_of in DAYS:
                expected = _lists(log.known_at(known_at), as_of)
                assert _lists(read, as_of) == expected
                assert _lists(fold.knowledge_of_kinds(kinds, Clocks(as_of, known_at)), as_of) == expected
        assert any(_lists(log.known_at(None), day)[0] for day in DAYS)  # the dataset has meetings...
        assert sources(log.known_at(None)) and any(_lists(log.known_at(None), d)[1] for d in DAYS)  # ...and the rest


@pytest.mark.parametrize("sealed", [False, True], ids=["clear", "sealed"])
def test_a_meeting_or_source_shown_from_its_references_agrees_with_the_whole_fold(store_url: str, sealed: bool,
                                                                                 monkeypatch) -> None:  # fmt: skip
    from commitment_tracker import events as ev

    if sealed:
        monkeypatch.setenv("TRACKER_CIPHER_KEY", CliRunner().invoke(cli, ["keygen"]).stdout.strip())
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.import_file(DATASET, "tester")
        # A later correction moves a reaffirmation to another meeting: both meetings must see it.
        stream = tracker.stream("denuclearization")
        reaffirmed = next(r for r in stream if r.event.type == "commitment_reaffirmed")
        tracker.record([ev.build("event_corrected", target=f"denuclearization#{reaffirmed.position}",
                                 meeting="freedom-edge-2024", reason="wrong meeting")], "t")  # fmt: skip
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        times = sorted({r.event.recorded_at for records in log.streams.values() for r in records})
        meeting_ids = [s for s, r in log.streams.items() if r[0].event.type in ("meeting_held", "meeting_scheduled")]
        source_ids = [s for s, r in log.streams.items() if r[0].event.type == "source_registered"]
        assert len(meeting_ids) >= 5 and len(source_ids) == 2
        shown = 0
        for known_at in [None, times[len(times) // 2], times[-2]]:
            whole = log.known_at(known_at)
            for as_of in DAYS:
                for slug in meeting_ids:
                    try:
                        expected = show_meeting(log, whole, slug, as_of)
                    except Exception as error:  # not held nor announced yet: the same refusal
                        with pytest.raises(type(error)):
                            around = reader.log_around(slug, ("meeting",))
                            show_meeting(around, around.known_at(known_at), slug, as_of, reader.board(Clocks(as_of, known_at)))
                        continue
                    around = reader.log_around(slug, ("meeting",))
                    got = show_meeting(around, around.known_at(known_at), slug, as_of, reader.board(Clocks(as_of, known_at)))
                    assert got == expected
                    shown += bool(expected["commitments_made"] or expected["reaffirmations"] or expected["deadline_for"])
        for slug in source_ids:
            expected = show_source(log.known_at(None), slug)
            assert expected["cited_by"]
            assert show_source(reader.log_around(slug, ("source",)).known_at(None), slug) == expected
        assert shown  # the comparison saw meetings with something done at them
        reader.close()


@pytest.mark.parametrize("command", [["meetings"], ["statements"], ["sources"], ["meetings", "--known-at", "2024-06-01"],
                                     ["show", "seoul-vfm-2024-10-16"], ["sources", "show", "tdi-2024-05-29"]])
def test_listing_never_reads_the_whole_log(sqlite_url: str, command: list[str], forbid_whole_log) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", sqlite_url, "import", str(DATASET)]).exit_code == 0
    assert runner.invoke(cli, ["--store", sqlite_url, "status"]).exit_code == 0  # the view is caught up
    forbid_whole_log()
    result = runner.invoke(cli, ["--store", sqlite_url, *command, "--json"])
    assert result.exit_code == 0, result.output
    assert "whole log" not in result.output
