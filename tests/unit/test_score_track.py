"""A commitment's scores over valid time, read once (``scores.score_track``), answer on every day
and at every record time what ``scored`` and ``score_only`` answer asked on that day alone.

Given hypothesis histories of one commitment -- assessments in any order, reviews approving or
returning them, progress and other events, retractions and corrections of any of them -- when the
track is asked on each day, then its scores (every assessment, or the approved ones alone) and its
score-only answer are those of the one-day functions, known at every record time.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .builders import Story
from commitment_tracker.projections.scores import score_only, score_track, scored

PARTIES = ("US", "JP", "KR")
FIRST = date(2020, 1, 1)
DAYS = 40  # every event falls within these days after FIRST, so that many land on the same day


def on(offset: int) -> str:
    return (FIRST + timedelta(days=offset)).isoformat()


@st.composite
def histories(draw: st.DrawFn) -> Story:
    story = Story()
    # Some makings tell a status of their own (a deadline, a cadence): never score-only.
    making = draw(st.sampled_from(({}, {}, {"cadence": "annual"}, {"due": on(20)}, {"due_next": "summit"})))
    story.made("c", on(draw(st.integers(0, 5))), parties=PARTIES, **making)
    assessed: list[str] = []
    others: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        move = draw(st.sampled_from(("assess", "assess", "review", "progress", "retract", "correct")))
        if move == "assess":
            assessed.append(story.event("compliance_assessed", "c", on(draw(st.integers(0, DAYS))),
                                        party=draw(st.sampled_from(PARTIES)), score=draw(st.integers(-1, 1)),
                                        cycle=draw(st.sampled_from((None, "interim", "final")))))  # fmt: skip
        elif move == "review" and assessed:
            others.append(story.add("assessment_reviewed", target=draw(st.sampled_from(assessed)),
                                    decision=draw(st.sampled_from(("approved", "returned"))),
                                    on=on(draw(st.integers(0, DAYS)))))  # fmt: skip
        elif move == "progress":
            others.append(story.event("progress_reported", "c", on(draw(st.integers(0, DAYS)))))
        elif move == "retract" and assessed + others:
            story.retract(draw(st.sampled_from(assessed + others)))
        elif move == "correct" and assessed:
            target = draw(st.sampled_from(assessed))
            change = draw(st.sampled_from(("score", "on")))
            story.correct(target, **({"score": draw(st.integers(-1, 1))} if change == "score"
                                     else {"on": on(draw(st.integers(0, DAYS)))}))  # fmt: skip
    return story


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.booleans())
def test_the_track_answers_on_every_day_what_the_one_day_functions_answer(story: Story, approved_only: bool) -> None:
    log = story.log()
    for record in log.streams["c"]:
        knowledge = log.known_at(record.event.recorded_at)
        track = score_track(knowledge, "c", approved_only)
        for offset in range(-2, DAYS + 2):
            as_of = FIRST + timedelta(days=offset)
            found = scored(knowledge, "c", as_of, approved_only=approved_only)
            assert track.scores(as_of) == (found.scores if found is not None else None), as_of
            assert track.only(as_of) == score_only(knowledge, "c", as_of), as_of
