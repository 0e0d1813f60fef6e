"""Verifying the log: nothing edited, removed, reordered, swapped or forged.

Three independent checks, in record order:
- the chain: every stored event's running digest matches the chain row written with it, and every
  chain row still has its event (a removed or inserted event shows up here);
- the streams: positions run 1, 2, 3... and each event names the hash of the one before it;
- the content: every event decodes and validates against the schema (read from its stored bytes
  where they have the tracker's exact shape: stored_form.py);
- the clock: record times never run backwards along the log (the tracker stamps each write no
  earlier than the last one, and import refuses a file that would), so an event appended later
  cannot pretend to have been known earlier and change ``--known-at`` answers.
A checkpoint (the digest at some count) anchored outside the store also catches a log whose tail
was cut off or whose chain was recomputed wholesale.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice, zip_longest
from time import perf_counter
from typing import TYPE_CHECKING, Any
from uuid import UUID

from commitment_tracker.tracker import stored_form
from commitment_tracker.tracker.bulk import paused_gc
from commitment_tracker.tracker.chain import CANONICAL, GENESIS, STORED, is_sealed, link, links
from commitment_tracker.tracker.errors import KeyProblem
from commitment_tracker.tracker.mapper import chain_hash, chain_hashes
from commitment_tracker.tracker.recorders import LogRow

if TYPE_CHECKING:
    from commitment_tracker.tracker.application import Tracker
    from commitment_tracker.tracker.mapper import RecordMapper

Row = tuple[int, str, int, str, bytes]  # a stored event as the database gives it (``LogRow``'s fields)

PAGE = 10_000  # events judged at a time, chain rows read at a time (and the progress step)


@dataclass(frozen=True)
class Checkpoint:
    digest: str
    count: int
    version: int = CANONICAL  # how its last link was computed (see chain.py)

    def __str__(self) -> str:
        return f"sha256:{self.digest}"


@dataclass
class Report:
    ok: bool
    count: int
    digest: str
    problem: str | None = None
    broken: str | None = None  # the first broken event reference (or position)
    checkpoint_found: bool | None = None
    streams: int = 0
    key_problem: str | None = None  # the log cannot be read with the key given: nothing was judged
    digest_version: int = CANONICAL
    seconds: float = 0.0  # how long the log check took (without the view check it fed)

    def to_data(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.count, "streams": self.streams, "digest": f"sha256:{self.digest}",
                "digest_version": self.digest_version, "broken": self.broken, "problem": self.problem,
                "checkpoint_found": self.checkpoint_found, "log_check_seconds": round(self.seconds, 3)}  # fmt: skip


def parse_digest(text: str) -> str:
    digest = text.strip().lower().removeprefix("sha256:")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"{text!r} is not a checkpoint digest (sha256:<64 hex digits>)")
    return digest


def checkpoint(tracker: Tracker) -> Checkpoint:
    """The current digest of the log and its event count (the chain's last two rows and its row
    count, re-hashing only the last event to tell which version its link is; no key needed): the
    same cost at any size of log."""
    tail, count = tracker.recorder.chain_tail()  # type: ignore[attr-defined]
    if not tail:
        return Checkpoint(GENESIS, 0)
    last = tail[0]
    previous = tail[1][3] if len(tail) > 1 else GENESIS
    page = tracker.recorder.select_notifications(start=last[0], limit=1)
    version = CANONICAL
    if page and is_sealed(page[0].state):
        n = page[0]
        if link(previous, n.originator_id, n.originator_version, n.topic, n.state) == last[3]:
            version = STORED
    return Checkpoint(last[3], count, version)


def _chain(tracker: Tracker) -> Iterator[tuple[int, str, int, str]]:
    after = 0
    while True:
        rows = tracker.recorder.select_chain(after, PAGE)  # type: ignore[attr-defined]
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


@dataclass
class _Streams:
    slugs: dict[str, str] = field(default_factory=dict)  # originator id hex -> slug
    last: dict[str, tuple[int, str]] = field(default_factory=dict)  # id hex -> (version, hash)
    spelt: dict[str, str] = field(default_factory=dict)  # id hex -> the id with its hyphens


@dataclass
class _Log:
    """The check's state after the events judged so far, in record order."""

    digest: str = GENESIS
    count: int = 0
    linked: int = CANONICAL  # the digest version of the last link checked
    latest: tuple[Any, str] | None = None  # the latest record time so far, and its event
    found: bool = False  # whether the digest has been the one given to check against
    streams: _Streams = field(default_factory=_Streams)


def verify(tracker: Tracker, against: str | None = None, each: Callable[[LogRow], None] | None = None,
           advance: Callable[[int], None] | None = None) -> Report:  # fmt: skip
    """The log checked from its first event to its last; ``each`` is given every stored event that
    passed every check, in record order (so a reader of the whole log need not read it again);
    ``advance`` is told as each page of events is checked (a progress bar).

    The check reads the stored bytes (see stored_form.py): an event in the tracker's exact canonical
    shape is judged without building its model; any other is decoded and validated in full. A page
    of events is judged at once where every check passes for each of its events (``_page``); else
    event by event (``_one``), which names the first that fails."""
    started = perf_counter()
    aside = 0.0  # the time ``each`` took, which is not this check's
    log = _Log(found=against is None or against == GENESIS)
    chain = _chain(tracker)
    pages = tracker.stored_pages(PAGE)

    def fail(problem: str, broken: str | None) -> Report:
        return Report(False, log.count, log.digest, problem, broken, log.found if against else None,
                      len(log.streams.last), digest_version=log.linked, seconds=perf_counter() - started - aside)  # fmt: skip

    while True:
        # Read with the page judged: its rows, tens of thousands of objects, would set off
        # collections that walk every object the process holds (the view check's pages).
        with paused_gc():
            page = next(pages, None)
            if page is None:
                break
            linked = list(islice(chain, len(page)))
            judged = _page(log, tracker.mapper, page, linked, against)
            # The row objects ``each`` reads, made only for it.
            passed = (list(map(LogRow._make, page)) if each is not None else page) if judged else []
        verdict = None
        if not passed:
            for notification, row in zip_longest(map(LogRow._make, page), linked):
                verdict = _one(log, tracker.mapper, notification, row, against)
                if verdict is not None:
                    break
                passed.append(notification)
        if each is not None:
            began = perf_counter()
            for notification in passed:
                each(notification)
            aside += perf_counter() - began
        if verdict is not None and verdict[0] is KeyProblem:
            return Report(False, 0, log.digest, verdict[1], None, None, 0, key_problem=verdict[1])
        if verdict is not None:
            return fail(*verdict)
        if advance is not None:
            advance(len(page))
    extra = next(chain, None)
    if extra is not None:
        missing = _ref(log.streams, _hex(extra[1]), extra[2])
        return fail(f"event {missing} (log position {extra[0]}) was removed from the end of the log", missing)
    seconds = perf_counter() - started - aside
    if not log.found:
        return Report(False, log.count, log.digest, "the log no longer extends the checkpoint (events removed or rewritten)",
                      None, False, len(log.streams.last), seconds=seconds)  # fmt: skip
    return Report(True, log.count, log.digest, None, None, True if against else None, len(log.streams.last),
                  digest_version=log.linked, seconds=seconds)  # fmt: skip


def _page(log: _Log, mapper: RecordMapper, page: list[Row], linked: list[tuple[int, str, int, str]],
          against: str | None) -> bool:  # fmt: skip
    """Judge a page of events at once, and carry ``log`` past it, when every check passes for
    every event of it; else leave ``log`` as it was and say False (the page is then judged event by
    event, which names the first that fails). The checks are ``_one``'s, over the page's columns:
    each holds for every event exactly when it holds for each in turn."""
    if len(linked) != len(page):
        return False
    ids, oids, versions, topics, states = zip(*page)
    positions, chain_ids, chain_versions, digests = zip(*linked)
    idents = _idents(oids)
    if positions != ids or chain_versions != versions or _idents(chain_ids) != idents:
        return False  # removed, inserted or swapped: said event by event
    plains = _plains(mapper, page, states)
    # Each link from the stored digest before it: where every stored digest follows from the one
    # before it, they are the running digest, computed from the start.
    if plains is None or links((log.digest, *digests[:-1]), idents, versions, topics, plains) != list(digests):
        return False
    events = _events(mapper, page, plains, topics)
    if events is None:
        return False
    entities, stamps, prevs = events
    streams = log.streams
    slugs = _slugs(streams.slugs, idents, entities)
    latest = _latest(log.latest, stamps, entities, versions)
    if slugs is None or latest is False:
        return False
    spelt = streams.spelt  # the id as the stream's hash spells it: kept whether or not the page passes
    spelt.update({ident: str(UUID(ident)) for ident in set(idents) - spelt.keys()})
    hashes = chain_hashes(map(spelt.__getitem__, idents), versions, topics, plains)
    last = _links(streams.last, idents, versions, prevs, hashes)
    if last is None:
        return False
    streams.slugs.update(slugs)
    streams.last.update(last)
    log.digest, log.linked, log.latest = digests[-1], CANONICAL, latest
    log.count += len(page)
    log.found = log.found or (against is not None and against in digests)
    return True


def _idents(oids: tuple[Any, ...]) -> tuple[str, ...]:
    """Stream ids as hex (without hyphens), as ``_hex`` spells each."""
    try:
        if "-" not in "".join(oids):
            return oids
    except TypeError:  # not all text
        pass
    return tuple(map(_hex, oids))


def _plains(mapper: RecordMapper, page: list[Row], states: tuple[Any, ...]) -> list[bytes] | None:
    """The page's canonical bytes, or None when one is not bytes or does not decrypt (said event by
    event). Stored in clear, they are the stored bytes (the shape each must have begins with "{")."""
    if set(map(type, states)) != {bytes}:
        return None
    if mapper.cipher is None:  # type: ignore[attr-defined]
        return list(states)
    try:
        plains = [mapper.decrypt(notification) for notification in map(LogRow._make, page)]  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - whatever it is, ``_one`` says it
        return None
    return plains if set(map(type, plains)) == {bytes} else None


def _events(mapper: RecordMapper, page: list[Row], plains: list[bytes],
            topics: tuple[Any, ...]) -> tuple[list[str], list[Any], list[str]] | None:  # fmt: skip
    """Each event's entity, record time and stream link, read from its bytes (``stored_form``) or,
    where they do not have the tracker's shape, decoded in full; None when one cannot be read."""
    read = stored_form.read_page(plains, topics)
    if read is None:
        return None
    entities, stamps, prevs = read.entities, read.stamps, read.prevs
    for at in [at for at, entity in enumerate(entities) if entity is None]:
        try:
            record = mapper.to_domain_event(LogRow._make(page[at]), hashed=False)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - whatever it is, ``_one`` says it
            return None
        entities[at], stamps[at], prevs[at] = record.entity, record.event.recorded_at, record.prev
    return entities, stamps, prevs  # type: ignore[return-value]


def _slugs(known: dict[str, str], idents: tuple[str, ...], entities: list[str]) -> dict[str, str] | None:
    """The streams the page begins (id -> slug), or None when an event is not in its entity's
    stream: a stream is its entity's when its id is the one the entity's slug gives."""
    new: dict[str, str] = {}
    for ident, entity in set(zip(idents, entities)):
        slug = known.get(ident)
        if slug is None:
            if ident in new or _id_of(entity) != ident:
                return None
            new[ident] = entity
        elif slug != entity:
            return None
    return new


def _latest(latest: tuple[Any, str] | None, stamps: list[Any], entities: list[str],
            versions: tuple[int, ...]) -> tuple[Any, str] | None | bool:  # fmt: skip
    """The latest record time after the page (and its event), or False when one runs backwards."""
    ordered = [latest[0]] if latest is not None else []
    ordered += filter(None, stamps)  # an event stamped with no record time (an early release's) has none to order
    if not all(map(operator.le, ordered, ordered[1:])):
        return False
    at = next((at for at in range(len(stamps) - 1, -1, -1) if stamps[at] is not None), None)
    return latest if at is None else (stamps[at], f"{entities[at]}#{versions[at]}")


def _links(last: dict[str, tuple[int, str]], idents: tuple[str, ...], versions: tuple[int, ...],
           prevs: list[str], hashes: list[str]) -> dict[str, tuple[int, str]] | None:  # fmt: skip
    """Each stream's last position and hash after the page, or None when an event is not the next
    of its stream or does not name the hash of the one before it."""
    moved: dict[str, tuple[int, str]] = {}
    after, before = moved.get, last.get
    for ident, position, prev, hashed in zip(idents, versions, prevs, hashes):
        version, previous = after(ident) or before(ident, _FIRST)
        if position != version + 1 or prev != previous:
            return None
        moved[ident] = (position, hashed)
    return moved


_FIRST = (0, "")  # a stream before its first event


def _one(log: _Log, mapper: RecordMapper, notification: LogRow, row: tuple[int, str, int, str] | None,
         against: str | None) -> tuple[Any, str | None] | None:  # fmt: skip
    """Judge one event and carry ``log`` past it; else the problem and the event it names (or
    ``KeyProblem`` and why, when nothing decrypts with the key given)."""
    streams = log.streams
    ident = _hex(notification.originator_id)
    event: _Event | None
    try:
        event = _read(mapper, notification)
        unreadable = None
    except KeyProblem as error:
        if log.count == 0:  # nothing has decrypted with this key: the key is wrong, not the log
            return KeyProblem, str(error)
        event, unreadable = None, "it does not decrypt with the key the events before it decrypt with"
    except Exception as error:
        event, unreadable = None, " ".join(str(error).split())[:200]
    if event is not None and ident not in streams.slugs and _id_of(event.entity) == ident:
        streams.slugs[ident] = event.entity
    ref = _ref(streams, ident, notification.originator_version)
    # Version 2 links the canonical bytes; a store encrypted by an earlier release has
    # version-1 links over the ciphertext, which are checked as such (no key needed for them).
    digest = log.digest
    if event is not None and event.plain is not notification.state:
        canonical = link(digest, notification.originator_id, notification.originator_version,
                         notification.topic, event.plain)  # fmt: skip
        as_stored = link(digest, notification.originator_id, notification.originator_version,
                         notification.topic, notification.state) if row is not None and row[3] != canonical else None  # fmt: skip
    else:
        canonical = as_stored = link(digest, notification.originator_id, notification.originator_version,
                                     notification.topic, notification.state)  # fmt: skip
    log.linked = STORED if row is not None and row[3] == as_stored and canonical != as_stored else CANONICAL
    log.digest = digest = as_stored if log.linked == STORED else canonical  # type: ignore[assignment]
    if row is None or row[0] != notification.id:
        if row is not None and row[0] < notification.id:
            missing = _ref(streams, _hex(row[1]), row[2])
            return f"event {missing} (log position {row[0]}) was removed", missing
        return f"event {ref} (log position {notification.id}) was not written by the tracker (forged)", ref
    if _hex(row[1]) != ident or row[2] != notification.originator_version:
        return f"log position {notification.id} holds {ref}, not the event recorded there (swapped)", ref
    if row[3] != digest:
        return f"event {ref} was edited or reordered: its digest no longer matches the chain", ref
    if event is None:
        return f"event {ref} cannot be read ({unreadable})", ref
    slug = event.entity
    known = streams.slugs.get(ident)  # set above, once, when the stream's id is its slug's
    position = notification.originator_version
    ref = f"{slug}#{position}"
    if known != slug:
        return f"event {ref} belongs to another entity's stream (forged)", ref
    version, previous = streams.last.get(ident, _FIRST)
    if position != version + 1:
        what = "missing before it" if position > version + 1 else "out of order"
        return f"event {ref}: stream positions {version + 1}..{position - 1} are {what}", ref
    if event.prev != previous:
        return f"event {ref} does not follow {slug}#{version} (edited, swapped or forged)", ref
    stamped = event.recorded_at
    latest = log.latest
    if stamped is not None and latest is not None and stamped < latest[0]:
        return (f"event {ref} is stamped {stamped.isoformat()}, before {latest[1]} ({latest[0].isoformat()}) "
                "which precedes it in the log: record time runs backwards (back-dated or forged)", ref)  # fmt: skip
    if stamped is not None:
        log.latest = (stamped, ref)
    spelt = streams.spelt.get(ident)
    if spelt is None:
        spelt = streams.spelt[ident] = str(UUID(ident))  # the id as the stream's hash spells it
    streams.last[ident] = (position, chain_hash(spelt, position, notification.topic, event.plain))
    log.count += 1
    if against is not None and digest == against:
        log.found = True
    return None


@dataclass(frozen=True, slots=True)
class _Event:
    """What the check reads of one event: its stream, link, record time and canonical bytes."""

    entity: str
    prev: str
    recorded_at: Any
    plain: bytes


def _read(mapper: RecordMapper, notification: LogRow) -> _Event:
    """The event judged from its stored bytes when they have the tracker's exact shape, else
    decoded and validated in full (raising what the full decode raises)."""
    plain = mapper.decrypt(notification)
    fast = stored_form.read(plain)
    if fast is not None:
        return _Event(fast.entity, fast.prev, fast.recorded_at, plain)
    record = mapper.to_domain_event(notification, hashed=False)
    return _Event(record.entity, record.prev, record.event.recorded_at, record.plain)


def _hex(ident: UUID | str) -> str:
    return ident.hex if isinstance(ident, UUID) else str(ident).replace("-", "")


def _ref(streams: _Streams, ident: str, version: int) -> str:
    return f"{streams.slugs.get(ident, ident)}#{version}"


def _id_of(slug: str) -> str:
    from commitment_tracker.tracker.records import stream_id

    return stream_id(slug).hex
