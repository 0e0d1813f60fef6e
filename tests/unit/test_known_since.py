"""``KnownSince`` moves a log's knowledge forward a few streams at a time (``replay`` by record
time, the report's sliders): the knowledge at each moment is what a query at that moment knows.

Its meeting index is built from every meeting's stream. Built again for every moment, it cost
``replay`` over ten minutes of records at a million events three quarters of its time (5,000
meetings, 600 moments); a moment that recorded no meeting's event knows the same meetings as the
moment before, and keeps the same index.
"""

from __future__ import annotations

from benchmarks.spread import generate
from commitment_tracker.events import build
from commitment_tracker.projections import knowledge as knowledge_module
from commitment_tracker.projections.knowledge import KnownSince, Log
from commitment_tracker.projections.meetings import MeetingIndex
from tests.unit.builders import record


def _meetings(index: MeetingIndex) -> dict:
    return {slug: (m.held, tuple(m.schedules)) for slug, m in index.meetings.items()}


def test_each_moment_knows_what_a_query_then_knows_and_builds_the_meetings_only_when_one_is_recorded(monkeypatch) -> None:
    events = [build(e.pop("type"), **{k: tuple(v) if isinstance(v, list) else v for k, v in e.items()
                                      if k not in ("recorded_at", "recorded_by")})
              for e in generate(1500, 7)]  # fmt: skip
    records = record(events)
    log = Log(records)
    start = 400
    built = []
    original = MeetingIndex.__init__

    def counted(self, streams):
        built.append(len(streams))
        original(self, streams)

    state = KnownSince(log, records[start].event.recorded_at)
    monkeypatch.setattr(knowledge_module.MeetingIndex, "__init__", counted)
    recorded_meetings = 0
    for item in records[start + 1 :]:
        at = item.event.recorded_at
        known = state.advance({item.event.entity}, at)
        known.meetings  # what a fold of one commitment due by a next meeting asks for
        recorded_meetings += item.event.type.startswith("meeting_")
        monkeypatch.setattr(knowledge_module.MeetingIndex, "__init__", original)
        expected = log.known_at(at)
        assert _meetings(known.meetings) == _meetings(expected.meetings), item
        assert known.meetings._held == expected.meetings._held
        for slug in expected.commitments[:5]:
            assert known.status(slug, at.date()) == expected.status(slug, at.date())
        monkeypatch.setattr(knowledge_module.MeetingIndex, "__init__", counted)
    assert recorded_meetings >= 5
    assert len(built) <= recorded_meetings + 1, (len(built), recorded_meetings)
