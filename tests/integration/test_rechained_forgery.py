"""Attacks by someone with raw SQL access who rewrites the middle of the log and then recomputes
everything a check could recompute: every stream link after the edit and the whole running
digest. verify judges the log a page of events at a time; each attack here is also run with pages
of a few events, so that it lands inside a page, on a page's first event and across two pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from commitment_tracker.tracker import integrity
from commitment_tracker.tracker.chain import GENESIS, link
from commitment_tracker.tracker.mapper import chain_hash
from tests.integration.test_integrity import DATASET, Raw, check

Row = tuple[str, int, str, bytes]  # stream id as stored, position, topic, canonical bytes
_TAIL = re.compile(rb',"prev":"[0-9a-f]*"((?:,"class_version":[0-9]+)?)\}\Z')


def rechain(url: str, edit: Callable[[list[Row]], list[Row]], relink: bool = True) -> None:
    """Rewrite the log as ``edit`` returns it, then recompute each event's stream link (unless
    ``relink`` is False: the links are left as ``edit`` wrote them) and the running digest, as an
    intruder who knows how the tracker chains would."""
    raw = Raw(url)
    raw.drop_triggers()
    rows = _rows(url)
    digest, last, events, chain = GENESIS, {}, [], []
    for number, (ident, version, topic, plain) in enumerate(edit(rows), 1):
        if relink:
            link_to = last.get(ident.replace("-", "").lower(), "").encode()
            plain = _TAIL.sub(lambda m: b',"prev":"' + link_to + b'"' + m.group(1) + b"}", plain)
        last[ident.replace("-", "").lower()] = chain_hash(str(UUID(ident)), version, topic, plain)
        digest = link(digest, ident, version, topic, plain)
        events.append(f"({number}, '{ident}', {version}, '{topic}', X'{plain.hex()}')")
        chain.append(f"({number}, '{ident.replace('-', '')}', {version}, '{digest}')")
    raw.run("DELETE FROM stored_events", "DELETE FROM log_chain",
            f"INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES {','.join(events)}",
            f"INSERT INTO log_chain VALUES {','.join(chain)}")  # fmt: skip


@pytest.fixture(params=[None, 4, 1], ids=["one-page", "pages-of-4", "pages-of-1"])
def paged(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param:
        monkeypatch.setattr(integrity, "PAGE", request.param)


def _load(url: str) -> str:
    from commitment_tracker.tracker import open_tracker, resolve_store

    with open_tracker(resolve_store(url)) as tracker:
        tracker.import_file(DATASET, "tester")
    return url


def _ref(rows: list[Row], index: int) -> str:
    """The reference verify names for the event at ``index`` of ``rows`` (its stream's slug)."""
    fields = rows[index][3].decode()
    kind = re.search(r'"type":"([a-z_]+)"', fields).group(1)  # type: ignore[union-attr]
    from commitment_tracker.events import EVENT_TYPES

    field = next(name for name in ("commitment", "meeting", "statement", "source", "target")
                 if name in EVENT_TYPES[kind].model_fields)  # fmt: skip
    slug = re.search(rf'"{field}":"([^"]+)"', fields).group(1)  # type: ignore[union-attr]
    return f"{slug}#{rows[index][1]}"


def _with_state(rows: list[Row], at: int, state: bytes) -> list[Row]:
    """The rows with the event at ``at`` stored as ``state`` instead."""
    return [*rows[:at], (*rows[at][:3], state), *rows[at + 1:]]


def _rows(url: str) -> list[Row]:
    raw = Raw(url)
    return [(i, v, t, bytes(s)) for i, v, t, s in
            raw.run("SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid")]  # fmt: skip


def _later_event_of_a_stream(rows: list[Row], kinds: tuple[str, ...]) -> int:
    """The index of an event past the log's first few whose type is one of ``kinds`` (types read
    from their bytes) and which is not its stream's first."""
    return next(n for n, row in enumerate(rows) if n > 8 and row[1] > 1
                and any(f'"type":"{kind}"'.encode() in row[3] for kind in kinds))  # fmt: skip


COMMON = ("commitment_fulfilled", "commitment_reaffirmed", "progress_reported", "commitment_abandoned",
          "commitment_stalled")  # fmt: skip


def test_a_rechained_log_is_intact_in_any_page_size(sqlite_url: str, paged: None) -> None:
    """The forger's recomputation is the tracker's own: unedited, the log still verifies."""
    url = _load(sqlite_url)
    before = check(url)
    rechain(url, lambda rows: rows)
    after = check(url)
    assert before.ok and after.ok and after.digest == before.digest and after.count == 49


def test_a_record_time_back_dated_mid_log_fails_verify(sqlite_url: str, paged: None) -> None:
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)

    back = re.sub(rb'"recorded_at":"[^"]+"', b'"recorded_at":"2001-01-01T00:00:00Z"', rows[at][3])
    rechain(url, lambda rows: _with_state(rows, at, back))
    report = check(url)
    assert not report.ok and "record time" in report.problem, report.problem
    assert report.broken == _ref(rows, at)


def test_two_events_swapped_mid_log_with_their_positions_renumbered_fail_verify(sqlite_url: str, paged: None) -> None:
    """Two events of one stream change places in the log and in their stream, every link
    recomputed: only their record times, now running backwards, tell."""
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    ident = rows[at][0]
    later = next(n for n in range(at + 1, len(rows)) if rows[n][0] == ident and rows[n][3] != rows[at][3])

    def edit(rows: list[Row]) -> list[Row]:
        first, second = rows[at], rows[later]
        rows = list(rows)
        rows[at] = (ident, first[1], second[2], second[3])
        rows[later] = (ident, second[1], first[2], first[3])
        return rows

    stamps = [re.search(rb'"recorded_at":"([^"]+)"', rows[n][3]).group(1) for n in (at, later)]  # type: ignore[union-attr]
    if stamps[0] == stamps[1]:
        pytest.skip("the two events were recorded at the same time: their order is not evidence")
    rechain(url, edit)
    report = check(url)
    assert not report.ok and "record time" in report.problem, report.problem


def test_an_event_removed_mid_log_with_every_link_recomputed_fails_verify(sqlite_url: str, paged: None) -> None:
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    ident, position = rows[at][0], rows[at][1]
    successor = next((n for n in range(at + 1, len(rows)) if rows[n][0] == ident), None)
    if successor is None:
        pytest.skip("the event is its stream's last: removing it leaves a shorter, consistent log")
    rechain(url, lambda rows: [*rows[:at], *rows[at + 1:]])
    report = check(url)
    assert not report.ok and "missing before it" in report.problem, report.problem
    assert report.broken == f"{_ref(rows, at).split('#')[0]}#{rows[successor][1]}" and position < rows[successor][1]


def test_a_wrong_stream_link_mid_log_fails_verify(sqlite_url: str, paged: None) -> None:
    """The running digest recomputed over an event whose link names another hash."""
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)

    wrong = _TAIL.sub(lambda m: b',"prev":"' + b"0" * 64 + b'"' + m.group(1) + b"}", rows[at][3])
    rechain(url, lambda rows: _with_state(rows, at, wrong), relink=False)
    report = check(url)
    assert not report.ok and "does not follow" in report.problem, report.problem
    assert report.broken == _ref(rows, at)


def test_an_event_moved_into_another_stream_fails_verify(sqlite_url: str, paged: None) -> None:
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    other = next(row[0] for row in rows if row[0] != rows[at][0])

    rechain(url, lambda rows: [*rows[:at], (other, 99, *rows[at][2:]), *rows[at + 1:]])
    report = check(url)
    assert not report.ok and "another entity's stream" in report.problem, report.problem


@pytest.mark.parametrize("spell", [str.upper, lambda ident: str(UUID(ident))], ids=["upper-case", "hyphens"])
def test_an_event_replayed_under_its_stream_id_spelt_otherwise_fails_verify(
    sqlite_url: str, paged: None, spell: Callable[[str], str]
) -> None:
    """The same stream id spelt another way is another row to the database's key: a replayed event
    (its stream position repeated) must not pass as a new stream's."""
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    ident, version, topic, plain = rows[at]
    rechain(url, lambda rows: [*rows[: at + 1], (spell(ident), version, topic, plain), *rows[at + 1:]], relink=False)
    report = check(url)
    assert not report.ok, "a replayed event passed"
    assert "another entity's stream" in report.problem or "out of order" in report.problem, report.problem


def test_a_value_valid_in_one_field_is_not_taken_for_another(sqlite_url: str, paged: None) -> None:
    """A text valid as a note, earlier in the same page, given as a commitment id the schema
    refuses: each field's values are its own."""
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    ident = rows[at][0]
    stamp = re.search(rb'"recorded_at":"([^"]+)"', rows[-1][3]).group(1).decode()  # type: ignore[union-attr]

    def event(fields: str) -> bytes:
        return (f'{{"event":{{"type":"commitment_abandoned","recorded_by":"intruder","recorded_at":"{stamp}",'
                f'{fields}}},"prev":""}}').encode()  # fmt: skip

    slug = re.search(r'"commitment":"([^"]+)"', rows[at][3].decode()).group(1)  # type: ignore[union-attr]
    noted = event(f'"note":"Not A Slug","commitment":"{slug}","on":"2024-12-01"')
    forged = event('"commitment":"Not A Slug","on":"2024-12-01"')
    stranger = str(uuid4()).replace("-", "")
    position = max(row[1] for row in rows if row[0] == ident) + 1
    topic = "commitment_tracker:commitment_abandoned"
    rechain(url, lambda rows: [*rows, (ident, position, topic, noted), (stranger, 1, topic, forged)])
    report = check(url)
    assert not report.ok and "cannot be read" in report.problem, report.problem
    assert report.count == len(rows) + 1  # the note's event passed; the forged one did not


def test_an_event_holding_two_events_on_two_lines_fails_verify(sqlite_url: str, paged: None) -> None:
    """An event's bytes made of two events in the tracker's shape, one per line, beside an event of
    the same type in another valid spelling (which matches no shape): a check that matched a page's
    events of one type as lines of one text would count as many lines in the shape as events, and
    give each event the next line's values."""
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    kind = re.search(rb'"type":"([a-z_]+)"', rows[at][3]).group(1)  # type: ignore[union-attr]
    same = [n for n, row in enumerate(rows) if n != at and b'"type":"' + kind + b'"' in row[3]]
    later = next(n for n in same if n > at)
    two = rows[at][3] + b"\n" + rows[same[0]][3]
    spelt = rows[later][3].replace(b'{"event":{', b'{"event": {', 1)  # valid JSON, not the tracker's spelling

    rechain(url, lambda rows: _with_state(_with_state(rows, at, two), later, spelt))
    report = check(url)
    assert not report.ok and "cannot be read" in report.problem, report.problem
    assert report.broken == _ref(rows, at)


def test_an_event_in_another_valid_spelling_still_verifies(sqlite_url: str, paged: None) -> None:
    """The other side of the attack above: bytes the tracker does not write but the schema accepts
    are decoded in full, and pass."""
    url = _load(sqlite_url)
    rows = _rows(url)
    at = _later_event_of_a_stream(rows, COMMON)
    spelt = rows[at][3].replace(b'{"event":{', b'{"event": {', 1)

    rechain(url, lambda rows: _with_state(rows, at, spelt))
    report = check(url)
    assert report.ok and report.count == len(rows), report.problem
