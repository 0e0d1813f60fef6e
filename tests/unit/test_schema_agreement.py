"""The published JSON Schema says what ``import`` enforces: the same verdict on every event.

Events are generated valid (every type, every optional field) and then mutated the ways a hostile
or careless file would be: a value swapped for a near miss (other digits, another case, padding,
an impossible date, a leap second, a wrong type), a field dropped or added, the type changed. The
``jsonschema`` package (Draft 2020-12, formats checked) and the importer's parser must agree,
except for the two things JSON Schema cannot say (``json_schema``'s docstring): the order of two
dates in one event, and parties that are distinct only before normalisation.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis.errors import NoSuchExample
from hypothesis import strategies as st

from commitment_tracker.events import CORRECTABLE, EVENT_TYPES, InvalidEvent, json_schema, parse_json

SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
INEXPRESSIBLE = ("is before", "listed twice")

slugs = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,12}\Z")
dates = st.dates().filter(lambda d: 1000 <= d.year <= 2999).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]]))
parties = st.lists(st.sampled_from(["US", "JP", "KR", "AU", "ROK", "us", " jp "]), min_size=1, max_size=3)
texts = st.text(min_size=1, max_size=30)
stamps = st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).filter(
    lambda d: 1000 <= d.year <= 2999).map(lambda d: d.isoformat().replace("+00:00", "Z"))
refs = st.builds(lambda s, n: f"{s}#{n}", slugs, st.integers(1, 99)) | st.sampled_from(["CD-MWD#3", " c#12 "])
VALUES: dict[str, Any] = {
    "source": slugs, "quote": texts, "note": texts, "recorded_by": texts, "recorded_at": stamps,
    "title": texts, "publisher": texts, "url": st.from_regex(r"\Ahttps?://[a-z.]{1,20}\Z"),
    "published_on": dates, "sha256": st.from_regex(r"\A[0-9a-fA-F]{64}\Z"), "text": texts,
    "meeting": slugs, "on": dates, "kind": slugs, "parties": parties, "place": texts, "end_on": dates,
    "scheduled_for": dates, "statement": slugs, "about": st.lists(slugs, max_size=2), "commitment": slugs,
    "cadence": st.sampled_from(["once", "standing", "annual", "monthly"]), "due": dates, "due_next": slugs,
    "by": slugs, "edition": slugs, "target": refs, "reason": texts,
    # The scoring fields (SPEC §8): without them no compliance_assessed or assessment_reviewed
    # event was ever valid, and the agreement on those went untested.
    "party": st.sampled_from(["US", "JP", "KR", "AU", "ROK", "usa", " jp ", "EU", "G7X"]),
    "score": st.sampled_from([-1, 0, 1, 1.0, -0.0]),
    "decision": st.sampled_from(["approved", "returned"]),
    "cycle": st.one_of(st.sampled_from(["interim", "final", "Final", " mid-term "]), slugs),
    "assessor": texts, "area": texts,
    "code": st.one_of(st.from_regex(r"\A20[0-9]{2}[SGN]?-[0-9]{1,3}\Z"), texts),
    "summit": st.one_of(st.from_regex(r"\A[12][0-9]{3}[A-Z]?\Z"), texts),
    "published_average": st.one_of(st.floats(-1, 1), st.sampled_from([-1, 0, 1, -1.0, 1.0, 0.25])),
    "reconciles": st.lists(refs, min_size=1, max_size=3),
}  # fmt: skip

NEAR_MISSES = [
    None, 0, 1.5, True, [], {}, "", " ", "\u3000", "\x1c", "\n", "x\n", "US\n", "\nus", " us ", "u s", "U",
    "USA", "ROK", "TOOLONGCODE", "\u212a", "\u0130", "stra\u00dfe", "CD-MWD", "cd-mwd#0", "cd-mwd#3", "#3",
    "2024-02-29", "2023-02-29", "2024-02-30", "2024-13", "2024-00", "0999", "3000", "2024-1-01", "20240101",
    "\u0662\u0660\u0662\u0664", "\uff12\uff10\uff12\uff14", "2024-06-01T12:00:00Z", "2024-06-01T12:00:60Z",
    "2024-06-01t12:00:00z", "2024-06-01 12:00:00Z", "2024-06-01T12:00Z", "2024-06-01T12:00:00+0000",
    "2024-06-01T24:00:00Z", "2024-06-01T12:00:00.1234567Z", "2024-06-01T12:00:00+24:00", "2024-06-01T12:00:00",
    -1, 2, -2, 1.0, -1.0000001, 1.0000001, 1e300, 10**20, "1", "-1", "0.5", "approved", "Approved",
    " approved", "APPROVED", "rejected", "2010S", "interim", "CD#3", ["cd#3"], [], ["cd#0"], ["cd"], [1],
    "https://example.org/a", "https://exa mple.org", "https://a\x1cb", "https://a\n", "ftp://a", "a" * 64,
    "A" * 64, "g" * 64, ["US", "us"], ["US", "ROK", "KR"], ["US"] * 2, ["x"], [" US "], ["u\u00df"],
    "x" * 501, "x" * 5001, "nul\x00inside", "\x00", "https://a\x00b", ["U\x00S"],
]  # fmt: skip


@st.composite
def valid_events(
    draw: st.DrawFn, types: tuple[str, ...] = tuple(sorted(EVENT_TYPES)), always: str | None = None
) -> dict[str, Any]:
    """An event of one of ``types``, with each optional field present or not (``always`` present)."""
    type_ = draw(st.sampled_from(types))
    model = EVENT_TYPES[type_]
    event: dict[str, Any] = {"type": type_}
    for name, field in model.model_fields.items():
        if name == "type":
            continue
        if field.is_required() or name == always or draw(st.booleans()):
            event[name] = draw(VALUES[name])
    if type_ == "deadline_changed":
        event.pop(draw(st.sampled_from([n for n in ("due", "due_next") if n != always])), None)
        if "due_next" not in event:
            event.setdefault("due", "2999")
    if type_ == "event_corrected" and not any(k in event for k in CORRECTABLE):
        event["note"] = "fixed"
    return event


@st.composite
def mutated_events(draw: st.DrawFn) -> dict[str, Any]:
    event = draw(valid_events())
    for _ in range(draw(st.integers(1, 2))):
        how = draw(st.sampled_from(["swap", "swap", "swap", "drop", "add", "retype"]))
        names = sorted(event)
        if how == "swap":
            event[draw(st.sampled_from(names))] = draw(st.sampled_from(NEAR_MISSES))
        elif how == "drop":
            event.pop(draw(st.sampled_from(names)))
        elif how == "add":
            event[draw(st.sampled_from([*VALUES, "extra", "class_version"]))] = draw(st.sampled_from(NEAR_MISSES[-12:]))
        else:
            event["type"] = draw(st.sampled_from([*sorted(EVENT_TYPES), "commitment_renamed", 3]))
    return event


def test_every_field_of_every_event_has_values_to_generate():
    """``valid_events`` draws every field from ``VALUES``: a field added to a model without values
    here would never be generated, and the schema's agreement on it never tested."""
    missing = sorted(f"{type_}.{name}" for type_, model in EVENT_TYPES.items()
                     for name in model.model_fields if name != "type" and name not in VALUES)  # fmt: skip
    assert not missing, missing


@pytest.mark.parametrize("type_", sorted(EVENT_TYPES))
def test_valid_events_holds_events_import_accepts_of_every_type_with_every_field(type_: str) -> None:
    """Every type, every field: for each field of each event type, the generator yields an event
    of that type carrying it that import accepts (compliance_assessed and assessment_reviewed
    included), so the agreement tests above see them valid, not only refused."""
    quick = settings(max_examples=300, phases=[Phase.generate], database=None, deadline=None)
    for name in [name for name in EVENT_TYPES[type_].model_fields if name != "type"]:
        try:
            event = find(valid_events((type_,), always=name), lambda e: import_verdict(e)[0],
                         settings=quick)  # fmt: skip
        except NoSuchExample:
            pytest.fail(f"valid_events never yields a {type_} with {name} that import accepts")
        assert name in event
        assert_same_verdict(event)


def import_verdict(event: dict[str, Any]) -> tuple[bool, str]:
    try:
        parse_json(json.dumps(event))
    except InvalidEvent as error:
        return False, str(error)
    return True, ""


def assert_same_verdict(event: dict[str, Any]) -> None:
    accepted, why = import_verdict(event)
    errors = [e.message for e in VALIDATOR.iter_errors(event)]
    if not accepted and not errors and any(reason in why for reason in INEXPRESSIBLE):
        return
    assert accepted == (not errors), (event, why, errors[:3])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_events())
def test_the_schema_accepts_what_import_accepts(event):
    assert_same_verdict(event)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_events())
def test_the_schema_and_import_refuse_the_same_mutated_events(event):
    assert_same_verdict(event)


@pytest.mark.parametrize("event", [
    {"type": "commitment_made", "commitment": "c", "on": "\u0662\u0660\u0662\u0664-\u0660\u0666", "title": "T", "parties": ["US"]},
    {"commitment": "c", "on": "2024", "title": "T", "parties": ["US"]},
    {"type": "commitment_made", "commitment": "c d", "on": "2024", "title": "T", "parties": ["US"]},
    {"type": "commitment_made", "commitment": "c", "on": "2024-02-30", "title": "T", "parties": ["usa!"]},
    {"type": "event_retracted", "target": "c#0", "reason": "r"},
    {"type": "source_registered", "source": "s", "title": "T", "sha256": "z" * 64},
    {"type": "deadline_changed", "commitment": "c", "on": "2024"},
    {"type": "event_corrected", "target": "c#1", "reason": "r"},
    {"type": "commitment_made", "commitment": "c", "on": "2024", "title": " ", "parties": ["US"]},
])  # fmt: skip
def test_events_import_refuses_are_refused_by_the_schema(event):
    assert not import_verdict(event)[0]
    assert list(VALIDATOR.iter_errors(event))


#: Every keyword of JSON Schema Draft 2020-12 (core, applicator, validation, format, content,
#: meta-data and unevaluated vocabularies): what a strict validator (ajv strict) knows.
KEYWORDS = {
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$defs", "$comment", "$vocabulary",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
    "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "format", "contentEncoding", "contentMediaType", "contentSchema", "title",
    "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
}  # fmt: skip


def _keywords(schema: Any, found: set[str]) -> None:
    if isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("const", "enum", "default", "examples", "required"):
                _keywords(value, found)
    elif isinstance(schema, list):
        for item in schema:
            _keywords(item, found)


def test_the_schema_is_valid_draft_2020_12_with_only_its_keywords():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    found: set[str] = set()
    _keywords(SCHEMA, found)
    assert found <= KEYWORDS, found - KEYWORDS
    assert "discriminator" not in json.dumps(SCHEMA)
    assert all("type" in d["required"] for d in SCHEMA["$defs"].values() if "type" in d.get("properties", {}))



def _fields() -> list[tuple[str, str, Any, dict[str, Any]]]:
    """Every field of every event model, as (type, field, annotation, its published schema): read
    from the models and from the schema ``ctrack schema`` prints, not from a list."""
    schema = json_schema()
    by_title = {definition.get("title"): definition for definition in schema["$defs"].values()}
    found = []
    for type_, model in sorted(EVENT_TYPES.items()):
        properties = by_title[model.__name__]["properties"]
        for name, info in model.model_fields.items():
            published = {"$defs": schema["$defs"], **properties[name]}
            found.append((type_, name, info.rebuild_annotation(), published))
    return found


@pytest.mark.parametrize("blank", [" ", "\t \n", "\u00a0", ""])
def test_the_schema_and_the_models_agree_on_blank_text_in_every_field(blank: str) -> None:
    """A blank value is refused by the published JSON Schema exactly where the model refuses it,
    field by field, over every field of every event type: a schema that let "   " through where
    the model refuses it would tell a validating tool "valid" for a line import rejects."""
    from pydantic import TypeAdapter, ValidationError

    disagree = []
    for type_, name, annotation, published in _fields():
        try:
            TypeAdapter(annotation).validate_python(blank)
            model_accepts = True
        except (ValidationError, ValueError, TypeError):
            model_accepts = False
        schema_accepts = jsonschema.Draft202012Validator(published).is_valid(blank)
        if model_accepts != schema_accepts:
            disagree.append(f"{type_}.{name}: model {'accepts' if model_accepts else 'refuses'}, "
                            f"schema {'accepts' if schema_accepts else 'refuses'}")  # fmt: skip
    assert not disagree, disagree
