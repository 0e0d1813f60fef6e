"""Judging stored events from their bytes, without building their models: verify's log check and
export, a page of events at a time.

The tracker stores each event exactly as ``mapper.canonical`` writes it: ``{"event":{...},"prev":"..."}``,
the event's fields in schema order, unset ones left out, no spaces. Bytes of exactly that shape are
judged here without a model:

- the shape, one regular expression per type made from the model's own fields, proves that every
  key is one of the model's, in schema order, present once, the required ones there: so the value
  taken for a key is the one ``json.loads`` reads, which is what every reader of the log reads (a
  second ``recorded_at`` or ``prev`` cannot hide behind a first);
- each value is validated by its field's own pydantic type, alone (a log repeats its values: dates,
  parties, ids, titles; each distinct one is validated once per type and field, the cache bounded).
  A page's values are gathered field by field, so that a value seen before costs a set lookup;
  record times (new on every event) spelt as the tracker writes them are read as their type reads
  them without calling it (``_utc_stamps``).

A page's events of one type are matched as the lines of one text, in one call (``_Form.rows``):
no value in the shape holds a line break, so where every event is one line and as many lines are
in the shape as there are events, each match is one event's, in order; else one by one.

Anything else is left to the caller, who decodes and validates it in full, as before: another
shape (spaces, another key order, an escape the tracker does not write, NUL), an earlier class
version (upcast first), a type whose model checks its fields together or has validators of its
own. A value a field's type refuses leaves the whole page to the caller, event by event. So this
path only ever accepts what the model accepts, and it is the common one.
"""

from __future__ import annotations

import json
import operator
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, repeat
from types import SimpleNamespace
from typing import Annotated, Any, Optional

from pydantic import TypeAdapter, ValidationError

from commitment_tracker.events import EVENT_TYPES, Event
from commitment_tracker.events.fields import Timestamp
from commitment_tracker.events.patterns import TIMESTAMP_UTC

# JSON as the tracker's serializer writes it: strings with only the escapes it uses (never NUL,
# which no store may hold), numbers, booleans, and flat lists of those. A run of plain characters
# is taken whole (possessive: what may follow it, a quote or a backslash, is never one of them, so
# giving some back could not make a match, only a slower failure).
_PLAIN = rb'[^"\\\x00-\x1f]*+'
_STRING = rb'"' + _PLAIN + rb'(?:\\(?:["\\bfnrt]|u00(?:0[1-9a-f]|1[0-9a-f]))' + _PLAIN + rb')*"'
_SCALAR = rb"(?:" + _STRING + rb"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false)"
_VALUE = rb"(?:" + _SCALAR + rb"|\[(?:" + _SCALAR + rb"(?:," + _SCALAR + rb")*)?\])"
_PREFIX = b'{"event":{"type":"'
_BODY = len(b'{"event":')  # where the event's own JSON starts
_LINK = len(b',"prev":"')  # what follows the event's own JSON, before its link
#: How many distinct values a type keeps validated before its cache starts again: bounds memory
#: (a log of a million events names its few thousand dates and parties again and again; its
#: notes, rarely).
CACHE_LIMIT = 50_000
#: The field whose every value is new (a record time per event): validated each time, never kept.
STAMP = "recorded_at"


@dataclass(frozen=True, slots=True)
class Read:
    """What the log check needs of one event: whose stream it is in, its record time, its link."""

    entity: str
    recorded_at: datetime | None
    prev: str
    #: The event's own JSON exactly as ``export`` writes it (every value spelt as it spells it, no
    #: default left out), else None.
    body: bytes | None = None


#: The groups of a page's events of one type: their values, in schema order, then their link.
Rows = list[tuple[bytes | None, ...]]


@dataclass(frozen=True, slots=True)
class Page:
    """A page of events read from their bytes, one entry per event in the page's order; an
    event whose entity is None is left to the full decode (and so are its other entries)."""

    entities: list[str | None]
    stamps: list[datetime | None]
    prevs: list[str | None]
    bodies: list[bytes | None]  # empty unless asked for (see ``Read.body``)


class _Form:
    """One event type's canonical shape and the values of its fields found valid so far."""

    def __init__(self, cls: type[Event]) -> None:
        fields = [(name, info) for name, info in cls.model_fields.items() if name != "type"]
        parts = [re.escape(_PREFIX) + re.escape(cls.model_fields["type"].default.encode()) + b'"']
        for name, info in fields:
            group = b',"' + name.encode() + b'":(' + _VALUE + b")"
            parts.append(b"(?:" + group + b")" + (b"" if info.is_required() else b"?"))
        version = f',"class_version":{cls.class_version}'.encode() if cls.class_version > 1 else b""
        parts.append(rb'\},"prev":"([0-9a-f]{64}|)"' + re.escape(version) + rb"\}")
        # The shape as a whole line of a text (nothing in it matches a line break): all of an
        # event's bytes (``fullmatch``), or each line of a text (``findall``). One pattern for
        # both: compiling one of these takes longer than judging thousands of events with it.
        pattern = re.compile(b"^" + b"".join(parts) + b"$", re.MULTILINE)
        # One group per field, in schema order, then the link: a page's values are read by position.
        assert pattern.groups == len(fields) + 1
        self.match = pattern.fullmatch
        self.lines = pattern.findall
        self.names = [name for name, _ in fields]
        self.infos = dict(fields)
        self.cls = cls
        self.entity_field = _entity_field(cls)
        self.entity_at = self.names.index(self.entity_field)
        self.stamp_at = self.names.index(STAMP)
        # Record times read without their type only where the field is the tracker's record time.
        self.utc = self.infos[STAMP].annotation == Optional[Timestamp] and not self.infos[STAMP].metadata  # noqa: UP007
        self.link_group = len(fields) + 1  # the link's group number (``Match.start`` counts from 1)
        self.defaulted = [at for at, (_, info) in enumerate(fields)
                          if not info.is_required() and info.get_default() is not None]  # fmt: skip
        self.lists: dict[str, TypeAdapter[list[Any]]] = {}
        self.known: list[set[bytes]] = []  # per field: raw values its type accepts
        self.spelt: list[set[bytes]] = []  # per field: raw values whose spelling was checked
        self.misspelt: list[set[bytes]] = []  # per field: those of them ``export`` spells otherwise
        self.entities: dict[bytes, str] = {}  # raw value of the entity field -> the entity
        self.held = 0
        self.forget()

    def forget(self) -> None:
        """Let go of the values validated so far (their count bounds memory, not their use)."""
        self.known = [set() for _ in self.names]
        self.spelt = [set() for _ in self.names]
        self.misspelt = [set() for _ in self.names]
        self.entities = {}
        self.held = 0

    def rows(self, plains: list[bytes]) -> tuple[Rows, list[bool] | None]:
        """The groups of those of ``plains`` in this shape, in order, and which were (None: all).
        Matched as the lines of one text where each is one line and that text has as many lines in
        the shape as there are events (then line k, event k, is match k: a match is a whole line);
        a field left out then reads ``b""``, which no value in the shape is. Else one by one."""
        text = b"\n".join(plains)
        if text.count(b"\n") == len(plains) - 1:
            found = self.lines(text)
            if len(found) == len(plains):
                return found, None
        matches = [self.match(plain) for plain in plains]
        return [match.groups() for match in matches if match is not None], [match is not None for match in matches]

    def settle(self, rows: Rows, stamps: dict[bytes, Any]) -> list[tuple[bytes | None, ...]] | None:
        """Validate the values of ``rows`` (the groups of a page's events of this type) not found
        valid before, field by field; the record times into ``stamps`` (this type's, this page's).
        The page's columns (each field's values, then the links); None when a field's type refuses
        one of them."""
        if self.held > CACHE_LIMIT:
            self.forget()
        columns = list(zip(*rows))
        for at, column in enumerate(columns[: len(self.names)]):  # the link's shape is its whole check
            # ``difference`` walks the page's values, not the ones kept (``-=`` would walk those).
            new = set(column).difference(stamps if at == self.stamp_at else self.known[at])
            new.discard(None)  # a field left out (matched alone)
            new.discard(b"")  # a field left out (matched as a line)
            if new:
                raws = list(new)
                values = _utc_stamps(raws) if at == self.stamp_at and self.utc else None
                if values is None:
                    try:
                        values = self.judge_all(self.names[at], raws)
                    except ValidationError:
                        return None  # the full decode, event by event, says which and why
                self._keep(at, raws, values, stamps)
        return columns

    def _keep(self, at: int, raws: list[bytes], values: list[Any], stamps: dict[bytes, Any]) -> None:
        if at == self.stamp_at:
            stamps.update(zip(raws, values))
            return
        self.known[at].update(raws)
        self.held += len(raws)
        if at == self.entity_at:
            entity = self.cls.entity.fget  # type: ignore[attr-defined]
            name = self.entity_field
            self.entities.update((raw, entity(SimpleNamespace(**{name: value}))) for raw, value in zip(raws, values))

    def unspelt(self, rows: Rows, stamps: dict[bytes, Any]) -> list[tuple[int, set[bytes]]]:
        """For each field, the raw values of ``rows`` that ``export`` would spell otherwise, where
        there are any: the record times (``stamps``, validated by ``settle``) checked each time,
        the others once."""
        found = []
        for at, column in enumerate(zip(*rows)):
            if at == len(self.names):
                break
            values = set(column)
            values.discard(None)
            if at == self.stamp_at:
                bad = self._misspelt(at, list(values), [stamps[raw] for raw in values])
            else:
                new = list(values.difference(self.spelt[at]))
                if new:
                    self.spelt[at].update(new)
                    self.misspelt[at].update(self._misspelt(at, new, self.judge_all(self.names[at], new)))
                bad = values & self.misspelt[at]
            if bad:
                found.append((at, bad))
        return found

    def _misspelt(self, at: int, raws: list[bytes], values: list[Any]) -> set[bytes]:
        """Those of ``raws`` (with their validated ``values``) that ``export``, which writes the
        model's JSON data with ``json.dumps``, writes otherwise."""
        adapter = self.lists.get(self.names[at]) or self._list(self.names[at])
        written = adapter.dump_python(values, mode="json")
        return {raw for raw, data in zip(raws, written) if not _spelt_as(raw, data)}

    def judge_all(self, name: str, raws: list[bytes]) -> list[Any]:
        """Values of a field validated in one call, as a list of the field's own type: each item is
        validated as the field alone would be (raising ValidationError if one is refused)."""
        adapter = self.lists.get(name) or self._list(name)
        return adapter.validate_json(b"[" + b",".join(raws) + b"]", strict=False)  # type: ignore[no-any-return]

    def _list(self, name: str) -> TypeAdapter[list[Any]]:
        found = self.lists[name] = TypeAdapter(list[self._annotation(name)])  # type: ignore[misc]
        return found

    def _annotation(self, name: str) -> Any:
        info = self.infos[name]
        return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


#: A page's record times in the tracker's spelling, one JSON string per line.
_UTC_LINES = re.compile(b'^"(' + TIMESTAMP_UTC.encode() + b')"$', re.MULTILINE).findall


def _utc_stamps(raws: list[bytes]) -> list[datetime] | None:
    """Record times spelt as the tracker writes them (JSON strings whose text matches
    ``TIMESTAMP_UTC`` whole: no escape, so the text is the value), read as their type reads them:
    its validator (``fields._rfc3339``) matches the text against ``TIMESTAMP_INPUT``, which every
    such text matches, and returns ``datetime.fromisoformat`` of it, aware, which the type keeps.
    None when one is spelt otherwise: the type is then asked. Each is new (the clock moves on), so
    no cache would save the type's call; this saves it."""
    text = b"\n".join(raws)
    if text.count(b"\n") != len(raws) - 1:
        return None
    found = _UTC_LINES(text)  # one whole line each, so all of them where as many as the lines
    if len(found) != len(raws):
        return None
    try:
        return list(map(datetime.fromisoformat, map(bytes.decode, found)))
    except ValueError:  # not expected of these texts; if ever, the type says why
        return None


def _spelt_as(raw: bytes, data: Any) -> bool:
    """Whether ``json.dumps`` (as ``export`` calls it) writes ``data`` (a value's JSON data) as ``raw``."""
    if isinstance(data, str) and b"\\" not in raw:  # nothing to escape: the text between the quotes
        return raw[1:-1] == data.encode()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() == raw


def _entity_field(cls: type[Event]) -> str:
    """The field the model's own ``entity`` reads (asked of the model, not listed here)."""
    probe = SimpleNamespace(**{name: f"{name}#1" for name in cls.model_fields})
    return str(cls.entity.fget(probe)).split("#")[0]  # type: ignore[attr-defined]


def _checks_alone(cls: type[Event]) -> bool:
    """Whether the model's validation (and serialization) is its fields', one field at a time: no
    validators or serializers of its own (those see several fields, or the model, at once)."""
    found = cls.__pydantic_decorators__
    return not (found.model_validators or found.field_validators or found.validators or found.root_validators
                or found.field_serializers or found.model_serializers)


#: Each type's form, by its name (bytes) and by its stored topic (text), made on first use.
_FORMS: dict[bytes | str, _Form | None] = {}


def _form_of_topic(topic: Any) -> _Form | None:
    """A topic only picks the shape an event's bytes are matched against: the shape spells the type
    out, so the bytes of another type never match it."""
    from commitment_tracker.tracker.mapper import TOPIC_PREFIX

    if not isinstance(topic, str) or not topic.startswith(TOPIC_PREFIX):
        return None
    return _form(topic[len(TOPIC_PREFIX) :].encode())


def _form(kind: bytes) -> _Form | None:
    if kind not in _FORMS:
        cls = EVENT_TYPES.get(kind.decode("utf-8", "replace"))
        _FORMS[kind] = _Form(cls) if cls is not None and _checks_alone(cls) else None
    return _FORMS[kind]


def read_page(plains: Sequence[bytes], topics: Sequence[Any], exporting: bool = False) -> Page | None:
    """The events in ``plains`` (their canonical bytes, stored under ``topics``), each read where
    it has exactly the tracker's shape; None when a value in that shape is invalid (the page is
    then for the full decode, event by event). ``exporting`` asks for ``Page.bodies`` instead of
    the rest."""
    forms = _FORMS
    for topic in set(topics) - forms.keys():
        forms[topic] = _form_of_topic(topic)
    if exporting:
        return _judge(list(map(forms.__getitem__, topics)), plains, events=False, bodies=True)
    return _by_type(list(map(forms.__getitem__, topics)), plains)


def _by_type(forms: list[_Form | None], plains: Sequence[bytes]) -> Page | None:
    """``read_page`` for the log check: a type's events matched and settled together, their
    entities, record times and links put back in the page's order by C-level maps (each type's
    values drawn in turn as its events come)."""
    drawn: list[dict[_Form | None, Iterator[Any]]] = [{None: repeat(None)} for _ in range(3)]
    for form in set(forms) - {None}:
        mine = list(compress(plains, map(operator.is_, forms, repeat(form))))
        rows, matched = form.rows(mine)
        stamps: dict[bytes, Any] = {}
        columns = form.settle(rows, stamps) if rows else [()] * (len(form.names) + 1)
        if columns is None:
            return None
        read = [map(form.entities.__getitem__, columns[form.entity_at]), map(stamps.get, columns[form.stamp_at]),
                map(bytes.decode, columns[-1])]  # fmt: skip
        for at, values in enumerate(read):
            drawn[at][form] = values if matched is None else _spread(values, matched)
    entities, stamps_, prevs = (list(map(next, map(each.__getitem__, forms))) for each in drawn)
    return Page(entities, stamps_, prevs, [])


def _spread(values: Iterator[Any], matched: list[bool]) -> Iterator[Any]:
    """``values`` (of the events in the shape) with None for each event not in it."""
    return iter([next(values) if ok else None for ok in matched])


def read(plain: bytes, exporting: bool = False) -> Read | None:
    """The event in ``plain`` (its canonical bytes) when they have exactly the tracker's shape and
    every value is valid; None when it must be decoded and validated in full. ``exporting`` asks
    for ``Read.body`` too."""
    form = _form(plain[len(_PREFIX) : plain.find(b'"', len(_PREFIX))]) if plain.startswith(_PREFIX) else None
    page = _judge([form], [plain], events=True, bodies=exporting)
    if page is None or page.entities[0] is None:
        return None
    return Read(page.entities[0], page.stamps[0], page.prevs[0], page.bodies[0] if exporting else None)  # type: ignore[arg-type]



def _judge(forms: list[_Form | None], plains: Sequence[bytes], events: bool, bodies: bool) -> Page | None:
    found = [form.match(plain) if form is not None else None for form, plain in zip(forms, plains)]
    groups = [match.groups() if match is not None else None for match in found]
    by_form: defaultdict[_Form, Rows] = defaultdict(list)
    for form, values in zip(forms, groups):
        if values is not None:
            by_form[form].append(values)  # type: ignore[index]
    stamps: defaultdict[_Form | None, dict[bytes, Any]] = defaultdict(dict)
    for form, rows in by_form.items():
        if form.settle(rows, stamps[form]) is None:
            return None
    page = Page([], [], [], [])
    if events:
        pairs = list(zip(forms, groups))
        page.entities.extend([form.entities[values[form.entity_at]] if values is not None else None
                              for form, values in pairs])  # type: ignore[union-attr,index]  # fmt: skip
        page.stamps.extend([stamps[form].get(values[form.stamp_at]) if values is not None else None
                            for form, values in pairs])  # type: ignore[union-attr,arg-type]  # fmt: skip
        page.prevs.extend([values[-1].decode() if values is not None else None for values in groups])  # type: ignore[union-attr]
    if bodies:
        page.bodies.extend(_bodies(by_form, stamps, forms, found, plains))
    return page


def _bodies(by_form: dict[_Form, Rows], stamps: dict[_Form | None, dict[bytes, Any]], forms: list[_Form | None],
            found: list[re.Match[bytes] | None], plains: Sequence[bytes]) -> list[bytes | None]:  # fmt: skip
    """Each event's own JSON where its bytes are exactly what ``export`` writes, else None."""
    unspelt = {form: form.unspelt(rows, stamps[form]) for form, rows in by_form.items()}
    # A type none of whose values this page ``export`` spells otherwise, and without defaults its
    # bytes could leave out: each of its events is written as its bytes hold it.
    clean = {form: not unspelt[form] and not form.defaulted for form in by_form}
    return [None if match is None else plain[_BODY : match.start(form.link_group) - _LINK]  # type: ignore[union-attr]
            if clean[form] or not _differs(form, match.groups(), unspelt[form]) else None  # type: ignore[index]
            for form, match, plain in zip(forms, found, plains)]  # fmt: skip


def _differs(form: _Form, values: tuple[bytes | None, ...], unspelt: list[tuple[int, set[bytes]]]) -> bool:
    """Whether ``export`` writes this event otherwise than its bytes: a value spelt otherwise, or
    a default the bytes leave out (stored before the field was)."""
    return any(values[at] in bad for at, bad in unspelt) or any(values[at] is None for at in form.defaulted)
