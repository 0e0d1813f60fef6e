"""``ctrack search``: full-text search in the stores' own engines (FTS5, tsvector), ranked, with
snippets, filters, and no way for a query to break out of the index; refused on encrypted stores."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.cli.helpers import error_line
from tests.integration.test_integrity import Raw


@pytest.fixture
def demo(trilateral):
    return trilateral


def hits(demo, *args):
    return demo.json("search", *args)["results"]


def test_words_are_found_stemmed_and_ranked_with_a_snippet(demo):
    found = hits(demo, "meet", "annually")
    assert found[0]["entity"] == "cd-meet-annually"
    assert found[0]["field"] in ("title", "quote") and "[" in found[0]["snippet"]
    assert {"entity", "kind", "ref", "field", "snippet", "on"} <= set(found[0])
    assert [h["rank"] for h in found] == sorted((h["rank"] for h in found), reverse=True)
    # stemming: "meetings" finds "meet"
    assert any(h["entity"] == "cd-meet-annually" for h in hits(demo, "meetings", "annually"))


def test_a_phrase_in_quotes_matches_as_written(demo):
    phrase = hits(demo, '"coordinating mechanism"')
    assert phrase and all("coordinating mechanism" in h["snippet"].replace("[", "").replace("]", "").lower()
                          for h in phrase)  # fmt: skip


def test_every_text_is_searched_statements_sources_and_retracted_events(demo):
    kinds = {h["kind"] for h in hits(demo, "Freedom", "Edge", "--limit", "100")}
    assert {"commitment", "meeting", "statement"} <= kinds
    assert hits(demo, "Diplomatic", "Insight", "--type", "source")[0]["entity"] == "tdi-2024-05-29"
    reasons = {(h["type"], h["field"]) for h in hits(demo, "misread")}
    assert ("event_retracted", "reason") in reasons
    mistaken = [h for h in hits(demo, "coordinating", "--limit", "100") if h["ref"].endswith("#2")]
    assert mistaken and mistaken[0]["retracted"] is True


def test_filters_by_type_party_and_date(demo):
    assert all(h["kind"] == "statement" for h in hits(demo, "Freedom", "--type", "statement"))
    assert all(h["type"] == "commitment_reaffirmed" for h in hits(demo, "reaffirmed", "--type", "commitment_reaffirmed"))
    only_us_jp = hits(demo, "dialogue", "--party", "US", "--limit", "100")
    assert only_us_jp
    assert not hits(demo, "Freedom", "--from", "2030-01-01")
    dated = hits(demo, "Freedom", "--from", "2024-06-01", "--to", "2024-06-30", "--limit", "100")
    assert dated and all("2024-06" <= h["on"] <= "2024-06-30" for h in dated)


def test_a_type_no_entity_or_event_has_is_a_usage_error_with_the_close_ones(demo):
    # Before, it answered "0 results" and exit 0: a typo read as "nothing matches".
    error_line(demo("search", "meet", "--type", "bogus"), 2, "--type", "'bogus' is neither an entity kind")
    error_line(demo("search", "meet", "--type", "comitment"), 2, "did you mean 'commitment'")
    for kind in ("commitment", "meeting", "statement", "source", "edition", "meeting_held", "compliance_assessed"):
        assert demo.ok("search", "meet", "--type", kind).exit_code == 0


@pytest.mark.parametrize("query", ['NEAR(a b)', '*', '"', 'title:Freedom', 'a OR', "'; DROP TABLE view_facts; --",
                                   "^Freedom", "-Freedom", "Freedom AND", "(", "U.S.", "critical-minerals"])  # fmt: skip
def test_no_query_can_break_the_index_syntax(demo, query):
    result = demo("search", "--json", "--", query)
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        error_line(result, 2, "word")
    assert demo.ok("status", "--json").stdout  # the store is intact


def test_a_query_without_words_is_a_usage_error(demo):
    error_line(demo("search", "--", "***"), 2, "at least one word")


def test_the_index_follows_new_records(demo):
    assert not hits(demo, "quokka")
    demo.ok("pledge", "quokka-watch", "--on", "2024-01-01", "--title", "Watch the quokka", "--party", "US")
    assert hits(demo, "quokka")[0]["ref"] == "quokka-watch#1"


def test_a_view_from_before_the_index_is_indexed_on_first_search(demo):
    assert hits(demo, "Freedom", "Edge")  # the view, and its index, exist
    raw = Raw(demo.store)
    table = f'"{raw.schema}".view_search' if raw.postgres else "view_search"
    if raw.postgres:  # the index is guarded like the rest of the view: its owner empties it on purpose only
        with pytest.raises(Exception, match="written only by the tracker"):
            raw.run(f"DELETE FROM {table}")
        raw.run("BEGIN", "SET LOCAL commitment_tracker.view_writer = 'on'", f"DELETE FROM {table}", "COMMIT")
    else:
        raw.run(f"DELETE FROM {table}")
    assert not raw.run(f"SELECT 1 FROM {table}")
    assert hits(demo, "Freedom", "Edge")
    assert raw.run(f"SELECT 1 FROM {table}")


def test_search_is_refused_on_an_encrypted_store(tmp_path):
    key = CliRunner().invoke(cli, ["keygen"]).stdout.strip()
    store = str(tmp_path / "secret.db")
    env = {"TRACKER_CIPHER_KEY": key}
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", store, "pledge", "p", "--on", "2024-01-01", "--title", "Quokka", "--party",
                               "US"], env=env).exit_code == 0  # fmt: skip
    result = runner.invoke(cli, ["--store", store, "search", "quokka"], env=env)
    error_line(result, 1, "encrypted")
    assert b"Quokka" not in (tmp_path / "secret.db").read_bytes()
