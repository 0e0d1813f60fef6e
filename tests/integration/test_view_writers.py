"""Who may write a team store's status view (PostgreSQL), tried from each role's own connection.

Catch-up, as a recorder runs it, appends rows to the view, closes intervals and assessments,
rewrites a commitment's entity row and moves the view's position; ``rebuild`` empties the view.
Nothing else: a recorder, an auditor or a role that may only connect cannot update, delete or
truncate any table of the view, whatever custom setting it sets first.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from commitment_tracker.projections.view import TRACKING_TABLE
from commitment_tracker.projections.view.search import TABLE as SEARCH_TABLE
from commitment_tracker.projections.view.tables import CLOSES_ONLY, FOREVER, TABLES
from commitment_tracker.tracker import Tracker
from tests.conftest import PG_DSN, Ctrack
from tests.integration.test_integrity import DATASET

pytestmark = pytest.mark.postgres

LOG_TABLES = {"tracker_events", "tracker_events_chain"}
SETTING = "commitment_tracker.view_writer"
#: How an intruder might try to lift the guards first: not at all, for its session, for one transaction.
MODES = ("plain", "SET", "SET LOCAL")

#: What the design lets a recorder write directly, and why: catch-up, which every recorder runs
#: before answering a query, writes exactly this. So the database cannot tell a recorder's
#: catch-up from a recorder's hand; ``verify`` can, re-deriving every row of the view from the
#: log (the last assertion of the attack test). Keys: (table, write), write being INSERT or the
#: column an UPDATE sets.
RECORDER_MAY = {
    **{(table, "INSERT"): "catch-up appends each page's rows to every table of the view"
       for table in (*TABLES, SEARCH_TABLE, TRACKING_TABLE["postgres"])},
    ("view_entities", "due_next"): "catch-up's upsert rewrites a commitment's row (its due meeting kinds) "
                                   "each time the commitment changes",
    ("view_entities", "made_on"): "the same upsert rewrites the commitment's first day (a correction may move it)",
}  # fmt: skip


def _admin() -> object:
    import psycopg

    return psycopg.connect(PG_DSN.split("?")[0], autocommit=True)


def _connect(role: str) -> object:
    import psycopg

    return psycopg.connect(PG_DSN.split("?")[0].replace("postgres@", f"{role}@"), autocommit=True)


@dataclass
class Crew:
    """A team store's roles, made for one test: a store owner that is no superuser, a recorder,
    an auditor, and a stranger that may only connect to the database."""

    url: str
    schema: str
    owner: str
    recorder: str
    auditor: str
    stranger: str

    def ctrack(self, role: str) -> Ctrack:
        return Ctrack(self.url.replace("postgresql://postgres@", f"postgresql://{role}@"))

    def table(self, name: str) -> str:
        return f'"{self.schema}"."{name}"'


@pytest.fixture
def crew(pg_url: str) -> Iterator[Crew]:
    suffix = uuid.uuid4().hex[:8]
    schema = pg_url.rsplit("schema=", 1)[1]
    names = [f"{role}_{suffix}" for role in ("owner", "recorder", "auditor", "stranger")]
    with _admin() as conn:  # type: ignore[attr-defined]
        for role in names:
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        # The owner owns the schema; store init also asks for CREATE on the database (to create a
        # schema it finds missing), as a team's owner role would hold.
        conn.execute(f'ALTER SCHEMA "{schema}" OWNER TO "{names[0]}"')
        conn.execute(f'GRANT CREATE ON DATABASE "{conn.info.dbname}" TO "{names[0]}"')
    yield Crew(pg_url, schema, *names)
    with _admin() as conn:  # type: ignore[attr-defined]
        for role in names:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


def _working_team(crew: Crew) -> None:
    """The owner initialised the store and imported the demo; the recorder assessed, queried,
    reaffirmed and queried again: every table of the view holds rows, closed ones among them."""
    owner, recorder = crew.ctrack(crew.owner), crew.ctrack(crew.recorder)
    owner.ok("store", "init", "--recorder", crew.recorder, "--auditor", crew.auditor)
    owner.ok("import", str(DATASET))
    recorder.ok("assess", "denuclearization", "--party", "US", "--score", "1", "--on", "2024-01-01")
    recorder.ok("status")
    recorder.ok("assess", "denuclearization", "--party", "US", "--score", "0", "--on", "2024-06-01")
    recorder.ok("reaffirm", "denuclearization", "--on", "2025-01-01")
    recorder.ok("status")


def view_tables(crew: Crew) -> dict[str, list[tuple[str, str]]]:
    """Every table of the store's schema but the log's, from the catalogue: {table: [(column, type)]}
    of the columns one may write (not generated ones)."""
    with _admin() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema = %s "
            "AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER' ORDER BY c.table_name, c.ordinal_position",
            [crew.schema]).fetchall()  # fmt: skip
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        if table not in LOG_TABLES:
            tables.setdefault(table, []).append((column, kind))
    return tables


def _forged(kind: str) -> str:
    return "-1" if kind in ("bigint", "integer") else "'forged'"


def attacks(crew: Crew, tables: dict[str, list[tuple[str, str]]]) -> Iterator[tuple[str, str, str]]:
    """(table, write, statement): a forged row; every column rewritten at once and one at a time;
    the table emptied by DELETE and by TRUNCATE."""
    for table, columns in tables.items():
        name = crew.table(table)
        # A copy of a row under a new key (every key starts with the first column), so it lands.
        (first, kind), *rest = columns
        numeric = kind in ("bigint", "integer")  # a number key: one past the largest, new each time
        key = f"(SELECT max({first}) + 1 FROM {name})" if numeric else f"'forged-{uuid.uuid4().hex[:8]}-' || {first}"
        yield table, "INSERT", (f"INSERT INTO {name} ({', '.join(c for c, _ in columns)}) "
                                f"SELECT {key}, {', '.join(c for c, _ in rest)} FROM {name} LIMIT 1")  # fmt: skip
        yield table, "UPDATE", f"UPDATE {name} SET " + ", ".join(f"{c} = {_forged(k)}" for c, k in columns)
        for column, kind in columns:
            yield table, column, f"UPDATE {name} SET {column} = {_forged(kind)}"
        yield table, "DELETE", f"DELETE FROM {name}"
        yield table, "TRUNCATE", f"TRUNCATE {name}"


def attempt(conn: object, mode: str, statement: str) -> str:
    """Run ``statement`` in ``mode``; PostgreSQL's refusal, or '' when it went through."""
    import psycopg

    try:
        if mode == "SET LOCAL":
            with conn.transaction():  # type: ignore[attr-defined]
                conn.execute(f"SET LOCAL {SETTING} = 'on'")  # type: ignore[attr-defined]
                conn.execute(statement)  # type: ignore[attr-defined]
        else:
            conn.execute(f"SET {SETTING} = 'on'" if mode == "SET" else f"RESET {SETTING}")  # type: ignore[attr-defined]
            conn.execute(statement)  # type: ignore[attr-defined]
    except psycopg.Error as error:
        return str(error).splitlines()[0] or type(error).__name__
    return ""


def contents(admin: object, crew: Crew, table: str) -> tuple[int, str]:
    row = admin.execute(  # type: ignore[attr-defined]
        f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {crew.table(table)} t"
    ).fetchone()
    return row[0], row[1]


def breaches(crew: Crew, roles: dict[str, str], *, may: dict[tuple[str, str], str]) -> list[str]:
    """Every attack on every table of the view, by each role, in each mode: what went through
    that ``may`` does not allow, and what ``may`` allows that was refused."""
    tables = view_tables(crew)
    found = []
    with _admin() as admin:  # type: ignore[attr-defined]
        for label, role in roles.items():
            with _connect(role) as conn:  # type: ignore[attr-defined]
                for mode in MODES:
                    for table, write, statement in attacks(crew, tables):
                        before = contents(admin, crew, table)
                        refused = attempt(conn, mode, statement)
                        after = contents(admin, crew, table)
                        allowed = (table, write) in may and (write == "INSERT" or mode != "plain")
                        if allowed and refused:
                            found.append(f"the {label} may {write} on {table} ({mode}), yet: {refused}")
                        elif not allowed and (not refused or after != before):
                            found.append(f"the {label} could {write} on {table} ({mode}): {statement}")
    return found


def test_no_reader_or_recorder_can_rewrite_the_view(crew: Crew) -> None:
    _working_team(crew)
    tables = view_tables(crew)
    # The schema's catalogue, not a hand list: the view's declared tables, its search index and its
    # position, and nothing else beside the log.
    assert set(tables) == {*TABLES, SEARCH_TABLE, TRACKING_TABLE["postgres"]}
    with _admin() as admin:  # type: ignore[attr-defined]
        empty = [table for table in tables if contents(admin, crew, table)[0] == 0]
        closed = admin.execute(f"SELECT count(*) FROM {crew.table('view_intervals')} WHERE known_to <> %s",
                               [FOREVER]).fetchone()[0]  # fmt: skip
    assert not empty and closed, "every row trigger must have rows to fire on, closed intervals among them"
    found = breaches(crew, {"stranger": crew.stranger, "auditor": crew.auditor}, may={})
    found += breaches(crew, {"recorder": crew.recorder}, may=RECORDER_MAY)
    assert not found, "\n".join(found)
    # What the design lets a recorder forge, verify finds: the view is re-derived from the log.
    result = crew.ctrack(crew.auditor)("verify")
    assert result.exit_code == 1 and "the status view is not" in result.stderr


def test_a_recorder_closes_intervals_and_moves_the_position_only_as_catch_up_does(crew: Crew) -> None:
    """Catch-up's updates, by hand: closing an open row at a record time, and moving the view's
    position forward over events the log holds, go through (catch-up does exactly that); reopening
    a closed row, closing one at no record time, moving the position back or past the log's end,
    are refused, whatever is set."""
    _working_team(crew)
    crew.ctrack(crew.owner).ok("reaffirm", "denuclearization", "--on", "2025-02-01")  # the log is one ahead
    intervals, assessments = crew.table("view_intervals"), crew.table("view_assessments")
    tracking, log = crew.table(TRACKING_TABLE["postgres"]), crew.table("tracker_events")
    allowed = [
        f"UPDATE {intervals} SET known_to = '2030-01-01T00:00:00.000000Z' WHERE known_to = '{FOREVER}' "
        "AND entity = 'denuclearization'",
        f"UPDATE {assessments} SET known_to = '2030-01-01T00:00:00.000000Z' WHERE known_to = '{FOREVER}'",
        f"UPDATE {tracking} SET notification_id = (SELECT max(notification_id) FROM {log}) "
        f"WHERE application_name = '{Tracker.name}'",
    ]
    refused = [
        f"UPDATE {intervals} SET known_to = '{FOREVER}' WHERE known_to <> '{FOREVER}'",
        f"UPDATE {assessments} SET known_to = '{FOREVER}' WHERE known_to <> '{FOREVER}'",
        f"UPDATE {intervals} SET known_to = '{FOREVER}~' WHERE known_to = '{FOREVER}'",
        f"UPDATE {intervals} SET known_to = '2031-01-01T00:00:00.000000Z' WHERE known_to <> '{FOREVER}'",
        f"UPDATE {tracking} SET notification_id = notification_id - 1 WHERE application_name = '{Tracker.name}'",
        f"UPDATE {tracking} SET notification_id = (SELECT max(notification_id) + 1 FROM {log}) "
        f"WHERE application_name = '{Tracker.name}'",
        f"UPDATE {tracking} SET application_name = 'elsewhere'",
    ]
    with _connect(crew.recorder) as conn:  # type: ignore[attr-defined]
        for statement in refused:
            for mode in MODES:
                assert attempt(conn, mode, statement), f"a recorder could ({mode}): {statement}"
        for statement in allowed:
            assert attempt(conn, "SET LOCAL", statement) == "", statement


def test_a_recorder_records_queries_searches_and_rebuilds_and_an_auditor_reads(crew: Crew) -> None:
    owner, recorder, auditor = (crew.ctrack(role) for role in (crew.owner, crew.recorder, crew.auditor))
    _working_team(crew)

    def board(ctrack: Ctrack) -> object:
        return ctrack.json("status")["commitments"]  # type: ignore[index]

    before = board(recorder)
    assert "denuclearization" in recorder.ok("search", "denuclearization").stdout
    assert board(auditor) == before
    scores = [ctrack.json("scores", "--by", "party")["groups"] for ctrack in (auditor, recorder)]  # type: ignore[index]
    assert scores[0] == scores[1] and scores[0]
    recorder.ok("rebuild")
    assert board(recorder) == before
    recorder.ok("reaffirm", "denuclearization", "--on", "2025-03-01")
    after = board(recorder)
    assert after != before and board(auditor) == after
    owner.ok("rebuild")
    assert board(auditor) == after
    refused = auditor("rebuild")  # emptying the view is a recorder's, or the owner's
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: permission denied")
    assert refused.stderr.count("\n") == 1 and board(auditor) == after
    for ctrack in (auditor, recorder, owner):
        verified = ctrack.ok("verify")
        assert verified.stdout.startswith("OK:") and verified.stderr == ""


def _as_an_earlier_release_left_it(crew: Crew) -> None:
    """The store as ``store init`` of an earlier release set it up: guards that let anything
    through once the setting is on (on the view's declared tables only), no reset function, and
    recorders granted INSERT, UPDATE and DELETE on every table of the view (its statements, as
    they were)."""
    view = [crew.table(name) for name in view_tables(crew)]
    guard = crew.table("view_guard")
    with _admin() as admin:  # type: ignore[attr-defined]
        admin.execute(f"DROP FUNCTION {crew.table('view_reset')}()")
        for name in view_tables(crew):
            for trigger in (f"{name}_guard_update", f"{name}_guard_delete"):
                admin.execute(f'DROP TRIGGER "{trigger}" ON {crew.table(name)}')
        admin.execute(
            f"CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF current_setting('commitment_tracker.view_writer', true) IS DISTINCT FROM 'on' "
            "OR (TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'view_facts') THEN "
            "RAISE EXCEPTION 'the status view is written only by the tracker (run ctrack rebuild)'; END IF; "
            f"IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'view_intervals' THEN IF NOT ({CLOSES_ONLY}) THEN "
            "RAISE EXCEPTION 'the status view is written only by the tracker (run ctrack rebuild)'; END IF; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$")  # fmt: skip
        for name in TABLES:
            admin.execute(f'CREATE TRIGGER "{name}_guard" BEFORE UPDATE OR DELETE ON {crew.table(name)} '
                          f"FOR EACH ROW EXECUTE FUNCTION {guard}()")  # fmt: skip
            admin.execute(f'CREATE TRIGGER "{name}_guard_truncate" BEFORE TRUNCATE ON {crew.table(name)} '
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {guard}()")  # fmt: skip
        admin.execute(f'REVOKE ALL ON {", ".join(view)} FROM "{crew.recorder}"')
        admin.execute(f'GRANT SELECT ON {", ".join(view)} TO "{crew.recorder}"')
        admin.execute(f'GRANT INSERT, UPDATE, DELETE ON {", ".join(view)} TO "{crew.recorder}"')


def test_a_team_store_of_an_earlier_release_warns_until_its_owner_runs_store_init_again(crew: Crew) -> None:
    owner, recorder, auditor = (crew.ctrack(role) for role in (crew.owner, crew.recorder, crew.auditor))
    _working_team(crew)
    _as_an_earlier_release_left_it(crew)
    # It keeps working: the recorder records, queries and rebuilds with the old grants...
    recorder.ok("reaffirm", "denuclearization", "--on", "2025-03-01")
    recorder.ok("rebuild")
    board = recorder.json("status")["commitments"]  # type: ignore[index]
    # ...and verify says, in one line, that the view is open to rewriting, and by whom.
    for ctrack in (auditor, recorder, owner):
        verified = ctrack.ok("verify")
        assert verified.stdout.startswith("OK:")
        assert verified.stderr.startswith("Warning:") and verified.stderr.count("\n") == 1
        assert crew.recorder in verified.stderr and "ctrack store init" in verified.stderr
    with _connect(crew.recorder) as conn:  # type: ignore[attr-defined]
        assert attempt(conn, "SET LOCAL", f"DELETE FROM {crew.table('view_refs')}") == ""  # the hole, as it was
    recorder.ok("rebuild")
    result = owner.ok("store", "init")
    assert f"took back from {crew.recorder}" in result.stderr and crew.auditor not in result.stderr
    assert owner.ok("store", "init").stderr.count("took back") == 0  # once is enough
    with _admin() as admin:  # type: ignore[attr-defined]
        triggers = admin.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal GROUP BY c.relname",
            [crew.schema]).fetchall()  # fmt: skip
    # The earlier release's row triggers are replaced, not kept beside the new ones (rebuild would
    # pay a trigger call per deleted row again).
    assert {table: n for table, n in triggers if table in view_tables(crew)} == dict.fromkeys(view_tables(crew), 2)
    for ctrack in (auditor, recorder, owner):
        verified = ctrack.ok("verify")
        assert verified.stdout.startswith("OK:") and verified.stderr == ""
    assert recorder.json("status")["commitments"] == board  # type: ignore[index]
    recorder.ok("reaffirm", "denuclearization", "--on", "2025-04-01")
    recorder.ok("rebuild")
    assert auditor.json("status")["commitments"] == recorder.json("status")["commitments"]  # type: ignore[index]
    found = breaches(crew, {"stranger": crew.stranger, "auditor": crew.auditor}, may={})
    found += breaches(crew, {"recorder": crew.recorder}, may=RECORDER_MAY)
    assert not found, "\n".join(found)
