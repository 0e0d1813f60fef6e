"""The materialised status view: bitemporal intervals, maintained exactly once with tracking.

Tables (beside the log, in the same database):
- ``view_facts``: every event, as plain JSON with its positions and record time, so a commitment's
  intervals can be recomputed without decoding the log again;
- ``view_intervals``: each commitment's board row over valid time (valid_from/valid_to) as
  believed over record time (known_from/known_to), like an SQL:2011 bitemporal table;
- ``view_refs``: which other entities each event names (its meeting, source, the commitments a
  statement is about, the commitment that supersedes): ids only, so it stays in clear when the store
  is encrypted; ``show MEETING`` and ``sources show`` find what bears on an entity through it;
- ``view_gaps``: record-time windows in which a commitment was being changed by several records of
  one catch-up batch; a query known at such a moment folds that commitment exactly instead;
- ``view_assessments``: each live compliance assessment over record time (``scores`` groups it in SQL).
Every batch's rows and its tracking position commit in one transaction (the library's tracking
recorder), so each event is applied exactly once, whoever catches up.

Event content (``data`` and ``due_next``) goes through the store's ``Sealer`` on the way in and out:
encrypted when the store has a key. Ids, positions, record times, dates, event types and statuses
stay in clear columns, so every lookup stays an indexed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.sqlite import SQLiteTrackingRecorder

from commitment_tracker.projections.sealing import PREFIX, Sealer
from commitment_tracker.tracker.errors import KeyProblem
from commitment_tracker.projections.search import POSTGRES_COLUMNS, SQLITE_DDL
from commitment_tracker.projections.search import TABLE as SEARCH_TABLE

FOREVER = "9999-12-31T23:59:59.999999Z"
VIEW_NAME = "statusview"

TABLES = {
    "view_facts": "entity TEXT NOT NULL, position INTEGER NOT NULL, seq BIGINT NOT NULL, "
    "recorded TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (entity, position)",
    "view_entities": "entity TEXT PRIMARY KEY, kind TEXT NOT NULL, due_next TEXT, made_on TEXT",
    "view_intervals": "entity TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, "
    "known_from TEXT NOT NULL, known_to TEXT NOT NULL, status TEXT NOT NULL, status_before TEXT, "
    "cause TEXT, cause_type TEXT NOT NULL, cause_on TEXT NOT NULL, data TEXT NOT NULL",
    "view_gaps": "entity TEXT NOT NULL, known_from TEXT NOT NULL, known_to TEXT NOT NULL",
    # Ids only (what an event names, and as what): clear even on an encrypted store, like entity.
    "view_refs": "entity TEXT NOT NULL, position INTEGER NOT NULL, target TEXT NOT NULL, role TEXT NOT NULL, "
    "PRIMARY KEY (entity, position, target, role)",
    # SPEC §8: each live compliance assessment (corrections applied) over record time, with the
    # first day of its commitment's date (a valid date, clear like every date of the view). Party,
    # score, cycle and area are event content: on a clear store they are also columns, so that
    # ``scores`` groups in SQL; on an encrypted store those columns stay NULL and only ``data``
    # (sealed) holds them. ``area_key`` is the area casefolded, for ``--area`` matching; ``until``
    # (``cycle_until``) the valid date from which the party's next assessment (in the same cycle)
    # replaces this one: NULL too on an encrypted store, since it links the rows of one party.
    "view_assessments": "entity TEXT NOT NULL, position INTEGER NOT NULL, valid_on TEXT NOT NULL, until TEXT, "
    "cycle_until TEXT, made_on TEXT NOT NULL, party TEXT, score INTEGER, cycle TEXT, area TEXT, area_key TEXT, "
    "known_from TEXT NOT NULL, known_to TEXT NOT NULL, data TEXT NOT NULL",
}
#: Tables of earlier releases' views, dropped when the view is rebuilt (a store whose view lacks
#: one of ``TABLES`` is rebuilt once, when it is next read): ``view_scores`` held the party and
#: the score in clear even on an encrypted store.
RETIRED = ("view_scores",)
#: The columns of a ``view_assessments`` row as catch-up computes it (entity and record times aside).
ASSESSMENT_COLUMNS = "position, valid_on, until, cycle_until, made_on, party, score, cycle, area, area_key, data"
INDEXES = [
    ("view_intervals_open", "view_intervals", "known_to, entity"),
    ("view_intervals_valid", "view_intervals", "valid_from, valid_to"),
    ("view_gaps_known", "view_gaps", "known_from"),
    ("view_entities_due_next", "view_entities", "due_next"),
    ("view_entities_kind", "view_entities", "kind"),
    ("view_assessments_open", "view_assessments", "known_to, entity"),
    ("view_assessments_known", "view_assessments", "known_from, valid_on"),
    ("view_facts_recorded", "view_facts", "recorded"),
    ("view_refs_target", "view_refs", "target, role"),  # what was learned between two record times
]

Row = tuple[Any, ...]

WRITTEN_BY_TRACKER = "the status view is written only by the tracker (run ctrack rebuild)"
#: Catch-up's only UPDATE: closing an open interval (setting known_to), nothing else of the row.
CLOSES_ONLY = (
    f"OLD.known_to = '{FOREVER}' AND NEW.known_to <> '{FOREVER}' AND NEW.entity = OLD.entity "
    "AND NEW.valid_from = OLD.valid_from AND NEW.valid_to = OLD.valid_to AND NEW.known_from = OLD.known_from "
    "AND NEW.status = OLD.status AND NEW.status_before IS NOT DISTINCT FROM OLD.status_before "
    "AND NEW.cause IS NOT DISTINCT FROM OLD.cause AND NEW.cause_type = OLD.cause_type "
    "AND NEW.cause_on = OLD.cause_on AND NEW.data = OLD.data"
)


def sqlite_guards() -> list[str]:
    """Triggers refusing edits of the view except inside the tracker's own writes, which hold a
    row in ``view_writer`` for the length of their transaction. A speed bump against casual SQL,
    not a guarantee (triggers can be dropped): ``verify`` re-derives the view and compares."""
    statements = ["CREATE TABLE IF NOT EXISTS view_writer (writing INTEGER NOT NULL)"]
    refuse = f"BEGIN SELECT RAISE(ABORT, '{WRITTEN_BY_TRACKER}'); END"
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            statements.append(f"CREATE TRIGGER IF NOT EXISTS {table}_guard_{action.lower()} BEFORE {action} ON "
                              f"{table} WHEN NOT EXISTS (SELECT 1 FROM view_writer) {refuse}")  # fmt: skip
    statements.append(f"CREATE TRIGGER IF NOT EXISTS view_facts_never_update BEFORE UPDATE ON view_facts {refuse}")
    statements.append(f"CREATE TRIGGER IF NOT EXISTS view_intervals_closes_only BEFORE UPDATE ON view_intervals "
                      f"WHEN NOT ({CLOSES_ONLY.replace('IS NOT DISTINCT FROM', 'IS')}) {refuse}")  # fmt: skip
    return statements


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
                    texts: Sequence[Row] = (), refs: Sequence[Row] = ()) -> None:  # fmt: skip
        if texts:  # never on an encrypted store (see indexes_text)
            cursor.executemany(self.q(f"INSERT INTO {self.table(SEARCH_TABLE)} VALUES (?,?,?,?,?)"), texts)
        if self.sealer.sealing:
            seal = self.sealer.seal
            facts = [(*row[:-1], seal(row[-1])) for row in facts]
            opened = [(*row[:-1], seal(row[-1])) for row in opened]
            entities = [(e, kind, seal(due) if due is not None else None, made) for e, kind, due, made in entities]
            scores_opened = [(*row[:-1], seal(row[-1])) for row in scores_opened]
        if facts:
            cursor.executemany(self.q("INSERT INTO {view_facts} VALUES (?,?,?,?,?,?)"), facts)
        if refs:
            cursor.executemany(self.q("INSERT INTO {view_refs} VALUES (?,?,?,?)"), refs)
        if entities:
            cursor.executemany(self.q(
                "INSERT INTO {view_entities} VALUES (?,?,?,?) ON CONFLICT (entity) DO UPDATE SET "
                "kind = excluded.kind, due_next = excluded.due_next, made_on = excluded.made_on"), entities)  # fmt: skip
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
        if scores_opened:
            cursor.executemany(self.q(
                f"INSERT INTO {{view_assessments}} (entity, known_from, known_to, {ASSESSMENT_COLUMNS}) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"), scores_opened)  # fmt: skip

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

    def open_intervals(self, entities: Sequence[str]) -> list[Any]:
        return self.opened(self.read_in("SELECT entity, valid_from, valid_to, status, status_before, cause, cause_type, cause_on, "
                            "data FROM {view_intervals} WHERE known_to = ? AND entity IN ({entities})",
                            entities, [FOREVER]))  # fmt: skip

    def board(self, day: str, known: str) -> list[Any]:
        return self.opened(self.read("SELECT entity, data FROM {view_intervals} WHERE known_to > ? AND known_from <= ? "
                                     "AND valid_from <= ? AND valid_to > ?", [known, known, day, day]))  # fmt: skip

    def board_of_scored(self, day: str, known: str, where: str, params: Sequence[Any]) -> list[Any]:
        """The board rows (entity, data) of the commitments with an assessment that meets
        ``where`` (see ``counted_scores``): one scan and a semi-join in SQL, whatever their number."""
        return self.opened(self.read("SELECT entity, data FROM {view_intervals} WHERE known_to > ? AND known_from <= ? "
                                     "AND valid_from <= ? AND valid_to > ? AND entity IN (SELECT entity FROM "
                                     f"{{view_assessments}} WHERE {where})", [known, known, day, day, *params]))  # fmt: skip

    def changes(self, start: str, end: str, known: str) -> list[Any]:
        return self.opened(self.read("SELECT entity, valid_from, status, status_before, cause, cause_type, cause_on, data "
                         "FROM {view_intervals} WHERE known_to > ? AND known_from <= ? AND valid_from >= ? "
                         "AND valid_from <= ? AND (status_before IS NULL OR status <> status_before)",
                         [known, known, start, end]))  # fmt: skip

    def open_scores(self, entities: Sequence[str]) -> list[Any]:
        return self.opened(self.read_in(f"SELECT entity, {ASSESSMENT_COLUMNS} FROM {{view_assessments}} "
                                        "WHERE known_to = ? AND entity IN ({entities})", entities, [FOREVER]))  # fmt: skip

    def scores(self, day: str, known: str) -> list[Any]:
        """(entity, position, valid day, data) of every assessment live at record time ``known``
        dated on or before ``day``, in (entity, valid date, record order): the last of each
        party's is the one that counts. Party, score and cycle are read from ``data``."""
        return self.opened(self.read("SELECT entity, position, valid_on, data FROM {view_assessments} "
                                     "WHERE known_from <= ? AND known_to > ? AND valid_on <= ? "
                                     "ORDER BY entity, valid_on, position", [known, known, day]))  # fmt: skip

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
        """(entity, position, entity kind) of the events of some entities, and of every meeting,
        recorded in (after, until]: the meetings in record order, the others in no order."""
        window = "f.recorded > ? AND f.recorded <= ?"
        rows = self.read_in(f"SELECT f.entity, f.position, 'own' FROM {{view_facts}} f WHERE {window} "
                            "AND f.entity IN ({entities})", entities, [after, until])  # fmt: skip
        rows += self.read(f"SELECT f.entity, f.position, e.kind FROM {{view_facts}} f JOIN {{view_entities}} e "
                          f"ON e.entity = f.entity WHERE {window} AND e.kind = 'meeting' ORDER BY f.recorded, f.seq",
                          [after, until])  # fmt: skip
        return rows

    # --- full-text search (see search.py) -------------------------------------------------------

    def indexes_text(self) -> bool:
        """An encrypted store keeps no word index: the words would be readable in it."""
        return not self.sealer.sealing

    def search(self, query: str) -> list[Any]:
        raise NotImplementedError

    def fill_text_index(self) -> None:
        """Index the text of a view written before it had a search index (once, in pages)."""
        import json

        from commitment_tracker.projections.search import rows_of

        if not self.indexes_text() or self.read(f"SELECT 1 FROM {self.table(SEARCH_TABLE)} LIMIT 1"):
            return
        after: tuple[str, int] = ("", 0)
        while True:
            page = self.read("SELECT entity, position, kind, data FROM {view_facts} WHERE entity > ? OR "
                             "(entity = ? AND position > ?) ORDER BY entity, position LIMIT 5000",
                             [after[0], after[0], after[1]])  # fmt: skip
            if not page:
                return
            texts = [row for e, p, kind, data in page for row in rows_of(e, p, kind, json.loads(data))]
            self.write_texts(texts)
            after = (page[-1][0], page[-1][1])

    def write_texts(self, texts: Sequence[Row]) -> None:
        raise NotImplementedError

    def gaps(self, known: str) -> list[str]:
        return [r[0] for r in self.read("SELECT DISTINCT entity FROM {view_gaps} WHERE known_from <= ? "
                                        "AND known_to > ?", [known, known])]  # fmt: skip


class SQLiteStatusView(ViewSQL, SQLiteTrackingRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *(f"CREATE TABLE IF NOT EXISTS {name} ({columns})" for name, columns in TABLES.items()),
            *(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})" for name, table, columns in INDEXES),
            *sqlite_guards(),
            *SQLITE_DDL,
        ]

    def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.q(statement), list(params))
            return c.fetchall()

    def apply(self, tracking: Tracking, after: int, *rows: Sequence[Row]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("INSERT INTO view_writer VALUES (1)")  # takes SQLite's write lock: the check is serialized
            c.execute("SELECT max(notification_id) FROM tracking WHERE application_name = ?",
                      (tracking.application_name,))  # fmt: skip
            self.check_position(c.fetchone()[0], after)
            self.write_batch(c, *rows)
            self._insert_tracking(c, tracking)
            c.execute("DELETE FROM view_writer")

    def search(self, query: str) -> list[Any]:
        from commitment_tracker.projections.search import search_sqlite

        return search_sqlite(self.read, query)

    def write_texts(self, texts: Sequence[Row]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(f"INSERT INTO {SEARCH_TABLE} VALUES (?,?,?,?,?)", texts)

    def reset(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("PRAGMA secure_delete = ON")  # a view once written in clear leaves no page behind
            c.execute("INSERT INTO view_writer VALUES (1)")
            # A table with triggers is emptied row by row (each row leaving every index in turn):
            # the guards are dropped for the deletes and created again before this transaction
            # commits, so no other connection ever sees the view unguarded.
            tables = ",".join(f"'{name}'" for name in TABLES)
            c.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({tables})")
            for (trigger,) in c.fetchall():
                c.execute(f'DROP TRIGGER "{trigger}"')
            for name in (*TABLES, SEARCH_TABLE):
                c.execute(f"DELETE FROM {name}")
            for name in RETIRED:
                c.execute(f"DROP TABLE IF EXISTS {name}")
            for statement in sqlite_guards():
                c.execute(statement)
            c.execute("DELETE FROM view_writer")
            c.execute("DELETE FROM tracking WHERE application_name = ?", (application_name,))


WRITER = "SET LOCAL commitment_tracker.view_writer = 'on'"  # for the rest of this transaction only


def postgres_guards(schema: str) -> list[Any]:
    """PostgreSQL's version of ``sqlite_guards``: the tracker's writes set a transaction-local
    setting. Each trigger is created only when missing, so opening a store takes no table lock."""
    from psycopg.sql import SQL, Identifier

    guard = Identifier(schema, "view_guard")
    statements: list[Any] = [SQL(
        "CREATE OR REPLACE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF current_setting('commitment_tracker.view_writer', true) IS DISTINCT FROM 'on' "
        "OR (TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'view_facts') THEN "
        "RAISE EXCEPTION '" + WRITTEN_BY_TRACKER + "'; END IF; "
        "IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'view_intervals' THEN IF NOT (" + CLOSES_ONLY + ") THEN "
        "RAISE EXCEPTION '" + WRITTEN_BY_TRACKER + "'; END IF; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$").format(guard)]  # fmt: skip
    for table in TABLES:
        for name, timing in ((f"{table}_guard", "BEFORE UPDATE OR DELETE ON {1} FOR EACH ROW"),
                             (f"{table}_guard_truncate", "BEFORE TRUNCATE ON {1} FOR EACH STATEMENT")):  # fmt: skip
            statements.append(SQL(
                "DO $do$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = {2} AND n.nspname = {3}) THEN "
                "CREATE TRIGGER {0} " + timing + " EXECUTE FUNCTION {4}(); END IF; END $do$").format(
                Identifier(name), Identifier(schema, table), SQL("'") + SQL(name) + SQL("'"),
                SQL("'") + SQL(schema) + SQL("'"), guard))  # fmt: skip
    return statements


def postgres_view() -> type:
    """Defined lazily: psycopg is only imported for PostgreSQL stores."""
    from eventsourcing.postgres import PostgresTrackingRecorder
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    class PostgresStatusView(ViewSQL, PostgresTrackingRecorder):
        placeholder = "%s"

        def __init__(self, datastore: Any, **kwargs: Any) -> None:
            super().__init__(datastore, **kwargs)
            for name, columns in TABLES.items():
                self.sql_create_statements.append(
                    SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (" + columns.replace("INTEGER", "BIGINT") + ")").format(
                        Identifier(self.datastore.schema), Identifier(name))  # fmt: skip
                )
            self.sql_create_statements.append(
                SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (" + POSTGRES_COLUMNS + ")").format(
                    Identifier(self.datastore.schema), Identifier(SEARCH_TABLE))  # fmt: skip
            )
            self.sql_create_statements.append(
                SQL("CREATE INDEX IF NOT EXISTS view_search_words ON {0}.{1} USING GIN (words)").format(
                    Identifier(self.datastore.schema), Identifier(SEARCH_TABLE))  # fmt: skip
            )
            for index, table, columns in INDEXES:
                self.sql_create_statements.append(
                    SQL("CREATE INDEX IF NOT EXISTS {0} ON {1}.{2} (" + columns + ")").format(
                        Identifier(index), Identifier(self.datastore.schema), Identifier(table))  # fmt: skip
                )
            self.sql_create_statements += postgres_guards(self.datastore.schema)

        def _create_table(self, curs: Any) -> None:
            from commitment_tracker.tracker.recorders import SCHEMA_LOCK

            curs.execute(SCHEMA_LOCK)  # one process at a time creates the view's tables
            super()._create_table(curs)

        def table(self, name: str) -> str:
            return f'"{self.datastore.schema}"."{name}"'

        def read(self, statement: str, params: Iterable[Any] = ()) -> list[Any]:
            # Rows as tuples, like SQLite's: the library's dict rows would merge two columns of one
            # name (a join's f.kind and e.kind), silently dropping one.
            with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
                curs.execute(self.q(statement), list(params))
                return curs.fetchall()

        def apply(self, tracking: Tracking, after: int, *rows: Sequence[Row]) -> None:
            with self.datastore.transaction(commit=True) as curs:
                self._lock(curs)
                curs.execute(
                    SQL("SELECT max(notification_id) AS n FROM {0}.{1} WHERE application_name = %s").format(
                        Identifier(self.datastore.schema), Identifier(self.tracking_table_name)),
                    (tracking.application_name,))  # fmt: skip
                self.check_position(curs.fetchone()["n"], after)
                curs.execute(WRITER)
                self.write_batch(curs, *rows)
                self._insert_tracking(curs, tracking)

        def search(self, query: str) -> list[Any]:
            from commitment_tracker.projections.search import search_postgres

            return search_postgres(self.read, self.table(SEARCH_TABLE), query)

        def write_texts(self, texts: Sequence[Row]) -> None:
            with self.datastore.transaction(commit=True) as curs:
                curs.executemany(f"INSERT INTO {self.table(SEARCH_TABLE)} VALUES (%s,%s,%s,%s,%s)", texts)

        def _lock(self, curs: Any) -> None:
            # View writers (catch-up pages, rebuild's reset) take turns, one schema at a time.
            curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"commitment-tracker view {self.datastore.schema}",))

        def reset(self, application_name: str) -> None:
            with self.datastore.transaction(commit=True) as curs:
                self._lock(curs)
                curs.execute(WRITER)
                for name in (*TABLES, SEARCH_TABLE):
                    curs.execute(f"DELETE FROM {self.table(name)}")
                for name in RETIRED:
                    curs.execute(f"DROP TABLE IF EXISTS {self.table(name)}")
                curs.execute(
                    SQL("DELETE FROM {0}.{1} WHERE application_name = %s").format(
                        Identifier(self.datastore.schema), Identifier(self.tracking_table_name)),
                    (application_name,),
                )  # fmt: skip

    return PostgresStatusView
