"""The Tracker application: the only write API, and the log's read API.

Built on eventsourcing's ``Application``: one stream per commitment, meeting, statement and
source, ids derived from slugs, every command saved in one transaction, and optimistic
concurrency (a conflicting writer reloads, re-decides and retries).
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Mapper, Notification, PersistenceError
from eventsourcing.utils import Environment

from commitment_tracker.events import CommitmentFulfilled, CommitmentMade, Event, MeetingHeld
from commitment_tracker.tracker.errors import (
    ConcurrentWriteError,
    InputError,
    NotFound,
    RuleViolation,
    StoreError,
    StoreMissing,
    TrackerError,
)
from commitment_tracker.tracker.bulk import LogChanged, bulk_transaction, fewer_collections
from commitment_tracker.tracker.importing import read_events
from commitment_tracker.tracker.ledger import Ledger
from commitment_tracker.tracker.mapper import RecordMapper, topic_of
from commitment_tracker.tracker.records import Recorded, stream_id
from commitment_tracker.tracker.recorders import LogRow, StampBehind
from commitment_tracker.tracker.inspection import Found
from commitment_tracker.tracker.store import Store

#: Hears a note about a record that is allowed but looks like a mistake.
Warn = Callable[[str], None]
#: An import names this many of them, then counts the rest.
MAX_CAUTIONS = 20

MAX_ATTEMPTS = 8
T = TypeVar("T")
IMPORT_CHUNK = 1000
PAGE = 1000


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Tracker(Application[UUID]):
    name = "Tracker"

    #: What was found at the store when it was opened (tables, and this user's rights on them).
    found: Found
    #: Whether opening created the store (and the directories it made for it).
    created: bool = False
    made_dirs: list[Path] = []
    #: The directory of a scratch store standing in for one not created yet (``open_for_dry_run``).
    scratch: Path | None = None

    def __init__(self, store: Store) -> None:
        self.store = store
        super().__init__(env=store.settings())
        # The recorder checks, under its write lock, that record time never runs backwards.
        self.recorder.stamp_of = self.mapper.stamp_of  # type: ignore[attr-defined]

    def close(self) -> None:
        super().close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def construct_env(self, name: str, env: Any = None) -> Environment:
        # Only the store's explicit settings: never the process environment, so the library's
        # in-memory default (or a stray variable) can never select another store.
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> Mapper[UUID]:
        return RecordMapper(
            transcoder=self.construct_transcoder(),
            compressor=self.factory.compressor(),
            cipher=self.factory.cipher(),
        )

    # --- writing -------------------------------------------------------------------------------

    def require_writable(self) -> None:
        """Refuse a write up front, in a sentence, when this user may only read the store."""
        if self.found.read_only:
            raise StoreError(f"the store at {self.store.display} is read-only for you: it can be queried, "
                             "verified and exported, not written")  # fmt: skip

    def record(self, events: Sequence[Event], recorded_by: str, warn: Warn | None = None) -> list[Recorded]:
        """Check and save ``events`` in one transaction; all are written or none. ``warn`` hears,
        once they are written, what about them looks like a mistake (see ``cautions``)."""

        def once() -> tuple[list[Recorded], list[str]]:
            ledger = self.decide(events, recorded_by)
            # The event store's put() is what save() does for aggregates: one transaction.
            recordings = self.events.put(ledger.new) if ledger.new else []
            saved = [_with_seq(record, recording.notification.id)
                     for record, recording in zip(ledger.new, recordings, strict=True)]  # fmt: skip
            return saved, [concern for _, concern in ledger.cautions]

        saved, concerns = _retrying(once)
        for concern in concerns:
            if warn is not None:
                warn(concern)
        return saved

    def import_file(self, path: Path, recorded_by: str, *, dry_run: bool = False,
                    progress: Callable[[int], None] | None = None, warn: Warn | None = None) -> int:  # fmt: skip
        """Import a JSON Lines, CSV or YAML file: every line is validated against the store and
        the lines before it, and the whole file is written in one transaction, or nothing is.

        The file is streamed: written a chunk at a time inside that transaction, and events
        already written are let go of, so memory stays bounded however long the file is.
        Returns the number of events imported (or, for a dry run, checked).
        """
        count, concerns = _retrying(lambda: self._import(path, recorded_by, dry_run, progress))
        for line, concern in concerns[:MAX_CAUTIONS]:
            if warn is not None:
                warn(f"line {line}: {concern}")
        if warn is not None and len(concerns) > MAX_CAUTIONS:
            warn(f"... and {len(concerns) - MAX_CAUTIONS} more such notes")
        return count

    def _import(self, path: Path, recorded_by: str, dry_run: bool,
                progress: Callable[[int], None] | None) -> tuple[int, list[tuple[int, str]]]:  # fmt: skip
        now = utcnow()
        count = 0
        concerns: list[tuple[int, str]] = []
        with ExitStack() as stack:
            stack.enter_context(fewer_collections())
            writer = None if dry_run else stack.enter_context(bulk_transaction(self))
            latest = self.latest_recorded_at()
            # Into an empty store, every stream an import reads is one it wrote itself: none is
            # looked for in the store (a query per stream). Whether the store stayed empty until
            # the import held the append lock is checked once its first chunk is in (or on a
            # refusal, which may have come of it): if not, the import is decided again.
            empty = latest is None and not self.count()
            if writer is not None:
                writer.took_empty = empty
            ledger = Ledger(_no_events if empty else self.stream, latest, fetch=writer.fetch if writer else None,
                            editions=self.edition_ids, deferred=True)  # fmt: skip

            def flush() -> None:
                if writer is not None and ledger.new:
                    writer.write(ledger.new, ledger.new_streams)
                    if progress:
                        progress(len(ledger.new))
                    ledger.release()

            for line, event in read_events(path):
                try:
                    ledger.append(event, now, recorded_by)
                except TrackerError as error:
                    if empty and (writer is None or writer.took_empty) and self.count():
                        raise LogChanged("another writer recorded into the store while the import began") from None
                    raise InputError(str(error), line) from None
                if ledger.cautions:
                    concerns += [(line, concern) for _, concern in ledger.cautions]
                    ledger.cautions.clear()
                count += 1
                if len(ledger.new) >= IMPORT_CHUNK:
                    flush()
            flush()
        return count, concerns

    def hold_meeting(self, held: MeetingHeld, fulfils: Sequence[str], recorded_by: str,
                     warn: Warn | None = None) -> list[Recorded]:  # fmt: skip
        """Record a meeting and the commitments it fulfilled, in one transaction.

        Each fulfilment is by the parties present who are party to the commitment.
        """
        events: list[Event] = [held]
        for slug in fulfils:
            stream = self.stream(slug)
            made = stream[0].event if stream else None
            parties = None
            if isinstance(made, CommitmentMade):
                present = tuple(p for p in made.parties if p in held.parties)
                parties = present if present and len(present) < len(made.parties) else None
                if not present:
                    raise RuleViolation(f"none of the parties to {slug!r} took part in {held.meeting!r}")
            events.append(
                CommitmentFulfilled(commitment=slug, on=held.on, parties=parties, meeting=held.meeting,
                                    source=held.source, quote=held.quote)  # fmt: skip
            )
        return self.record(events, recorded_by, warn)

    def decide(self, events: Sequence[Event], recorded_by: str) -> Ledger:
        """Check ``events`` against the store without writing: the ledger of what would be saved."""
        now = utcnow()
        ledger = Ledger(self.stream, self.latest_recorded_at(), editions=self.edition_ids)
        for event in events:
            ledger.append(event, now, recorded_by)
        return ledger

    # --- reading -------------------------------------------------------------------------------

    def stream(self, slug: str) -> list[Recorded]:
        """Every event of one entity's stream, in position order."""
        return list(self.events.get(stream_id(slug)))  # type: ignore[arg-type]

    def event_at(self, ref: str) -> Recorded:
        """The event a reference ``ENTITY#N`` names (``NotFound`` when the stream is shorter)."""
        slug, _, position = ref.rpartition("#")
        found = list(self.events.get(stream_id(slug), gt=int(position) - 1, lte=int(position)))
        if not found:
            held = len(self.stream(slug))
            raise NotFound(f"no event {ref}: {slug!r} has {held} event{'s' if held != 1 else ''}"
                           if held else f"no event {ref}: nothing is recorded about {slug!r}")  # fmt: skip
        return found[0]  # type: ignore[no-any-return]

    def edition_ids(self) -> list[str]:
        """The id of every edition ever published (SPEC §8.1), in record order: read by the
        events' topic, not the whole log."""
        found: list[str] = []
        last = 0
        topics = [topic_of("edition_published")]
        while page := self.recorder.select_notifications(start=last, limit=PAGE, topics=topics,
                                                         inclusive_of_start=False):  # fmt: skip
            found += [self.mapper.to_domain_event(n, validate=False, hashed=False).event.entity for n in page]  # type: ignore[call-arg]
            last = page[-1].id
        return found

    def notifications(self, after: int = 0) -> Iterator[Notification]:
        """Every stored event as the database holds it, in record order, page by page."""
        last = after
        while page := self.recorder.select_notifications(start=last, limit=PAGE, inclusive_of_start=False):
            yield from page
            last = page[-1].id

    def stored_rows(self) -> Iterator[LogRow]:
        """Every stored event as its row holds it, in record order, with nothing built per row:
        for the readers of the whole log (verify, export)."""
        return self.recorder.stream_log()  # type: ignore[attr-defined,no-any-return]

    def stored_pages(self, size: int) -> Iterator[list[tuple[int, str, int, str, bytes]]]:
        """``stored_rows`` ``size`` rows at a time, each a plain tuple of ``LogRow``'s fields."""
        return self.recorder.stream_pages(size)  # type: ignore[attr-defined,no-any-return]

    def log(self, after: int = 0) -> Iterator[Recorded]:
        """Every event in record order (with its log position), decoded and validated."""
        for notification in self.notifications(after):
            yield self.mapper.to_domain_event(notification)  # type: ignore[misc]

    def count(self) -> int:
        """The highest log position (0 when empty); positions may have gaps on PostgreSQL."""
        return self.recorder.max_notification_id() or 0

    def count_events(self) -> int:
        """How many events the log holds."""
        return sum(1 for _ in self.notifications())

    def check_key(self) -> None:
        """Refuse (``KeyProblem``) a store whose events the key given, or the lack of one, cannot
        read. The status view keeps ids, dates, statuses and counts in clear so that it can be
        indexed: read without the key, it would answer as if the store held no content at all.

        Decrypting and decoding the last event tells; validating it again would add nothing but
        a first-use cost (some 20 ms) to every query."""
        last = self.recorder.max_notification_id()
        page = self.recorder.select_notifications(start=last, limit=1) if last else []
        if page:
            self.mapper.to_domain_event(page[0], validate=False, hashed=False)  # type: ignore[call-arg]

    def latest_recorded_at(self) -> datetime | None:
        last = self.recorder.max_notification_id()
        if not last:
            return None
        page = self.recorder.select_notifications(start=last, limit=1)
        if not page:
            return None
        record: Recorded = self.mapper.to_domain_event(page[0])  # type: ignore[assignment]
        return record.event.recorded_at


def _retrying(write: Callable[[], T]) -> T:
    """Run a write; when another writer changed the same streams first (a version conflict),
    decide again from what is now stored, a bounded number of times.

    A write whose stamp fell behind one committed while it waited for the lock is decided again
    too; those retries are not counted against the bound, since each means another writer made
    progress (they are only capped, so that a broken clock can never loop forever)."""
    conflicts = 0
    for attempt in range(MAX_ATTEMPTS * 25):
        try:
            return write()
        except StampBehind:
            time.sleep(random.uniform(0.0, 0.005))
        except IntegrityError:
            conflicts += 1
            if conflicts >= MAX_ATTEMPTS:
                break
            # Exponential backoff with full jitter: writers that collided spread out further each
            # time, so a few busy writers on one stream settle instead of colliding again in step.
            time.sleep(random.uniform(0, min(1.0, 0.01 * 2**conflicts)))
    raise ConcurrentWriteError(
        f"gave up after {MAX_ATTEMPTS} attempts: other writers kept changing the same entities"
    )


def _no_events(slug: str) -> list[Recorded]:
    return []


def _with_seq(record: Recorded, seq: int) -> Recorded:
    return Recorded(record.originator_id, record.originator_version, record.event, record.prev, record.hash, seq)



def open_tracker(store: Store, *, create: bool = True) -> Tracker:
    """Open the store, turning driver failures into one-line errors.

    With ``create``, a store that does not exist yet is created (its directory or schema, and the
    log's tables); without it, that is an error. Either way a file or schema that holds something
    else is refused untouched, and an existing store is opened without any DDL. A SQLite store
    this user may not write is opened read-only: it can still be queried, verified and exported.
    """
    from commitment_tracker.tracker.inspection import create_schema, inspect, missing, sqlite_fault

    try:
        found = inspect(store)
        created = found is None
        made: list[Path] = []
        if found is None:
            if not create:
                raise missing(store)
            if store.backend == "sqlite":
                made = [p for p in Path(store.location).parents if not p.exists()]
                Path(store.location).parent.mkdir(parents=True, exist_ok=True)
            else:
                create_schema(store)
            Tracker(store.creating()).close()
            found = inspect(store)
            assert found is not None
        if store.backend == "sqlite" and found.read_only:
            store = store.read_only(immutable=found.immutable)
        tracker = Tracker(store)
        tracker.found, tracker.created, tracker.made_dirs = found, created, made
        return tracker
    except PersistenceError as error:
        if store.backend == "sqlite":
            raise StoreError(sqlite_fault(_first_line(error), store.display)) from None
        raise StoreError(f"cannot open store {store.display}: {store.hide(_first_line(error))}") from None
    except OSError as error:
        raise StoreError(f"cannot open store {store.display}: {store.hide(str(error))}") from None
    except ValueError as error:  # the cipher rejects a malformed key
        if "CIPHER_KEY" in store.settings():
            raise StoreError(f"TRACKER_CIPHER_KEY is not a valid AES key ({_first_line(error)})") from None
        raise


def open_for_dry_run(store: Store) -> Tracker:
    """The store, for a dry run, which only reads. One that does not exist yet is answered as the
    empty store it would be: a scratch SQLite store in a temporary directory, gone when it is
    closed, so nothing is created where the store would be (no file, directory or schema)."""
    from commitment_tracker.tracker.store import resolve

    try:
        return open_tracker(store, create=False)
    except StoreMissing:
        pass
    directory = Path(tempfile.mkdtemp(prefix="ctrack-dry-run-"))
    try:
        tracker = open_tracker(resolve(str(directory / "empty.db"), cipher_key=""), create=True)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    tracker.created, tracker.scratch = False, directory
    return tracker


def discard_new_store(tracker: Tracker) -> None:
    """Undo the creation of a SQLite store by a command that then failed, if nothing is in it:
    a refused first write leaves no file behind. (On PostgreSQL the empty tables stay.)"""
    if not tracker.created or tracker.store.backend != "sqlite" or tracker.count():
        return
    tracker.close()
    for suffix in ("-wal", "-shm", ""):
        Path(tracker.store.location + suffix).unlink(missing_ok=True)
    for directory in tracker.made_dirs:  # innermost first
        directory.rmdir()


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
