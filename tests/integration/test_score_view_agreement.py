"""The view's compliance scores agree with the pure score fold (the oracle), for any as-of, known-at
and cycle, over random histories of assessments, recalibrations, retractions and corrections."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitment_tracker.events import build
from commitment_tracker.projections import Log
from commitment_tracker.projections.view import catchup
from commitment_tracker.projections.view.reader import ViewReader
from commitment_tracker.projections.scores import (
    GROUPINGS, UNLABELLED, by_cycle, cycles, score_only, score_sheet, summarise,
)  # fmt: skip
from commitment_tracker.projections.reviews import count_disputed, disputes
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.scoreview import ScoreSource, score_summary
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.projections.clocks import Clocks

COMMITMENTS = ("a", "b")  # few commitments and parties: many recalibrations of each score
START = date(2020, 1, 1)

assessment = st.tuples(st.just("assess"), st.sampled_from(COMMITMENTS), st.sampled_from(("US", "JP")),
                       st.sampled_from((-1, 0, 1)), st.integers(0, 400), st.sampled_from((None, "interim", "final")))
retraction = st.tuples(st.just("retract"), st.integers(0, 50))
correction = st.tuples(st.just("correct"), st.integers(0, 50), st.sampled_from((-1, 0, 1)), st.one_of(st.none(), st.integers(0, 400)))
unmaking = st.tuples(st.just("unmake"), st.sampled_from(COMMITMENTS))
#: A commitment's other news (it is then no longer score-only, from that day on).
progress = st.tuples(st.just("progress"), st.sampled_from(COMMITMENTS), st.integers(0, 400))


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
        elif op[0] == "progress":
            _, slug, offset = op
            event = build("progress_reported", commitment=slug, on=(START + timedelta(days=offset)).isoformat(),
                          note="a step")  # fmt: skip
            positions[slug] += 1
            refs.append(f"{slug}#{positions[slug]}")  # retracting it leaves the commitment score-only again
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
    operations=st.lists(st.one_of(assessment, assessment, assessment, assessment, retraction, correction, unmaking,
                                  progress),
                        min_size=6, max_size=40),
    page=st.sampled_from([2, 5, 5000]),
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
        for as_of, known_at, knowledge in _probed(tracker, reader, probes):
            source = ScoreSource(reader, Clocks(as_of, known_at))
            for cycle in (None, "interim", "final", UNLABELLED):
                for party in (None, "JP"):
                    assert source.sheet(cycle=cycle, party=party) == score_sheet(knowledge, as_of, cycle=cycle, party=party)
            assert source.sheet(area="b") == score_sheet(knowledge, as_of, area="b")
            expected = {slug for slug in knowledge.commitments if score_only(knowledge, slug, as_of)}
            assert reader.score_only(Clocks(as_of, known_at)) == expected
            assert FoldReader(tracker).score_only(Clocks(as_of, known_at)) == expected
            # Given the sheet a caller has read already, the same answer (of that sheet's commitments).
            area_b = source.sheet(area="b")
            assert reader.score_only(Clocks(as_of, known_at), area_b) == expected & {row.id for row in area_b}
            assert FoldReader(tracker).score_only(Clocks(as_of, known_at), area_b) == expected & {row.id for row in area_b}
        reader.close()


# --- the groups `ctrack scores` shows, averaged in SQL over the view ------------------------------

AREAS = {"a": "Trade", "b": "trade", "c": None}  # two spellings of one area: --area matches both
recoding = st.tuples(st.just("recode"), st.sampled_from(tuple(AREAS)),
                     st.sampled_from(("Trade", "Straße")), st.one_of(st.none(), st.integers(0, 400)))


#: Mostly assessments (``one_of`` would draw each kind of operation equally often).
varied = st.sampled_from(["assess"] * 8 + ["retract", "correct", "recode", "unmake"]).flatmap(
    lambda kind: {"assess": assessment, "retract": retraction, "correct": correction, "recode": recoding,
                  "unmake": unmaking}[kind])  # fmt: skip


def _probed(tracker, reader, probes):
    """The view caught up, then each probe (a day offset, a fraction of the record times or None
    for now) as (as of, known at, what the whole log knew then: the fold's input)."""
    reader.catch_up()
    log = Log(tracker.log())
    times = sorted(r.event.recorded_at for records in log.streams.values() for r in records)
    for offset, fraction in probes:
        known_at = None if fraction is None else times[int(fraction * (len(times) - 1))]
        yield START + timedelta(days=offset), known_at, log.known_at(known_at)


def _record_varied(tracker, operations) -> None:
    """As ``_events``, with a third commitment, areas in two spellings and none (corrected to
    "Straße", which ``--area STRASSE`` matches as Python casefolds it), made on different days and
    years, assessments on few distinct days (ties: record order decides), and corrections of a
    commitment's area and date (its year, and from when it exists). Each operation is recorded
    as it comes, at its own record time; one the rules refuse is left out."""
    made = {"a": "2020-01-01", "b": "2019-06", "c": "2020-03-15"}
    for slug, on in made.items():
        tracker.record([build("commitment_made", commitment=slug, on=on, title=f"Commitment {slug}",
                              parties=("US", "JP", "KR"), area=AREAS[slug], code=f"C-{slug}")], "tester")  # fmt: skip
    refs: list[str] = []
    for op in operations:
        if op[0] == "recode":
            _, slug, area, offset = op
            changes = {"area": area} if offset is None else {"on": (START + timedelta(days=offset)).isoformat()}
            event = build("event_corrected", target=f"{slug}#1", reason="recoded", **changes)
        elif op[0] == "assess":
            _, slug, party, score, offset, cycle = op
            slug = {"a": "a", "b": "c"}[slug] if offset % 3 == 0 else slug
            event = build("compliance_assessed", commitment=slug, party=party, score=score,
                          on=(START + timedelta(days=offset % 5 * 90)).isoformat(), cycle=cycle)  # fmt: skip
        elif op[0] == "unmake":
            event = build("event_retracted", target=f"{op[1]}#1", reason="made in error")
        elif not refs:
            continue
        else:
            target = refs[op[1] % len(refs)]
            if op[0] == "retract":
                event = build("event_retracted", target=target, reason="wrong")
            else:
                on = None if op[3] is None else (START + timedelta(days=op[3] % 5 * 90)).isoformat()
                event = build("event_corrected", target=target, reason="typo", score=op[2], on=on)
        try:
            recorded = tracker.record([event], "tester")
        except Exception:  # refused by the rules (a date before the commitment, say): not recorded
            continue
        if op[0] == "assess":
            refs.append(recorded[0].ref)


def _fold_summary(knowledge, as_of, by, cycle, area, party, approved_only=False):
    """What `ctrack scores` shows, composed from the pure fold alone (the oracle)."""
    sheet = score_sheet(knowledge, as_of, cycle=cycle, area=area, party=party, approved_only=approved_only)
    if by != "cycle":
        summary = summarise(sheet, by)
    else:
        labels = [cycle] if cycle else cycles(knowledge)
        summary = by_cycle({c: score_sheet(knowledge, as_of, cycle=c, area=area, party=party,
                                           approved_only=approved_only) for c in labels}, sheet)  # fmt: skip
    return count_disputed(summary, by, disputes(knowledge, as_of, cycle=cycle, area=area, party=party))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(varied, min_size=6, max_size=40),
    page=st.sampled_from([2, 5, 5000]),
    probes=st.lists(st.tuples(st.integers(-200, 450), st.one_of(st.none(), st.floats(0, 1))), min_size=2, max_size=4),
)
def test_scores_grouped_in_sql_agree_with_the_fold(tmp_path_factory, monkeypatch, operations, page, probes) -> None:
    """Every grouping, with every filter, as of any day and known at any moment (inside a catch-up
    page too: those commitments are folded exactly and added to the SQL groups)."""
    monkeypatch.setattr(catchup, "PAGE", page)
    path = tmp_path_factory.mktemp("grouped") / "t.db"
    with open_tracker(resolve_store(str(path))) as tracker:
        _record_varied(tracker, operations)
        reader = ViewReader(tracker)
        for as_of, known_at, knowledge in _probed(tracker, reader, probes):
            for by in GROUPINGS:
                for cycle in (None, "interim", "final", *((UNLABELLED,) if by != "cycle" else ())):
                    for area, party in ((None, None), ("TRADE", None), (None, "JP"), ("STRASSE", "US")):
                        expected = _fold_summary(knowledge, as_of, by, cycle, area, party)
                        found = score_summary(reader, Clocks(as_of, known_at), by, cycle=cycle, area=area, party=party)
                        assert found == expected, (by, cycle, area, party, as_of, known_at)
        reader.close()


def test_scores_grouped_in_sql_agree_with_the_fold_on_both_databases(store_url: str) -> None:
    """The demo data plus scores in two cycles, one recalibrated and one retracted, on SQLite and
    PostgreSQL: every grouping as known at every record time."""
    from tests.integration.demo_view import demo_view

    with demo_view(store_url) as demo:
        slugs = sorted(demo.log.known_at(None).commitments)[:4]
        events = []
        for n, slug in enumerate(slugs):
            for party, score in (("US", 1), ("JP", n % 3 - 1), ("KR", 0)):
                events.append(build("compliance_assessed", commitment=slug, party=party, score=score,
                                    on="2025-01-01", cycle="interim" if n % 2 else None))  # fmt: skip
        refs = [r.ref for r in demo.tracker.record(events, "tester")]
        demo.tracker.record([build("compliance_assessed", commitment=slugs[0], party="US", score=-1,
                                   on="2025-06-01", cycle="final")], "tester")  # fmt: skip
        demo.tracker.record([build("event_retracted", target=f"{slugs[1]}#{len(demo.tracker.stream(slugs[1]))}",
                                   reason="wrong")], "tester")  # fmt: skip
        # SPEC §8.2: reviews (one approval retracted again), a second analyst, a reconciliation.
        review = [build("assessment_reviewed", target=ref, decision="approved" if n % 3 else "returned",
                        on="2025-02-01") for n, ref in enumerate(refs[::2])]  # fmt: skip
        demo.tracker.record(review, "reviewer")
        second = demo.tracker.record([build("compliance_assessed", commitment=slugs[0], party="JP", score=1,
                                            on="2025-01-02")], "second")  # fmt: skip
        approval = demo.tracker.record([build("assessment_reviewed", target=second[0].ref, decision="approved",
                                              on="2025-02-01")], "reviewer")  # fmt: skip
        demo.tracker.record([build("event_retracted", target=approval[0].ref, reason="too soon")], "reviewer")
        demo.tracker.record([build("compliance_assessed", commitment=slugs[0], party="JP", score=0, on="2025-03-01",
                                   reconciles=(refs[1], second[0].ref))], "reviewer")  # fmt: skip
        demo.reader.catch_up()
        log = Log(demo.tracker.log())
        moments = [None, *sorted({r.event.recorded_at for records in log.streams.values() for r in records})]
        for known_at in moments[::3] + moments[-3:]:
            knowledge = log.known_at(known_at)
            for as_of in (date(2024, 12, 31), date(2025, 3, 1), date(2026, 1, 1)):
                for by in GROUPINGS:
                    for cycle, party in ((None, None), ("final", None), (None, "JP")):
                        expected = _fold_summary(knowledge, as_of, by, cycle, None, party)
                        assert score_summary(demo.reader, Clocks(as_of, known_at), by, cycle=cycle, party=party) == expected
                        expected = _fold_summary(knowledge, as_of, by, cycle, None, party, approved_only=True)
                        assert score_summary(demo.reader, Clocks(as_of, known_at), by, cycle=cycle, party=party,
                                             approved_only=True) == expected


# --- SPEC §8.2: reviews, reconciliations, editions -------------------------------------------------

ANALYSTS = ("ana", "bob")
coded = st.tuples(st.just("assess"), st.sampled_from(COMMITMENTS), st.sampled_from(("US", "JP")),
                  st.sampled_from((-1, 0, 1)), st.integers(0, 400), st.sampled_from((None, "final")),
                  st.sampled_from((*ANALYSTS, *ANALYSTS, "edition")))  # fmt: skip
reviewing = st.tuples(st.just("review"), st.integers(0, 50), st.sampled_from(("approved", "approved", "returned")))
reconciling = st.tuples(st.just("reconcile"), st.integers(0, 50), st.integers(0, 50), st.sampled_from((-1, 0, 1)),
                        st.integers(0, 60))  # fmt: skip
undoing = st.tuples(st.just("undo"), st.integers(0, 50))  # retract a review, a reconciliation or an assessment
reviewed_ops = st.sampled_from(["assess"] * 5 + ["review"] * 3 + ["reconcile", "undo", "undo"]).flatmap(
    lambda kind: {"assess": coded, "review": reviewing, "reconcile": reconciling, "undo": undoing}[kind])


def _record_reviewed(tracker, operations) -> None:
    """Two analysts score, a reviewer approves or returns, reconciles where they differ, and takes
    any of it back; some scores come with an edition (approved without a review). One at a time,
    each at its own record time; what the rules refuse is left out."""
    for slug in COMMITMENTS:
        tracker.record([build("commitment_made", commitment=slug, on="2020-01-01", title=f"Commitment {slug}",
                              parties=("US", "JP"), area=slug.upper())], "clerk")  # fmt: skip
    assessed: list[tuple[str, object]] = []  # (ref, its event)
    undoable: list[str] = []
    for op in operations:
        by = "reviewer"
        if op[0] == "assess":
            _, slug, party, score, offset, cycle, analyst = op
            by = "clerk" if analyst == "edition" else analyst
            event = build("compliance_assessed", commitment=slug, party=party, score=score, cycle=cycle,
                          on=(START + timedelta(days=offset)).isoformat(),
                          edition="g20-2024" if analyst == "edition" else None)  # fmt: skip
        elif not assessed:
            continue
        elif op[0] == "review":
            ref, made = assessed[op[1] % len(assessed)]
            event = build("assessment_reviewed", target=ref, decision=op[2], on="2021-06-01")
        elif op[0] == "reconcile":
            (first, a), (second, b) = assessed[op[1] % len(assessed)], assessed[op[2] % len(assessed)]
            on = max(a.on, b.on)  # type: ignore[attr-defined]
            event = build("compliance_assessed", commitment=a.commitment, party=a.party, score=op[3], cycle=a.cycle,  # type: ignore[attr-defined]
                          on=(date.fromisoformat(on) + timedelta(days=op[4])).isoformat(),
                          reconciles=tuple(dict.fromkeys((first, second))))  # fmt: skip
        else:
            if not undoable:
                continue
            event = build("event_retracted", target=undoable[op[1] % len(undoable)], reason="taken back")
        try:
            recorded = tracker.record([event], by)
        except Exception:  # refused (another unit, a retracted target, ...): not recorded
            continue
        if event.type == "compliance_assessed":
            assessed.append((recorded[0].ref, event))
        if event.type != "event_retracted":
            undoable.append(recorded[0].ref)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(reviewed_ops, min_size=8, max_size=45),
    page=st.sampled_from([2, 5, 5000]),
    probes=st.lists(st.tuples(st.integers(0, 500), st.one_of(st.none(), st.floats(0, 1))), min_size=2, max_size=4),
)
def test_approved_scores_disputes_and_agreement_agree_with_the_fold(tmp_path_factory, monkeypatch, operations, page,
                                                                   probes) -> None:  # fmt: skip
    """``scores --approved-only --known-at K`` from the view is the fold's at any K (inside a
    catch-up page too), and so are the disputed units, the agreement and the queue."""
    from commitment_tracker.projections.agreement import agreement
    from commitment_tracker.projections.reviews import codings, units, waiting
    from commitment_tracker.projections.view.reviewview import agreement_summary, review_queue

    monkeypatch.setattr(catchup, "PAGE", page)
    path = tmp_path_factory.mktemp("reviewed") / "t.db"
    with open_tracker(resolve_store(str(path))) as tracker:
        _record_reviewed(tracker, operations)
        reader = ViewReader(tracker)
        for as_of, known_at, knowledge in _probed(tracker, reader, probes):
            at = Clocks(as_of, known_at)
            for by in ("commitment", "party", "cycle"):
                for cycle, party in ((None, None), ("final", None), (UNLABELLED, "JP")):
                    for approved_only in (True, False):
                        expected = _fold_summary(knowledge, as_of, by, cycle, None, party, approved_only)
                        found = score_summary(reader, at, by, cycle=cycle, party=party, approved_only=approved_only)
                        assert found == expected, (by, cycle, party, approved_only, as_of, known_at)
                    # A reader that folds the log (a read-only user whose view lags) answers the same.
                    assert score_summary(FoldReader(tracker), at, by, cycle=cycle, party=party,
                                         approved_only=True) == _fold_summary(knowledge, as_of, by, cycle, None, party, True)
            scored = [u for slug in knowledge.commitments for u in units(codings(knowledge, slug), as_of)
                      if knowledge.status(slug, as_of) is not None]  # fmt: skip
            areas = {slug: slug.upper() for slug in COMMITMENTS}
            for by in (None, "cycle", "party", "assessor"):
                assert agreement_summary(reader, at, by) == agreement(scored, by, areas)
            queued = sorted(c.ref for slug in knowledge.commitments if knowledge.status(slug, as_of) is not None
                            for c in waiting(codings(knowledge, slug), as_of))  # fmt: skip
            assert sorted(row["ref"] for row in review_queue(reader, at)) == queued
        reader.close()
