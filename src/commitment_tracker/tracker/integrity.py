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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from time import perf_counter
from uuid import UUID

from commitment_tracker.tracker import stored_form
from commitment_tracker.tracker.chain import CANONICAL, GENESIS, STORED, is_sealed, link
from commitment_tracker.tracker.errors import KeyProblem
from commitment_tracker.tracker.mapper import chain_hash

if TYPE_CHECKING:
    from commitment_tracker.tracker.application import Tracker
    from commitment_tracker.tracker.mapper import RecordMapper
    from commitment_tracker.tracker.recorders import LogRow

PAGE = 10_000  # chain rows read at a time (and the progress step)


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


def verify(tracker: Tracker, against: str | None = None, each: Callable[[LogRow], None] | None = None,
           advance: Callable[[int], None] | None = None) -> Report:  # fmt: skip
    """The log checked from its first event to its last; ``each`` is given every stored event that
    passed every check, in record order (so a reader of the whole log need not read it again);
    ``advance`` is told every thousand events checked (a progress bar).

    The check reads the stored bytes (see stored_form.py): an event in the tracker's exact canonical
    shape is judged without building its model; any other is decoded and validated in full."""
    started = perf_counter()
    aside = 0.0  # the time ``each`` took, which is not this check's
    digest = GENESIS
    count = 0
    found = against is None or against == GENESIS
    streams = _Streams()
    chain = _chain(tracker)
    latest: tuple[Any, str] | None = None  # the latest record time so far, and its event
    mapper = tracker.mapper

    linked = CANONICAL  # the digest version of the last link checked

    def fail(problem: str, broken: str | None) -> Report:
        return Report(False, count, digest, problem, broken, found if against else None, len(streams.last),
                      digest_version=linked, seconds=perf_counter() - started - aside)  # fmt: skip

    for notification in tracker.stored_rows():
        ident = _hex(notification.originator_id)
        event: _Event | None
        try:
            event = _read(mapper, notification)  # type: ignore[arg-type]
            unreadable = None
        except KeyProblem as error:
            if count == 0:  # nothing has decrypted with this key: the key is wrong, not the log
                return Report(False, 0, digest, str(error), None, None, 0, key_problem=str(error))
            event, unreadable = None, "it does not decrypt with the key the events before it decrypt with"
        except Exception as error:
            event, unreadable = None, " ".join(str(error).split())[:200]
        if event is not None and ident not in streams.slugs and _id_of(event.entity) == ident:
            streams.slugs[ident] = event.entity
        ref = _ref(streams, ident, notification.originator_version)
        row = next(chain, None)
        # Version 2 links the canonical bytes; a store encrypted by an earlier release has
        # version-1 links over the ciphertext, which are checked as such (no key needed for them).
        if event is not None and event.plain is not notification.state:
            canonical = link(digest, notification.originator_id, notification.originator_version,
                             notification.topic, event.plain)  # fmt: skip
            as_stored = link(digest, notification.originator_id, notification.originator_version,
                             notification.topic, notification.state) if row is not None and row[3] != canonical else None  # fmt: skip
        else:
            canonical = as_stored = link(digest, notification.originator_id, notification.originator_version,
                                         notification.topic, notification.state)  # fmt: skip
        linked = STORED if row is not None and row[3] == as_stored and canonical != as_stored else CANONICAL
        digest = as_stored if linked == STORED else canonical  # type: ignore[assignment]
        if row is None or row[0] != notification.id:
            if row is not None and row[0] < notification.id:
                missing = _ref(streams, _hex(row[1]), row[2])
                return fail(f"event {missing} (log position {row[0]}) was removed", missing)
            return fail(f"event {ref} (log position {notification.id}) was not written by the tracker (forged)", ref)
        if _hex(row[1]) != ident or row[2] != notification.originator_version:
            return fail(f"log position {notification.id} holds {ref}, not the event recorded there (swapped)", ref)
        if row[3] != digest:
            return fail(f"event {ref} was edited or reordered: its digest no longer matches the chain", ref)
        if event is None:
            return fail(f"event {ref} cannot be read ({unreadable})", ref)
        slug = event.entity
        known = streams.slugs.get(ident)  # set above, once, when the stream's id is its slug's
        position = notification.originator_version
        ref = f"{slug}#{position}"
        if known != slug:
            return fail(f"event {ref} belongs to another entity's stream (forged)", ref)
        version, previous = streams.last.get(ident, (0, ""))
        if position != version + 1:
            what = "missing before it" if position > version + 1 else "out of order"
            return fail(f"event {ref}: stream positions {version + 1}..{position - 1} are {what}", ref)
        if event.prev != previous:
            return fail(f"event {ref} does not follow {slug}#{version} (edited, swapped or forged)", ref)
        stamped = event.recorded_at
        if stamped is not None and latest is not None and stamped < latest[0]:
            return fail(f"event {ref} is stamped {stamped.isoformat()}, before {latest[1]} ({latest[0].isoformat()}) "
                        "which precedes it in the log: record time runs backwards (back-dated or forged)", ref)  # fmt: skip
        if stamped is not None:
            latest = (stamped, ref)
        spelt = streams.spelt.get(ident)
        if spelt is None:
            spelt = streams.spelt[ident] = str(UUID(ident))  # the id as the stream's hash spells it
        streams.last[ident] = (position, chain_hash(spelt, position, notification.topic, event.plain))
        count += 1
        if advance is not None and count % PAGE == 0:
            advance(PAGE)
        if each is not None:
            began = perf_counter()
            each(notification)
            aside += perf_counter() - began
        if against is not None and digest == against:
            found = True
    extra = next(chain, None)
    if extra is not None:
        missing = _ref(streams, _hex(extra[1]), extra[2])
        return fail(f"event {missing} (log position {extra[0]}) was removed from the end of the log", missing)
    seconds = perf_counter() - started - aside
    if not found:
        return Report(False, count, digest, "the log no longer extends the checkpoint (events removed or rewritten)",
                      None, False, len(streams.last), seconds=seconds)  # fmt: skip
    return Report(True, count, digest, None, None, True if against else None, len(streams.last),
                  digest_version=linked, seconds=seconds)  # fmt: skip


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
