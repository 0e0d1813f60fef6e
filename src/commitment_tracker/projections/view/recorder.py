"""The view's recorder: the writes and queries both databases share, written once.

One abstract recorder names the view's own statements (placeholders and table names differ per
database); ``sqlite.py`` and ``postgres.py`` add each engine's transactions, guards and search.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError

from commitment_tracker.projections.view.sealing import PREFIX, Sealer
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.projections.view.tables import ASSESSMENT_COLUMNS, FOREVER, NOW, TABLES, Row
from commitment_tracker.projections.view.decode import loads
from commitment_tracker.tracker.errors import KeyProblem


class ViewSQL:
    """The view's statements, written once for both databases (placeholders and names differ)."""

    placeholder = "?"
    sealer = Sealer(None)  # set by open_view from the store's cipher

    def table(self, name: str) -> str:
        return name

    def q(self, statement: str) -> str:
        for name in TABLES:
            statement = statement.replace("{" + name + "}", self.table(name))
        return statement.replace("?", self.placeholder)

    # --- writes (inside the batch transaction) -------------------------------------------------

    def write_batch(self, cursor: Any, facts: Sequence[Row], entities: Sequence[Row],
                    closed: Sequence[Row], opened: Sequence[Row], gaps: Sequence[Row],
                    scores_closed: Sequence[Row] = (), scores_opened: Sequence[Row] = (),
                    texts: Sequence[Row] = (), refs: Sequence[Row] = (),
                    steps_closed: Sequence[Row] = (), steps_opened: Sequence[Row] = (),
                    batches: Sequence[Row] = ()) -> None:  # fmt: skip
        if texts:  # never on an encrypted store (see indexes_text)
            cursor.executemany(self.q(f"INSERT INTO {self.table(SEARCH_TABLE)} VALUES (?,?,?,?,?)"), texts)
        if self.sealer.sealing:
            seal = self.sealer.seal
            facts = [(*row[:-1], seal(row[-1])) for row in facts]
            opened = [(*row[:-1], seal(row[-1])) for row in opened]
            entities = [(e, kind, seal(due) if due is not None else None, made) for e, kind, due, made in entities]
            scores_opened = [(*row[:-1], seal(row[-1])) for row in scores_opened]
            steps_opened = [(*row[:-1], seal(row[-1])) for row in steps_opened]
        if facts:
            cursor.executemany(self.q("INSERT INTO {view_facts} VALUES (?,?,?,?,?,?)"), facts)
        if refs:
            cursor.executemany(self.q("INSERT INTO {view_refs} VALUES (?,?,?,?)"), refs)
        if entities:
            # An entity's kind is its first event's, for good: only what may change is updated (on
            # PostgreSQL a recorder may update those columns and no others).
            cursor.executemany(self.q(
                "INSERT INTO {view_entities} VALUES (?,?,?,?) ON CONFLICT (entity) DO UPDATE SET "
                "due_next = excluded.due_next, made_on = excluded.made_on"), entities)  # fmt: skip
        if closed:
            cursor.executemany(self.q(
                "UPDATE {view_intervals} SET known_to = ? WHERE entity = ? AND known_to = ? AND valid_from = ?"),
                closed)  # fmt: skip
        if opened:
            cursor.executemany(self.q("INSERT INTO {view_intervals} VALUES (?,?,?,?,?,?,?,?,?,?,?)"), opened)
        if gaps:
            cursor.executemany(self.q("INSERT INTO {view_gaps} VALUES (?,?,?)"), gaps)
        if scores_closed:
            cursor.executemany(self.q(
                "UPDATE {view_assessments} SET known_to = ? WHERE entity = ? AND position = ? AND known_to = ?"),
                scores_closed)  # fmt: skip
        if batches:
            cursor.executemany(self.q("INSERT INTO {view_batches} VALUES (?,?)"), batches)
        if steps_closed:
            cursor.executemany(self.q(
                "UPDATE {view_steps} SET known_to = ? WHERE entity = ? AND position = ? AND known_to = ?"),
                steps_closed)  # fmt: skip
        if steps_opened:
            cursor.executemany(self.q("INSERT INTO {view_steps} VALUES (?,?,?,?,?,?)"), steps_opened)
        if scores_opened:
            cursor.executemany(self.q(
                f"INSERT INTO {{view_assessments}} (entity, known_from, known_to, {ASSESSMENT_COLUMNS}) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"), scores_opened)  # fmt: skip

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Writing the whole view (a rebuild, a first catch-up): on PostgreSQL, as any catch-up."""
        yield

    def lacks_indexes(self) -> bool:
        """Whether an index of the layout is missing (``bulk`` drops some: on PostgreSQL, none)."""
        return False

    @staticmethod
    def check_position(current: int | None, after: int) -> None:
        """A page is computed from the view at position ``after``: it may only be applied there.

        Otherwise (another reader applied it first, or ``rebuild`` reset the view meanwhile) the
        page's rows are stale: refuse them as a conflict, and the caller reads the view again."""
        if (current or 0) != after:
            raise IntegrityError(f"the view moved from position {after} to {current or 0}")

    # --- reads ---------------------------------------------------------------------------------

    def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def stream(self, statement: str, params: Iterable[Any] = ()) -> Iterator[Any]:
        """The rows of a query read a page at a time, in one snapshot: an answer of any size
        without holding all of its rows (content columns are not unsealed: ids, dates, figures)."""
        raise NotImplementedError

    def tables(self) -> set[str]:
        """The names of the tables this database holds (the view's among them)."""
        raise NotImplementedError

    def batches_reach(self, position: int) -> bool:
        """Whether the recorded catch-up batches reach the view's position (the last batch, by its key)."""
        rows = self.read("SELECT last_position FROM {view_batches} ORDER BY after_position DESC LIMIT 1")
        return (rows[0][0] if rows else 0) == position

    def search_index_problem(self) -> str | None:
        """What is wrong between the search rows and the engine's own index of them (None: nothing).
        On PostgreSQL the index is a generated column and a GIN index, which no SQL can write."""
        return None

    def every_row(self, table: str, columns: str) -> Iterator[Any]:
        """Every row of a table, in no particular order, a page at a time (``verify`` compares
        whole tables as multisets: the order does not matter, only that no row escapes)."""
        raise NotImplementedError

    def read_in(self, statement: str, entities: Sequence[str], params: Sequence[Any] = ()) -> list[Any]:
        """Rows of ``statement`` whose ``{entities}`` placeholder takes the given ids, read in
        chunks small enough for any database's limit on bound parameters."""
        rows: list[Any] = []
        for start in range(0, len(entities), 500):
            chunk = list(entities[start : start + 500])
            rows += self.read(statement.replace("{entities}", ",".join("?" * len(chunk))), [*params, *chunk])
        return rows

    def opened(self, rows: list[Any]) -> list[Any]:
        """Rows whose last column is sealed content, with it unsealed (a no-op without a key)."""
        if not self.sealer.sealing:
            # A sealed view is sealed throughout (it is rebuilt when it is not): one row tells.
            if rows and isinstance(rows[0][-1], str) and rows[0][-1].startswith(PREFIX):
                raise KeyProblem.missing()
            return rows
        unseal = self.sealer.unseal
        return [(*row[:-1], unseal(row[-1]) if row[-1] is not None else None) for row in rows]

    def is_clear(self) -> bool:
        """Whether the view holds content in clear although the store has a key (written before
        it had one, or by a release that did not seal the view): it must be rebuilt."""
        if not self.sealer.sealing:
            return False
        rows = self.read("SELECT data FROM {view_facts} LIMIT 1")
        return bool(rows) and not rows[0][0].startswith(PREFIX)

    def predates_reviews(self) -> bool:
        """Whether the view's assessments were written before they carried their analyst and
        review state (SPEC §8.2): it must be rebuilt (one row tells: a view is written whole)."""
        rows = self.opened(self.read("SELECT entity, position, valid_on, data FROM {view_assessments} LIMIT 1"))
        return bool(rows) and "analyst" not in loads(rows[0][3])

    def earlier_board_rows(self) -> bool:
        """Whether the view's board rows were written by a release that stored each as a JSON object
        (``boardrows.py``): it must be rebuilt. A release writes a view whole, so two rows tell, read
        from the two ends of different orders (the table's first row, the open-interval index's last):
        where only one names its fields, the rows were edited since, which ``verify`` names as it names
        any edit, and nothing is rebuilt behind its back."""
        from commitment_tracker.projections.view.boardrows import names_fields  # the fold's model: not at import

        first = self.opened(self.read("SELECT entity, data FROM {view_intervals} LIMIT 1"))
        if not first or not names_fields(first[0][1]):
            return False
        last = self.opened(self.read("SELECT entity, data FROM {view_intervals} "
                                     "ORDER BY known_to DESC, entity DESC, valid_from DESC LIMIT 1"))  # fmt: skip
        return names_fields(last[0][1])

    def due_next(self, entity: str) -> str | None:
        rows = self.read("SELECT due_next FROM {view_entities} WHERE entity = ?", [entity])
        due = rows[0][0] if rows else None
        return self.sealer.unseal(due) if due is not None else None

    def related_facts(self, patterns: Sequence[tuple[str, str]]) -> list[Any]:
        """Every fact of the whole streams of the sources, and of the statements and meetings one
        of whose facts contains one of ``patterns`` ((kind, text) pairs): in clear with SQL LIKE,
        sealed by the same test on the unsealed text (content cannot be searched encrypted)."""
        columns = "f.entity, f.position, f.seq, f.recorded, f.kind, f.data"
        if not self.sealer.sealing:
            clauses = ["e.kind = 'source'", *(f"(e.kind = '{kind}' AND f.data LIKE ?)" for kind, _ in patterns)]
            return self.opened(self.read(
                f"SELECT {columns} FROM {{view_facts}} f WHERE f.entity IN ("
                "SELECT DISTINCT f.entity FROM {view_entities} e JOIN {view_facts} f ON f.entity = e.entity "
                f"WHERE e.kind IN ('source', 'statement', 'meeting') AND ({' OR '.join(clauses)})) "
                "ORDER BY f.entity, f.position",
                [f"%{text}%" for _, text in patterns],
            ))
        rows = self.opened(self.read(
            f"SELECT e.kind, {columns} FROM {{view_facts}} f JOIN {{view_entities}} e ON e.entity = f.entity "
            "WHERE e.kind IN ('source', 'statement', 'meeting') ORDER BY f.entity, f.position"))  # fmt: skip
        keep = {r[1] for r in rows if r[0] == "source" or any(k == r[0] and t in r[6] for k, t in patterns)}
        return [r[1:] for r in rows if r[1] in keep]

    def scan(self, table: str, columns: str, where: str = "", keys: int = 2, sealed: bool = True) -> Iterator[Any]:
        """Every row of a view table in key order (its first ``keys`` columns), a page at a time,
        with the last column unsealed when ``sealed``: for comparing two views without holding
        either in memory."""
        names = [c.strip() for c in columns.split(",")][:keys]
        after: tuple[Any, ...] | None = None
        while True:
            clause = " AND ".join(c for c in (where, f"({', '.join(names)}) > ({', '.join('?' * keys)})" if after else "") if c)
            statement = (f"SELECT {columns} FROM {{{table}}}" + (f" WHERE {clause}" if clause else "")
                         + f" ORDER BY {', '.join(names)} LIMIT 5000")  # fmt: skip
            rows = self.read(statement, list(after or ()))
            rows = self.opened(rows) if sealed else rows
            if not rows:
                return
            yield from rows
            after = tuple(rows[-1][:keys])

    def referring(self, target: str, roles: Sequence[str]) -> list[str]:
        """The entities one of whose events names ``target`` in one of ``roles`` (at any time: the
        caller folds their streams to tell what still holds)."""
        marks = ",".join("?" * len(roles))
        return [r[0] for r in self.read(f"SELECT DISTINCT entity FROM {{view_refs}} WHERE target = ? AND role IN ({marks}) "
                                        "ORDER BY entity", [target, *roles])]  # fmt: skip

    def facts(self, entities: Sequence[str]) -> list[Any]:
        return self.opened(self.read_in("SELECT entity, position, seq, recorded, kind, data FROM {view_facts} "
                                        "WHERE entity IN ({entities}) ORDER BY entity, position", entities))  # fmt: skip

    def with_events_besides(self, entities: Sequence[str], types: Sequence[str], known: str) -> list[str]:
        """Which of ``entities`` have an event recorded by ``known`` whose type is not in ``types``."""
        return self._with_events(entities, types, known, "NOT IN")

    def with_events_of(self, entities: Sequence[str], types: Sequence[str], known: str) -> list[str]:
        """Which of ``entities`` have an event recorded by ``known`` of one of ``types``."""
        return self._with_events(entities, types, known, "IN")

    def _with_events(self, entities: Sequence[str], types: Sequence[str], known: str, test: str) -> list[str]:
        marks = ",".join("?" * len(types))
        return [row[0] for row in self.read_in(f"SELECT DISTINCT entity FROM {{view_facts}} WHERE recorded <= ? "
                                               f"AND kind {test} ({marks}) AND entity IN ({{entities}})",
                                               entities, [known, *types])]  # fmt: skip

    def assessed_gaps(self, known: str, gaps: Iterable[str] | None = None) -> list[str]:
        """The commitments in a gap at ``known`` (``gaps``, when the caller has read them) that an
        assessment named by then: the only ones whose scores, or disputes, at ``known`` must be
        folded exactly (the others have none there, as the view says)."""
        found = sorted(self.gaps(known) if gaps is None else gaps)
        return sorted(self.with_events_of(found, ["compliance_assessed"], known)) if found else []

    def facts_of_kinds(self, kinds: Sequence[str]) -> list[Any]:
        """Every fact of the entities of some kinds (source, meeting, statement...), by the kind index."""
        marks = ",".join("?" * len(kinds))
        return self.opened(self.read("SELECT f.entity, f.position, f.seq, f.recorded, f.kind, f.data FROM {view_facts} f "
                                     f"JOIN {{view_entities}} e ON e.entity = f.entity WHERE e.kind IN ({marks}) "
                                     "ORDER BY f.entity, f.position", list(kinds)))  # fmt: skip

    def meeting_facts(self) -> list[Any]:
        return self.opened(self.read("SELECT f.entity, f.position, f.seq, f.recorded, f.kind, f.data FROM {view_facts} f "
                         "JOIN {view_entities} e ON e.entity = f.entity WHERE e.kind = 'meeting' "
                         "ORDER BY f.entity, f.position"))  # fmt: skip

    def meeting_facts_naming(self, kinds: Sequence[str]) -> list[Any]:
        """Every fact of the meetings one of whose facts names one of ``kinds`` (held, announced or
        corrected as it): whole streams, since a retraction names no kind. In clear by SQL LIKE on
        the facts' JSON, sealed by the same test on the unsealed text."""
        patterns = [f'"kind": {json.dumps(kind)}' for kind in kinds]
        columns = "f.entity, f.position, f.seq, f.recorded, f.kind, f.data"
        if not self.sealer.sealing:
            clauses = " OR ".join("f.data LIKE ?" for _ in patterns)
            return self.opened(self.read(
                f"SELECT {columns} FROM {{view_facts}} f WHERE f.entity IN (SELECT DISTINCT f.entity FROM {{view_entities}} e "
                f"JOIN {{view_facts}} f ON f.entity = e.entity WHERE e.kind = 'meeting' AND ({clauses})) "
                "ORDER BY f.entity, f.position", [f"%{p}%" for p in patterns]))  # fmt: skip
        rows = self.meeting_facts()
        keep = {row[0] for row in rows if any(p in row[5] for p in patterns)}
        return [row for row in rows if row[0] in keep]

    def open_intervals(self, entities: Sequence[str]) -> list[Any]:
        return self.opened(self.read_in("SELECT entity, valid_from, valid_to, status, status_before, cause, cause_type, cause_on, "
                            "data FROM {view_intervals} WHERE known_to = ? AND entity IN ({entities})",
                            entities, [FOREVER]))  # fmt: skip

    def each_pair(self, table: str, alias: str, condition: str) -> str:
        """The join of ``w`` (see ``pairs``) to a view table's rows meeting ``condition`` for each
        pair, written so that the pairs drive it, one index search each, whatever the planner
        estimates: a plan that scans the table's open rows and looks each up among the pairs (a
        hash join; PostgreSQL chose it for 400 pairs, SQLite for 60) costs the whole view for a
        few rows. A lateral subquery is evaluated for each row of ``w``; ``OFFSET 0`` keeps
        PostgreSQL from pulling it up into a plain join, which it would then hash again."""
        return f"CROSS JOIN LATERAL (SELECT * FROM {{{table}}} {alias} WHERE {condition} OFFSET 0) {alias}"

    def pairs(self, statement: str, pairs: Sequence[tuple[str, str]], params: Sequence[Any] = ()) -> list[Any]:
        """Rows of ``statement``, which starts with ``{pairs}``: a table ``w(entity, day)`` of the
        given pairs (a common table expression: SQLite names no columns of a subquery), read in
        chunks small enough for any database's limit on bound parameters."""
        rows: list[Any] = []
        for start in range(0, len(pairs), 400):
            chunk = pairs[start : start + 400]
            values = ",".join(["(CAST(? AS TEXT), CAST(? AS TEXT))"] * len(chunk))
            table = f"WITH w(entity, day) AS (VALUES {values})"
            rows += self.read(statement.replace("{pairs}", table), [*(v for pair in chunk for v in pair), *params])
        return rows

    def open_intervals_from(self, firsts: Sequence[tuple[str, str]]) -> list[Any]:
        """Each commitment's open intervals from the last one that starts before the given day on
        (none when no open interval does): (entity, valid_from, ..., data), by entity and start.
        Two statements: the starts, then the rows from them (a correlated bound on the rows made
        SQLite compute it again for every row)."""
        starts = self.pairs("{pairs} SELECT w.entity, (SELECT max(i.valid_from) FROM {view_intervals} i WHERE "
                            "i.known_to = ? AND i.entity = w.entity AND i.valid_from < w.day) FROM w", firsts, [FOREVER])  # fmt: skip
        rows = self.each_pair("view_intervals", "i", "i.known_to = ? AND i.entity = w.entity AND i.valid_from >= w.day")
        return self.opened(self.pairs(
            "{pairs} SELECT i.entity, i.valid_from, i.valid_to, i.status, i.status_before, i.cause, i.cause_type, "
            f"i.cause_on, i.data FROM w {rows} ORDER BY i.entity, i.valid_from",
            [(entity, start) for entity, start in starts if start is not None], [FOREVER]))  # fmt: skip

    def open_steps_after(self, starts: Sequence[tuple[str, str]]) -> list[Any]:
        """Each commitment's live steps dated after the given day: (entity, position, day, data)."""
        rows = self.each_pair("view_steps", "s", "s.entity = w.entity AND s.known_to = ? AND s.day > w.day")
        return self.opened(self.pairs(f"{{pairs}} SELECT s.entity, s.position, s.day, s.data FROM w {rows}", starts, [FOREVER]))

    def open_steps_at(self, positions: Sequence[tuple[str, str]]) -> list[Any]:
        """The live step rows at some (entity, position) pairs: (entity, position, data)."""
        rows = self.each_pair("view_steps", "s", "s.entity = w.entity AND s.known_to = ? AND s.position = CAST(w.day AS INTEGER)")
        return self.opened(self.pairs(f"{{pairs}} SELECT s.entity, s.position, s.data FROM w {rows}", positions, [FOREVER]))

    def open_steps(self, entities: Sequence[str]) -> list[Any]:
        return self.opened(self.read_in("SELECT entity, position, day, data FROM {view_steps} "
                                        "WHERE known_to = ? AND entity IN ({entities})", entities, [FOREVER]))  # fmt: skip

    def board(self, day: str, known: str) -> list[Any]:
        """The board's rows (entity, data) as of ``day`` as known at ``known``: the open rows holding
        the day, one per commitment (``open_row_holding``), kept if opened by then; known earlier
        than now, the closed rows known then too (``_closed_holding``)."""
        rows = self.read(self._open_holding("e.kind = 'commitment'"), [day, day, known])
        if known != NOW:  # nothing closed is known now
            rows += self.read(self._closed_holding(), [known, known, day, day])
        return self.opened(rows)

    def _open_holding(self, where: str) -> str:
        """The open rows of the entities ``e`` meeting ``where`` that hold a day (the first two
        parameters) and were opened by a record time (the third)."""
        return ("SELECT i.entity, i.data FROM {view_entities} e " + self.open_row_holding() +
                f" WHERE i.valid_to > ? AND i.known_from <= ? AND {where}")  # fmt: skip

    @staticmethod
    def _closed_holding() -> str:
        """The closed rows known at a record time (its first two parameters) holding a day (the
        last two): closed after that time, opened by it. Found inside the closed rows' partial
        index (``tables.PARTIAL``: the query spells its condition, so the engine may use it)."""
        return (f"SELECT entity, data FROM {{view_intervals}} WHERE known_to > ? AND known_to < '{FOREVER}' "
                "AND known_from <= ? AND valid_from <= ? AND valid_to > ?")

    def board_of(self, entities: Sequence[str], day: str, known: str) -> list[Any]:
        """The board rows of some commitments: the open ones (``open_row_holding``, kept if known
        by ``known``), then the closed ones still known at ``known`` (none when it is now)."""
        rows = self.read_in(self._open_holding("e.entity IN ({entities})"), entities, [day, day, known])
        if known != NOW:  # nothing closed is known now
            rows += self.read_in(self._closed_holding() + " AND entity IN ({entities})", entities, [known, known, day, day])
        return self.opened(rows)

    def open_row_holding(self) -> str:
        """The join of ``e`` (rows with an ``entity``) to each one's open interval that may hold a
        day (its one parameter): the last one starting on or before it, the only candidate, since
        a commitment's open rows never overlap in valid time (the caller checks ``valid_to``). One
        index search per commitment, where the rows holding the day by their dates include every
        closed version of them: one per batch that ever changed the commitment from before that
        day, hundreds of thousands at a million events. A lateral subquery with ``LIMIT 1`` reads
        the open-interval index backwards from the day, one entry."""
        return (f"CROSS JOIN LATERAL (SELECT * FROM {{view_intervals}} i WHERE i.known_to = '{FOREVER}' "
                "AND i.entity = e.entity AND i.valid_from <= ? ORDER BY i.valid_from DESC LIMIT 1) i")

    def due_by(self, kinds: Sequence[str], made: tuple[str, str | None] | None = None) -> list[str]:
        """The commitments any of whose events ever named one of ``kinds`` as its next-meeting
        deadline (``derive_commitment`` lists them in ``due_next``): in clear by SQL, sealed by
        the same test on each unsealed value (content cannot be searched encrypted). ``made``:
        (before, on or after), ISO days: only those whose making, as the view holds it now, is on
        a day before the first and not before the second (None: no bound)."""
        if not kinds:
            return []
        bound, params = self._made_within(made)
        if not self.sealer.sealing:
            clauses = " OR ".join("due_next LIKE ?" for _ in kinds)
            return [r[0] for r in self.read(f"SELECT entity FROM {{view_entities}} WHERE due_next IS NOT NULL AND ({clauses}) "
                                            f"{bound} ORDER BY entity", [*(f"%,{kind},%" for kind in kinds), *params])]  # fmt: skip
        rows = self.read(f"SELECT entity, due_next FROM {{view_entities}} WHERE due_next IS NOT NULL {bound} ORDER BY entity",
                         params)  # fmt: skip
        marks = [f",{kind}," for kind in kinds]
        return [entity for entity, due in rows if any(m in self.sealer.unseal(due) for m in marks)]

    @staticmethod
    def _made_within(made: tuple[str, str | None] | None) -> tuple[str, list[str]]:
        """The SQL bound on ``view_entities.made_on`` (a date with its precision, "2024-06") for
        ``due_by``. A date's text sorts no later than its first day's, so "before" is a plain
        comparison; "not before" compares a coarse date by its year (a superset: the reader
        resolves each row's deadline exactly)."""
        if made is None:
            return "", []
        end, start = made
        if start is None:
            return "AND made_on < ?", [end]
        return "AND made_on < ? AND (made_on >= ? OR (length(made_on) < 10 AND made_on >= ?))", [end, start, start[:4]]

    def changes(self, start: str, end: str, known: str) -> list[Any]:
        return self.opened(self.read("SELECT entity, valid_from, status, status_before, cause, cause_type, cause_on, data "
                         "FROM {view_intervals} WHERE known_to > ? AND known_from <= ? AND valid_from >= ? "
                         "AND valid_from <= ? AND (status_before IS NULL OR status <> status_before)",
                         [known, known, start, end]))  # fmt: skip

    def stepped_by_making(self, made: Sequence[tuple[str, str]], known: str) -> set[str]:
        """Of some commitments, each given with its making's first day as known at ``known`` (an
        ISO day), those with a step live at ``known`` dated on or before that day: the steps that
        take effect with the making. The open steps are found by the index, one seek per
        commitment; the closed ones still live at ``known`` (steps retracted or corrected since,
        few) in one range of it. Days and record times are clear columns, so this works sealed too."""
        if not made:
            return set()
        steps = self.each_pair("view_steps", "s", "s.known_to = ? AND s.entity = w.entity AND s.day <= w.day AND s.known_from <= ?")
        found = {row[0] for row in self.pairs(f"{{pairs}} SELECT DISTINCT w.entity FROM w {steps}", made, [FOREVER, known])}
        days = dict(made)
        for entity, day in self.read("SELECT entity, min(day) FROM {view_steps} WHERE known_to > ? AND known_to < ? "
                                     "AND known_from <= ? GROUP BY entity", [known, FOREVER, known]):  # fmt: skip
            if entity in days and day <= days[entity]:
                found.add(entity)
        return found

    def open_scores(self, entities: Sequence[str]) -> list[Any]:
        return self.opened(self.read_in(f"SELECT entity, {ASSESSMENT_COLUMNS} FROM {{view_assessments}} "
                                        "WHERE known_to = ? AND entity IN ({entities})", entities, [FOREVER]))  # fmt: skip

    def scores(self, day: str, known: str, among: Sequence[str] | None = None) -> list[Any]:
        """(entity, position, valid day, data) of every assessment live at record time ``known``
        dated on or before ``day``, in (entity, valid date, record order): the last of each
        party's is the one that counts. Party, score and cycle are read from ``data``. ``among``:
        of these commitments alone (the order holds across ``read_in``'s chunks: it sorts them)."""
        statement = ("SELECT entity, position, valid_on, data FROM {view_assessments} "
                     "WHERE known_from <= ? AND known_to > ? AND valid_on <= ? {among}ORDER BY entity, valid_on, position")  # fmt: skip
        if among is None:
            return self.opened(self.read(statement.replace("{among}", ""), [known, known, day]))
        return self.opened(self.read_in(statement.replace("{among}", "AND entity IN ({entities}) "), sorted(among),
                                        [known, known, day]))  # fmt: skip

    def counted_scores(self, day: str, known: str, *, by: str | None = None, cycle: str | None = None,
                       area_key: str | None = None, party: str | None = None) -> tuple[str, list[Any]]:  # fmt: skip
        """The scores that count (SPEC §8) as of ``day``, known at ``known``: an SQL condition on
        ``view_assessments`` and its parameters. It holds for one row per commitment and party
        (per commitment, party and cycle when grouping ``by`` cycle): the last, in (valid date,
        record order), of its live assessments dated by ``day``. Each row stores the date from
        which the next one replaces it (``until``; ``cycle_until`` within its cycle), so the
        choice is a filter, not a sort: the cost of a plain scan. Only on a clear store (those
        columns are NULL on an encrypted one). Commitments made after ``day`` are left out, and
        so are those the view marks as changing at ``known`` (gaps): the caller folds those.

        ``cycle``: None for every cycle, "" for the assessments without one, else that label.
        Area and party are the same for a whole chain of replacements, so they filter it as is."""
        chained = by == "cycle" or cycle is not None  # the chain of one cycle's assessments
        where = ["known_from <= ?", "known_to > ?", "valid_on <= ?", f"{'cycle_until' if chained else 'until'} > ?",
                 "made_on <= ?"]  # fmt: skip
        params: list[Any] = [known, known, day, day, day]
        if cycle is not None:
            where.append("cycle = ?" if cycle else "cycle IS NULL")
            params += [cycle] if cycle else []
        if area_key is not None:
            where.append("area_key = ?")
            params.append(area_key)
        if party is not None:
            where.append("party = ?")
            params.append(party)
        if known != NOW:  # no commitment is changing now (see ``gaps``)
            where.append("entity NOT IN (SELECT entity FROM {view_gaps} WHERE known_from <= ? AND known_to > ?)")
            params += [known, known]
        return " AND ".join(where), params

    def recorded_between(self, after: str, until: str) -> list[Any]:
        """(entity, position, recorded, event type, entity kind) of every event recorded in (after, until]."""
        # Named apart: PostgreSQL rows come as dicts, where two columns both called kind would be one.
        return self.read("SELECT f.entity, f.position, f.recorded, f.kind AS event_type, e.kind AS entity_kind FROM {view_facts} f "
                         "JOIN {view_entities} e ON e.entity = f.entity WHERE f.recorded > ? AND f.recorded <= ? "
                         "ORDER BY f.recorded, f.seq", [after, until])  # fmt: skip

    def recorded_of(self, entities: Sequence[str], after: str, until: str) -> list[Any]:
        """(entity, position) of the events of some entities recorded in (after, until], in no order."""
        return self.read_in("SELECT entity, position FROM {view_facts} WHERE recorded > ? AND recorded <= ? "
                            "AND entity IN ({entities})", entities, [after, until])  # fmt: skip

    # --- full-text search (see search.py) -------------------------------------------------------

    def indexes_text(self) -> bool:
        """An encrypted store keeps no word index: the words would be readable in it."""
        return not self.sealer.sealing

    def search(self, query: str) -> list[Any]:
        raise NotImplementedError

    def fill_text_index(self) -> None:
        """Index the text of a view written before it had a search index (once, in pages)."""
        import json

        from commitment_tracker.projections.view.search import rows_of

        if not self.indexes_text() or self.read(f"SELECT 1 FROM {self.table(SEARCH_TABLE)} LIMIT 1"):
            return
        after: tuple[str, int] = ("", 0)
        while True:
            page = self.read("SELECT entity, position, kind, data FROM {view_facts} WHERE entity > ? OR "
                             "(entity = ? AND position > ?) ORDER BY entity, position LIMIT 5000",
                             [after[0], after[0], after[1]])  # fmt: skip
            if not page:
                return
            texts = [row for e, p, kind, data in page for row in rows_of(e, p, kind, loads(data))]
            self.write_texts(texts)
            after = (page[-1][0], page[-1][1])

    def write_texts(self, texts: Sequence[Row]) -> None:
        raise NotImplementedError

    def gaps(self, known: str) -> list[str]:
        """The commitments changing at ``known``: in a window of record time inside a catch-up
        batch. None is now (a window ends at a record time), and every window starts before now:
        the index, by their starts, would read them all to find none."""
        if known == NOW:
            return []
        return [r[0] for r in self.read("SELECT DISTINCT entity FROM {view_gaps} WHERE known_from <= ? "
                                        "AND known_to > ?", [known, known])]  # fmt: skip
