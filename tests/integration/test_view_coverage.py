"""verify covers every row any answer is read from: past knowledge, the search index, closed
assessments, the gaps, and every other table of the store's own catalogue.

Each attack changes an answer first (so the test shows the lie is real), then expects ``verify``
to exit 1 naming the table and ``ctrack rebuild``, and a rebuild to restore the truth. The tables
are taken from the store's catalogue, not from a list: the next table added cannot escape.
"""

from __future__ import annotations

import contextlib
import json
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitment_tracker.cli.main import cli
from commitment_tracker.projections.view.boardrows import board_row, board_text
from tests.conftest import fresh_pg_store
from tests.integration.test_integrity import DATASET
from tests.integration.test_view_guard import View

FOREVER = "9999-12-31T23:59:59.999999Z"


def run(store: str, *args: str):
    return CliRunner().invoke(cli, ["--store", store, *args])


def ok(store: str, *args: str):
    result = run(store, *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def make_history(store_url: str) -> str:
    """The demo dataset, then later records each caught up on its own, so the view holds closed
    intervals, closed assessments, gaps and a search index."""
    ok(store_url, "import", str(DATASET))
    ok(store_url, "status")
    ok(store_url, "assess", "denuclearization", "--party", "US", "--score", "1", "--on", "2024-11-01")
    ok(store_url, "status")
    ok(store_url, "assess", "denuclearization", "--party", "US", "--score", "-1", "--on", "2024-12-01")
    ok(store_url, "reaffirm", "denuclearization", "--on", "2025-01-01")
    ok(store_url, "status")
    ok(store_url, "verify")
    return store_url


@pytest.fixture
def history(store_url: str) -> str:
    return make_history(store_url)


def refused(store: str, table: str) -> None:
    result = run(store, "verify")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error:") and result.stderr.count("\n") == 1, result.stderr
    assert table in result.stderr and "ctrack rebuild" in result.stderr, result.stderr


def repaired(store: str) -> None:
    ok(store, "rebuild")
    ok(store, "verify")


def board(store: str, *args: str) -> dict[str, str]:
    return {row["id"]: row["status"] for row in json.loads(ok(store, "status", "--json", *args).stdout)["commitments"]}


def test_a_rewritten_closed_interval_is_caught(history: str) -> None:
    """What the tracker believed before the latest record (every --known-at answer) is checked too."""
    view = View(history)
    view.drop_guards()
    closed = view.run(f"SELECT entity, valid_from, known_from, status FROM {view.table('view_intervals')} "
                      f"WHERE known_to <> '{FOREVER}' AND entity = 'denuclearization' ORDER BY known_from, valid_from")  # fmt: skip
    assert closed, "the history must leave closed intervals"
    entity, valid_from, known_from, status = closed[-1]
    moment = ["--as-of", valid_from, "--known-at", known_from]
    before = board(history, *moment)
    assert before[entity] == status
    where = f"WHERE entity = '{entity}' AND valid_from = '{valid_from}' AND known_from = '{known_from}'"
    row = board_row(view.run(f"SELECT data FROM {view.table('view_intervals')} {where}")[0][0])
    mark = "%s" if view.postgres else "?"
    view.execute(f"UPDATE {view.table('view_intervals')} SET status = 'abandoned', data = {mark} {where}",
                 [board_text(row | {"status": "abandoned"})])  # fmt: skip
    assert board(history, *moment)[entity] == "abandoned"  # the lie is served
    refused(history, "view_intervals")
    repaired(history)
    assert board(history, *moment) == before


def test_a_deleted_or_forged_search_row_is_caught(history: str) -> None:
    view = View(history)
    view.drop_guards()
    search = view.table("view_search")

    def hits(words: str) -> int:
        return len(json.loads(ok(history, "search", words, "--json").stdout)["results"])

    found = hits("Freedom Edge")
    assert found > 0
    view.run(f"DELETE FROM {search} WHERE body LIKE '%Freedom Edge%'")
    assert hits("Freedom Edge") == 0
    refused(history, "view_search")
    repaired(history)
    assert hits("Freedom Edge") == found
    view.run(f"INSERT INTO {search} (entity, position, field, type, body) "
             "VALUES ('denuclearization', 1, 'note', 'commitment_made', 'zanzibar')")  # fmt: skip
    assert hits("zanzibar") == 1
    refused(history, "view_search")
    repaired(history)
    assert hits("zanzibar") == 0


def test_a_rewritten_closed_assessment_is_caught(history: str) -> None:
    """What ``scores --known-at`` reads: the assessments as believed before a later one replaced them."""
    view = View(history)
    view.drop_guards()
    table = view.table("view_assessments")
    closed = view.run(f"SELECT position, known_from FROM {table} WHERE known_to <> '{FOREVER}' AND party = 'US'")
    assert closed, "the history must leave a closed assessment"
    position, known_from = closed[0]
    moment = ["--as-of", "2024-11-15", "--known-at", known_from, "--by", "party", "--json"]

    def us() -> object:
        groups = json.loads(ok(history, "scores", *moment).stdout)["groups"]
        return next(g["average"] for g in groups if g["key"] == "US")

    assert us() == 1
    view.run(f"UPDATE {table} SET score = -1, data = replace(data, '\"score\": 1', '\"score\": -1') "
             f"WHERE position = {position} AND known_from = '{known_from}'")  # fmt: skip
    assert us() == -1
    refused(history, "view_assessments")
    repaired(history)
    assert us() == 1


def test_deleted_gaps_are_caught(history: str) -> None:
    """Without its gaps, the board as known in the middle of the import loses commitments."""
    view = View(history)
    view.drop_guards()
    moment = ["--as-of", "2024-10-19", "--known-at", "2024-10-19T23:59:59Z"]
    before = board(history, *moment)
    view.run(f"DELETE FROM {view.table('view_gaps')}")
    assert board(history, *moment) != before
    refused(history, "view_gaps")
    repaired(history)
    assert board(history, *moment) == before


#: Tables of the catalogue that the test does not attack row by row, each with its reason.
NOT_ATTACKED = {
    # FTS5 keeps the search index in shadow tables of view_search: verify compares view_search's
    # rows with the log and runs FTS5's own integrity-check, which compares the index with them.
    "view_search_config": "an FTS5 shadow table (covered through view_search and FTS5's integrity-check)",
    "view_search_content": "an FTS5 shadow table (covered through view_search and FTS5's integrity-check)",
    "view_search_data": "an FTS5 shadow table (covered through view_search and FTS5's integrity-check)",
    "view_search_docsize": "an FTS5 shadow table (covered through view_search and FTS5's integrity-check)",
    "view_search_idx": "an FTS5 shadow table (covered through view_search and FTS5's integrity-check)",
    # PostgreSQL appends take turns by locking this table; it holds no row and no answer reads one.
    "tracker_events_lock": "the append lock's table: it is locked, never read",
}
#: The log's tables: verify names the event the attack broke (what a user can act on), not the table.
LOG = {"stored_events", "log_chain", "tracker_events", "tracker_events_chain"}


def catalogue(view: View) -> list[str]:
    if view.postgres:
        return [r[0] for r in view.run("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                       f"WHERE n.nspname = '{view.schema}' AND c.relkind IN ('r', 'p') ORDER BY 1")]  # fmt: skip
    return [r[0] for r in view.run("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def columns(view: View, table: str) -> list[str]:
    if view.postgres:
        return [r[0] for r in view.run("SELECT attname FROM pg_attribute WHERE attrelid = "
                                       f"'{view.table(table)}'::regclass AND attnum > 0 AND NOT attisdropped "
                                       "AND attgenerated = '' ORDER BY attnum")]  # fmt: skip
    return [r[1] for r in view.run(f"PRAGMA table_info({table})")]


def unguard(view: View) -> None:
    """Lift every trigger of the store, the log's too: the attacker owns the file (or the schema)."""
    view.drop_guards()
    if view.postgres:
        for table in catalogue(view):
            view.run(f"ALTER TABLE {view.table(table)} DISABLE TRIGGER USER")
    else:
        for (trigger,) in view.run("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            view.run(f'DROP TRIGGER "{trigger}"')


#: Tables the history leaves empty by design, and why (a delete has nothing to take; a forge is still tried).
EMPTY_BY_DESIGN = {
    "view_writer": "holds a row only inside the tracker's own write of the view",
}


def delete_one(view: View, table: str) -> bool:
    """Delete the first row the table gives (every row equal to it: a table may hold duplicates)."""
    names = columns(view, table)
    rows = view.run(f"SELECT {', '.join(names)} FROM {view.table(table)} LIMIT 1")
    if not rows:
        return False  # an empty table (view_writer, between the tracker's writes): nothing to delete
    mark = "%s" if view.postgres else "?"
    same = " AND ".join(f"{name} IS NOT DISTINCT FROM {mark}" if view.postgres else f"{name} IS {mark}" for name in names)
    view.execute(f"DELETE FROM {view.table(table)} WHERE {same}", list(rows[0]))
    return True


def forge_one(view: View, table: str) -> None:
    """Insert a row that no catch-up wrote: a plain copy of a row (a duplicate) where no key
    forbids it, else a copy with its numbers moved on, else with its texts changed too; a made-up
    row in an empty table."""
    names = columns(view, table)
    rows = view.run(f"SELECT {', '.join(names)} FROM {view.table(table)} LIMIT 1")
    marks = ", ".join(["%s" if view.postgres else "?"] * len(names))
    insert = f"INSERT INTO {view.table(table)} ({', '.join(names)}) VALUES ({marks})"
    row = list(rows[0]) if rows else [1] * len(names)
    moved = [v + 1000 if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
    renamed = [("forged-" + v if isinstance(v, str) else v) for v in moved]
    for attempt in (row, moved, renamed):
        try:
            view.execute(insert, attempt)
            return
        except Exception:  # a key or a check forbids it: change more
            continue
    raise AssertionError(f"could not forge a row of {table}")


@pytest.fixture
def copy_of(tmp_path):
    """A store like a template, for one attack: the SQLite file copied; on PostgreSQL, the same
    history recorded again in a schema of its own (dropped afterwards)."""
    with contextlib.ExitStack() as stack:

        def copy(template: str, name: str) -> str:
            if template.startswith("postgresql"):
                return make_history(stack.enter_context(fresh_pg_store()))
            target = tmp_path / f"{name}.db"
            shutil.copyfile(template, target)
            return str(target)

        yield copy


@pytest.mark.parametrize("attack", ["delete", "forge"])
def test_verify_catches_a_row_deleted_or_forged_in_every_table_of_the_catalogue(store_url: str, attack: str,
                                                                                copy_of) -> None:  # fmt: skip
    """For every table the store's catalogue lists, on a store with closed rows: delete one row (or
    forge one) behind the tracker's back, and verify must exit 1 naming the table."""
    template = make_history(store_url)
    tables = catalogue(View(template))
    assert {"view_intervals", "view_gaps", "view_assessments", "view_search"} <= set(tables)
    missed = []
    for table in tables:
        if table in NOT_ATTACKED:
            continue
        view = View(copy_of(template, table))
        unguard(view)
        if attack == "delete":
            if not delete_one(view, table):
                # Only a table empty by design may escape the delete (the forge covers it): a new
                # table the history leaves empty must get rows in make_history, or a stated reason.
                assert table in EMPTY_BY_DESIGN, f"{table} is empty in the history: nothing was deleted"
                continue
        else:
            forge_one(view, table)
        result = run(view.url, "verify")
        named = table if table not in LOG else "event"
        if result.exit_code != 1 or named not in result.stderr:
            missed.append(f"{table}: exit {result.exit_code}, {(result.stderr or result.stdout).strip()}")
    assert missed == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(50, 400),
    pages=st.lists(st.tuples(st.integers(1, 400), st.sampled_from([1, 3, 50, 5000])), min_size=1, max_size=4),
    encrypted=st.booleans(),
    shape=st.sampled_from(["synthetic", "spread"]),
)
def test_the_check_accepts_a_view_however_catch_up_paged_the_log(tmp_path_factory, monkeypatch, seed, size, pages,
                                                                  encrypted, shape) -> None:  # fmt: skip
    """Catch-up in any pages, stopping anywhere, on a clear or an encrypted store, on a log whose
    commitments' events come close together or spread over years (where most batches resume a
    commitment's fold, and so does the check): the view check, which replays those batches, finds
    the view exactly as the log derives it (no false alarm)."""
    from benchmarks import spread, synthetic

    generate = spread.generate if shape == "spread" else synthetic.generate
    from commitment_tracker.projections.view.catchup import StatusProjection
    from commitment_tracker.projections.view.check import check_view
    from commitment_tracker.projections.view.reader import ViewReader
    from commitment_tracker.tracker import open_tracker, resolve_store

    key = CliRunner().invoke(cli, ["keygen"]).stdout.strip() if encrypted else None
    path = tmp_path_factory.mktemp("paged") / "t.db"
    lines = tmp_path_factory.mktemp("paged") / "h.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in generate(size, seed)))
    with open_tracker(resolve_store(str(path), cipher_key=key), create=True) as tracker:
        tracker.import_file(lines, "tester")
        reader = ViewReader(tracker)
        for stop, page in sorted(pages):
            StatusProjection(tracker, reader.view, page=page).catch_up(stop=stop)
            assert check_view(tracker) is None
        reader.catch_up()
        assert check_view(tracker) is None
        reader.close()


def _search_shadow_tables() -> list[str]:
    """The shadow tables FTS5 makes for the view's search table, as a fresh one has them."""
    import sqlite3

    from commitment_tracker.projections.view.search import SQLITE_DDL, TABLE

    fresh = sqlite3.connect(":memory:")
    fresh.executescript(";".join(SQLITE_DDL))
    names = [row[0] for row in fresh.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sorted(name for name in names if name.startswith(TABLE + "_"))


#: How each shadow table is edited: a row gone where rows are by rowid; the last leaf's entry in
#: the segments' index (a table without rowid: terms on that leaf can no longer be sought, and a
#: search for them finds nothing); a setting added to the configuration.
SHADOW_EDITS = {
    "view_search_idx": "DELETE FROM view_search_idx WHERE term = (SELECT max(term) FROM view_search_idx)",
    "view_search_config": "INSERT INTO view_search_config (k, v) VALUES ('rank', 'bm25(10.0)')",
}


@pytest.mark.parametrize("shadow", _search_shadow_tables())
def test_an_edited_full_text_index_is_caught(sqlite_url: str, shadow: str) -> None:
    """FTS5's shadow tables hold the index the search reads: verify runs FTS5's own integrity-check
    on a copy (a read-only store can be checked too), seeks every term the index holds as a search
    would, and compares its configuration with a fresh index's, and names the search table."""
    store = make_history(sqlite_url)
    view = View(store)
    view.run(SHADOW_EDITS.get(shadow, f"DELETE FROM {shadow} WHERE rowid = (SELECT max(rowid) FROM {shadow})"))
    refused(store, "view_search")
    repaired(store)


def test_a_view_from_before_its_batches_were_recorded_is_rebuilt_on_its_next_read(store_url: str) -> None:
    """A view written by a release that did not record its batches cannot be replayed: verify says
    so (creating nothing: it is a read), and the next query by a user who may write the view
    rebuilds it, after which verify passes."""
    store = make_history(store_url)
    view = View(store)
    view.run(f"DROP TABLE {view.table('view_batches')}")
    result = run(store, "verify")
    assert result.exit_code == 1 and "lacks view_batches" in result.stderr and "ctrack rebuild" in result.stderr
    assert "view_batches" not in view.view_tables()  # verify created nothing
    before = board(store)
    assert "view_batches" in view.view_tables()
    assert board(store) == before
    ok(store, "verify")
