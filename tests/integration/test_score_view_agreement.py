"""The view's compliance scores agree with the pure score fold (the oracle), for any as-of, known-at
and cycle, over random histories of assessments, recalibrations, retractions and corrections."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitment_tracker.events import build
from commitment_tracker.projections import Log, catchup
from commitment_tracker.projections.reader import ViewReader
from commitment_tracker.projections.scores import UNLABELLED, score_sheet
from commitment_tracker.projections.scoreview import ScoreSource
from commitment_tracker.tracker import open_tracker, resolve_store

COMMITMENTS = ("a", "b")  # few commitments and parties: many recalibrations of each score
START = date(2020, 1, 1)

assessment = st.tuples(st.just("assess"), st.sampled_from(COMMITMENTS), st.sampled_from(("US", "JP")),
                       st.sampled_from((-1, 0, 1)), st.integers(0, 400), st.sampled_from((None, "interim", "final")))
retraction = st.tuples(st.just("retract"), st.integers(0, 50))
correction = st.tuples(st.just("correct"), st.integers(0, 50), st.sampled_from((-1, 0, 1)), st.one_of(st.none(), st.integers(0, 400)))
unmaking = st.tuples(st.just("unmake"), st.sampled_from(COMMITMENTS))


def _events(operations):
    """Yield batches of events (each batch one record time); references are to earlier assessments."""
    refs, positions = [], dict.fromkeys(COMMITMENTS, 1)
    for slug in COMMITMENTS:
        yield [build("commitment_made", commitment=slug, on="2020-01-01", title=f"Commitment {slug}",
                     parties=("US", "JP", "KR"), area=slug.upper())]  # fmt: skip
    unmade = set()
    for op in operations:
        if op[0] == "assess":
            _, slug, party, score, offset, cycle = op
            event = build("compliance_assessed", commitment=slug, party=party, score=score,
                          on=(START + timedelta(days=offset)).isoformat(), cycle=cycle)  # fmt: skip
            positions[slug] += 1
            refs.append(f"{slug}#{positions[slug]}")
        elif op[0] == "unmake":
            if op[1] in unmade:
                continue
            unmade.add(op[1])
            event = build("event_retracted", target=f"{op[1]}#1", reason="made in error")
            positions[op[1]] += 1
        elif not refs:
            continue
        else:
            target = refs[op[1] % len(refs)]
            slug = target.split("#")[0]
            if op[0] == "retract":
                refs.remove(target)
                event = build("event_retracted", target=target, reason="wrong")
            else:
                on = None if op[3] is None else (START + timedelta(days=op[3])).isoformat()
                event = build("event_corrected", target=target, reason="typo", score=op[2], on=on)
            positions[slug] += 1
        yield [event]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(st.one_of(assessment, assessment, assessment, assessment, retraction, correction, unmaking),
                        min_size=6, max_size=40),
    page=st.sampled_from([1, 3, 5000]),
    probes=st.lists(st.tuples(st.integers(0, 450), st.one_of(st.none(), st.floats(0, 1))), min_size=2, max_size=5),
)
def test_view_and_fold_agree_on_scores(tmp_path_factory, monkeypatch, operations, page, probes) -> None:
    monkeypatch.setattr(catchup, "PAGE", page)  # small pages: many versions; large: many gaps
    path = tmp_path_factory.mktemp("scores") / "t.db"
    with open_tracker(resolve_store(str(path))) as tracker:
        for batch in _events(operations):
            try:
                tracker.record(batch, "tester")
            except Exception:  # a correction the rules refuse (e.g. of a retracted event): not recorded
                pass
        reader = ViewReader(tracker)
        reader.catch_up()
        log = Log(tracker.log())
        times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
        for offset, fraction in probes:
            as_of = START + timedelta(days=offset)
            known_at = None if fraction is None else times[int(fraction * (len(times) - 1))]
            source = ScoreSource(reader, as_of, known_at)
            knowledge = log.known_at(known_at)
            for cycle in (None, "interim", "final", UNLABELLED):
                for party in (None, "JP"):
                    assert source.sheet(cycle=cycle, party=party) == score_sheet(knowledge, as_of, cycle=cycle, party=party)
            assert source.sheet(area="b") == score_sheet(knowledge, as_of, area="b")
        reader.close()
