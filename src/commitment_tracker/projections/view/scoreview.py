"""Compliance scores answered from the materialised view: no event decoded.

``view_assessments`` holds every live assessment over record time. The score that counts is the
last of a party's rows in (valid date, record order), exactly as the pure fold in ``scores.py``
decides; a commitment the view marks as changing at K (a gap) is folded exactly from its own
stream instead.

Two ways to the same answer:
- ``score_summary`` on a clear store groups in SQL: each row says until when it counts (see
  ``ViewSQL.counted_scores``), so picking the scores that count is a filter and the averages one
  GROUP BY, the cost of a scan of the live assessments in the database; Python touches only the
  groups it shows;
- on an encrypted store party, score, cycle and area are sealed (content, not ids or dates), so
  ``ScoreSource`` unseals every live assessment and the grouping is the fold's own, in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from commitment_tracker.events import first_day
from commitment_tracker.events.parties import name_of
from commitment_tracker.projections.view.boardrows import board_row
from commitment_tracker.projections.view.disputes import SQLDisputes, disputed_rows
from commitment_tracker.projections.view.tables import stamp
from commitment_tracker.projections.view.decode import loads
from commitment_tracker.projections.areas import area_key, in_area
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.editions import average_edition, edition_cycles
from commitment_tracker.tracker.averages import EditionTimes
from commitment_tracker.projections.reviews import Coding, UnitCodings, codings, count_disputed, until
from commitment_tracker.projections.reviews import units as reviewed_units
from commitment_tracker.events.scoring import in_summit, summit_parts
from commitment_tracker.projections.scores import (
    UNLABELLED, Scored, by_cycle, cycles, percent, score_sheet, scored, summarise, with_published,
)  # fmt: skip

if TYPE_CHECKING:
    from commitment_tracker.projections.knowledge import Knowledge
    from commitment_tracker.projections.view.contract import Reader
    from commitment_tracker.projections.view.recorder import ViewSQL


#: Commitments read (streams folded, board rows decoded) at a time by ``scores --by commitment``:
#: what it holds at once besides its answer, however many commitments the store has.
CHUNK = 500


class ScoreSource:
    """Every commitment and assessment at ``clocks`` (as of, known at), read once (``board``: the
    board at ``clocks``, when the caller has read it already; ``among``: only these commitments'
    assessments are read, the board being theirs)."""

    def __init__(self, reader: Reader, clocks: Clocks, board: list[dict[str, Any]] | None = None,
                 among: frozenset[str] | None = None) -> None:  # fmt: skip
        as_of, known = clocks.as_of, stamp(clocks.known_at)
        self.as_of = as_of
        self._reader, self._clocks, self._board = reader, clocks, board
        self.rows: dict[str, list[Coding]] = {}
        if reader.view is None:
            # A reader that folds the log (a read-only user whose view lags): every score from the fold.
            self.gaps = {row["id"] for row in self.board}
            self.exact = reader.knowledge_of_ids(sorted(self.gaps), clocks) if self.gaps else None
            return
        # A commitment changing at K (a gap) is folded exactly, unless nothing assessed it by K:
        # then it has no score at K either, as the view says (no row). On a log kept on the same
        # commitments for years most are in a gap at any K inside a page, and few are assessed.
        if among is None:
            self.gaps = set(reader.view.assessed_gaps(known))
            scored = reader.view.scores(as_of.isoformat(), known)
        else:
            self.gaps = set(reader.view.assessed_gaps(known, set(reader.view.gaps(known)) & among))
            scored = reader.view.scores(as_of.isoformat(), known, among) if among else []
        contents: dict[str, dict[str, Any]] = {}  # the few distinct texts, each parsed once
        for entity, position, on, data in scored:
            if entity not in self.gaps:
                if data not in contents:
                    contents[data] = loads(data)
                self.rows.setdefault(entity, []).append(Coding.from_data(entity, position, on, contents[data]))
        self.exact = reader.knowledge_of_ids(sorted(self.gaps), clocks) if self.gaps else None

    @property
    def board(self) -> list[dict[str, Any]]:
        """The whole board at the clocks, read on first use (the scores of a few commitments, and
        the review answers, never need it)."""
        if self._board is None:
            self._board = self._reader.board(self._clocks)
        return self._board

    def assessed_board(self) -> list[dict[str, Any]]:
        """The board's rows of the commitments with an assessment at the clocks, in the board's
        order: all the review answers (SPEC §8.2) are about, read for them alone."""
        if self._reader.view is None or self._board is not None:
            return [row for row in self.board if row["id"] in self.gaps or row["id"] in self.rows]
        return self._reader.board_among(sorted(self.gaps | self.rows.keys()), self._clocks)

    def cycles(self) -> list[str]:
        found = {coding.cycle or UNLABELLED for rows in self.rows.values() for coding in rows}
        if self.exact is not None:
            found |= set(cycles(self.exact))
        return sorted(found, key=lambda c: (c == UNLABELLED, c))

    def codings(self, slug: str) -> list[Coding]:
        """A commitment's live assessments dated by the day, with their review state."""
        if slug in self.gaps:
            assert self.exact is not None
            return until(codings(self.exact, slug), self.as_of)
        return self.rows.get(slug, [])

    def _scores(self, slug: str, cycle: str | None, approved_only: bool = False) -> dict[str, int]:
        if slug in self.gaps:
            assert self.exact is not None
            found = scored(self.exact, slug, self.as_of, cycle, approved_only)
            return found.scores if found is not None else {}
        scores: dict[str, int] = {}
        for coding in self.rows.get(slug, ()):
            if (cycle is None or coding.cycle == (cycle or None)) and (coding.approved or not approved_only):
                scores[coding.party] = coding.score
        return scores

    def units(self, slug: str, approved_only: bool = False) -> dict[tuple[str, str | None], int]:
        """The score that counts on each (party, cycle) of a commitment, as ``scores --cycle``
        picks it with that cycle (None: the assessments without one; approved ones alone, if asked)."""
        if slug in self.gaps:
            assert self.exact is not None
            labels = set(cycles(self.exact, [slug]))  # its own: another's would only add empty units
        else:
            labels = {coding.cycle or UNLABELLED for coding in self.rows.get(slug, ())}
        return {(party, label or None): score for label in sorted(labels)
                for party, score in self._scores(slug, label, approved_only).items()}  # fmt: skip

    def unit_codings(self, board: list[dict[str, Any]] | None = None) -> list[UnitCodings]:
        """Every unit of every commitment on the board (of ``board``'s, when given), as of the day (SPEC §8.2)."""
        return [unit for row in (self.board if board is None else board)
                for unit in reviewed_units(self.codings(row["id"]), self.as_of)]  # fmt: skip

    def sheet(self, *, cycle: str | None = None, area: str | None = None, party: str | None = None,
              ids: set[str] | None = None, summits: dict[str, str | None] | None = None,
              approved_only: bool = False) -> list[Scored]:  # fmt: skip
        """The same sheet as ``scores.score_sheet`` on the fold (of the commitments ``ids`` alone,
        if given; ``summits``: each commitment's summit)."""
        sheet = []
        for row in self.board:
            if not in_area(row.get("area"), area) or (ids is not None and row["id"] not in ids):
                continue
            scores = self._scores(row["id"], cycle, approved_only)
            if party is not None:
                scores = {p: s for p, s in scores.items() if p == party}
            sheet.append(Scored(row["id"], row.get("code"), row.get("area"), row["title"], row["made_on"], scores,
                                (summits or {}).get(row["id"])))  # fmt: skip
        return sheet

    def summary(self, by: str, *, cycle: str | None = None, area: str | None = None,
                party: str | None = None, ids: set[str] | None = None,
                summits: dict[str, str | None] | None = None, approved_only: bool = False) -> dict[str, Any]:  # fmt: skip
        """``groups`` and ``overall`` (SPEC §8), grouped in Python by the fold's own code."""
        sheet = self.sheet(cycle=cycle, area=area, party=party, ids=ids, summits=summits, approved_only=approved_only)
        if by != "cycle":
            return summarise(sheet, by)
        labels = [cycle] if cycle else self.cycles()
        return by_cycle({c: self.sheet(cycle=c, area=area, party=party, ids=ids, approved_only=approved_only)
                         for c in labels}, sheet)  # fmt: skip


class CycleAverages:
    """Which published averages stand beside the scores of one cycle (``scores --cycle``): those
    an edition of that cycle published (``editions.average_edition``). The others are of other
    scores: set aside, and counted by edition for a note. The editions are read once, when a
    published average first needs them."""

    def __init__(self, reader: Reader, clocks: Clocks, cycle: str) -> None:
        self.reader, self.clocks, self.cycle = reader, clocks, cycle
        self.aside: dict[str, int] = {}  # "edition: cycle" -> averages set aside
        self._times: EditionTimes | None = None

    def making(self, stream: list[Any]) -> Any:
        """A commitment's making (``stream``: its resolved stream), its published average set aside
        when an edition of another cycle published it."""
        made = stream[0].event
        if getattr(made, "published_average", None) is None:
            return made
        if self._times is None:
            self._times = edition_cycles(self.reader.knowledge_of_kinds(frozenset({"edition"}), self.clocks))
        edition = average_edition(stream, self._times)
        if edition is None or (edition[1] or UNLABELLED) == self.cycle:
            return made
        label = f"{edition[0]}: {edition[1] or 'no cycle'}"
        self.aside[label] = self.aside.get(label, 0) + 1
        return made.model_copy(update={"published_average": None})

    def note(self, notes: list[str] | None) -> None:
        """Tell ``notes`` how many published averages were set aside as another cycle's."""
        if self.aside and notes is not None:
            count = sum(self.aside.values())
            notes.append(f"{count} published average{'s are' if count != 1 else ' is'} of an edition of another cycle "
                         f"({', '.join(sorted(self.aside))}): not set beside the {self.cycle or 'unlabelled'} scores")  # fmt: skip


def cycle_averages(reader: Reader, clocks: Clocks, cycle: str | None) -> CycleAverages | None:
    """``CycleAverages`` of ``cycle``; None (every published average stands) without one."""
    return None if cycle is None else CycleAverages(reader, clocks, cycle)


def pledges(reader: Reader, slugs: list[str], clocks: Clocks, averages: CycleAverages | None = None) -> dict[str, Any]:
    """Each commitment's making as known at ``clocks.known_at``, corrections applied: what the board rows
    do not carry (summit, text, published average), read from those commitments' streams alone;
    with ``averages``, only the published averages of its cycle."""
    found: dict[str, Any] = {}
    wanted = list(dict.fromkeys(slugs))
    # A chunk of streams at a time: only the makings are kept, not every commitment's whole stream.
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        knowledge = reader.knowledge_of_ids(sorted(chunk), clocks)
        for slug in chunk:
            stream = knowledge.streams.get(slug)
            if stream is not None:
                found[slug] = stream[0].event if averages is None else averages.making(stream)
    return found


def in_scope(made: dict[str, Any], summit: str | None, year: int | None, notes: list[str] | None) -> set[str]:
    """The commitments of a summit and a year (either may be None: any). A commitment imported
    before commitments had a summit matches no summit: ``notes`` hears how many there are."""
    if summit is not None and notes is not None:
        unplaced = sum(1 for event in made.values() if event.summit is None)
        if unplaced:
            notes.append(f"{unplaced} commitment{' has' if unplaced == 1 else 's have'} no summit recorded (made "
                         "before summits were recorded, or not from a score table) and match no --summit; "
                         "importing their table again records their summits")  # fmt: skip
    return {slug for slug, event in made.items()
            if (summit is None or in_summit(event.summit, summit)) and (year is None or first_day(event.on).year == year)}  # fmt: skip


#: A valid date after every date a store holds, as known now: the board then holds every commitment made.
EVERYTHING = Clocks(date(9999, 1, 1))


def unknown_names(reader: Reader, area: str | None, cycle: str | None, summit: str | None = None) -> dict[str, str]:
    """The ``--area``, ``--cycle`` and ``--summit`` that nothing in the store names, at any date, as
    known now (a typo: a usage error), each with the closest names that exist; {} when all are
    known. A known name with nothing at the asked moment is not unknown (``filter_notes`` says so)."""
    if area is None and not cycle and summit is None:
        return {}
    named: set[str] = set()
    if cycle:  # an edition names its cycle before any score of it is recorded
        from commitment_tracker.projections.editions import editions

        named = {row["cycle"] for row in editions(reader.knowledge_of_kinds(frozenset({"edition"}), EVERYTHING))
                 if row["cycle"]}  # fmt: skip
    source = ScoreSource(reader, EVERYTHING)
    problems = _unnamed(source, area, cycle, named)
    if summit is not None:
        problems |= _unheld(reader, source, summit)
    return problems


def _unheld(reader: Reader, source: ScoreSource, summit: str) -> dict[str, str]:
    """``--summit`` when no commitment was made at a summit it names, with the closest summits. A
    store whose commitments have no summit recorded at all (imported before summits were) is left
    to ``in_scope``'s note, which says how to record them."""
    from commitment_tracker.projections.queries import did_you_mean

    held = {event.summit for event in pledges(reader, [row["id"] for row in source.board], EVERYTHING).values()
            if event.summit}  # fmt: skip
    if not held or any(in_summit(name, summit) for name in held):
        return {}
    return {"--summit": f"no commitment was made at a summit {summit!r}{did_you_mean(summit.strip().upper(), sorted(held))}"}


def filter_notes(reader: Reader, clocks: Clocks, area: str | None, cycle: str | None) -> list[str]:
    """For an answer with no score: the ``--area`` or ``--cycle`` no commitment or score has at
    that moment, each with the closest ones that exist."""
    if area is None and not cycle:
        return []
    return list(_unnamed(ScoreSource(reader, clocks), area, cycle).values())


def _unnamed(source: ScoreSource, area: str | None, cycle: str | None, cycles: Iterable[str] = ()) -> dict[str, str]:
    """The ``--area`` no commitment of ``source`` has and the ``--cycle`` none of its scores (nor
    ``cycles``) has, by option, each with the closest names that exist."""
    from commitment_tracker.projections.queries import did_you_mean

    problems: dict[str, str] = {}
    if area is not None:
        areas = {area_key(row.get("area")): row["area"] for row in source.board if row.get("area")}
        if area_key(area) not in areas:
            close = did_you_mean(area_key(area), sorted(areas))
            for key, name in areas.items():  # named as the commitments spell them
                close = close.replace(repr(key), repr(name))
            problems["--area"] = f"no commitment has the issue area {area!r}{close}"
    if cycle:
        labels = sorted({label for label in source.cycles() if label != UNLABELLED} | set(cycles))
        if cycle not in labels:
            problems["--cycle"] = f"no score has the cycle {cycle!r}{did_you_mean(cycle, labels)}"
    return problems


#: The wide layout ``import-scores`` reads, before the party columns.
TABLE_COLUMNS = ("area", "id", "year", "code", "text", "average")


def score_table(reader: Reader, clocks: Clocks, *, cycle: str | None = None,
                area: str | None = None, summit: str | None = None, year: int | None = None,
                published: bool = False, notes: list[str] | None = None,
                approved_only: bool = False) -> tuple[list[str], list[dict[str, Any]]]:  # fmt: skip
    """The scores as the wide table compliance reports publish (SPEC §8.1 ``export-scores``): the
    party codes that have a score, and one row per scored commitment, in board order, keyed by
    ``TABLE_COLUMNS`` and the codes. ``import-scores`` of it, with the cycle its scores were
    recorded with, records nothing: ``id`` is the code (else the id), ``year`` and ``code`` spell
    the summit (else the year it was made), ``text`` the wording (else the title)."""
    source = ScoreSource(reader, clocks)
    # A summit or a year needs every making (each says whether its commitment is in scope);
    # otherwise only the rows' makings are read, once the rows are known (a making is a stream).
    # With --published, an average published for another cycle's scores is not written.
    averages = cycle_averages(reader, clocks, cycle if published else None)
    made = (pledges(reader, [row["id"] for row in source.board], clocks, averages)
            if summit is not None or year is not None else None)  # fmt: skip
    ids = in_scope(made, summit, year, notes) if made is not None else None
    sheet = [row for row in source.sheet(cycle=cycle, area=area, ids=ids, approved_only=approved_only) if row.scores]
    if made is None:
        made = pledges(reader, [row.id for row in sheet], clocks, averages)
    if averages is not None:
        averages.note(notes)
    rows, parties, unspelt = [], set(), []
    for scored_row in sheet:
        event = made[scored_row.id]
        parties |= set(scored_row.scores)
        mean = sum(scored_row.scores.values()) / len(scored_row.scores)
        average = event.published_average if published else mean
        parts = summit_parts(event.summit) if event.summit else None
        if event.summit and parts is None:  # not a year and a letter: the making's year, the summit as code
            unspelt.append(f"{scored_row.id} ({event.summit!r})")
        year, code = parts or (first_day(event.on).year, event.summit or "")
        rows.append({"area": event.area or "", "id": event.code or scored_row.id, "year": year, "code": code,
                     "text": event.text or event.title, "average": _number(average), **scored_row.scores})  # fmt: skip
    if unspelt and notes is not None:
        notes.append(f"{len(unspelt)} summit{'s are' if len(unspelt) != 1 else ' is'} not a year and a letter, so "
                     f"written with the year made and the summit as code: {', '.join(unspelt[:5])}"
                     f"{', ...' if len(unspelt) > 5 else ''}; importing the table again records them as that year and code")  # fmt: skip
    return sorted(parties), rows


def _number(value: float | None) -> float | int | None:
    """An average as a table writes it: a whole number without its '.0'."""
    return int(value) if value is not None and float(value).is_integer() else value


def score_summary(reader: Reader, clocks: Clocks, by: str, *, cycle: str | None = None,
                  area: str | None = None, party: str | None = None, summit: str | None = None,
                  year: int | None = None, notes: list[str] | None = None,
                  approved_only: bool = False) -> dict[str, Any]:  # fmt: skip
    """What ``ctrack scores`` shows: the same as ``summarise`` (or ``by_cycle``) of the fold's
    sheet, grouped in SQL on a clear store's view, in Python otherwise (see the module's doc).
    A summit or a year, and grouping by summit, need each commitment's summit (not in the view's
    assessments): those are grouped in Python, over the commitments that match; so are the
    approved scores alone (SPEC §8.2: the review state is in each assessment's content). Every
    group counts its disputed units."""
    made: dict[str, Any] | None = None
    ids: set[str] | None = None
    source: ScoreSource | None = None
    # By commitment, an average published for another cycle's scores is not set beside them.
    averages = cycle_averages(reader, clocks, cycle if by == "commitment" else None)
    if summit is not None or year is not None or by == "summit":
        source = ScoreSource(reader, clocks)
        made = pledges(reader, [row["id"] for row in source.board], clocks, averages)
        ids = in_scope(made, summit, year, notes)
        summary = source.summary(by, cycle=cycle, area=area, party=party, ids=ids,
                                 summits={slug: event.summit for slug, event in made.items()},
                                 approved_only=approved_only)  # fmt: skip
    elif approved_only or reader.view is None or reader.view.sealer.sealing:
        source = source or ScoreSource(reader, clocks)
        summary = source.summary(by, cycle=cycle, area=area, party=party, approved_only=approved_only)
    else:
        summary = SQLScores(reader, reader.view, clocks, cycle=cycle, area=area, party=party,
                            averages=averages).summary(by)  # fmt: skip
    if by == "commitment" and not summary.get("published"):
        ids_shown = [group["id"] for group in summary["groups"]]
        made = made if made is not None else pledges(reader, ids_shown, clocks, averages)
        summary["groups"] = with_published(summary["groups"], made)
    if averages is not None:
        averages.note(notes)
    summary.pop("published", None)
    if source is None:  # grouped in SQL: only the commitments with a unit assessed twice can be disputed
        assert reader.view is not None
        disputed = SQLDisputes(reader, reader.view, clocks).rows(cycle=cycle, area=area, party=party)
    else:
        summits = {slug: event.summit for slug, event in made.items()} if made is not None else {}
        disputed = disputed_rows(source.board, source.unit_codings(), cycle=cycle, area=area, party=party, ids=ids,
                                 summits=summits)  # fmt: skip
    return count_disputed(summary, by, disputed)


# --- grouping in SQL ---------------------------------------------------------------------------


@dataclass
class Tally:
    """A group's figures: the sum of its scores, how many, over how many commitments."""

    total: int = 0
    scores: int = 0
    commitments: int = 0

    def add(self, total: int, scores: int, commitments: int) -> None:
        self.total += total
        self.scores += scores
        self.commitments += commitments

    def figures(self) -> dict[str, Any]:
        # total / scores of two ints, as the fold divides: the same float, to the last bit.
        average = self.total / self.scores if self.scores else None
        return {"average": average, "percent": percent(average), "scores": self.scores, "commitments": self.commitments}


#: A group's figures (named: PostgreSQL rows are read as dicts, keyed by column name).
FIGURES = "sum(score) AS total, count(*) AS scores, count(DISTINCT entity) AS commitments"
#: The SQL expression of each grouping's key over the scores that count (``commitment`` is read row by row).
KEYS = {"party": "party", "area": "area", "year": "substr(made_on, 1, 4)", "cycle": "cycle"}


class SQLScores:
    """The groups of SPEC §8 from a clear store's view: every group's sum and counts in SQL, and
    the few commitments the view marks as changing at K (gaps) folded exactly and added in."""

    def __init__(self, reader: Reader, view: ViewSQL, clocks: Clocks, *,
                 cycle: str | None, area: str | None, party: str | None,
                 averages: CycleAverages | None = None) -> None:  # fmt: skip
        self.reader, self.view = reader, view
        self.averages = averages  # the published averages that stand beside these scores
        self.as_of, self.day, self.known = clocks.as_of, clocks.as_of.isoformat(), stamp(clocks.known_at)
        self.clocks = clocks
        self.cycle, self.area, self.party = cycle, area, party
        # The gapped commitments are left out of the SQL groups; those assessed by K are folded and
        # added in (the others have no score at K).
        gaps = self.view.assessed_gaps(self.known)
        self.exact: Knowledge | None = reader.knowledge_of_ids(gaps, clocks) if gaps else None

    def _counted(self, by: str | None = None) -> tuple[str, list[Any]]:
        # Grouped by cycle, each cycle's group has only its own assessments: a cycle filter only
        # picks the group ("" picks none: every cycle, as ``ctrack scores`` composes ``by_cycle``).
        cycle = (self.cycle or None) if by == "cycle" else self.cycle
        return self.view.counted_scores(self.day, self.known, by=by, cycle=cycle, party=self.party,  # type: ignore[attr-defined]
                                        area_key=area_key(self.area) if self.area else None)  # fmt: skip

    def _gap_sheet(self, cycle: str | None) -> list[Scored]:
        """The gap commitments' sheet, folded exactly (empty when there are none)."""
        if self.exact is None:
            return []
        return score_sheet(self.exact, self.as_of, cycle=cycle, area=self.area, party=self.party)

    def summary(self, by: str) -> dict[str, Any]:
        if by == "commitment":
            # With what was published beside each (``published``: the caller adds nothing more);
            # the overall of the same scores, summed in SQL.
            return {"by": by, "groups": list(self._commitments()), "overall": self._overall().figures(), "published": True}
        else:
            tallies = self._tallies(by)
            groups = self._groups(by, tallies)
            if by in ("area", "year"):  # a commitment is in one group: the overall is their sum
                overall = Tally()
                for tally in tallies.values():
                    overall.add(tally.total, tally.scores, tally.commitments)
            else:  # a commitment is in several groups (one per party, per cycle): counted apart
                overall = self._overall()
        return {"by": by, "groups": groups, "overall": overall.figures()}

    def _overall(self) -> Tally:
        where, params = self._counted()
        rows = self.view.read(f"SELECT {FIGURES} FROM {{view_assessments}} WHERE {where}", params)
        tally = Tally()
        total, scores, commitments = rows[0]
        tally.add(int(total or 0), int(scores), int(commitments))
        for row in self._gap_sheet(self.cycle):
            if row.scores:
                tally.add(sum(row.scores.values()), len(row.scores), 1)
        return tally

    def _tallies(self, by: str) -> dict[Any, Tally]:
        where, params = self._counted(by)
        key = KEYS[by]
        tallies: dict[Any, Tally] = {}
        for value, total, scores, commitments in self.view.read(
            f"SELECT {key} AS key, {FIGURES} FROM {{view_assessments}} WHERE {where} GROUP BY {key}", params
        ):
            value = int(value) if by == "year" else value
            tallies.setdefault(value, Tally()).add(int(total), int(scores), int(commitments))
        self._add_gaps(by, tallies)
        return tallies

    @staticmethod
    def _groups(by: str, tallies: dict[Any, Tally]) -> list[dict[str, Any]]:
        groups = []
        for value, tally in tallies.items():
            group = {"key": value, **tally.figures()}
            if by == "party":
                group["name"] = name_of(value)
            groups.append(group)
        if by == "party":  # a ranking: best average first (as ``summarise``)
            groups.sort(key=lambda g: (-g["average"], g["key"]))
        else:  # in key order, None last (cycle: the unlabelled, as ``by_cycle``)
            groups.sort(key=lambda g: (g["key"] is None, g["key"] if g["key"] is not None else ""))
        return groups

    def _add_gaps(self, by: str, tallies: dict[Any, Tally]) -> None:
        if self.exact is None:
            return
        if by == "cycle":
            labels = [self.cycle] if self.cycle else cycles(self.exact)
            for label in labels:
                scored_rows = [row for row in self._gap_sheet(label) if row.scores]
                if scored_rows:
                    tallies.setdefault(label or None, Tally()).add(
                        sum(sum(r.scores.values()) for r in scored_rows), sum(len(r.scores) for r in scored_rows),
                        len(scored_rows))  # fmt: skip
            return
        for row in self._gap_sheet(self.cycle):
            if by == "party":
                for party, score in row.scores.items():
                    tallies.setdefault(party, Tally()).add(score, 1, 1)
            elif row.scores:
                value = row.area if by == "area" else row.year
                tallies.setdefault(value, Tally()).add(sum(row.scores.values()), len(row.scores), 1)

    def _commitments(self) -> Iterator[dict[str, Any]]:
        """One group per scored commitment, in board order (first day made, then id), each with
        what was published: the scores that count read in (made_on, entity) order as a stream,
        a day's commitments at a time getting their board rows (code, area, title) and makings
        (text, published average) a chunk at a time. Held at once: a day's commitments, not all."""
        where, params = self._counted()
        gap_days: dict[str, list[Scored]] = {}
        for row in self._gap_sheet(self.cycle):
            if row.scores:
                gap_days.setdefault(first_day(row.made_on).isoformat(), []).append(row)
        day: str | None = None
        scores: dict[str, dict[str, int]] = {}
        # Rows of one commitment are adjacent in any collation; days order alike everywhere
        # (ISO dates); the ids within a day are put in Python's order (``_groups_of``).
        for entity, made_on, party, score in self.view.stream(
            f"SELECT entity, made_on, party, score FROM {{view_assessments}} WHERE {where} ORDER BY made_on, entity",
            params,
        ):
            if made_on != day:
                if day is not None:
                    yield from self._day(scores, gap_days.pop(day, []))
                for earlier in sorted(d for d in gap_days if d < made_on):  # days with gap commitments alone
                    yield from self._groups_of(gap_days.pop(earlier))
                day, scores = made_on, {}
            scores.setdefault(entity, {})[party] = int(score)
        if day is not None:
            yield from self._day(scores, gap_days.pop(day, []))
        for later in sorted(gap_days):
            yield from self._groups_of(gap_days[later])

    def _day(self, scores: dict[str, dict[str, int]], sheet: list[Scored]) -> Iterator[dict[str, Any]]:
        """The groups of one day's commitments: their scores, their board rows read a chunk at a
        time (``sheet``: that day's gap commitments, folded exactly)."""
        ids = sorted(scores)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows = {entity: board_row(data) for entity, data in self.view.board_of(chunk, self.day, self.known)}
            sheet += [Scored(slug, rows[slug].get("code"), rows[slug].get("area"), rows[slug]["title"],
                             rows[slug]["made_on"], scores[slug]) for slug in chunk]  # fmt: skip
        yield from self._groups_of(sheet)

    def _groups_of(self, sheet: list[Scored]) -> Iterator[dict[str, Any]]:
        sheet.sort(key=lambda r: r.id)
        for start in range(0, len(sheet), CHUNK):
            part = sheet[start : start + CHUNK]
            made = pledges(self.reader, [row.id for row in part], self.clocks, self.averages)
            yield from with_published(summarise(part, "commitment")["groups"], made)
