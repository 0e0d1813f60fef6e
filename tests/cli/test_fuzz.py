"""Hostile input: random JSON, wrong types, odd strings, SQL-looking text, code-running YAML tags.

Whatever comes in, the CLI answers with exit 0, 1 or 2 and never a traceback; on an error the
store is unchanged; hostile text that is valid is stored and shown back verbatim.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitment_tracker.events import EVENT_TYPES
from tests.conftest import Ctrack

HOSTILE = st.sampled_from([
    "'; DROP TABLE stored_events; --", "Robert'); DELETE FROM log_chain;--", "\u202eevil\u202c", "\u2066rtl\u2069",
    "\x1b[31mred\x1b[0m", "[bold]markup[/bold]", "\x00nul", "line\nbreak", "tab\there", "\ud7ff\ue000",
    "💥" * 50, "x" * 6000, "   ", "", "%s %d {0}", "$(rm -rf /)", "<script>alert(1)</script>", "\\u0000",
])  # fmt: skip
TEXT = st.one_of(HOSTILE, st.text(max_size=80))
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
#: Every field of every event type, and every type (and one that is none), from the models: the
#: next type or field added is fuzzed too.
FIELDS = ["type", *sorted({name for model in EVENT_TYPES.values() for name in model.model_fields} - {"type"})]
TYPES = [*sorted(EVENT_TYPES), "nonsense"]
EVENTISH = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES)},
    optional={name: JSONISH | st.just("2024-05-31") | st.just(["US", "JP"]) | st.just("a-slug") for name in FIELDS[1:]},
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def seeded(ctrack_sqlite: Ctrack) -> Ctrack:
    ctrack_sqlite.ok("pledge", "a-slug", "--on", "2024-01-01", "--title", "Seed", "--party", "US", "--party", "JP")
    return ctrack_sqlite


def snapshot(ctrack: Ctrack) -> str:
    return ctrack.ok("export").stdout


def assert_clean_failure_or_success(result, before: str, ctrack: Ctrack) -> None:
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
        assert snapshot(ctrack) == before


@FUZZ
@given(lines=st.lists(EVENTISH.map(json.dumps) | JSONISH.map(json.dumps) | TEXT, min_size=1, max_size=4))
def test_import_of_random_lines_never_crashes(seeded: Ctrack, tmp_path: Path, lines: list[str]) -> None:
    before = snapshot(seeded)
    path = tmp_path / "fuzz.jsonl"
    path.write_text("\n".join(line.replace("\n", " ") for line in lines) + "\n", encoding="utf-8", errors="surrogatepass")
    result = seeded("import", str(path))
    assert_clean_failure_or_success(result, before, seeded)


@FUZZ
@given(items=st.lists(EVENTISH, min_size=1, max_size=3))
def test_import_of_random_yaml_never_crashes(seeded: Ctrack, tmp_path: Path, items: list[dict]) -> None:
    import yaml

    before = snapshot(seeded)
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    result = seeded("import", str(path))
    assert_clean_failure_or_success(result, before, seeded)


@pytest.mark.parametrize(
    "document",
    [
        "- !!python/object/apply:os.system ['touch /tmp/ctrack-pwned']\n",
        "- !!python/object/new:subprocess.Popen [['touch', '/tmp/ctrack-pwned']]\n",
        "- &a [*a]\n",
        "- {type: commitment_made, commitment: x, on: 2024-01-01, title: !!binary aGVsbG8=, parties: [US]}\n",
        "key: value\n",
        "- [unclosed\n",
    ],
)
def test_yaml_tags_that_would_run_code_are_refused(seeded: Ctrack, tmp_path: Path, document: str) -> None:
    before = snapshot(seeded)
    path = tmp_path / "evil.yaml"
    path.write_text(document, encoding="utf-8")
    result = seeded("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: line ") and result.stderr.count("\n") == 1
    assert not Path("/tmp/ctrack-pwned").exists()
    assert snapshot(seeded) == before


@FUZZ
@given(title=TEXT, note=TEXT, quote=TEXT, party=TEXT, on=TEXT | st.just("2024-02-29"))
def test_recording_commands_never_crash(seeded: Ctrack, title: str, note: str, quote: str, party: str, on: str) -> None:
    before = snapshot(seeded)
    for args in (
        ["pledge", "fuzzed", "--on", on, "--title", title, "--party", party or "US"],
        ["progress", "a-slug", "--on", on, "--note", note],
        ["reaffirm", "a-slug", "--on", "2024-02-01", "--quote", quote, "--party", party or "US"],
        ["correct", f"a-slug#{len(note) % 3 + 1}", "--reason", note or "r", "--note", title or "n"],
    ):
        args = [a.replace("\x00", "") for a in args]  # the OS cannot pass NUL in argv
        result = seeded(*args)
        assert_clean_failure_or_success(result, before, seeded)
        before = snapshot(seeded)


@pytest.mark.parametrize("text", ["'; DROP TABLE stored_events; --", "\u202eevil\u202c \x1b[31mred\x1b[0m [bold]x[/bold]",
                                  "<script>alert(1)</script> \\u0000 %s"])  # fmt: skip
def test_hostile_text_is_stored_and_shown_back_verbatim(ctrack: Ctrack, text: str) -> None:
    ctrack.ok("pledge", "h", "--on", "2024-01-01", "--title", text, "--party", "US", "--note", text)
    assert ctrack.json("status")["commitments"][0]["title"] == text
    history = ctrack.json("history", "h")["events"][0]
    assert history["title"] == text and history["note"] == text
    exported = json.loads(ctrack.ok("export").stdout)
    assert exported["title"] == text
    table = ctrack.ok("status").stdout
    assert "\x1b" not in table and "\u202e" not in table  # the terminal sees escapes, not controls
    assert ctrack.ok("verify").exit_code == 0
