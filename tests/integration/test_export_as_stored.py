"""export writes the stored bytes of an event where they already are its interchange JSON: the
file must be byte for byte what decoding every event and writing it from its model gives."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from benchmarks.synthetic import write
from commitment_tracker.cli.main import cli
from commitment_tracker.events import to_data
from commitment_tracker.tracker import open_tracker, resolve_store, stored_form
from tests.integration.test_integrity import DATASET


def run(store: str, *args: str, key: str | None = None):
    env = {"TRACKER_CIPHER_KEY": key} if key else {}
    result = CliRunner().invoke(cli, ["--store", store, *args], env=env)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def from_models(store: str, key: str | None = None) -> str:
    """The export as every event decoded, validated and written from its model."""
    with open_tracker(resolve_store(store, cipher_key=key)) as tracker:
        return "".join(json.dumps(to_data(r.event), ensure_ascii=False, separators=(",", ":")) + "\n"
                       for r in tracker.log())  # fmt: skip


def exported(store: str, tmp_path: Path, key: str | None = None) -> str:
    out = tmp_path / "out.jsonl"
    run(store, "export", "-o", str(out), key=key)
    return out.read_text(encoding="utf-8")


AWKWARD = [  # values whose spelling a shortcut could get wrong: escapes, non-ASCII, line separators
    {"type": "commitment_made", "commitment": "awkward", "on": "2024-01-01", "title": "Ça \"va\" \\ bien",
     "parties": ["US", "JP", "KR"], "note": "tab\there\u0001\u001f\u007f\u2028 end", "quote": "ü€😀"},
    {"type": "progress_reported", "commitment": "awkward", "on": "2024-02-01", "note": "line\nbreak\r\"q\"\\"},
    {"type": "compliance_assessed", "commitment": "awkward", "on": "2024-03-01", "party": "US", "score": -1,
     "cycle": "interim", "note": "\u00e9t\u00e9"},
    {"type": "commitment_reaffirmed", "commitment": "awkward", "on": "2024-04-01", "parties": ["ROK"]},
]  # fmt: skip


def test_the_bundled_data_exports_as_its_models_write_it(store_url: str, tmp_path: Path) -> None:
    run(store_url, "import", str(DATASET))
    assert exported(store_url, tmp_path) == from_models(store_url)


def test_a_generated_log_and_awkward_text_export_as_their_models_write_them(sqlite_url: str, tmp_path: Path) -> None:
    lines = write(tmp_path / "history.jsonl", 3000)
    run(sqlite_url, "import", str(lines))
    awkward = tmp_path / "awkward.jsonl"
    awkward.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in AWKWARD), encoding="utf-8")
    run(sqlite_url, "import", str(awkward))
    text = exported(sqlite_url, tmp_path)
    assert text == from_models(sqlite_url)
    assert "Ça \\\"va\\\"" in text and "\\u0001" in text and "😀" in text


def test_an_encrypted_store_exports_as_its_models_write_it(store_url: str, tmp_path: Path) -> None:
    secret = CliRunner().invoke(cli, ["keygen"]).stdout.strip()
    run(store_url, "import", str(DATASET), key=secret)
    assert exported(store_url, tmp_path, key=secret) == from_models(store_url, key=secret)


def test_an_event_of_an_earlier_class_version_is_upcast_on_export(sqlite_url: str, tmp_path: Path, monkeypatch) -> None:
    """Stored as version 1, read by a version 2 model: export writes what the upcaster makes of it."""
    from commitment_tracker.events import models

    run(sqlite_url, "import", str(DATASET))

    class ReaffirmedV2(models.CommitmentReaffirmed):
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["note"] = "upcast from version 1"

    monkeypatch.setitem(models.EVENT_TYPES, "commitment_reaffirmed", ReaffirmedV2)
    monkeypatch.setattr(stored_form, "_FORMS", {})  # the shapes are made from the models on first use
    text = exported(sqlite_url, tmp_path)
    reaffirmed = [json.loads(line) for line in text.splitlines() if '"commitment_reaffirmed"' in line]
    assert reaffirmed and all(e["note"] == "upcast from version 1" for e in reaffirmed)
    assert text == from_models(sqlite_url)
