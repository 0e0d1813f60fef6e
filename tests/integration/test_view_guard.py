"""The status view is derived: the database refuses casual edits, and verify catches the rest."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from commitment_tracker.cli.main import cli
from tests.integration.test_integrity import DATASET, Raw


def run(store: str, *args: str):
    return CliRunner().invoke(cli, ["--store", store, *args])


class View(Raw):
    def table(self, name: str) -> str:
        return f'"{self.schema}".{name}' if self.postgres else name

    def execute(self, statement: str, params: list) -> None:
        """One statement with parameters, committed (placeholders: %s on PostgreSQL, ? on SQLite)."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url.split("?")[0], autocommit=True) as conn:
                conn.execute(statement, params)
            return
        import sqlite3

        conn = sqlite3.connect(self.url, isolation_level=None)
        try:
            conn.execute(statement, params)
        finally:
            conn.close()

    def view_tables(self) -> list[str]:
        """Every table of the view, from the store's catalogue (the log's tables are not the view's)."""
        if self.postgres:
            query = f"SELECT tablename FROM pg_tables WHERE schemaname = '{self.schema}' AND tablename LIKE 'view%'"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'view%'"
        return [row[0] for row in self.run(query)]

    def drop_guards(self) -> None:
        for name in self.view_tables():
            if self.postgres:
                self.run(f"ALTER TABLE {self.table(name)} DISABLE TRIGGER USER")
            else:
                for trigger in self.run(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{name}'"):
                    self.run(f"DROP TRIGGER {trigger[0]}")


@pytest.fixture
def viewed(store_url: str) -> str:
    assert run(store_url, "import", str(DATASET)).exit_code == 0
    assert run(store_url, "status").exit_code == 0
    return store_url


def _lie(view: View) -> None:
    view.run(f"UPDATE {view.table('view_intervals')} SET status = 'fulfilled' "
             f"WHERE entity = 'denuclearization' AND known_to LIKE '9999-12-31%'")  # fmt: skip


def test_the_database_refuses_direct_edits_of_the_view(viewed: str) -> None:
    view = View(viewed)
    for statement in (
        f"UPDATE {view.table('view_intervals')} SET status = 'fulfilled'",
        f"UPDATE {view.table('view_intervals')} SET known_to = '2000-01-01'",  # closing a row is catch-up's only edit...
        f"UPDATE {view.table('view_facts')} SET data = '{{}}'",
        f"DELETE FROM {view.table('view_intervals')}",
        f"DELETE FROM {view.table('view_facts')}",
        f"UPDATE {view.table('view_entities')} SET made_on = '1900-01-01'",
        f"DELETE FROM {view.table('view_refs')}",
        f"UPDATE {view.table('view_refs')} SET target = 'elsewhere'",
    ):
        with pytest.raises(Exception, match="written only by the tracker"):
            view.run(statement)
    if view.postgres:
        with pytest.raises(Exception, match="written only by the tracker"):
            view.run(f"TRUNCATE {view.table('view_intervals')}")
    assert run(viewed, "verify").exit_code == 0
    # ...and the tracker's own writes still go through
    assert run(viewed, "reaffirm", "denuclearization", "--on", "2025-01-01").exit_code == 0
    assert run(viewed, "status").exit_code == 0
    assert run(viewed, "rebuild").exit_code == 0
    assert run(viewed, "verify").exit_code == 0


@pytest.mark.parametrize("table", sorted(__import__("commitment_tracker.projections.view.tables",
                                                      fromlist=["TABLES"]).TABLES))  # fmt: skip
def test_every_table_of_the_view_refuses_a_direct_update_or_delete(viewed: str, table: str) -> None:
    """Every table of the view's layout (``TABLES``: the next one added is attacked too), not only
    the few the test above names: an update of its first column to itself, and a delete."""
    from commitment_tracker.projections.view.tables import TABLES

    # A score, so that every table holds a row to refuse (a statement that touches none fires nothing).
    assert run(viewed, "assess", "denuclearization", "--party", "US", "--score", "1", "--on", "2025-01-01").exit_code == 0
    assert run(viewed, "status").exit_code == 0
    view = View(viewed)
    assert view.run(f"SELECT count(*) FROM {view.table(table)}")[0][0] > 0, f"{table} is empty: nothing to attack"
    first = TABLES[table].split()[0]
    for statement in (f"UPDATE {view.table(table)} SET {first} = {first}", f"DELETE FROM {view.table(table)}"):
        with pytest.raises(Exception, match="written only by the tracker"):
            view.run(statement)
    assert run(viewed, "verify").exit_code == 0


def test_the_view_is_still_guarded_after_a_rebuild(viewed: str) -> None:
    """rebuild empties the view (on SQLite, with its guards lifted inside that one transaction):
    afterwards the database refuses direct edits exactly as before."""
    assert run(viewed, "rebuild").exit_code == 0
    view = View(viewed)
    for statement in (
        f"UPDATE {view.table('view_intervals')} SET status = 'fulfilled'",
        f"DELETE FROM {view.table('view_facts')}",
        f"UPDATE {view.table('view_facts')} SET data = '{{}}'",
        f"DELETE FROM {view.table('view_refs')}",
        f"UPDATE {view.table('view_entities')} SET made_on = '1900-01-01'",
    ):
        with pytest.raises(Exception, match="written only by the tracker"):
            view.run(statement)
    assert run(viewed, "verify").exit_code == 0


@pytest.mark.parametrize("edit", ["status", "delete-fact", "fact-text", "entity", "delete-ref", "forge-ref"])
def test_verify_catches_an_edited_view_and_rebuild_repairs_it(viewed: str, edit: str) -> None:
    view = View(viewed)
    view.drop_guards()
    statement = {
        "status": None,
        "delete-fact": f"DELETE FROM {view.table('view_facts')} WHERE entity = 'denuclearization' AND position = 2",
        "fact-text": f"UPDATE {view.table('view_facts')} SET data = replace(data, 'Camp David', 'Kamp David')",
        "entity": f"UPDATE {view.table('view_entities')} SET made_on = '2001-01-01' WHERE entity = 'denuclearization'",
        # the references say what show MEETING and sources show look at: hiding or inventing one lies
        "delete-ref": f"DELETE FROM {view.table('view_refs')} WHERE role = 'meeting'",
        "forge-ref": f"INSERT INTO {view.table('view_refs')} VALUES ('denuclearization', 1, 'nowhere', 'meeting')",
    }[edit]
    if statement is None:
        _lie(view)
    else:
        view.run(statement)
    result = run(viewed, "verify")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and "ctrack rebuild" in result.stderr and result.stderr.count("\n") == 1
    assert run(viewed, "rebuild").exit_code == 0
    assert run(viewed, "verify").exit_code == 0


def test_a_view_from_before_the_references_is_rebuilt_with_them(sqlite_url: str) -> None:
    """A store whose view was written before view_refs existed: its first read rebuilds the view,
    so show MEETING does not answer from an empty index (and verify agrees with the log)."""
    assert run(sqlite_url, "import", str(DATASET)).exit_code == 0
    assert run(sqlite_url, "status").exit_code == 0
    view = View(sqlite_url)
    view.run("DROP TABLE view_refs")
    assert run(sqlite_url, "show", "seoul-vfm-2024-10-16", "--json").exit_code == 0
    assert view.run("SELECT count(*) FROM view_refs WHERE target = 'seoul-vfm-2024-10-16'")[0][0] > 0
    assert run(sqlite_url, "verify").exit_code == 0


def test_a_view_from_before_the_assessments_table_is_rebuilt_and_its_scores_table_dropped(store_url: str) -> None:
    """A view written by a release that kept scores in ``view_scores`` (party and score in clear
    columns, even on an encrypted store): its first read rebuilds the view into
    ``view_assessments``, whose columns the scores are grouped by in SQL, and drops the old table."""
    assert run(store_url, "import", str(DATASET)).exit_code == 0
    for party, score in (("US", "1"), ("JP", "-1")):
        assert run(store_url, "assess", "denuclearization", "--party", party, "--score", score,
                   "--on", "2024-01-01").exit_code == 0  # fmt: skip
    before = json.loads(run(store_url, "scores", "--by", "party", "--json").stdout)["groups"]
    view = View(store_url)
    view.run(f"DROP TABLE {view.table('view_assessments')}",
             f"CREATE TABLE {view.table('view_scores')} (entity TEXT NOT NULL, position INTEGER NOT NULL, "
             "party TEXT NOT NULL, score INTEGER NOT NULL, valid_on TEXT NOT NULL, known_from TEXT NOT NULL, "
             "known_to TEXT NOT NULL, data TEXT NOT NULL)",
             f"INSERT INTO {view.table('view_scores')} VALUES ('denuclearization', 9, 'US', 1, '2024-01-01', "
             "'2024-01-01T00:00:00.000000Z', '9999-12-31T23:59:59.999999Z', '{}')")  # fmt: skip
    assert json.loads(run(store_url, "scores", "--by", "party", "--json").stdout)["groups"] == before
    assert view.run(f"SELECT party, score FROM {view.table('view_assessments')} ORDER BY party") == [("JP", -1), ("US", 1)]
    tables = ("SELECT tablename FROM pg_tables WHERE schemaname = '" + view.schema + "'" if view.postgres
              else "SELECT name FROM sqlite_master WHERE type = 'table'")  # fmt: skip
    assert "view_scores" not in {row[0] for row in view.run(tables)}
    assert run(store_url, "verify").exit_code == 0
