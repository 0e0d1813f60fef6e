"""``diff --known-from K1 --known-to K2`` reads what the window can have changed, not two boards.

A commitment's answer as of a valid date, and its scores, change between two record times only
through its own events recorded in between (assessments and reviews join its stream), or, for a
next-meeting deadline, through a meeting recorded in between of a kind its events name. Comparing
the whole board at both ends folded every commitment changing at either moment again: on a log kept
on the same commitments for years (most of them inside a catch-up batch's gap at any record time),
a window of ten events took 22 s of CPU at a million events for an answer of ten rows.

The definition stays the oracle: the answers of ``status --known-at`` at both ends, and the scores
compared over both whole boards, on a log caught up in small batches (so the ends fall in gaps),
with meetings moving deadlines, late events, retractions, corrections, assessments and reviews.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from benchmarks.spread import generate
from commitment_tracker.cli.main import cli
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view import catchup
from commitment_tracker.projections.view.learning import Ends, learned, learned_scores
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.tracker import open_tracker, resolve_store

AS_OF = "2019-06-30"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _log(size: int) -> list[dict]:
    """A spread log, then assessments of a few commitments, their reviews and a correction, later."""
    events = list(generate(size, 17))
    lengths: dict[str, int] = {}
    parties = {e["commitment"]: e["parties"][0] for e in events if e["type"] == "commitment_made"}
    for event in events:
        entity = event.get("commitment") or event.get("meeting") or event["target"].split("#")[0]
        lengths[entity] = lengths.get(entity, 0) + 1
    moment = _moment(events[-1]["recorded_at"])
    tail = []
    for n, index in enumerate((1, 2, 3, 2, 5)):
        slug = f"s{index:07d}"
        lengths[slug] += 1
        tail.append(({"type": "compliance_assessed", "commitment": slug, "party": parties[slug], "score": n % 3 - 1,
                      "on": f"2019-01-0{n + 1}", "cycle": "final"}, "ana"))  # fmt: skip
        if n in (1, 3):  # the first assessment of s0000002 approved, then a later one returned
            lengths[slug] += 1
            tail.append(({"type": "assessment_reviewed", "target": f"{slug}#{lengths[slug] - 1}",
                          "decision": "approved" if n == 1 else "returned", "on": "2019-02-01"}, "rita"))  # fmt: skip
    tail.append(({"type": "meeting_held", "meeting": "late-summit", "on": "2018-06-01", "kind": "summit",
                  "title": "A summit recorded late", "parties": ["US", "JP"]}, "tester"))  # fmt: skip
    for event, by in tail:
        moment += timedelta(seconds=1)
        events.append(event | {"recorded_at": _stamp(moment), "recorded_by": by})
    return events


@pytest.fixture
def store(store_url, tmp_path, monkeypatch):
    lines = tmp_path / "log.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in _log(1500)))
    path = store_url
    monkeypatch.setattr(catchup, "PAGE", 61)  # many batches: most commitments in a gap at most moments
    with open_tracker(resolve_store(path)) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        reader.catch_up()
        reader.close()
    return path, [json.loads(line) for line in lines.read_text().splitlines()]


def _ctrack(path: str, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--store", path, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _windows(events: list[dict]) -> list[tuple[str, str]]:
    """Narrow and wide windows, ends on a record time and between two, one holding a meeting."""
    stamps = [event["recorded_at"] for event in events]
    meeting = next(i for i in range(400, len(events)) if events[i]["type"] == "meeting_held")
    n = len(stamps)
    picks = [(300, 303), (meeting - 2, meeting + 1), (700, 760), (200, 1100), (n - 8, n - 1), (n - 3, n - 1), (0, n - 1)]
    windows = [(stamps[a], stamps[b]) for a, b in picks]
    halfway = _stamp(_moment(stamps[500]) + timedelta(milliseconds=500))
    return [*windows, (halfway, stamps[540])]


@pytest.mark.parametrize("by_key", [500, 3])  # 3: the window's commitments read with the whole board
def test_diff_by_record_time_is_the_definition_on_every_window(store, monkeypatch, by_key) -> None:
    from commitment_tracker.projections.view import reader

    monkeypatch.setattr(reader, "BY_KEY", by_key)
    path, events = store
    learned_by_meeting = []
    for k1, k2 in _windows(events):
        before = {c["id"]: c for c in _ctrack(path, "status", "--as-of", AS_OF, "--known-at", k1, "--json")["commitments"]}
        after = {c["id"]: c for c in _ctrack(path, "status", "--as-of", AS_OF, "--known-at", k2, "--json")["commitments"]}
        differ = {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}
        changes = _ctrack(path, "diff", "--as-of", AS_OF, "--known-from", k1, "--known-to", k2, "--json")["changes"]
        assert {row["id"] for row in changes} == differ, (k1, k2)
        learned_by_meeting += [row for row in changes if any(cause.startswith("sm") for cause in row["causes"])]
        for row in changes:
            old, new = before.get(row["id"]), after.get(row["id"])
            fields = ["exists"] if old is None or new is None else sorted(f for f in new if f != "id" and old[f] != new[f])
            assert sorted(row["changed"]) == fields, (k1, k2, row)
            assert (row["status_from"], row["status_to"]) == ((old or {}).get("status"), (new or {}).get("status"))
    assert learned_by_meeting  # a deadline by the next meeting moved by a meeting recorded in a window


def test_the_scores_learned_are_those_of_the_two_whole_boards(store) -> None:
    path, events = store
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        as_of = datetime.fromisoformat(AS_OF).date()
        for k1, k2 in _windows(events):
            window = (_moment(k1), _moment(k2))
            whole = Ends(reader.board(Clocks(as_of, window[0])), reader.board(Clocks(as_of, window[1])))
            for approved in (False, True):
                assert learned_scores(reader, as_of, *window, approved_only=approved) == \
                    learned_scores(reader, as_of, *window, approved_only=approved, ends=whole), (k1, k2)  # fmt: skip
            assert learned(reader, as_of, *window) == learned(reader, as_of, *window, ends=whole), (k1, k2)
        reader.close()
    assert any(_ctrack(path, "diff", "--as-of", AS_OF, "--known-from", k1, "--known-to", k2, "--json")["scores"]
               for k1, k2 in _windows(events))  # fmt: skip


def test_a_narrow_window_reads_the_commitments_recorded_in_it_alone(store, monkeypatch) -> None:
    path, events = store
    k1, k2 = events[300]["recorded_at"], events[303]["recorded_at"]  # three events, no meeting
    window = events[301:304]
    assert not any(e["type"] == "meeting_held" for e in window)
    named = {e.get("commitment") or e["target"].split("#")[0] for e in window}
    read: list[str] = []
    original = ViewReader._streams

    def streams(self, slugs):
        read.extend(slugs)
        return original(self, slugs)

    def whole_board(*args, **kwargs):
        raise AssertionError("the whole board was read")

    monkeypatch.setattr(ViewReader, "_streams", streams)
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        monkeypatch.setattr(reader.view, "board", whole_board)
        as_of = datetime.fromisoformat(AS_OF).date()
        changes = learned(reader, as_of, _moment(k1), _moment(k2))
        learned_scores(reader, as_of, _moment(k1), _moment(k2))
        reader.close()
    assert set(read) <= named, set(read) - named
    assert {row["id"] for row in changes} <= named



@pytest.mark.parametrize("chunk", [200, 2])  # 2: the window's commitments walked a few at a time
def test_replay_by_record_time_is_the_board_compared_moment_by_moment(store, monkeypatch, chunk) -> None:
    from commitment_tracker.projections.view import learning

    monkeypatch.setattr(learning, "CHUNK", chunk)
    path, events = store
    meeting = next(i for i in range(400, len(events)) if events[i]["type"] == "meeting_held")
    for a, b in ((meeting - 6, meeting + 5), (700, 715)):
        moments = [e["recorded_at"] for e in events[a : b + 1]]

        def board(known: str) -> dict:
            rows = _ctrack(path, "status", "--as-of", AS_OF, "--known-at", known, "--json")["commitments"]
            return {row["id"]: row for row in rows}

        expected, before = [], board(moments[0])
        for moment in moments[1:]:
            now = board(moment)
            for slug in sorted(before.keys() | now.keys()):
                old, new = before.get(slug), now.get(slug)
                if old != new:
                    expected.append((moment, slug, (old or {}).get("status"), (new or {}).get("status")))
            before = now
        steps = _ctrack(path, "replay", "--as-of", AS_OF, "--known-from", moments[0], "--known-to", moments[-1],
                        "--json")["changes"]  # fmt: skip
        found = [(_stamp(_moment(s["known_at"])), s["id"], s["status_from"], s["status_to"]) for s in steps]
        assert [f[0] for f in found] == sorted(f[0] for f in found)  # in the order they were learned
        assert sorted(found) == sorted((_stamp(_moment(m)), *rest) for m, *rest in expected), (a, b)
        assert found


def test_replay_of_a_narrow_window_reads_no_whole_board(store, monkeypatch) -> None:
    from commitment_tracker.projections.view.learning import learning

    path, events = store
    k1, k2 = events[300]["recorded_at"], events[303]["recorded_at"]

    def whole_board(*args, **kwargs):
        raise AssertionError("the whole board was read")

    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        monkeypatch.setattr(reader.view, "board", whole_board)
        learning(reader, datetime.fromisoformat(AS_OF).date(), _moment(k1), _moment(k2))
        reader.close()


def test_replay_walked_a_few_commitments_at_a_time_is_the_same_walk(store, monkeypatch) -> None:
    from commitment_tracker.projections.view import learning

    path, events = store
    args = ("replay", "--as-of", AS_OF, "--known-from", events[200]["recorded_at"], "--known-to",
            events[-1]["recorded_at"], "--json")  # fmt: skip
    whole = _ctrack(path, *args)
    monkeypatch.setattr(learning, "CHUNK", 1)
    assert _ctrack(path, *args) == whole and len(whole["changes"]) > 100


def test_replay_holds_the_streams_of_a_chunk_of_commitments_at_a_time(store, monkeypatch) -> None:
    from commitment_tracker.projections.view import learning

    path, events = store
    monkeypatch.setattr(learning, "CHUNK", 4)
    held: list[int] = []
    original = ViewReader.log_of
    monkeypatch.setattr(ViewReader, "log_of", lambda self, slugs: held.append(len(slugs)) or original(self, slugs))
    _ctrack(path, "replay", "--as-of", AS_OF, "--known-from", events[200]["recorded_at"], "--known-to",
            events[-1]["recorded_at"], "--json")  # fmt: skip
    assert held and max(held) <= 4 and sum(held) == 15, held  # every commitment, four at a time


def test_the_streams_every_chunk_shares_are_read_once(store, monkeypatch) -> None:
    """Meetings, sources and statements are in every chunk's log (``log_of``): read once per
    reader, not once per chunk (at a million events, 5,000 meetings decoded for each chunk were a
    third of ``replay``'s time), and the log is the same."""
    from commitment_tracker.projections.view import learning
    from commitment_tracker.projections.view.recorder import ViewSQL

    path, events = store
    with open_tracker(resolve_store(path)) as tracker:
        reader = ViewReader(tracker)
        expected = [(slug, list(records)) for slug, records in reader.log_of(["s0000001", "s0000002"]).streams.items()]
        reads = []
        original = ViewSQL.facts_of_kinds
        monkeypatch.setattr(ViewSQL, "facts_of_kinds", lambda self, kinds: reads.append(kinds) or original(self, kinds))
        monkeypatch.setattr(learning, "CHUNK", 2)
        learning.learning(reader, datetime.fromisoformat(AS_OF).date(), _moment(events[200]["recorded_at"]),
                          _moment(events[-1]["recorded_at"]))  # fmt: skip
        again = [(slug, list(records)) for slug, records in reader.log_of(["s0000001", "s0000002"]).streams.items()]
        reader.close()
    assert again == expected
    assert len(reads) <= 1, reads
