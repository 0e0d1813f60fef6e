"""The materialised status view's tables: bitemporal intervals beside the log, in the same database.

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
- ``view_assessments``: each live compliance assessment over record time (``scores`` groups it in SQL);
- ``view_steps``: each commitment's live steps (its events as corrected, neither retracted nor
  retracting) by valid date, over record time: catch-up folds a commitment on from the first valid
  date a page changes, reading only the steps after it instead of the whole stream;
- ``view_batches``: the log positions each catch-up batch applied, (after, last]. Which records of
  a commitment fell into one batch decides its closed rows and gaps, so ``verify`` replays the
  same batches to re-derive every row, closed ones included.
Every batch's rows and its tracking position commit in one transaction (the library's tracking
recorder), so each event is applied exactly once, whoever catches up.

Event content (``data`` and ``due_next``) goes through the store's ``Sealer`` on the way in and out:
encrypted when the store has a key. Ids, positions, record times, dates, event types and statuses
stay in clear columns, so every lookup stays an indexed one.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

FOREVER = "9999-12-31T23:59:59.999999Z"
#: The record time of a question about what is known now: after every record, before FOREVER.
NOW = "9999-12-30T00:00:00.000000Z"
#: The library's tracking table, where the view keeps its position in the log, per engine.
TRACKING_TABLE = {"sqlite": "tracking", "postgres": "statusview_tracking"}
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
    "view_batches": "after_position BIGINT PRIMARY KEY, last_position BIGINT NOT NULL",
    # The step's event as corrected (``data``, sealed on an encrypted store): its valid day and
    # position are clear, like the facts' positions and the intervals' dates.
    "view_steps": "entity TEXT NOT NULL, position INTEGER NOT NULL, day TEXT NOT NULL, "
    "known_from TEXT NOT NULL, known_to TEXT NOT NULL, data TEXT NOT NULL",
}
#: Tables of earlier releases' views, dropped when the view is rebuilt (a store whose view lacks
#: one of ``TABLES`` is rebuilt once, when it is next read): ``view_scores`` held the party and
#: the score in clear even on an encrypted store.
RETIRED = ("view_scores",)
#: The columns of a ``view_assessments`` row as catch-up computes it (entity and record times aside).
ASSESSMENT_COLUMNS = "position, valid_on, until, cycle_until, made_on, party, score, cycle, area, area_key, data"
INDEXES = [
    # An open row by its commitment, and the last one starting before a date (where catch-up resumes).
    ("view_intervals_open_from", "view_intervals", "known_to, entity, valid_from"),
    ("view_intervals_valid", "view_intervals", "valid_from, valid_to"),
    ("view_gaps_known", "view_gaps", "known_from"),
    ("view_entities_due_next", "view_entities", "due_next"),
    ("view_entities_kind", "view_entities", "kind"),
    ("view_assessments_open", "view_assessments", "known_to, entity"),
    ("view_assessments_known", "view_assessments", "known_from, valid_on"),
    ("view_facts_recorded", "view_facts", "recorded"),
    ("view_refs_target", "view_refs", "target, role"),  # what was learned between two record times
    ("view_steps_open", "view_steps", "known_to, entity, day"),  # a commitment's steps after a date
    # The step a retraction or correction names, found without reading the commitment's other steps.
    ("view_steps_at", "view_steps", "known_to, entity, position"),
    # The closed rows (PARTIAL) by when they were believed, and their valid dates: the rows known at
    # an earlier record time and closed since are found inside it (see ViewSQL.board).
    ("view_intervals_closed", "view_intervals", "known_to, known_from, valid_from, valid_to"),
]
#: Indexes of some rows only (their WHERE clause): a row is closed once, at a record time that only
#: grows, so each closing appends one entry at the end of the index; the open rows never enter it.
#: A query uses such an index only where its own WHERE spells the same condition, literally.
PARTIAL = {"view_intervals_closed": f"known_to < '{FOREVER}'"}


def index_ddl(name: str, table: str, columns: str) -> str:
    """``CREATE INDEX`` of one of ``INDEXES`` (``table`` as the engine names it)."""
    where = f" WHERE {PARTIAL[name]}" if name in PARTIAL else ""
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}"


#: The indexes only queries read (catch-up never does): a rebuild, or a first catch-up, on SQLite
#: builds them once at its end instead of keeping them sorted row by row (``ViewSQL.bulk``).
QUERY_ONLY_INDEXES = ("view_intervals_valid", "view_intervals_closed", "view_gaps_known", "view_entities_due_next", "view_assessments_known",
                      "view_facts_recorded", "view_refs_target")  # fmt: skip

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


def column_names(table: str) -> list[str]:
    """The names of a view table's columns, in order, read from its declaration in ``TABLES``."""
    definitions = re.split(r",\s*(?![^()]*\))", TABLES[table])  # commas outside a key's parentheses
    return [d.split()[0] for d in definitions if not d.startswith("PRIMARY KEY")]


def stamp(moment: datetime | None) -> str:
    """Record times as fixed-width UTC text, so they order correctly as strings in SQL."""
    if moment is None:
        return NOW
    if moment.tzinfo is not timezone.utc:
        moment = moment.astimezone(timezone.utc)
    # isoformat is several times faster than strftime (one stamp per event in catch-up); its
    # first 26 characters are "%Y-%m-%dT%H:%M:%S.%f" for every year the tracker accepts.
    return moment.isoformat(timespec="microseconds")[:26] + "Z"
