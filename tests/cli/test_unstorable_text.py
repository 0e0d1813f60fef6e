"""Text no store can hold: a NUL character is refused at the door, in every string field of every
event, the same way on SQLite and PostgreSQL; and an event that already holds one (written before
it was refused) leaves the store readable, retractable and verifiable.

PostgreSQL refuses NUL in every text value, so a single title with one, once stored, made every
later write of the status view fail: every query, ``rebuild`` and a retraction alike.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest

from commitment_tracker import events as ev
from commitment_tracker.tracker import open_tracker, resolve_store
from tests.conftest import Ctrack
from tests.cli.helpers import error_line, untouched

#: A valid value of every string field (by name); a field missing here fails the test that needs it.
SAMPLES: dict[str, Any] = {
    "source": "src", "quote": "a quote", "note": "a note", "recorded_by": "someone", "title": "A title",
    "publisher": "A publisher", "url": "https://example.org/page", "published_on": "2024-01-01",
    "sha256": "a" * 64, "text": "Some text", "meeting": "m1", "on": "2024-01-01", "kind": "summit",
    "parties": ["US", "JP"], "place": "A place", "end_on": "2024-01-02", "scheduled_for": "2024-06-01",
    "statement": "st1", "about": ["c1"], "commitment": "c1", "due": "2024-06-01", "due_next": "summit",
    "by": "c2", "area": "Trade", "code": "2024S-1", "party": "US", "score": 1, "cycle": "final",
    "assessor": "A group", "target": "c1#1", "reason": "a reason", "edition": "ed-1", "summit": "2024S",
    "decision": "approved", "reconciles": ["c1#1"],
}  # fmt: skip
PLEDGE = {"type": "commitment_made", "commitment": "first", "on": "2024-01-01", "title": "Before", "parties": ["US"]}


def _holds_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    if typing.get_origin(annotation) is typing.Literal:
        return False
    return any(_holds_str(arg) for arg in typing.get_args(annotation) if arg is not Ellipsis)


def string_fields() -> set[tuple[str, str]]:
    """Every (event type, field) whose value is text, read from the models themselves."""
    return {
        (type_, name)
        for type_, model in ev.EVENT_TYPES.items()
        for name, field in model.model_fields.items()
        if _holds_str(field.annotation)
    }


def with_nul(value: Any) -> Any:
    return [with_nul(value[0]), *value[1:]] if isinstance(value, list) else value[:1] + "\x00" + value[1:]


def event_with(type_: str, name: str, value: Any) -> dict[str, Any]:
    """An event of ``type_`` that is valid but for ``value`` in field ``name``."""
    model = ev.EVENT_TYPES[type_]
    data = {n: SAMPLES[n] for n, f in model.model_fields.items() if f.is_required() and n != "type"}
    if type_ == "deadline_changed" and name not in ("due", "due_next"):
        data["due"] = SAMPLES["due"]
    if type_ == "event_corrected" and name not in ev.CORRECTABLE:
        data["note"] = SAMPLES["note"]
    return {"type": type_, **data, name: value}


def test_the_string_fields_are_found_in_the_models() -> None:
    found = string_fields()
    # A few that must be among them, so that an enumeration gone wrong cannot pass unnoticed.
    assert {("commitment_made", "title"), ("source_registered", "text"), ("statement_issued", "about"),
            ("meeting_held", "parties"), ("event_retracted", "reason"), ("compliance_assessed", "assessor"),
            ("commitment_made", "area"), ("source_registered", "url"), ("progress_reported", "recorded_by")} <= found  # fmt: skip
    assert not {name for _, name in found} - set(SAMPLES), "a string field without a sample value"


@pytest.mark.postgres
def test_every_string_field_of_every_event_refuses_nul_on_both_stores(sqlite_url: str, pg_url: str,
                                                                      tmp_path: Path) -> None:  # fmt: skip
    stores = [Ctrack(sqlite_url), Ctrack(pg_url)]
    for ctrack in stores:
        ctrack.ok("pledge", "seed", "--on", "2024-01-01", "--title", "Seed", "--party", "US")
    with untouched(stores[0]), untouched(stores[1]):
        for type_, name in sorted(string_fields()):
            clean = event_with(type_, name, SAMPLES[name])
            ev.parse_json(json.dumps(clean))  # valid but for the NUL: nothing else can be what is refused
            path = tmp_path / f"{type_}-{name}.jsonl"
            lines = [PLEDGE, event_with(type_, name, with_nul(SAMPLES[name]))]
            path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
            said = [error_line(ctrack("import", str(path)), (1, 2), "line 2", name) for ctrack in stores]
            assert said[0] == said[1], (type_, name, said)


@pytest.mark.parametrize("args", [
    ("pledge", "p", "--on", "2024-01-01", "--title", "A\x00B", "--party", "US"),
    ("progress", "seed", "--on", "2024-02-01", "--note", "half\x00done"),
    ("retract", "seed#1", "--reason", "wrong\x00ly"),
    ("source", "add", "s", "--title", "T", "--url", "https://example.org/\x00"),
])  # fmt: skip
def test_recording_commands_refuse_nul(ctrack: Ctrack, args: tuple[str, ...]) -> None:
    ctrack.ok("pledge", "seed", "--on", "2024-01-01", "--title", "Seed", "--party", "US")
    field = {"pledge": "title", "progress": "note", "retract": "reason", "source": "url"}[args[0]]
    with untouched(ctrack):
        error_line(ctrack(*args), (1, 2), field)


def test_an_archived_source_text_with_nul_is_refused(ctrack: Ctrack, tmp_path: Path) -> None:
    ctrack.ok("pledge", "seed", "--on", "2024-01-01", "--title", "Seed", "--party", "US")
    binary = tmp_path / "page.txt"
    binary.write_bytes(b"text\x00with a NUL")
    with untouched(ctrack):
        error_line(ctrack("source", "add", "s", "--title", "T", "--file", str(binary)), (1, 2), "text")


def _stored_before_it_was_refused(url: str) -> None:
    """Events holding NUL, saved as an earlier release did (it checked no such thing)."""
    legacy = [
        ev.CommitmentMade.model_construct(type="commitment_made", commitment="nul", on="2024-01-01",
                                          title="Cut\x00 tariffs", parties=("US", "JP"), area="Tr\x00ade"),
        ev.ProgressReported.model_construct(type="progress_reported", commitment="nul", on="2024-02-01",
                                            note="tariffs\x00 halved"),
        ev.ComplianceAssessed.model_construct(type="compliance_assessed", commitment="nul", on="2024-03-01",
                                              party="US", score=1, assessor="A\x00 group"),
    ]  # fmt: skip
    with open_tracker(resolve_store(url)) as tracker:
        tracker.record(legacy, "an earlier release")


def test_an_event_stored_with_nul_leaves_the_store_readable(ctrack: Ctrack) -> None:
    ctrack.ok("pledge", "other", "--on", "2024-01-01", "--title", "Other", "--party", "US")
    _stored_before_it_was_refused(ctrack.store)
    board = {c["id"]: c for c in ctrack.json("status")["commitments"]}
    assert board["nul"]["title"] == "Cut\x00 tariffs" and board["nul"]["status"] == "in_progress"
    assert "Cut\\x00 tariffs" in ctrack.ok("show", "nul").stdout  # the terminal sees an escape
    assert len(ctrack.json("history", "nul")["events"]) == 3
    assert [r["ref"] for r in ctrack.json("search", "halved")["results"]] == ["nul#2"]
    assert [g["scores"] for g in ctrack.json("scores", "--by", "area")["groups"]] == [1]
    ctrack.ok("retract", "nul#2", "--reason", "not halved after all")
    assert {c["id"]: c["status"] for c in ctrack.json("status")["commitments"]}["nul"] == "pledged"
    ctrack.ok("rebuild")
    assert ctrack.ok("verify").stdout.startswith("OK: 5 events")
