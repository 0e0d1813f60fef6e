"""import (JSON Lines, YAML, --dry-run, all or nothing) and export (jsonl, csv, -o), and the round trip."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import (
    DATASET,
    DATASET_EVENTS,
    board,
    error_line,
    history,
    jsonl,
    made,
    parse_csv,
    untouched,
    write_jsonl,
)


@pytest.fixture
def trilateral(trilateral_shared):
    """Only reads: the dataset imported once for the whole module (checked unchanged at the end)."""
    return trilateral_shared


YAML_EVENTS = """\
# commitments from the Camp David summit
- type: commitment_made
  commitment: meet-annually
  "on": "2023-08-18"
  title: Leaders meet in person at least annually
  parties: [US, JP, ROK]
  cadence: annual
- type: commitment_fulfilled
  commitment: meet-annually
  "on": 2024-08-01
  note: "The 2024 instance"
"""


def test_import_jsonl(ctrack, tmp_path):
    path = write_jsonl(tmp_path / "events.jsonl", made("a"), made("b", on="2024-02"),
                       {"type": "commitment_fulfilled", "commitment": "a", "on": "2024-03-01"})  # fmt: skip
    result = ctrack.ok("import", str(path))
    assert result.stdout == ""
    assert "imported 3 events" in result.stderr
    items = board(ctrack)
    assert (items["a"]["status"], items["b"]["made_on"]) == ("fulfilled", "2024-02")
    # events without record time or author are stamped on save
    assert {e["recorded_by"] for e in jsonl(ctrack.ok("export").stdout)} == {"tester"}


def test_import_keeps_recorded_at_and_recorded_by(trilateral):
    events = history(trilateral, "trilateral-coordinating-mechanism")
    assert [e["recorded_at"][:16] for e in events] == ["2024-10-17T10:25", "2024-10-18T09:40", "2024-10-22T11:00"]
    assert {e["recorded_by"] for e in events} == {"demo-analyst"}


def test_import_yaml_list(ctrack, write):
    path = write("events.yaml", YAML_EVENTS)
    result = ctrack.ok("import", str(path))
    assert "imported 2 events" in result.stderr
    item = board(ctrack, "--as-of", "2024-09-01")["meet-annually"]
    assert (item["status"], item["instances"], item["parties"]) == ("on_track", ["2024-08-01"], ["US", "JP", "KR"])


def test_import_yaml_with_plain_keys(ctrack, write):
    """``on:`` unquoted is the natural way to write it: a key, not the YAML 1.1 boolean true."""
    path = write("events.yml", YAML_EVENTS.replace('"on"', "on"))
    result = ctrack("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert board(ctrack, "--as-of", "2024-09-01")["meet-annually"]["status"] == "on_track"


def test_import_yaml_party_no(ctrack, write):
    path = write("events.yaml", '- type: commitment_made\n  commitment: c\n  "on": "2024-01-01"\n'
                                "  title: Nordic pledge\n  parties: [NO, US]\n")  # fmt: skip
    result = ctrack("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert board(ctrack)["c"]["parties"] == ["NO", "US"]


def test_import_dry_run_writes_nothing(seeded, tmp_path, write):
    path = write_jsonl(tmp_path / "events.jsonl", made("a"), made("b"))
    with untouched(seeded):
        result = seeded.ok("import", "--dry-run", str(path))
    assert "2 events checked" in result.stderr and result.stdout == ""
    with untouched(seeded):
        seeded.ok("import", "--dry-run", str(write("events.yaml", YAML_EVENTS)))
    seeded.ok("import", str(path))
    assert {"a", "b"} <= set(board(seeded))


def test_import_dry_run_still_reports_errors(seeded, tmp_path):
    path = write_jsonl(tmp_path / "events.jsonl", made("a"), made("deliver"))
    with untouched(seeded):
        error_line(seeded("import", "--dry-run", str(path)), (1, 2), "line 2", "deliver")


def test_import_is_all_or_nothing(seeded, tmp_path):
    path = write_jsonl(tmp_path / "events.jsonl", made("a"), made("b"),
                       {"type": "commitment_fulfilled", "commitment": "nowhere", "on": "2024-03-01"})  # fmt: skip
    with untouched(seeded):
        error_line(seeded("import", str(path)), (1, 2), "line 3", "nowhere")
    assert "a" not in board(seeded)


def test_import_skips_blank_lines_and_counts_them(ctrack, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("\n" + json.dumps(made("a")) + "\n\n   \n" + json.dumps(made("b")) + "\n\n", encoding="utf-8")
    assert "imported 2 events" in ctrack.ok("import", str(path)).stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n" + json.dumps(made("c")) + "\n\n{oops\n", encoding="utf-8")
    with untouched(ctrack):
        error_line(ctrack("import", str(bad)), (1, 2), "line 4")


def test_import_an_empty_file(ctrack, write):
    with untouched(ctrack):
        result = ctrack.ok("import", str(write("empty.jsonl", "")))
    assert "imported 0 events" in result.stderr


def test_import_accepts_a_byte_order_mark(ctrack, write):
    ctrack.ok("import", str(write("bom.jsonl", "\ufeff" + json.dumps(made("a")) + "\n")))
    assert "a" in board(ctrack)


def test_export_jsonl_to_stdout_and_to_a_file(trilateral, tmp_path):
    result = trilateral.ok("export")
    assert result.stderr == ""
    events = jsonl(result.stdout)
    assert len(events) == DATASET_EVENTS
    assert [e["type"] for e in events] == [e["type"] for e in jsonl(DATASET.read_text(encoding="utf-8"))]
    out = tmp_path / "out.jsonl"
    to_file = trilateral.ok("export", "-o", str(out))
    assert to_file.stdout == ""
    assert f"exported {DATASET_EVENTS} events" in to_file.stderr
    assert out.read_text(encoding="utf-8") == result.stdout
    trilateral.ok("export", "--output", str(out), "--format", "jsonl", "--force")
    assert out.read_text(encoding="utf-8") == result.stdout


def test_export_is_in_record_order(seeded):
    seeded.ok("fulfil", "deliver", "--on", "2024-05-01")
    seeded.ok("progress", "deliver", "--on", "2024-02-01", "--note", "earlier, learned later")
    types = [(e["type"], e.get("on")) for e in jsonl(seeded.ok("export").stdout)][-2:]
    assert types == [("commitment_fulfilled", "2024-05-01"), ("progress_reported", "2024-02-01")]


def test_export_csv(trilateral, tmp_path):
    result = trilateral.ok("export", "--format", "csv")
    rows = parse_csv(result.stdout)
    assert len(rows) == DATASET_EVENTS
    assert {"ref", "type", "on", "recorded_at", "recorded_by"} <= set(rows[0])
    retraction = next(r for r in rows if r["type"] == "event_retracted")
    assert retraction["ref"] == "trilateral-coordinating-mechanism#3"
    assert retraction["target"] == "trilateral-coordinating-mechanism#2"
    out = tmp_path / "out.csv"
    assert trilateral.ok("export", "--format", "csv", "-o", str(out)).stdout == ""
    assert out.read_text(encoding="utf-8") == result.stdout


def _without_known_at(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "known_at"}


def test_round_trip_through_export_and_import(ctrack, other_store, tmp_path):
    trilateral = ctrack
    trilateral.ok("import", str(DATASET))
    # a few more events recorded through the CLI on top of the dataset
    article = tmp_path / "article.txt"
    article.write_text("The leaders met in Washington.\n", encoding="utf-8")
    trilateral.ok("source", "add", "wh-2025", "--title", "White House readout", "--file", str(article))
    trilateral.ok("meeting", "add", "summit-2025", "--on", "2025-02-07", "--kind", "trilateral-summit",
                  "--title", "Leaders' summit", "--party", "US", "--party", "JP", "--party", "KR",
                  "--fulfils", "cd-meet-annually", "--source", "wh-2025")  # fmt: skip
    trilateral.ok("correct", "cd-meet-annually#2", "--reason", "dated by the readout", "--on", "2025-02-06")
    exported = tmp_path / "a.jsonl"
    trilateral.ok("export", "-o", str(exported))

    result = other_store.ok("import", str(exported))
    assert f"imported {DATASET_EVENTS + 4} events" in result.stderr
    assert other_store.ok("export").stdout == exported.read_text(encoding="utf-8")
    for as_of in ("2023-12-31", "2024-07-01", "2025-03-01"):
        a = _without_known_at(trilateral.json("status", "--as-of", as_of))
        b = _without_known_at(other_store.json("status", "--as-of", as_of))
        assert a == b, as_of
    for entity in ("trilateral-coordinating-mechanism", "cd-meet-annually", "trilateral-defense-dialogue-2024",
                   "freedom-edge-exercise", "summit-2025", "wh-2025"):  # fmt: skip
        for extra in ((), ("--by-record",)):
            a = _without_known_at(trilateral.json("history", entity, *extra))
            b = _without_known_at(other_store.json("history", entity, *extra))
            assert a == b, (entity, extra)
    assert trilateral.json("sources") == other_store.json("sources")
    tcm = "trilateral-coordinating-mechanism"
    assert board(other_store, "--known-at", "2024-10-20")[tcm]["status"] == "fulfilled"


def test_a_csv_export_with_scores_imports_back_to_the_same_log(ctrack, other_store, tmp_path):
    """CSV cells are text: a number field (an assessment's score) must read back as the number it
    was, so a CSV export, like a JSON Lines one, restores the same log (same digest)."""
    ctrack.ok("import", str(DATASET))
    ctrack.ok("assess", "cd-meet-annually", "--party", "US", "--score", "1", "--on", "2024-01-01")
    ctrack.ok("assess", "cd-meet-annually", "--party", "JP", "--score", "-1", "--on", "2024-01-01")
    ctrack.ok("assess", "cd-meet-annually", "--party", "KR", "--score", "0", "--on", "2024-01-01")
    exported = tmp_path / "all.csv"
    ctrack.ok("export", "--format", "csv", "-o", str(exported))
    other_store.ok("import", str(exported))
    assert other_store.ok("export").stdout == ctrack.ok("export").stdout
    assert other_store.ok("checkpoint").stdout.split()[0] == ctrack.ok("checkpoint").stdout.split()[0]


def test_importing_a_file_again_says_its_events_are_already_in_the_store(ctrack):
    # It said only that a record time was earlier than the latest: true, and no help.
    ctrack.ok("import", str(DATASET))
    with untouched(ctrack):
        result = ctrack("--by", "someone-else", "import", str(DATASET))
        first = json.loads(DATASET.read_text(encoding="utf-8").splitlines()[0])
        error_line(result, 1, "line 1:", f"{first['source']}#1 already holds this event", "imported before")
