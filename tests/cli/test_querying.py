"""The query commands of SPEC §6: status, show, history, replay, diff, sources, schema."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from tests.cli.helpers import (
    DATASET,
    DATASET_COMMITMENTS,
    board,
    history,
    jsonl,
    parse_csv,
)


@pytest.fixture
def trilateral(trilateral_shared):
    """Only reads: the dataset imported once for the whole module (checked unchanged at the end)."""
    return trilateral_shared


STATUS_FIELDS = {"id", "title", "parties", "cadence", "status", "made_on", "due_on", "overdue", "late",
                 "last_event_on", "reaffirmations", "instances", "party_status"}  # fmt: skip
HISTORY_FIELDS = {"ref", "type", "on", "recorded_at", "recorded_by", "retracted", "corrected_by",
                  "status_before", "status_after"}  # fmt: skip
ALL_STATUSES = {"pledged", "in_progress", "fulfilled", "stalled", "abandoned", "superseded", "active",
                "on_track", "lapsed"}  # fmt: skip


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


# --- status -------------------------------------------------------------------------------------


def test_status_of_an_empty_store(ctrack):
    ctrack.ok("store", "init")
    data = ctrack.json("status")
    assert data["commitments"] == []
    assert data["as_of"] == today()
    assert datetime.fromisoformat(data["known_at"]).tzinfo is not None
    assert "0 commitments" in ctrack.ok("status").stdout


def test_status_json_has_the_spec_fields(trilateral):
    data = trilateral.json("status")
    assert {"as_of", "known_at", "commitments"} <= set(data)
    assert len(data["commitments"]) == DATASET_COMMITMENTS
    for item in data["commitments"]:
        assert STATUS_FIELDS <= set(item), item["id"]
        assert item["status"] in ALL_STATUSES
        assert isinstance(item["overdue"], bool) and isinstance(item["late"], bool)
        assert isinstance(item["reaffirmations"], int)
        assert isinstance(item["instances"], list)
        assert set(item["party_status"]) == set(item["parties"])
        assert set(item["party_status"].values()) <= {"fulfilled", "abandoned", "pending"}


def test_status_of_the_trilateral_as_of_mid_2024(trilateral):
    items = board(trilateral, "--as-of", "2024-07-01")
    assert len(items) == 11  # six commitments were made after 1 July 2024
    assert items["freedom-edge-exercise"]["status"] == "on_track"
    assert items["freedom-edge-exercise"]["instances"] == ["2024-06-27"]
    assert items["tscf-moc"]["status"] == "pledged"
    assert items["cd-meet-annually"]["status"] == "pledged"
    assert items["msp-critical-minerals"]["made_on"] == "2022-06"
    later = board(trilateral, "--as-of", "2024-12-01")
    assert later["tscf-moc"]["status"] == "fulfilled"
    assert later["cd-meet-annually"]["status"] == "lapsed" and later["cd-meet-annually"]["overdue"] is True
    assert later["trilateral-coordinating-mechanism"]["status"] == "pledged"  # its fulfilment was retracted
    assert later["us-extended-deterrence"]["parties"] == ["US"]


def test_status_filters(trilateral):
    args = ("--as-of", "2024-12-01")
    everything = board(trilateral, *args)
    assert set(board(trilateral, *args, "--party", "ROK")) == {k for k, v in everything.items() if "KR" in v["parties"]}
    assert set(board(trilateral, *args, "--party", "kr")) == set(board(trilateral, *args, "--party", "ROK"))
    assert set(board(trilateral, *args, "--status", "active")) == {k for k, v in everything.items() if v["status"] == "active"}
    overdue = board(trilateral, *args, "--overdue")
    assert overdue and set(overdue) == {k for k, v in everything.items() if v["overdue"]}
    assert set(board(trilateral, *args, "--overdue", "--status", "fulfilled")) == set()
    assert board(trilateral, *args, "--party", "CN") == {}


def test_status_as_of_a_coarse_date_is_its_first_day(trilateral):
    assert trilateral.json("status", "--as-of", "2024")["as_of"] == "2024-01-01"
    assert board(trilateral, "--as-of", "2024-06") == board(trilateral, "--as-of", "2024-06-01")


def test_status_formats_agree(trilateral):
    args = ("status", "--as-of", "2024-12-01")
    as_json = json.loads(trilateral.ok(*args, "--json").stdout)
    as_format_json = json.loads(trilateral.ok(*args, "--format", "json").stdout)
    as_json.pop("known_at"), as_format_json.pop("known_at")
    assert as_json == as_format_json
    rows = parse_csv(trilateral.ok(*args, "--format", "csv").stdout)
    assert [(r["id"], r["status"]) for r in rows] == [(c["id"], c["status"]) for c in as_json["commitments"]]
    assert STATUS_FIELDS <= set(rows[0])
    table = trilateral.ok(*args, "--format", "table").stdout
    assert table == trilateral.ok(*args).stdout  # table is the default
    for item in as_json["commitments"]:
        assert item["id"] in table
    assert "Commitments as of 2024-12-01" in table


# --- show ---------------------------------------------------------------------------------------


def test_show_json_is_the_status_plus_events(trilateral):
    data = trilateral.json("show", "tscf-moc", "--as-of", "2024-12-01")
    assert STATUS_FIELDS <= set(data) and "events" in data
    assert data["status"] == "fulfilled"
    assert data == {**data, **board(trilateral, "--as-of", "2024-12-01")["tscf-moc"]}
    assert [e["ref"] for e in data["events"]] == ["tscf-moc#1", "tscf-moc#2"]
    for event in data["events"]:
        assert HISTORY_FIELDS <= set(event)


def test_show_table_shows_state_parties_deadline_and_events(trilateral):
    out = trilateral.ok("show", "freedom-edge-exercise", "--as-of", "2024-12-01").stdout
    for expected in ("on_track", "annual", "US: fulfilled", "2025-06-27", "2024-06-27", "commitment_made",
                     "commitment_fulfilled", "omai-2024-10-seoul-vfm"):  # fmt: skip
        assert expected in out, expected


def test_show_csv(trilateral):
    rows = parse_csv(trilateral.ok("show", "tscf-moc", "--format", "csv", "--as-of", "2024-12-01").stdout)
    assert {"field": "status", "value": "fulfilled"} in rows


def test_show_table_puts_statements_on_stdout(seeded):
    seeded.ok("statement", "add", "joint", "--on", "2024-03-01", "--party", "US", "--text", "We will deliver.",
              "--about", "deliver")  # fmt: skip
    result = seeded.ok("show", "deliver")
    assert "joint#1" in result.stdout
    assert "joint#1" not in result.stderr


# --- history ------------------------------------------------------------------------------------


def test_history_json_fields(trilateral):
    data = trilateral.json("history", "trilateral-coordinating-mechanism")
    assert data["id"] == "trilateral-coordinating-mechanism"
    events = data["events"]
    for event in events:
        assert HISTORY_FIELDS <= set(event)
        assert datetime.fromisoformat(event["recorded_at"]).tzinfo is not None
        assert event["recorded_by"] == "demo-analyst"
    made, fulfilled, retraction = events
    assert (made["type"], made["title"], made["due_next"], made["source"]) == (
        "commitment_made", "Finalize a trilateral coordinating mechanism by the next Trilateral Summit",
        "trilateral-summit", "omai-2024-10-seoul-vfm")  # fmt: skip
    assert "finalize a trilateral coordinating mechanism" in made["quote"]
    assert (made["status_before"], made["status_after"]) == (None, "pledged")
    assert (fulfilled["retracted"], fulfilled["corrected_by"]) == (True, [])
    assert (fulfilled["status_before"], fulfilled["status_after"]) == ("pledged", "pledged")
    assert (retraction["type"], retraction["target"]) == ("event_retracted", "trilateral-coordinating-mechanism#2")


def test_history_shows_corrections(trilateral):
    held, correction = history(trilateral, "trilateral-defense-dialogue-2024")
    assert held["on"] == "2024-04"  # the effective value
    assert held["original"] == {"on": "2024-05"}  # as recorded
    assert held["corrected_by"] == ["trilateral-defense-dialogue-2024#2"]
    assert correction["type"] == "event_corrected" and correction["target"] == held["ref"]


def test_history_is_in_valid_time_order_or_record_order(seeded):
    # learned late and out of order: the fulfilment first, then the progress before it
    seeded.ok("fulfil", "deliver", "--on", "2024-05-01")
    seeded.ok("progress", "deliver", "--on", "2024-03-01", "--note", "drafting")
    seeded.ok("reaffirm", "deliver", "--on", "2024-03-01")  # same day: record order breaks the tie
    by_valid = history(seeded, "deliver")
    assert [e["ref"] for e in by_valid] == ["deliver#1", "deliver#3", "deliver#4", "deliver#2"]
    assert [(e["status_before"], e["status_after"]) for e in by_valid] == [
        (None, "pledged"), ("pledged", "in_progress"), ("in_progress", "in_progress"), ("in_progress", "fulfilled")]
    by_record = history(seeded, "deliver", "--by-record")
    assert [e["ref"] for e in by_record] == ["deliver#1", "deliver#2", "deliver#3", "deliver#4"]
    # what the tracker said as it learned: fulfilled as soon as the fulfilment was recorded
    assert [e["status_after"] for e in by_record] == ["pledged", "fulfilled", "fulfilled", "fulfilled"]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in by_record]
    assert recorded == sorted(recorded)


def test_history_by_record_shows_what_a_retraction_changed(trilateral):
    events = history(trilateral, "trilateral-coordinating-mechanism", "--by-record", "--as-of", "2024-12-01")
    assert [(e["status_before"], e["status_after"]) for e in events] == [
        (None, "pledged"), ("pledged", "fulfilled"), ("fulfilled", "pledged")]


def test_history_of_a_meeting_a_statement_and_a_source(trilateral):
    assert history(trilateral, "camp-david-2023")[0]["type"] == "meeting_held"
    assert history(trilateral, "seoul-statement-2024-10-16")[0]["type"] == "statement_issued"
    assert history(trilateral, "tdi-2024-05-29")[0]["type"] == "source_registered"


def test_history_table_and_csv(trilateral):
    out = trilateral.ok("history", "trilateral-coordinating-mechanism").stdout
    assert "RETRACTED" in out and "demo-analyst" in out and "event_retracted" in out
    rows = parse_csv(trilateral.ok("history", "trilateral-coordinating-mechanism", "--format", "csv").stdout)
    assert [r["ref"] for r in rows] == [f"trilateral-coordinating-mechanism#{n}" for n in (1, 2, 3)]
    assert [r["retracted"] for r in rows] == ["false", "true", "false"]


# --- replay and diff ----------------------------------------------------------------------------


def test_replay_lists_every_status_change_in_valid_time_order(trilateral):
    data = trilateral.json("replay", "--from", "2024-06-01", "--to", "2024-12-31")
    changes = data["changes"]
    assert (data["from"], data["to"]) == ("2024-06-01", "2024-12-31")
    days = [c["on"] for c in changes]
    assert days == sorted(days)
    assert all("2024-06-01" <= c["on"] <= "2024-12-31" for c in changes if len(c["on"]) == 10)
    seen = {(c["commitment"], c["status_before"], c["status_after"]) for c in changes}
    assert ("tscf-moc", "pledged", "fulfilled") in seen
    assert ("freedom-edge-exercise", "pledged", "on_track") in seen
    # the leaders did not meet within a year of Camp David: time alone lapsed it
    lapse = next(c for c in changes if c["commitment"] == "cd-meet-annually")
    assert (lapse["status_after"], lapse["cause"], lapse["on"]) == ("lapsed", None, "2024-08-19")
    made = next(c for c in changes if c["commitment"] == "ukraine-energy-recovery")
    assert (made["status_before"], made["status_after"], made["cause"]) == (None, "pledged", "ukraine-energy-recovery#1")


def test_replay_bounds(trilateral):
    everything = trilateral.json("replay")["changes"]
    assert everything[0]["on"] == "2022-06"  # the oldest commitment's making
    until = trilateral.json("replay", "--to", "2023-12-31")["changes"]
    assert until and all(c["on"] <= "2023-12-31" for c in until)
    assert until == everything[: len(until)]
    rows = parse_csv(trilateral.ok("replay", "--to", "2023-12-31", "--format", "csv").stdout)
    assert [r["commitment"] for r in rows] == [c["commitment"] for c in until]
    assert "cd-meet-annually" in trilateral.ok("replay", "--from", "2024-08-01", "--to", "2024-08-31").stdout


def test_diff_lists_commitments_whose_status_changed(trilateral):
    data = trilateral.json("diff", "--from", "2024-07-01", "--to", "2024-12-01")
    changed = {c["id"]: (c["status_from"], c["status_to"]) for c in data["changes"]}
    assert changed["tscf-moc"] == ("pledged", "fulfilled")
    assert changed["cd-meet-annually"] == ("pledged", "lapsed")
    assert changed["human-rights-nk"] == (None, "active")  # made in between
    assert "msp-critical-minerals" not in changed  # active on both days
    before, after = board(trilateral, "--as-of", "2024-07-01"), board(trilateral, "--as-of", "2024-12-01")
    expected = {k for k in after if before.get(k, {}).get("status") != after[k]["status"]}
    assert set(changed) == expected
    rows = parse_csv(trilateral.ok("diff", "--from", "2024-07-01", "--to", "2024-12-01", "--format", "csv").stdout)
    assert {r["id"] for r in rows} == expected
    assert trilateral.json("diff", "--from", "2024-07-01", "--to", "2024-07-01")["changes"] == []


# --- sources and schema -------------------------------------------------------------------------


def test_sources_of_the_trilateral(trilateral):
    listed = trilateral.json("sources")["sources"]
    assert [s["id"] for s in listed] == ["omai-2024-10-seoul-vfm", "tdi-2024-05-29"]
    rows = parse_csv(trilateral.ok("sources", "--format", "csv").stdout)
    assert [r["id"] for r in rows] == ["omai-2024-10-seoul-vfm", "tdi-2024-05-29"]


SPEC_REQUIRED = {
    "source_registered": {"source", "title"},
    "meeting_held": {"meeting", "on", "kind", "title", "parties"},
    "meeting_scheduled": {"meeting", "on", "scheduled_for", "kind", "title", "parties"},
    "statement_issued": {"statement", "on", "parties", "text"},
    "commitment_made": {"commitment", "on", "title", "parties"},
    "commitment_reaffirmed": {"commitment", "on"},
    "progress_reported": {"commitment", "on", "note"},
    "commitment_fulfilled": {"commitment", "on"},
    "commitment_stalled": {"commitment", "on", "note"},
    "commitment_abandoned": {"commitment", "on"},
    "commitment_superseded": {"commitment", "on", "by"},
    "deadline_changed": {"commitment", "on"},
    "compliance_assessed": {"commitment", "party", "score", "on"},
    "assessment_reviewed": {"target", "decision", "on"},  # SPEC §8.2
    "edition_published": {"edition", "on", "title"},
    "event_retracted": {"target", "reason"},
    "event_corrected": {"target", "reason"},
}


def _schema_of(schema: dict, event_type: str) -> dict:
    [definition] = [
        d for d in (schema["$defs"][branch["$ref"].rsplit("/", 1)[1]] for branch in schema["oneOf"])
        if d["properties"]["type"]["const"] == event_type
    ]
    return definition


def test_schema_is_a_json_schema_of_every_event_type(ctrack):
    result = ctrack.ok("schema")
    assert result.stderr == ""
    schema = json.loads(result.stdout)
    assert "json-schema.org" in schema["$schema"]
    assert "discriminator" not in schema  # an OpenAPI keyword: strict JSON Schema validators refuse it
    assert len(schema["oneOf"]) == len(SPEC_REQUIRED)
    for event_type, required in SPEC_REQUIRED.items():
        definition = _schema_of(schema, event_type)
        assert definition["properties"]["type"]["const"] == event_type
        assert set(definition["required"]) == required | {"type"}, event_type
        assert definition["additionalProperties"] is False
        for common in ("source", "quote", "note", "recorded_by"):
            assert common in definition["properties"], (event_type, common)
    # every reference resolves inside the document
    refs = re.findall(r'"\$ref": "([^"]+)"', result.stdout)
    assert refs
    for ref in refs:
        assert ref.startswith("#/$defs/") and ref.removeprefix("#/$defs/") in schema["$defs"], ref


def test_every_exported_event_fits_the_schema(trilateral):
    schema = json.loads(trilateral.ok("schema").stdout)
    for event in jsonl(trilateral.ok("export").stdout) + jsonl(DATASET.read_text(encoding="utf-8")):
        definition = _schema_of(schema, event["type"])
        assert set(definition["required"]) <= set(event), event
        assert set(event) <= set(definition["properties"]), event
