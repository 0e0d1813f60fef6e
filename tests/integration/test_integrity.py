"""Tamper evidence on both stores: verify names the first broken event; triggers refuse edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker.integrity import checkpoint, verify

DATASET = Path(__file__).parents[2] / "src/commitment_tracker/data/trilateral.jsonl"


class Raw:
    """Direct SQL on the store's tables, as an intruder with database access would use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            self.schema = url.split("schema=")[1]
            self.events = f'"{self.schema}".tracker_events'
            self.chain = f'"{self.schema}".tracker_events_chain'
            self.id = "notification_id"
        else:
            self.events, self.chain, self.id = "stored_events", "log_chain", "rowid"

    def run(self, *statements: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url.split("?")[0], autocommit=True) as conn:
                rows: list[tuple] = []
                for statement in statements:
                    cur = conn.execute(statement)
                    rows = cur.fetchall() if cur.description else rows
                return rows
        import sqlite3

        conn = sqlite3.connect(self.url, isolation_level=None)
        try:
            rows = []
            for statement in statements:
                cur = conn.execute(statement)
                rows = cur.fetchall() if cur.description else rows
            return rows
        finally:
            conn.close()

    def drop_triggers(self) -> None:
        if self.postgres:
            self.run(f'ALTER TABLE {self.events} DISABLE TRIGGER USER', f'ALTER TABLE {self.chain} DISABLE TRIGGER USER')
        else:
            for table in ("stored_events", "log_chain"):
                self.run(f"DROP TRIGGER {table}_no_update", f"DROP TRIGGER {table}_no_delete")

    def state_of(self, position: int) -> bytes:
        return bytes(self.run(f"SELECT state FROM {self.events} WHERE {self.id} = {position}")[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        literal = ("'\\x" + state.hex() + "'") if self.postgres else ("X'" + state.hex() + "'")
        self.run(f"UPDATE {self.events} SET state = {literal} WHERE {self.id} = {position}")


@pytest.fixture
def loaded(store_url: str) -> str:
    with open_tracker(resolve_store(store_url)) as tracker:
        tracker.import_file(DATASET, "tester")
    return store_url


def check(url: str, against: str | None = None):
    with open_tracker(resolve_store(url)) as tracker:
        return verify(tracker, against)


def test_an_intact_log_verifies(loaded: str) -> None:
    report = check(loaded)
    assert report.ok and report.count == 49


def test_the_database_refuses_update_and_delete(loaded: str) -> None:
    raw = Raw(loaded)
    for statement in (f"UPDATE {raw.events} SET topic = 'x'", f"DELETE FROM {raw.events}",
                      f"DELETE FROM {raw.chain}", f"UPDATE {raw.chain} SET digest = 'x'"):  # fmt: skip
        with pytest.raises(Exception, match="append-only"):
            raw.run(statement)
    if raw.postgres:
        with pytest.raises(Exception, match="append-only"):
            raw.run(f"TRUNCATE {raw.events}")
    assert check(loaded).ok


def _edit(raw: Raw) -> None:
    raw.set_state(2, raw.state_of(2).replace(b"Camp David", b"Kamp David"))


def _swap(raw: Raw) -> None:
    a, b = raw.state_of(10), raw.state_of(11)
    raw.set_state(10, b)
    raw.set_state(11, a)


def _remove_middle(raw: Raw) -> None:
    raw.run(f"DELETE FROM {raw.events} WHERE {raw.id} = 20")


def _remove_with_chain(raw: Raw) -> None:
    raw.run(f"DELETE FROM {raw.events} WHERE {raw.id} = 20", f"DELETE FROM {raw.chain} WHERE notification_id = 20")


def _reorder_versions(raw: Raw) -> None:
    # Move one event to another position of its stream.
    ident, version = raw.run(f"SELECT originator_id, originator_version FROM {raw.events} WHERE {raw.id} = 12")[0]
    raw.run(f"UPDATE {raw.events} SET originator_version = originator_version + 100 WHERE {raw.id} = 12")


def _forge(raw: Raw) -> None:
    ident, version, topic, state = raw.run(
        f"SELECT originator_id, originator_version, topic, state FROM {raw.events} WHERE {raw.id} = 5")[0]
    forged = bytes(state).replace(b'"on":"2023-08-18"', b'"on":"2023-08-19"')
    literal = ("'\\x" + forged.hex() + "'") if raw.postgres else ("X'" + forged.hex() + "'")
    raw.run(f"INSERT INTO {raw.events} (originator_id, originator_version, topic, state) "
            f"VALUES ('{ident}', {version + 50}, '{topic}', {literal})")  # fmt: skip


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [(_edit, "camp-david-2023#1"), (_swap, None), (_remove_middle, None), (_remove_with_chain, None),
     (_reorder_versions, None), (_forge, None)],
    ids=["edited", "swapped", "removed", "removed-with-chain-row", "reordered", "forged"],
)
def test_verify_names_the_first_broken_event_after_the_triggers_are_dropped(
    loaded: str, tamper: Callable[[Raw], None], expected: str | None
) -> None:
    raw = Raw(loaded)
    raw.drop_triggers()
    tamper(raw)
    report = check(loaded)
    assert not report.ok
    assert report.broken and "#" in report.broken
    if expected:
        assert report.broken == expected


def test_a_truncated_tail_is_caught_by_a_checkpoint(loaded: str) -> None:
    with open_tracker(resolve_store(loaded)) as tracker:
        anchor = checkpoint(tracker)
    assert anchor.count == 49
    assert check(loaded, anchor.digest).ok
    raw = Raw(loaded)
    raw.drop_triggers()
    raw.run(f"DELETE FROM {raw.events} WHERE {raw.id} >= 48", f"DELETE FROM {raw.chain} WHERE notification_id >= 48")
    assert check(loaded).ok  # the shorter log is consistent in itself...
    report = check(loaded, anchor.digest)
    assert not report.ok and "checkpoint" in report.problem  # ...but no longer extends the anchor


def test_a_log_that_grew_still_extends_an_earlier_checkpoint(loaded: str) -> None:
    from commitment_tracker import events as ev

    with open_tracker(resolve_store(loaded)) as tracker:
        anchor = checkpoint(tracker)
        tracker.record([ev.build("commitment_reaffirmed", commitment="denuclearization", on="2025-01-01")], "t")
        assert checkpoint(tracker).count == 50
    assert check(loaded, anchor.digest).ok


def test_a_checkpoint_read_from_the_chain_tail_agrees_with_walking_the_whole_chain(store_url: str) -> None:
    """The checkpoint reads only the chain's last rows and its count; verify walks every event:
    on an empty log, after an import and after each later write they must name the same digest."""
    from commitment_tracker import events as ev

    with open_tracker(resolve_store(store_url)) as tracker:
        assert (checkpoint(tracker).digest, checkpoint(tracker).count) == (verify(tracker).digest, 0)
        tracker.import_file(DATASET, "tester")
        tracker.record([ev.build("commitment_made", commitment="c1", title="One", on="2025-01-01",
                                 parties=("US",))], "t")  # fmt: skip
        for n in range(3):
            walked, anchor = verify(tracker), checkpoint(tracker)
            assert walked.ok and (anchor.digest, anchor.count) == (walked.digest, walked.count) == (anchor.digest, 50 + n)
            assert verify(tracker, anchor.digest).ok
            tracker.record([ev.build("commitment_reaffirmed", commitment="c1", on=f"2025-02-0{n + 1}")], "t")
