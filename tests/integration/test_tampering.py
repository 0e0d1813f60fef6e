"""Attacks by someone with raw SQL access who also recomputes the chain: what verify must still see."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from commitment_tracker import events as ev
from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker.chain import link
from commitment_tracker.tracker.integrity import checkpoint
from commitment_tracker.tracker.mapper import canonical, topic_of
from commitment_tracker.tracker.records import Recorded
from tests.integration.test_integrity import Raw, check, loaded  # noqa: F401  (fixture)


def _forge_appended(url: str, event: ev.Event, recorded_at: datetime) -> None:
    """Append ``event`` with raw SQL, stamped ``recorded_at``, chained exactly as the tracker would."""
    raw = Raw(url)
    with open_tracker(resolve_store(url)) as tracker:
        (record,) = tracker.decide([event], "intruder").new
        forged = record.event.model_copy(update={"recorded_at": recorded_at})
        plain = canonical(forged, record.prev)
        stored = tracker.mapper.to_stored_event(Recorded(record.originator_id, record.position, forged, record.prev))
        last = raw.run(f"SELECT digest FROM {raw.chain} ORDER BY notification_id DESC LIMIT 1")[0][0]
    digest = link(last, record.originator_id, record.position, topic_of(forged.type), plain)
    literal = ("'\\x" + bytes(stored.state).hex() + "'") if raw.postgres else ("X'" + bytes(stored.state).hex() + "'")
    ident = record.originator_id if raw.postgres else record.originator_id.hex
    if raw.postgres:  # holding the append lock, as the tracker does (the log refuses an append without it)
        position = raw.run("BEGIN", f"LOCK TABLE {raw.events}_lock IN EXCLUSIVE MODE",
                           f"INSERT INTO {raw.events} (originator_id, originator_version, topic, state) VALUES "
                           f"('{ident}', {record.position}, '{stored.topic}', {literal}) RETURNING notification_id",
                           "COMMIT")[0][0]  # fmt: skip
    else:
        raw.run(f"INSERT INTO {raw.events} (originator_id, originator_version, topic, state) VALUES "
                f"('{ident}', {record.position}, '{stored.topic}', {literal})")
        position = raw.run(f"SELECT max(rowid) FROM {raw.events}")[0][0]
    raw.run(f"INSERT INTO {raw.chain} VALUES ({position}, '{record.originator_id.hex}', {record.position}, '{digest}')")


def test_a_forged_event_with_a_back_dated_record_time_fails_verify(loaded: str) -> None:  # noqa: F811
    with open_tracker(resolve_store(loaded)) as tracker:
        anchor = checkpoint(tracker)
    back = datetime(2020, 1, 1, tzinfo=timezone.utc)
    _forge_appended(loaded, ev.build("commitment_abandoned", commitment="denuclearization", on="2024-01-01"), back)
    report = check(loaded)
    assert not report.ok
    assert report.broken == "denuclearization#" + report.broken.split("#")[1]
    assert "record time" in report.problem
    assert not check(loaded, anchor.digest).ok


def test_a_forged_event_recorded_in_order_is_only_caught_by_an_anchor(loaded: str) -> None:  # noqa: F811
    """The limit of verify: a chained append with a plausible record time is indistinguishable."""
    with open_tracker(resolve_store(loaded)) as tracker:
        anchor = checkpoint(tracker)
    now = datetime.now(timezone.utc)
    _forge_appended(loaded, ev.build("commitment_abandoned", commitment="denuclearization", on="2024-01-01"), now)
    assert check(loaded).ok
    assert check(loaded, anchor.digest).ok  # it extends the anchor: anchor again after each session


def test_sqlite_refuses_insert_or_replace_on_the_log(tmp_path) -> None:
    url = str(tmp_path / "tracker.db")
    with open_tracker(resolve_store(url)) as tracker:
        tracker.record([ev.build("source_registered", source="s1", title="Camp David Principles")], "t")
        tracker.record([ev.build("source_registered", source="s2", title="Second")], "t")
    raw = Raw(url)
    ident, version, topic, state = raw.run("SELECT originator_id, originator_version, topic, state FROM stored_events "
                                           "WHERE rowid = 1")[0]
    edited = bytes(state).replace(b"Camp David", b"Kamp David").hex()
    for statement in (
        f"INSERT OR REPLACE INTO stored_events (originator_id, originator_version, topic, state) "
        f"VALUES ('{ident}', {version}, '{topic}', X'{edited}')",
        f"REPLACE INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        f"VALUES (1, 'x', 9, '{topic}', X'{edited}')",
        "INSERT OR REPLACE INTO log_chain VALUES (1, 'x', 1, 'x')",
        "UPDATE OR REPLACE stored_events SET originator_version = 1 WHERE rowid = 2",
    ):
        with pytest.raises(Exception, match="append-only"):
            raw.run(statement)
    assert raw.run("SELECT count(*) FROM stored_events")[0][0] == 2
    assert check(url).ok
