"""``import-scores``: a wide score table turned into the events it adds to the store.

Each row is matched to a commitment, in this order: the id derived from its code; else a stored
commitment of the same year with the same wording (a row the later edition re-coded, such as
``2010-134`` -> ``2010S-134``); else it is new. Then only what is new or changed is recorded:
``commitment_made`` for a new commitment; one ``event_corrected`` when its area, code, wording or
parties changed (a party scored for the first time joins its parties); a ``compliance_assessed``
for every score that differs from the one that counts for that party (in that cycle) as of the
import's date. So importing the same table twice records nothing, and a later edition records
only what it adds or changes. A row a later edition leaves out changes nothing: an edition that
omits a commitment is not evidence that its scores were withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import CommitmentMade, ComplianceAssessed, Event, build, first_day
from commitment_tracker.events.scoring import counting_scores, summit_of
from commitment_tracker.tracker.averages import EditionTimes, average_setter, edition_of, edition_times
from commitment_tracker.tracker.errors import InputError, RuleViolation, TrackerError, UsageProblem
from commitment_tracker.tracker.scoretable import Row, read_summits, read_table, title_of, wording_key
from commitment_tracker.tracker.streamreads import Assessment, StreamReader

#: Rows planned and written at a time: their streams are read in one query, their events written
#: together, and then let go of.
CHUNK_ROWS = 250

if TYPE_CHECKING:
    from commitment_tracker.tracker.application import Tracker
    from commitment_tracker.tracker.ledger import Ledger
    from commitment_tracker.tracker.streams import Stream


@dataclass(frozen=True)
class Published:
    """What ``import-scores --edition`` adds (SPEC §8.1): the edition every score is part of,
    the edition's title when it is new, and the evidence every event recorded carries."""

    edition: str | None = None
    title: str | None = None
    source: str | None = None
    assessor: str | None = None
    note: str | None = None


@dataclass
class ScoreImport:
    """What an import recorded (or, for a dry run, would record), and what it noticed."""

    commitments: int = 0
    corrections: int = 0
    scores: int = 0
    unchanged: int = 0
    rows: int = 0
    edition: str | None = None
    kept: int = 0  # scores in the store whose cell the table leaves empty
    notes: list[str] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return {"edition": self.edition, "rows": self.rows, "new_commitments": self.commitments, "corrections": self.corrections,
                "new_scores": self.scores, "unchanged_scores": self.unchanged}  # fmt: skip


class Planner:
    def __init__(self, tracker: Tracker, ledger: Ledger, reader: StreamReader, on: str, cycle: str | None,
                 summits: dict[tuple[int, str], str], source: str, parties: list[str],
                 result: ScoreImport, published: Published | None = None) -> None:  # fmt: skip
        self.tracker = tracker
        self.published = published or Published()
        self.reader = reader
        self.writing = reader.writer is not None  # else a dry run
        self.flush: Callable[[], None] = lambda: None  # writes what the ledger holds unwritten
        self.created: set[str] = set()  # the commitments this import makes
        self._templates: dict[tuple[str, int], Event] = {}
        self.parties = parties  # the table's member columns, as codes
        self.result = result
        self.ledger = ledger
        self.on = on
        self.day = first_day(on)
        self.cycle = cycle
        self.summits = summits
        self.reason = f"as published in {source}"
        self._wordings: dict[tuple[int, str], str] | None = None
        self.seen: set[str] = set()
        self._touched: list[str] = []
        self._edition_times: EditionTimes | None = None  # read once, when first needed

    def wordings(self) -> dict[tuple[int, str], str]:
        """(year, wording) -> id of every commitment stored before this import that carries a
        code (read once, only when a row's code is not in the store: its commitment may have
        been re-coded), in the order they were made (a later one of the same wording wins)."""
        if self._wordings is None:
            self.flush()  # what this import decided so far is read back with what was stored
            found = []
            for seq, knowledge in self.reader.commitments_made():
                made = knowledge.event_at(1)
                slug = made.commitment  # type: ignore[attr-defined]
                if slug in self.created:
                    continue  # not stored before this import
                if not self.writing and slug in self.seen:  # a dry run's decisions are only in its ledger
                    stream = self.ledger.stream(slug)
                    current = stream.made if stream.kind == "commitment" else None
                else:
                    current = None if knowledge.is_retracted(1) else made
                if current is not None and current.code and current.text:
                    found.append((seq, (first_day(current.on).year, wording_key(current.text)), slug))
            self._wordings = {key: slug for _, key, slug in sorted(found, key=lambda item: item[0])}
        return self._wordings

    def match(self, row: Row) -> tuple[str, Stream | None]:
        stream = self.ledger.stream(row.slug)
        if stream.used:
            if stream.kind != "commitment":
                raise InputError(f"the id {row.slug!r} (from code {row.code}) is already used by a "
                                 f"{stream.kind or 'retracted commitment'}", row.line)  # fmt: skip
            return row.slug, stream
        slug = self.wordings().get((row.year, wording_key(row.text)))
        if slug is not None and slug not in self.seen:
            previous = self.ledger.stream(slug).made.code
            self.note(f"line {row.line}: {row.code} has the wording of {previous} ({slug}): the same "
                              f"commitment re-coded; its code is corrected")  # fmt: skip
            return slug, self.ledger.stream(slug)
        return row.slug, None

    def note(self, message: str) -> None:
        self.result.notes.append(message)

    def events(self, row: Row) -> Iterator[Event]:
        slug, stream = self.match(row)
        self.seen.add(slug)
        self._touched.append(slug)
        if stream is None:
            self.created.add(slug)
            yield self._made(slug, row)
            current: dict[str, int] = {}
        else:
            made = stream.made
            correction = self._correction(slug, made, row, stream)
            if correction is not None:
                yield correction
            assessments = self._assessments(stream)
            current = counting_scores(assessments, self.day, self.cycle)
            # An empty cell is "not assessed in this table", not evidence the score was withdrawn.
            self.result.kept += sum(1 for party in current if party not in row.scores)
        for party, score in row.scores.items():
            if current.get(party) == score:
                self.result.unchanged += 1
                continue
            self.result.scores += 1
            yield self._assessed(slug, party, score)

    def _assessed(self, slug: str, party: str, score: int) -> Event:
        """A score as an event. Every assessment of an import has the same date and cycle and one
        of a few (party, score) pairs: each pair is validated by the schema once, and its event
        copied for each commitment (whose id the schema validated when it was made)."""
        template = self._templates.get((party, score))
        if template is None:
            given = self.published
            template = build("compliance_assessed", commitment=slug, party=party, score=score, on=self.on,
                             cycle=self.cycle, edition=given.edition, assessor=given.assessor,
                             source=given.source, note=given.note)  # fmt: skip
            self._templates[(party, score)] = template
        return template if template.commitment == slug else template.model_copy(update={"commitment": slug})  # type: ignore[attr-defined]

    def _on(self, row: Row) -> str:
        found = self.summits.get((row.year, row.summit))
        if found is None and self.summits:
            self.note(f"line {row.line}: no date for summit {row.year} {row.summit or '-'} in the summits "
                              f"file: {row.code} is dated {row.year}")  # fmt: skip
        return found or str(row.year)

    def _made(self, slug: str, row: Row) -> Event:
        self.result.commitments += 1
        parties = tuple(row.scores) or tuple(self.parties)
        return build("commitment_made", commitment=slug, on=self._on(row), title=title_of(row.text),
                     parties=parties, area=row.area or None, code=row.code, text=row.text,
                     summit=summit_of(row.year, row.summit), published_average=self._published_average(row),
                     source=self.published.source, note=self.published.note)  # fmt: skip

    def _published_average(self, row: Row) -> float | None:
        """The row's published average, recorded only from an edition (SPEC §8.1)."""
        if self.published.edition is None or row.average is None:
            return None
        if not -1 <= row.average <= 1:  # (NaN fails this too)
            self.note(f"line {row.line}: {row.code}: published average {row.average:g} is not between -1 and 1: "
                      "not recorded")  # fmt: skip
            return None
        return float(row.average)

    def _correction(self, slug: str, made: CommitmentMade, row: Row, stream: Stream) -> Event | None:
        changes: dict[str, Any] = {}
        dated = self.summits.get((row.year, row.summit))
        if dated is not None and dated != made.on:  # a summit date given (or fixed) since: never a coarser one
            changes["on"] = dated
        if (row.area or None) != made.area:
            changes["area"] = row.area
        if row.code != made.code:
            changes["code"] = row.code
        if made.text is None or wording_key(row.text) != wording_key(made.text):
            changes["text"] = row.text
            if made.title != title_of(row.text):
                changes["title"] = title_of(row.text)
        summit = summit_of(row.year, row.summit)
        if getattr(made, "summit", None) != summit:  # also a pledge imported before summits were recorded
            changes["summit"] = summit
        published = self._published_average(row)
        if published is not None and (published != getattr(made, "published_average", None)
                                      or self._of_another_cycle(stream)):  # fmt: skip
            changes["published_average"] = published
        joined = [p for p in row.scores if p not in made.parties]
        if joined:
            changes["parties"] = (*made.parties, *joined)
        if not changes:
            return None
        self.result.corrections += 1
        # The source is the correction's own evidence; its ``note`` would be a corrected value (the
        # pledge's note), so the import's note is not put on it.
        return build("event_corrected", target=f"{slug}#1", reason=self.reason, source=self.published.source,
                     **changes)  # fmt: skip

    def _of_another_cycle(self, stream: Stream) -> bool:
        """Whether the commitment's published average was published by an edition of another cycle
        than this import's: then the same value printed again is recorded again, as this edition's
        (``scores --cycle`` sets an average beside the scores of its edition's cycle alone)."""
        if self._edition_times is None:
            found = []
            for slug in self.ledger.editions():
                knowledge = self.ledger.stream(slug).knowledge
                if knowledge.version and not knowledge.is_retracted(1):
                    found.append((knowledge.records[0], knowledge.event_at(1)))
            self._edition_times = edition_times(found)
        knowledge = stream.knowledge
        edition = edition_of(average_setter(knowledge.records[0], knowledge.live_corrections(1)), self._edition_times)
        return edition is not None and edition[1] != self.cycle

    def _assessments(self, stream: Stream) -> list[ComplianceAssessed | Assessment]:
        """The stream's live assessments in (valid date, record order): an uncorrected one as
        its stored fields, a corrected one as the event its corrections make of it."""
        knowledge = stream.knowledge
        found: list[tuple[int, ComplianceAssessed | Assessment]] = []
        for position in range(2, knowledge.version + 1):
            if knowledge.records[position - 1].event.type != "compliance_assessed" or knowledge.is_retracted(position):
                continue
            light = None if knowledge.corrected(position) else self.reader.assessment(stream.slug, position)
            found.append((position, light if light is not None else knowledge.event_at(position)))  # type: ignore[arg-type]
        found.sort(key=lambda pair: (first_day(pair[1].on), pair[0]))
        return [event for _, event in found]

    def touched(self) -> list[str]:
        """The commitments rows matched since this was last asked."""
        found, self._touched = self._touched, []
        return found


def import_scores(tracker: Tracker, path: Path, *, on: str, cycle: str | None, summits: Path | None,
                  recorded_by: str, dry_run: bool, published: Published | None = None,
                  progress: Callable[[int], None] | None = None) -> ScoreImport:  # fmt: skip
    """Read, check and record a whole table in one transaction: all of it, or nothing (decided
    again from what is stored if another writer changed the same commitments meanwhile). With an
    edition, its ``edition_published`` comes last, in the same transaction. ``progress`` is told
    how many rows each chunk holds once it is done."""
    from commitment_tracker.tracker.application import _retrying

    published = published or Published()
    return _retrying(lambda: _import(tracker, path, on, cycle, summits, recorded_by, dry_run, published, progress))


def _edition_state(tracker: Tracker, published: Published) -> bool | None:
    """Whether the import's edition exists already (None: the import names none); refuses an id
    another entity holds, and a new edition without its title, before any row is read."""
    if published.edition is None:
        return None
    stream = tracker.stream(published.edition)
    if not stream:
        if published.title is None:
            raise UsageProblem(f"--title is required: edition {published.edition} is new")
        return False
    if stream[0].event.type != "edition_published":
        raise RuleViolation(f"the id {published.edition!r} is already used")
    return True


def _import(tracker: Tracker, path: Path, on: str, cycle: str | None, summits: Path | None,
            recorded_by: str, dry_run: bool, published: Published,
            progress: Callable[[int], None] | None = None) -> ScoreImport:  # fmt: skip
    from contextlib import ExitStack

    from commitment_tracker.tracker.application import utcnow
    from commitment_tracker.tracker.bulk import bulk_transaction
    from commitment_tracker.tracker.ledger import Ledger

    exists = _edition_state(tracker, published)
    # Read before the import's transaction opens: the rules check the editions' order.
    editions = tracker.edition_ids() if exists is False else []
    table = read_table(path)
    dates, warnings = read_summits(summits) if summits else ({}, [])
    result = ScoreImport(rows=len(table.rows), edition=published.edition, notes=list(warnings))
    for code, rows in table.duplicates.items():
        result.notes.append(f"lines {', '.join(str(r.line) for r in rows)}: the code {code} is used for "
                            f"{len(rows)} different commitments; kept apart as {', '.join(r.slug for r in rows)}")  # fmt: skip
    twins: dict[tuple[int, str], list[Row]] = {}
    for row in table.rows:
        twins.setdefault((row.year, wording_key(row.text)), []).append(row)
    for rows in twins.values():
        if len({row.code for row in rows}) > 1:  # imported apart: which one stands is the analyst's call
            result.notes.append(f"lines {', '.join(str(r.line) for r in rows)}: {' and '.join(r.code or r.slug for r in rows)} "
                                "have the same year and wording; imported as separate commitments")  # fmt: skip
    for row in table.rows:
        if row.mismatch:
            dashes = ""
            if row.dashes:  # a bare '-' may have meant "not assessed" to whoever averaged the row
                other = row.mean_without_dashes
                dashes = (f" ('-' is read as -1, for {', '.join(row.dashes)}; read as not assessed, the scores would "
                          + ("have no average" if other is None else f"average {other:.4g}") + ")")  # fmt: skip
            result.notes.append(f"line {row.line}: {row.code}: published average {row.average:g}, but its "
                                f"{len(row.scores)} scores average {row.mean:.4g}{dashes}; the scores are stored")  # fmt: skip
    now = utcnow()
    with ExitStack() as stack:
        writer = None if dry_run else stack.enter_context(bulk_transaction(tracker))
        reader = StreamReader(tracker, writer)
        ledger = Ledger(reader.load, tracker.latest_recorded_at(), fetch=reader.fetch, editions=lambda: editions,
                        deferred=True)
        planner = Planner(tracker, ledger, reader, on, cycle, dates, path.name, table.parties, result, published)

        def flush() -> None:
            if writer is not None and ledger.new:
                writer.write(ledger.new, ledger.new_streams)
                ledger.release()

        planner.flush = flush
        for start in range(0, len(table.rows), CHUNK_ROWS):
            chunk = table.rows[start : start + CHUNK_ROWS]
            reader.read(row.slug for row in chunk)  # the chunk's streams in one query
            for row in chunk:
                try:
                    for event in planner.events(row):
                        ledger.append(event, now, recorded_by)
                except InputError:
                    raise
                except TrackerError as error:
                    raise InputError(f"{row.code}: {error}", row.line) from None
            done = planner.touched()
            if writer is not None:
                flush()
                # Each commitment is matched by one row: the chunk's streams are done with (and
                # read again, within this transaction, should anything ask), so memory stays bounded.
                ledger.forget(done)
            reader.let_go([*done, *(row.slug for row in chunk)])
            if progress is not None:
                progress(len(chunk))
        changed = result.commitments + result.corrections + result.scores
        if exists and changed:
            raise RuleViolation(f"edition {published.edition} is already published: its scores are not changed "
                                "afterwards (publish the changes as a new edition)")  # fmt: skip
        if exists is False:
            ledger.append(build("edition_published", edition=published.edition, on=on, title=published.title,
                                cycle=cycle, source=published.source, note=published.note), now, recorded_by)  # fmt: skip
            flush()
        if result.kept:
            result.notes.append(f"{result.kept} score{'s' if result.kept != 1 else ''} the table leaves empty "
                                f"{'are' if result.kept != 1 else 'is'} kept as {'they were' if result.kept != 1 else 'it was'} "
                                "(retract a score if the table dropped it on purpose)")  # fmt: skip
        left_out = sorted(slug for slug in planner.wordings().values() if slug not in planner.seen)
        if left_out:
            shown = ", ".join(left_out[:10]) + (f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
            result.notes.append(f"{len(left_out)} coded commitment{'s' if len(left_out) != 1 else ''} in the store "
                                f"{'are' if len(left_out) != 1 else 'is'} not in this table ({shown}): kept as "
                                "they were (retract their scores if the table dropped them on purpose)")  # fmt: skip
    return result


