"""Rows whose JSON parses but whose bytes are not what the tracker writes, chained as it would
chain them: verify reads the stored bytes, and must read them as every reader does.

A reader of the log decodes each row with ``json.loads``: of two keys with the same name the last
wins. A check that read the bytes any other way (the first occurrence, a fixed offset) would judge
another event than the one the answers are built from; these attacks aim at that gap, and at an
event whose values the schema refuses although its bytes have the canonical shape.
"""

from __future__ import annotations

import pytest

from commitment_tracker.tracker import open_tracker, resolve_store
from commitment_tracker.tracker.chain import link
from commitment_tracker.tracker.mapper import topic_of
from tests.integration.test_integrity import Raw, check, loaded  # noqa: F401  (fixture)

STREAM = "denuclearization"


def _append_raw(url: str, make_plain) -> None:  # type: ignore[no-untyped-def]
    """Append the bytes ``make_plain(prev, recorded_at_now)`` to STREAM, chained exactly as the
    tracker chains an event (the running digest and the stream's link), as an intruder would."""
    raw = Raw(url)
    with open_tracker(resolve_store(url)) as tracker:
        records = [r for r in tracker.log() if r.entity == STREAM]
        last = records[-1]
        latest = max(r.event.recorded_at for r in tracker.log())
    position = last.position + 1
    plain = make_plain(last.hash, latest.isoformat().replace("+00:00", "Z"))
    topic = topic_of(plain.split(b'"type":"')[1].split(b'"')[0].decode())
    previous = raw.run(f"SELECT digest FROM {raw.chain} ORDER BY notification_id DESC LIMIT 1")[0][0]
    ident = last.originator_id
    digest = link(previous, ident, position, topic, plain)
    literal = ("'\\x" + plain.hex() + "'") if raw.postgres else ("X'" + plain.hex() + "'")
    values = f"('{ident if raw.postgres else ident.hex}', {position}, '{topic}', {literal})"
    if raw.postgres:  # holding the append lock, as the tracker does
        row = raw.run("BEGIN", f"LOCK TABLE {raw.events}_lock IN EXCLUSIVE MODE",
                      f"INSERT INTO {raw.events} (originator_id, originator_version, topic, state) VALUES {values} "
                      "RETURNING notification_id", "COMMIT")[0][0]  # fmt: skip
    else:
        raw.run(f"INSERT INTO {raw.events} (originator_id, originator_version, topic, state) VALUES {values}")
        row = raw.run(f"SELECT max(rowid) FROM {raw.events}")[0][0]
    raw.run(f"INSERT INTO {raw.chain} VALUES ({row}, '{ident.hex}', {position}, '{digest}')")


def _abandoned(prev: str, recorded_at: str, fields: str = '"on":"2024-01-01"', *, source: str = "",
               tail: str = "") -> bytes:  # fmt: skip
    """An abandonment of STREAM in the tracker's exact shape (keys in schema order, no spaces), with
    ``source`` after its type, ``fields`` after its commitment and ``tail`` after its stream link."""
    return (f'{{"event":{{"type":"commitment_abandoned"{source},"recorded_by":"intruder","recorded_at":"{recorded_at}",'
            f'"commitment":"{STREAM}",{fields}}},"prev":"{prev}"{tail}}}').encode()  # fmt: skip


def _refused(url: str, make_plain) -> None:  # type: ignore[no-untyped-def]
    """Appended as the tracker would chain it, the event is refused by verify as unreadable."""
    _append_raw(url, make_plain)
    report = check(url)
    assert not report.ok and "cannot be read" in report.problem, report.problem


def test_a_duplicate_record_time_hiding_a_back_dated_one_fails_verify(loaded: str) -> None:  # noqa: F811
    """The first ``recorded_at`` is in order; the last, which every reader reads, is back-dated."""

    def plain(prev: str, now: str) -> bytes:
        return (f'{{"event":{{"type":"commitment_abandoned","recorded_by":"intruder","recorded_at":"{now}",'
                f'"recorded_at":"2020-01-01T00:00:00Z","commitment":"{STREAM}","on":"2024-01-01"}},'
                f'"prev":"{prev}"}}').encode()  # fmt: skip

    _append_raw(loaded, plain)
    report = check(loaded)
    assert not report.ok
    assert report.broken == f"{STREAM}#{report.broken.split('#')[1]}"
    assert "record time" in report.problem


def test_a_duplicate_stream_link_hiding_a_wrong_one_fails_verify(loaded: str) -> None:  # noqa: F811
    """The first ``prev`` links the stream; the last, which a reader reads, does not."""

    _append_raw(loaded, lambda prev, now: _abandoned(prev, now, tail=f',"prev":"{"0" * 64}"'))
    report = check(loaded)
    assert not report.ok and "does not follow" in report.problem


@pytest.mark.parametrize(
    ("source", "fields"),
    [("", '"on":"2024-02-30"'), ("", '"on":"2024-01-01","parties":["not a party"]'), ("", '"on":"2024-01-01","note":""'),
     (',"source":"Not A Slug!"', '"on":"2024-01-01"')],
    ids=["impossible-date", "bad-party", "empty-note", "bad-slug"],
)  # fmt: skip
def test_a_canonically_shaped_event_the_schema_refuses_fails_verify(loaded: str, source: str, fields: str) -> None:  # noqa: F811
    """Bytes in the tracker's exact shape (keys in schema order, no spaces) whose values the schema
    refuses: verify still judges the values, not only the shape."""

    _refused(loaded, lambda prev, now: _abandoned(prev, now, fields, source=source))


def test_a_key_the_schema_does_not_know_fails_verify(loaded: str) -> None:  # noqa: F811
    _refused(loaded, lambda prev, now: _abandoned(prev, now, '"on":"2024-01-01","secret":"x"'))


@pytest.mark.parametrize(
    "stamp",
    ["2999-02-29T00:00:00Z", "2999-04-31T00:00:00Z", "2999-01-01T24:00:00Z", "2999-12-31T23:59:60Z",
     "2999-01-01T00:00:00.1234567Z", "2999-01-01T00:00:00.Z", "2999-01-01T00:00:00z", "2999-01-01t00:00:00Z",
     "2999-01-01 00:00:00Z", "3000-01-01T00:00:00Z", "2999-1-01T00:00:00Z", "2999-01-01T00:00Z",
     "2999-01-01T00:00:00", "2999-01-01T00:00:00+24:00", "2999-01-01T00:00:00Z ", "\\u00322999-01-01T00:00:00Z"],
)  # fmt: skip
def test_a_canonically_shaped_record_time_the_schema_refuses_fails_verify(loaded: str, stamp: str) -> None:  # noqa: F811
    """A record time in the tracker's shape (a string, where the record time goes) that is no record
    time the schema accepts: an impossible day or hour, a leap second, too many digits, another
    spelling, a year out of range, an escape."""

    _refused(loaded, lambda prev, now: _abandoned(prev, stamp))
