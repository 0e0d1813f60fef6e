"""Full-text search over every text the log holds, in the stores' own engines.

The index (``view_search``) is part of the materialised view: written in the same transaction as
each catch-up batch, from the same decoded events, so it is never behind the board. Each indexed row
is one text field of one event (a title, a commitment's full text, a quote, a note, a statement,
an archived source, a reason), with the event's entity, position and date beside it.

SQLite uses FTS5 (porter stemming over unicode61 tokens, ranked by bm25); PostgreSQL a
``tsvector`` column with a GIN index (English stemming, ranked by ts_rank). A query is a list of
words, all of which must match (stemmed); a phrase in double quotes must match as a phrase.

An encrypted store has no search index: its words would be readable in the index (even hashed
tokens reveal which events share words). Search there is refused, not silently empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from commitment_tracker.events import without_nul

#: The text fields worth finding, in the order a hit names them.
FIELDS = ("title", "text", "quote", "note", "reason", "place", "publisher")
TABLE = "view_search"
#: Candidates read before the filters apply; the best ``limit`` of those that pass are shown.
CANDIDATES = 2000
#: Candidates' entities whose streams are read and folded at a time, best first, until a search has
#: its results (a word in every title made 2,000 candidates, most of a large log).
FOLDED = 64

SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(entity UNINDEXED, position UNINDEXED, "
    "field UNINDEXED, type UNINDEXED, body, tokenize = 'porter unicode61')",
]
POSTGRES_COLUMNS = ("entity TEXT NOT NULL, position BIGINT NOT NULL, field TEXT NOT NULL, type TEXT NOT NULL, "
                    "body TEXT NOT NULL, words tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED")  # fmt: skip


class EmptyQuery(ValueError):
    """A query without a word to search for: a usage error."""


def rows_of(entity: str, position: int, event_type: str, data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The index rows of one event: one per non-empty text field."""
    return [(entity, position, field, event_type, without_nul(data[field])) for field in FIELDS if data.get(field)]


def match_expression(query: str) -> str:
    """The user's words as an FTS5 query: every word (or "quoted phrase") must match.

    Each word is quoted, so punctuation in it (``critical-minerals``, ``U.S.``) is text, never
    FTS5 syntax: a query cannot fail to parse or reach another column."""
    parts = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        tokens = re.findall(r"\w+", phrase or word)
        if tokens:
            parts.append('"' + " ".join(tokens) + '"')
    if not parts:
        raise EmptyQuery("give at least one word to search for")
    return " AND ".join(parts)


def tsquery_text(query: str) -> str:
    """The user's words for PostgreSQL's ``websearch_to_tsquery`` (same meaning as above)."""
    match_expression(query)  # the same refusal of a query without words
    return query


@dataclass(frozen=True)
class Hit:
    entity: str
    position: int
    field: str
    type: str
    snippet: str
    rank: float


def search_sqlite(read: Any, query: str) -> list[Hit]:
    rows = read(
        f"SELECT entity, position, field, type, snippet({TABLE}, 4, '[', ']', '…', 16), bm25({TABLE}) "
        f"FROM {TABLE} WHERE {TABLE} MATCH ? ORDER BY bm25({TABLE}) LIMIT {CANDIDATES}",
        [match_expression(query)],
    )
    return [Hit(r[0], int(r[1]), r[2], r[3], r[4], -float(r[5])) for r in rows]


def search_postgres(read: Any, table: str, query: str) -> list[Hit]:
    rows = read(
        f"SELECT entity, position, field, type, ts_headline('english', body, q, 'StartSel=[, StopSel=], "
        f"MaxWords=24, MinWords=8, FragmentDelimiter=…'), ts_rank(words, q) AS rank "
        f"FROM {table}, websearch_to_tsquery('english', ?) q WHERE words @@ q ORDER BY rank DESC LIMIT {CANDIDATES}",
        [tsquery_text(query)],
    )
    return [Hit(r[0], int(r[1]), r[2], r[3], " ".join(r[4].split()), float(r[5])) for r in rows]


def kind_of(event_type: str, entity_kind: str | None) -> str:
    return entity_kind or event_type.split("_")[0]


def unique(hits: Sequence[Hit]) -> list[Hit]:
    """The best hit of each (entity, position, field): ranks already order them."""
    seen: set[tuple[str, int, str]] = set()
    found = []
    for hit in hits:
        key = (hit.entity, hit.position, hit.field)
        if key not in seen:
            seen.add(key)
            found.append(hit)
    return found


KINDS = ("commitment", "meeting", "statement", "source")


def results(reader: Any, query: str, *, party: str | None = None, area: str | None = None,
            kind: str | None = None, start: Any = None, end: Any = None, limit: int = 20) -> list[dict[str, Any]]:  # fmt: skip
    """The best ``limit`` hits for ``query`` that pass the filters, best first.

    Filters apply to what the hit belongs to: ``party`` and ``area`` to its entity (a commitment's
    parties and area; a meeting's or statement's parties), ``kind`` to the entity's kind or the
    event's type, ``start``/``end`` to the event's own date."""
    from commitment_tracker.tracker import RuleViolation

    view = getattr(reader, "view", None)
    if view is None:
        from commitment_tracker.tracker import StoreError

        raise StoreError("search needs the store's search index, which is behind the log, and you may not bring it "
                         "up to date here (a read-only copy, or a role that may only read): search where the view "
                         "can be updated, or ask a recorder to run any query first")  # fmt: skip
    if not view.indexes_text():
        raise RuleViolation("search is not available on an encrypted store: a word index would reveal the "
                            "text the encryption hides (see the README, 'Encryption at rest')")  # fmt: skip
    view.fill_text_index()
    found: list[dict[str, Any]] = []
    for batch in _batches(unique(view.search(query)), FOLDED):
        knowledge = reader.exact_now(sorted({h.entity for h in batch}))
        for hit in batch:
            result = _result(hit, knowledge.streams.get(hit.entity), party, area, kind, start, end)
            if result is not None:
                found.append(result)
                if len(found) >= limit:
                    return found
    return found


def _batches(hits: list[Hit], entities: int) -> Iterator[list[Hit]]:
    """The hits in rank order, cut where a batch would name more than ``entities`` entities."""
    batch: list[Hit] = []
    named: set[str] = set()
    for hit in hits:
        if hit.entity not in named and len(named) >= entities:
            yield batch
            batch, named = [], set()
        batch.append(hit)
        named.add(hit.entity)
    if batch:
        yield batch


def _result(hit: Hit, resolved: Any, party: str | None, area: str | None, kind: str | None, start: Any,
            end: Any) -> dict[str, Any] | None:  # fmt: skip
    """A hit as a result, given its entity's stream as known now; None when a filter leaves it out
    (or the stream no longer holds its event)."""
    from commitment_tracker.events import first_day
    from commitment_tracker.projections.areas import in_area

    if not resolved or hit.position > len(resolved):
        return None
    first, item = resolved[0].event, resolved[hit.position - 1]
    entity_kind = kind_of(first.type, None)
    on = getattr(item.event, "on", None)
    if kind and kind not in (entity_kind, hit.type):
        return None
    if party and party not in (getattr(first, "parties", None) or ()):
        return None
    if not in_area(getattr(first, "area", None), area or None):
        return None
    if (start or end) and (on is None or (start and first_day(on) < start) or (end and first_day(on) > end)):
        return None
    return {"entity": hit.entity, "kind": entity_kind, "ref": f"{hit.entity}#{hit.position}", "type": hit.type,
            "field": hit.field, "snippet": hit.snippet, "on": on, "retracted": item.retracted,
            "rank": round(hit.rank, 6)}  # fmt: skip
