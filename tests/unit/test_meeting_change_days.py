"""The days on which a next-meeting deadline of some kind can change: the same answer as walking
every meeting, computed once per kind and index.

Every fold of a commitment due by the next meeting of a kind asks for them (its intervals, a
report's slider answers): walking every meeting for each cost commitments × meetings, which grows
with the square of a long log.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from commitment_tracker.events import first_day
from commitment_tracker.projections import meetings as meetings_module
from commitment_tracker.projections.meetings import MeetingIndex
from tests.unit.builders import Story

KINDS = ("summit", "ministerial", "dialogue")
START = date(2020, 1, 1)


def naive_change_days(index: MeetingIndex, kind: str | None, after: date) -> list[date]:
    """The definition: a meeting held as the kind adds its day; a meeting ever announced as the
    kind adds every announcement's day and its holding's (as whatever kind)."""
    if kind is None:
        return []
    days = set()
    for meeting in index.meetings.values():
        if meeting.held is not None and meeting.held.kind == kind:
            days.add(first_day(meeting.held.on))
        if any(s.kind == kind for s in meeting.schedules):
            days.update(first_day(s.on) for s in meeting.schedules)
            if meeting.held is not None:
                days.add(first_day(meeting.held.on))
    return sorted(d for d in days if d > after)


meeting_events = st.lists(
    st.tuples(st.integers(0, 6), st.sampled_from(["held", "scheduled", "retract", "correct"]),
              st.integers(0, 900), st.integers(0, 200), st.sampled_from(KINDS)),  # fmt: skip
    max_size=40,
)


def _index(events: list[tuple[int, str, int, int, str]]) -> MeetingIndex:
    story = Story()
    refs: list[str] = []
    for number, what, offset, ahead, kind in events:
        slug, on = f"m{number}", (START + timedelta(days=offset)).isoformat()
        if what == "held":
            refs.append(story.add("meeting_held", meeting=slug, on=on, kind=kind))
        elif what == "scheduled":
            later = (START + timedelta(days=offset + ahead)).isoformat()
            refs.append(story.add("meeting_scheduled", meeting=slug, on=on, scheduled_for=later, kind=kind))
        elif refs and what == "retract":
            story.retract(refs[offset % len(refs)])
        elif refs:
            story.correct(refs[offset % len(refs)], on=on)
    return story.knowledge().meetings


@settings(max_examples=150, deadline=None)
@given(events=meeting_events, after=st.integers(-10, 1000))
def test_the_change_days_are_every_meetings_days_of_the_kind(events, after) -> None:
    index = _index(events)
    day = START + timedelta(days=after)
    for kind in (*KINDS, None):
        assert index.change_days(kind, day) == naive_change_days(index, kind, day)
        assert index.change_days(kind, day) == naive_change_days(index, kind, day)  # asked again: the same


def test_the_change_days_of_a_kind_cost_one_walk_of_the_meetings(monkeypatch) -> None:
    """Asked for by each of many commitments, the meetings are walked once per kind."""
    index = _index([(n, "held", n, 0, KINDS[n % 3]) for n in range(300)])
    calls = [0]
    original = meetings_module.first_day

    def counted(value):
        calls[0] += 1
        return original(value)

    monkeypatch.setattr(meetings_module, "first_day", counted)
    for commitment in range(1000):
        index.change_days(KINDS[commitment % 3], START + timedelta(days=commitment % 300))
    assert calls[0] <= 2 * 300, calls[0]
