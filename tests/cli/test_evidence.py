"""Evidence: a quote citing a source whose text is archived must be in that text; show and history
print each event's evidence; ``sources`` lists what is archived and its sha256."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.cli.helpers import error_line, history, made, parse_csv, untouched, write_jsonl

ARTICLE = """Seoul, 16 October 2024 -- The Vice Foreign Ministers
agreed   to “finalize a trilateral
coordinating mechanism” by the next Trilateral Summit. The ministers’ statement followed.
"""


@pytest.fixture
def archived(ctrack, write):
    """Source ``vfm`` with its text archived, and commitment ``c`` to cite it about."""
    ctrack.ok("source", "add", "vfm", "--title", "Seoul vice-ministerial", "--file", str(write("vfm.txt", ARTICLE)))
    ctrack.ok("pledge", "c", "--on", "2024-10-16", "--title", "Finalize a mechanism", "--party", "US", "--party", "JP")
    return ctrack


def test_a_quote_found_in_the_archived_text_is_recorded(archived):
    # Line breaks and runs of spaces match one space; straight quotes match the text's curly ones.
    quote = 'agreed to "finalize a trilateral coordinating mechanism" by the next'
    archived.ok("progress", "c", "--on", "2024-10-16", "--note", "agreed", "--source", "vfm", "--quote", quote)
    archived.ok("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", "The ministers' statement")
    assert [e["quote"] for e in history(archived, "c")[1:]] == [quote, "The ministers' statement"]


@pytest.mark.parametrize("quote", [
    "agreed to finalise a trilateral coordinating mechanism",  # a word the text does not have
    "AGREED TO",  # case must match
    "Vice Foreign Ministers agreed to build",  # starts in the text, strays from it
])  # fmt: skip
def test_a_quote_not_in_the_archived_text_is_refused_naming_the_source(archived, quote):
    with untouched(archived):
        error_line(archived("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", quote),
                   1, "quote", "not in the archived text", "'vfm'")  # fmt: skip


def test_every_recording_command_checks_its_quote(archived):
    bad = ("--source", "vfm", "--quote", "never said")
    attempts = [
        ("pledge", "d", "--on", "2024-10-16", "--title", "T", "--party", "US", *bad),
        ("fulfil", "c", "--on", "2024-10-20", *bad),
        ("stall", "c", "--on", "2024-10-20", "--note", "n", *bad),
        ("abandon", "c", "--on", "2024-10-20", *bad),
        ("deadline", "c", "--on", "2024-10-20", "--due", "2025-01-01", *bad),
        ("meeting", "add", "m", "--on", "2024-10-16", "--kind", "k", "--title", "T", "--party", "US", *bad),
        ("meeting", "add", "m", "--on", "2024-10-16", "--kind", "k", "--title", "T", "--party", "US",
         "--fulfils", "c", *bad),
        ("statement", "add", "s", "--on", "2024-10-16", "--party", "US", "--text", "t", *bad),
        ("retract", "c#1", "--reason", "r", *bad),
    ]  # fmt: skip
    with untouched(archived):
        for args in attempts:
            error_line(archived(*args), 1, "not in the archived text")


def test_a_correction_of_the_quote_is_checked_against_the_events_source(archived):
    archived.ok("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", "The Vice Foreign Ministers")
    with untouched(archived):
        error_line(archived("correct", "c#2", "--reason", "typo", "--quote", "The Vice Ministers"), 1, "'vfm'")
    archived.ok("correct", "c#2", "--reason", "longer", "--quote", "The Vice Foreign Ministers agreed")
    # A correction that leaves the quote alone is not held to it.
    archived.ok("correct", "c#2", "--reason", "date", "--on", "2024-10-18")


def test_a_source_registered_with_its_text_and_a_quote_is_checked_against_itself(ctrack, write):
    path = write("a.txt", ARTICLE)
    error_line(ctrack("source", "add", "a", "--title", "T", "--file", str(path), "--quote", "not there"), 1, "'a'")
    ctrack.ok("source", "add", "a", "--title", "T", "--file", str(path), "--quote", "Seoul, 16 October 2024")


def test_a_source_without_archived_text_accepts_any_quote(seeded):
    seeded.ok("reaffirm", "deliver", "--on", "2024-02-01", "--source", "tdi", "--quote", "words we cannot check")


def test_import_checks_quotes_and_writes_nothing_when_one_is_not_found(ctrack, tmp_path):
    events = [
        {"type": "source_registered", "source": "vfm", "title": "T", "text": ARTICLE,
         "sha256": hashlib.sha256(ARTICLE.encode()).hexdigest()},
        made("c", on="2024-10-16", source="vfm", quote="The Vice Foreign Ministers agreed to"),
        made("d", on="2024-10-16", source="vfm", quote="The Vice Foreign Ministers refused"),
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "events.jsonl", *events)
    with untouched(ctrack):
        error_line(ctrack("import", str(path)), 1, "line 3", "not in the archived text", "'vfm'")
    write_jsonl(path, *events[:2])
    ctrack.ok("import", str(path))
    assert history(ctrack, "c")[0]["quote"] == "The Vice Foreign Ministers agreed to"


# --- evidence in show and history -------------------------------------------------------------


def test_history_and_show_tables_print_the_evidence_under_each_event(archived):
    archived.ok("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", "The Vice Foreign Ministers")
    for command in ("history", "show"):
        lines = archived.ok(command, "c").stdout.splitlines()
        event = next(i for i, line in enumerate(lines) if "commitment_reaffirmed" in line)
        # The event's row may wrap (who recorded it sits under when): the next row is its evidence.
        below = next(i for i in range(event + 1, len(lines)) if "\u21b3" in lines[i] or lines[i].lstrip().startswith("#"))
        assert "evidence" in lines[below], command
        # The evidence row wraps within its column: read it as words.
        evidence = " ".join(" ".join(lines[below:]).split())
        assert evidence.startswith("\u21b3 evidence vfm (Seoul vice-ministerial): \u201cThe Vice Foreign Ministers\u201d"), command
        # The pledge cites nothing: no evidence line under it.
        made_at = next(i for i, line in enumerate(lines) if "commitment_made" in line)
        below = next(i for i in range(made_at + 1, len(lines)) if "\u21b3" in lines[i] or lines[i].lstrip().startswith("#"))
        assert "evidence" not in lines[below], command


def test_history_and_show_json_keep_source_and_quote(archived):
    archived.ok("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", "The Vice Foreign Ministers")
    reaffirmed = history(archived, "c")[1]
    assert (reaffirmed["source"], reaffirmed["quote"]) == ("vfm", "The Vice Foreign Ministers")
    shown = archived.json("show", "c")["events"][1]
    assert (shown["source"], shown["quote"]) == ("vfm", "The Vice Foreign Ministers")


# --- the sources list -------------------------------------------------------------------------


def test_sources_json_and_csv_give_the_sha256_and_whether_the_text_is_archived(archived):
    archived.ok("source", "add", "plain", "--title", "Press release", "--url", "https://example.org/p")
    digest = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    listed = {s["id"]: s for s in archived.json("sources")["sources"]}
    assert (listed["vfm"]["archived"], listed["vfm"]["sha256"]) == (True, digest)
    assert (listed["plain"]["archived"], listed["plain"]["sha256"]) == (False, None)
    rows = {r["id"]: r for r in parse_csv(archived.ok("sources", "--format", "csv").stdout)}
    assert (rows["vfm"]["sha256"], rows["vfm"]["archived"]) == (digest, "true")
    assert (rows["plain"]["sha256"], rows["plain"]["archived"], rows["plain"]["url"]) == ("", "false", "https://example.org/p")
    table = archived.ok("sources").stdout
    vfm = next(line for line in table.splitlines() if line.strip().startswith("vfm"))
    assert "archived" in vfm and digest[:12] in vfm
    assert json.loads(archived.ok("sources", "--format", "json").stdout)["sources"] == archived.json("sources")["sources"]


def test_a_source_registered_without_its_text_has_it_archived_later_by_the_command_its_hint_names(ctrack, write):
    # The hint named `source add ID --file`, which an existing id refuses: no source could have
    # its text archived once registered.
    ctrack.ok("source", "add", "vfm", "--title", "Seoul vice-ministerial", "--url", "https://example.org/vfm")
    hint = ctrack.ok("sources", "show", "vfm").stderr
    command = hint.split("ctrack ", 1)[1].rsplit(")", 1)[0].split()
    text = write("vfm.txt", ARTICLE)
    argv = [str(text) if word == "TEXT_FILE" else "archived the article" if word == "REASON" else word for word in command]
    assert argv[:2] == ["correct", "vfm#1"], hint
    ctrack.ok(*argv)
    shown = ctrack.json("sources", "show", "vfm")
    digest = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert (shown["text"], shown["sha256"], shown["text_matches"]) == (ARTICLE, digest, True)
    assert "matches the archived text" in ctrack.ok("sources", "show", "vfm").stdout
    # Quotes are now checked against it, and the text as registered (none) is what was known before.
    ctrack.ok("pledge", "c", "--on", "2024-10-16", "--title", "Finalize a mechanism", "--party", "US", "--party", "JP")
    with untouched(ctrack):
        error_line(ctrack("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", "AGREED TO"),
                   1, "not in the archived text")  # fmt: skip
    ctrack.ok("reaffirm", "c", "--on", "2024-10-17", "--source", "vfm", "--quote", "The ministers' statement")
    assert ctrack.ok("verify").exit_code == 0


def test_a_correction_gives_a_text_and_its_sha256_together_or_neither(ctrack, write):
    ctrack.ok("source", "add", "vfm", "--title", "Seoul vice-ministerial")
    with untouched(ctrack):
        error_line(ctrack("correct", "vfm#1", "--reason", "r", "--file", str(write("a.txt", "x")), "--text", "y"), 2,
                   "--file archives a text with its sha256, --text gives one without: not both")  # fmt: skip
