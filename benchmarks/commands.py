"""``make bench`` (second part): every command, whole process, beside floors from the same run.

For each size in BENCH_COMMAND_SIZES (default 100000,1000000) on SQLite, and each size in
BENCH_PG_SIZES (default 100000; empty to skip) on PostgreSQL (BENCH_PG, default the local test
database), a synthetic history is written once and kept in BENCH_CACHE (default
~/.cache/ctrack-bench). Every run then imports it into a new store (measured), makes the first
query (the catch-up, measured), rebuilds the view (measured) and runs every read command on it.

Each command runs as its own process, BENCH_REPEAT times (default 3, median shown; the commands
that read or write the whole log run BENCH_SLOW_REPEAT times, default 1); its peak resident memory
is VmHWM from /proc as the process exits. Each figure stands beside a floor measured in the same
run: plain SQL over the same tables for the same answer, or reading (and decoding or hashing) the
log. The growth table sets each command's 1M figure beside its 100k figure and its floor's: a
command whose time grows with the log where its answer does not is a failure this table must
show, not hide.

The tables are written between the markers in benchmarks/RESULTS.md. BENCH_ONLY (labels'
substrings, comma-separated) measures only those read commands, after the import and the
catch-up, and prints them without touching RESULTS.md: a partial table must not replace it.

The tracker's own modules are compiled to bytecode before anything is measured, as installing the
package does: its dependencies and the standard library come compiled, and under
PYTHONDONTWRITEBYTECODE (set on some machines) every command would otherwise compile the
tracker's sources again, a cost that no floor pays and no installed copy does.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.synthetic import RECORDED_FROM, write
from commitment_tracker.projections.view.boardrows import BOARD_FIELDS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _sizes(name: str, default: str) -> list[int]:
    return [int(s) for s in os.environ.get(name, default).split(",") if s.strip()]


SIZES = _sizes("BENCH_COMMAND_SIZES", "100000,1000000")
PG_SIZES = _sizes("BENCH_PG_SIZES", "100000")
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
CACHE = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "ctrack-bench"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SLOW_REPEAT = int(os.environ.get("BENCH_SLOW_REPEAT", "1"))
ONLY = [s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()]
BEGIN, END = "<!-- commands: begin -->", "<!-- commands: end -->"
MEMORY_BOUND_MB = 300

#: Runs the CLI in this process and reports the peak resident memory on stderr as it exits.
CHILD = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nVmHWM ' + [l.split()[1] for l in open('/proc/self/status') "
    "if l.startswith('VmHWM')][0] + '\\n'))\n"
    "from commitment_tracker.cli import main\n"
    "sys.argv = ['ctrack', *sys.argv[1:]]\n"
    "main()\n"
)

#: Floors run as their own processes too, so they pay the same interpreter start-up.
PEAK = (
    "\nimport sys\nsys.stderr.write('\\nVmHWM ' + [l.split()[1] for l in open('/proc/self/status') "
    "if l.startswith('VmHWM')][0] + '\\n')\n"
)


class Sample(tuple):  # type: ignore[type-arg]
    """(seconds, peak MB) of a whole-process run, with its CPU time (user + system) as ``cpu``:
    on shared cores the wall time moves with the others' load, the CPU time much less."""

    cpu: float


def _sample(seconds: float, peak: float, cpu: float) -> Sample:
    sample = Sample((seconds, peak))
    sample.cpu = cpu
    return sample


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(argv: list[str]) -> Sample:
    start, cpu = time.perf_counter(), _children_cpu()
    child = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[3:])[:200]} failed: {child.stderr.strip()[-400:]}")
    found = re.findall(r"VmHWM (\d+)", child.stderr)
    return _sample(elapsed, int(found[-1]) / 1024 if found else float("nan"), _children_cpu() - cpu)


def run(args: list[str]) -> Sample:
    """(seconds, peak MB) of one whole-process run of ``ctrack args``."""
    return _child([sys.executable, "-c", CHILD, *args])


def python(code: str) -> Sample:
    """(seconds, peak MB) of one whole-process run of some plain Python: a floor."""
    return _child([sys.executable, "-c", code + PEAK])


def measure(fn: Callable[[], Sample], repeat: int = REPEAT) -> Sample:
    """The median time and CPU time of ``repeat`` runs, and their largest peak."""
    samples = [fn() for _ in range(repeat)]
    return _sample(statistics.median(s[0] for s in samples), max(s[1] for s in samples),
                   statistics.median(s.cpu for s in samples))  # fmt: skip


def history_of(size: int) -> Path:
    """The synthetic history of ``size`` events as JSON Lines, written once and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    lines = CACHE / f"history-{size}.jsonl"
    if not lines.exists():
        write(lines.with_suffix(".partial"), size).rename(lines)
    return lines


@dataclass
class Backend:
    """Where a store lives and how plain SQL reaches its tables (for the floors)."""

    name: str
    store: str
    connect: str  # Python that binds ``c`` (a connection) and ``q`` (a query function returning rows)
    log: str
    chain: str
    placeholder: str
    order: str  # the log's notification order


def sqlite_backend(db: Path) -> Backend:
    return Backend("SQLite", str(db), f"import sqlite3; c = sqlite3.connect({str(db)!r}); q = lambda s, *a: c.execute(s, a).fetchall()",
                   "stored_events", "log_chain", "?", "rowid")  # fmt: skip


def postgres_backend(schema: str) -> Backend:
    connect = (f"import psycopg; c = psycopg.connect({PG!r}, autocommit=True); "
               f"c.execute('SET search_path TO \"{schema}\"'); q = lambda s, *a: c.execute(s, a).fetchall()")  # fmt: skip
    return Backend("PostgreSQL", f"{PG}?schema={schema}", connect, "tracker_events", "tracker_events_chain", "%s", "notification_id")


TODAY = time.strftime("%Y-%m-%d")


def _stamp(moment: datetime) -> str:
    """A record time as the view's columns spell it."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")[:26] + "Z"


def floors(b: Backend, size: int) -> dict[str, Callable[[], tuple[float, float]]]:
    """Plain reads for the same answers, each a process of its own."""
    p = b.placeholder
    # A stored board row is its values in the order of BOARD_FIELDS: read back as named rows.
    forever = "'9999-12-31T23:59:59.999999Z'"
    # Each commitment's open row holding the day, one index search each (the rows holding it by
    # their valid dates alone include every closed version of them: one per batch that changed it).
    holding = (f"CROSS JOIN view_intervals i ON i.rowid = (SELECT j.rowid FROM view_intervals j WHERE j.known_to = {forever} "
               f"AND j.entity = e.entity AND j.valid_from <= {p} ORDER BY j.valid_from DESC LIMIT 1)" if b.name == "SQLite" else
               f"CROSS JOIN LATERAL (SELECT * FROM view_intervals i WHERE i.known_to = {forever} AND i.entity = e.entity "
               f"AND i.valid_from <= {p} ORDER BY i.valid_from DESC LIMIT 1) i")  # fmt: skip
    board = (f"import json\nF = {BOARD_FIELDS!r}\n"
             f"rows = q(\"SELECT i.entity, i.data FROM view_entities e {holding} WHERE e.kind = 'commitment' "
             f"AND i.valid_to > {p}\", '2026-11-29', '2026-11-29')\n"
             "[dict(zip(F, json.loads(r[1]))) for r in rows]")  # fmt: skip
    one = f"q('SELECT * FROM view_facts WHERE entity = {p} ORDER BY position', 'c0000001')"
    middle = _stamp(RECORDED_FROM + timedelta(seconds=size // 2))
    # What changed between two record times, as of today: the rows believed then beside the rows
    # believed now, the changed ones decoded, and the facts recorded in between that name them.
    diff = (f"import json\nF = {BOARD_FIELDS!r}\n"
            f"then = dict(q(\"SELECT entity, status FROM view_intervals WHERE valid_from <= {p} AND valid_to > {p} "
            f"AND known_from <= {p} AND known_to > {p}\", '{TODAY}', '{TODAY}', '{middle}', '{middle}'))\n"
            f"now = q(\"SELECT i.entity, i.status, i.data FROM view_entities e {holding} WHERE e.kind = 'commitment' "
            f"AND i.valid_to > {p}\", '{TODAY}', '{TODAY}')\n"
            "changed = [(r[0], dict(zip(F, json.loads(r[2])))) for r in now if then.get(r[0]) != r[1]]\n"
            f"causes = q('SELECT entity, position FROM view_facts WHERE recorded > {p}', '{middle}')\n"
            "names = {e for e, _ in changed}\n"
            "[c for c in causes if c[0] in names]")  # fmt: skip
    scores = (f"q(\"SELECT party, avg(score), count(*), count(DISTINCT entity) FROM view_assessments "
              f"WHERE known_to = {forever} AND valid_on <= {p} AND (until IS NULL OR until > {p}) GROUP BY party\", "
              f"'{TODAY}', '{TODAY}')")  # fmt: skip
    search = (f"q(\"SELECT entity, position, field, type, ts_headline('english', body, w, 'StartSel=[, StopSel=]'), "
              f"ts_rank(words, w) AS rank FROM view_search, websearch_to_tsquery('english', %s) w WHERE words @@ w "
              f"ORDER BY rank DESC LIMIT 200\", 'commitment 17')" if b.name == "PostgreSQL" else
              "q(\"SELECT entity, position, field, type, snippet(view_search, 4, '[', ']', '…', 16), bm25(view_search) "
              "FROM view_search WHERE view_search MATCH ? ORDER BY bm25(view_search) LIMIT 200\", '\"commitment\" AND \"17\"')")  # fmt: skip
    # What a chart or report of all shows: the latest-made commitments (300, 200), their events by
    # SQL, decoded; the chart draws a bar per event with one collection per type, as ``chart``
    # draws one per status, the report writes them as escaped HTML.
    shown = (f"ids = [r[0] for r in q(\"SELECT entity FROM view_entities WHERE kind = {p} ORDER BY made_on DESC, entity "
             f"LIMIT {{0}}\", 'commitment')]\n"
             f"rows = q(\"SELECT entity, position, recorded, kind, data FROM view_facts WHERE entity IN "
             f"(SELECT entity FROM view_entities WHERE kind = {p} ORDER BY made_on DESC, entity LIMIT {{0}}) "
             f"ORDER BY entity, position\", 'commitment')\n"
             "import json\ndata = [json.loads(r[4]) for r in rows]\n")  # fmt: skip
    chart = ("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
             "from matplotlib.collections import PolyCollection\nfrom datetime import date\n"
             "y = {n: i for i, n in enumerate(ids)}\n"
             "day = lambda t: date.fromisoformat((t + '-01-01')[:10]).toordinal()\n"
             "fig, ax = plt.subplots(figsize=(12, max(3, len(ids) * 0.2)))\n"
             "for kind in sorted({r[3] for r in rows}):\n"
             "    boxes = [[(day(d['on']), y[r[0]]), (day(d['on']) + 30, y[r[0]]), (day(d['on']) + 30, y[r[0]] + 0.8),"
             " (day(d['on']), y[r[0]] + 0.8)] for r, d in zip(rows, data) if r[3] == kind and 'on' in d]\n"
             "    ax.add_collection(PolyCollection(boxes))\n"
             "ax.autoscale_view(); fig.savefig('/dev/null', format='png')\n")  # fmt: skip
    report = ("import html\npage = ''.join('<tr><td>' + html.escape(r[0]) + '#' + str(r[1]) + '</td><td>' + html.escape(r[3])"
              " + '</td><td>' + html.escape(json.dumps(d)) + '</td></tr>' for r, d in zip(rows, data))\n"
              "open('/dev/null', 'w').write(page)\n")  # fmt: skip
    sources = (f"import json\n[json.loads(r[0]) for r in q(\"SELECT data FROM view_facts WHERE entity IN "
               f"(SELECT entity FROM view_entities WHERE kind = {p}) ORDER BY entity, position\", '{{0}}')]")  # fmt: skip
    return {
        "python -c pass": lambda: python("pass"),
        "ctrack --help": lambda: run(["--help"]),
        "board by SQL": lambda: python(f"{b.connect}\n{board}"),
        "one commitment's facts by SQL": lambda: python(f"{b.connect}\n{one}"),
        "last chain rows + count by SQL": lambda: python(
            f"{b.connect}\nq('SELECT (SELECT count(*) FROM {b.chain}), * FROM {b.chain} ORDER BY notification_id DESC LIMIT 2')"),
        "read + sha256 of every row": lambda: python(
            f"{b.connect}\nimport hashlib\n"
            f"for r in q('SELECT originator_id, originator_version, topic, state FROM {b.log}'): hashlib.sha256(bytes(r[3])).digest()"),
        "diff of two record times by SQL": lambda: python(f"{b.connect}\n{diff}"),
        "scores by SQL": lambda: python(f"{b.connect}\n{scores}"),
        "sources by SQL": lambda: python(f"{b.connect}\n{sources.format('source')}"),
        "statements by SQL": lambda: python(f"{b.connect}\n{sources.format('statement')}"),
        "search by SQL": lambda: python(f"{b.connect}\n{search}"),
        "chart's rows by SQL, drawn": lambda: python(f"{b.connect}\n{shown.format(300)}{chart}"),
        "report's rows by SQL, as HTML": lambda: python(f"{b.connect}\n{shown.format(200)}{report}"),
        "read + decode every row": lambda: python(
            f"{b.connect}\nimport json\n"
            f"for r in q('SELECT originator_id, originator_version, topic, state FROM {b.log} ORDER BY {b.order}'): json.loads(bytes(r[3]))"),
    }  # fmt: skip


def commands(b: Backend, size: int, out: Path) -> list[tuple[str, list[str], str, bool]]:
    """(label, arguments, floor, whole-log) of every read command measured on a caught-up store.

    ``whole-log`` marks the commands whose answer is the whole log (verify, export): they run
    BENCH_SLOW_REPEAT times."""
    s = ["--store", b.store]
    middle = (RECORDED_FROM + timedelta(seconds=size // 2)).isoformat().replace("+00:00", "Z")
    return [
        ("`status` (table)", [*s, "status"], "board by SQL", False),
        ("`status --json`", [*s, "status", "--json"], "board by SQL", False),
        ("`status --as-of 2019-06-30 --json`", [*s, "status", "--as-of", "2019-06-30", "--json"], "board by SQL", False),
        ("`status --known-at` (mid-import) `--json`", [*s, "status", "--known-at", middle, "--json"], "board by SQL", False),
        ("`show COMMITMENT --json`", [*s, "show", "c0000001", "--json"], "one commitment's facts by SQL", False),
        ("`history COMMITMENT --json`", [*s, "history", "c0000001", "--json"], "one commitment's facts by SQL", False),
        ("`diff --from 2018-01-01 --to 2019-01-01 --json`", [*s, "diff", "--from", "2018-01-01", "--to", "2019-01-01", "--json"],
         "board by SQL", False),
        ("`replay --from 2018-01-01 --to 2018-12-31 --json`", [*s, "replay", "--from", "2018-01-01", "--to", "2018-12-31", "--json"],
         "board by SQL", False),
        ("`diff --known-from` (mid-import) `--json`", [*s, "diff", "--known-from", middle, "--json"], "diff of two record times by SQL", False),
        ("`matrix` (table)", [*s, "matrix"], "board by SQL", False),
        ("`matrix --json`", [*s, "matrix", "--json"], "board by SQL", False),
        ("`due --within 30d --json`", [*s, "due", "--within", "30d", "--json"], "board by SQL", False),
        ("`scores --json`", [*s, "scores", "--json"], "scores by SQL", False),
        ("`sources --json` (none in the store)", [*s, "sources", "--json"], "sources by SQL", False),
        ("`meetings --json`", [*s, "meetings", "--json"], "board by SQL", False),
        ("`statements --json` (none)", [*s, "statements", "--json"], "statements by SQL", False),
        ("`show MEETING --json`", [*s, "show", "m000001", "--json"], "one commitment's facts by SQL", False),
        ("`search` one title `--json`", [*s, "search", "commitment 17", "--json"], "search by SQL", False),
        ("`chart ID` (one commitment, SVG)", [*s, "chart", "c0000001", "--force", "--out", str(out / "one.svg")],
         "one commitment's facts by SQL", False),
        ("`chart` (all: at most 300 rows, PNG)", [*s, "chart", "--force", "--out", str(out / "all.png")], "chart's rows by SQL, drawn", False),
        ("`report` (default selection: 200)", [*s, "report", "--force", "--out", str(out / "report.html")], "report's rows by SQL, as HTML", False),
        ("`report --party JP --limit 50`", [*s, "report", "--party", "JP", "--limit", "50", "--force", "--out", str(out / "jp.html")],
         "board by SQL", False),
        ("`checkpoint --json`", [*s, "checkpoint", "--json"], "last chain rows + count by SQL", False),
        ("`verify --json`", [*s, "verify", "--json"], "read + sha256 of every row", True),
        ("`export -o FILE` (JSON Lines)", [*s, "export", "--force", "-o", str(out / "export.jsonl")], "read + decode every row", True),
    ]  # fmt: skip


#: label, backend, size, seconds, MB, floor, floor seconds, CPU seconds, floor CPU seconds (nan: not measured)
Row = tuple[str, str, int, float, float, str, float, float, float]
NAN = float("nan")


def bench(b: Backend, size: int, lines: Path, out: Path, fresh: Callable[[], None]) -> list[Row]:
    rows: list[Row] = []

    def note(label: str, seconds: float, peak: float, floor: str, base: float, cpu: float = NAN,
             base_cpu: float = NAN) -> None:  # fmt: skip
        rows.append((label, b.name, size, seconds, peak, floor, base, cpu, base_cpu))
        over = " (over the memory bound)" if peak > MEMORY_BOUND_MB else ""  # (nan, not measured, is never over)
        print(f"  {label}: {seconds:.2f} s{_cpu(cpu)}, {peak:.0f} MB{over}; {floor}: {base:.2f} s{_cpu(base_cpu)} "
              f"({seconds / base:.1f}x)", flush=True)  # fmt: skip

    # Writing the store: import, the first query (catch-up), rebuild. Each needs a new store.
    writes: dict[str, list[Sample]] = {"import": [], "catch-up": [], "rebuild": []}
    for _ in range(SLOW_REPEAT):
        fresh()
        writes["import"].append(run(["--store", b.store, "--by", "bench", "import", str(lines)]))
        writes["catch-up"].append(run(["--store", b.store, "status", "--json"]))
        if not ONLY:
            writes["rebuild"].append(run(["--store", b.store, "rebuild"]))
    plain = floors(b, size)
    decoding = measure(plain["read + decode every row"], SLOW_REPEAT)
    decode = decoding[0]
    bare = _bare_import(lines, out, b) if not ONLY else None
    # Each beside its floor's CPU time too: on shared cores the wall time moves with the others' load.
    for label, key, floor, base in [
        ("`import` (new store)", "import", "bare eventsourcing import" if bare else "read + decode every row", bare or decoding),
        ("first query after the import (catch-up)", "catch-up", "read + decode every row", decoding),
        ("`rebuild`", "rebuild", "read + decode every row", decoding),
    ]:
        samples = writes[key]
        if not samples:
            continue
        note(label, statistics.median(s[0] for s in samples), max(s[1] for s in samples), floor, base[0],
             statistics.median(s.cpu for s in samples), base.cpu)  # fmt: skip

    samples = {name: measure(fn) for name, fn in plain.items() if name != "read + decode every row"}
    measured = {name: sample[0] for name, sample in samples.items()}
    measured["read + decode every row"] = decode
    for label, args, floor, whole in commands(b, size, out):
        if ONLY and not any(part in label for part in ONLY):
            continue
        sample = measure(lambda args=args: run(args), SLOW_REPEAT if whole else REPEAT)  # type: ignore[misc]
        note(label, sample[0], sample[1], floor, measured[floor], sample.cpu, samples[floor].cpu if floor in samples else NAN)
    # verify's two parts, as it times them itself: the log check beside reading and hashing the
    # rows, the view check beside a rebuild of the same view (or, when BENCH_ONLY skips the
    # rebuild, the catch-up that built it), measured above in the same run.
    if ONLY and not any(part in "`verify`" for part in ONLY):
        return rows
    parts = [verify_parts(b.store) for _ in range(SLOW_REPEAT)]
    built = "rebuild" if writes["rebuild"] else "catch-up"
    note("`verify`: its log check (its own timing)", statistics.median(p[0] for p in parts), float("nan"),
         "read + sha256 of every row", measured["read + sha256 of every row"])  # fmt: skip
    note("`verify`: its view check (its own timing)", statistics.median(p[1] for p in parts), float("nan"),
         f"`{built}`", statistics.median(s[0] for s in writes[built]))  # fmt: skip
    # The two parts' wall times come from moments apart from the rebuild's: set the whole of verify
    # beside the rebuild by CPU as well (verify's CPU includes its log check).
    note("`verify` (whole process, both checks)", statistics.median(p[2][0] for p in parts),
         max(p[2][1] for p in parts), f"`{built}`", statistics.median(s[0] for s in writes[built]),
         statistics.median(p[2].cpu for p in parts), statistics.median(s.cpu for s in writes[built]))  # fmt: skip
    return rows


def verify_parts(store: str) -> tuple[float, float, Sample]:
    """The seconds ``verify --json`` reports for its log check and its view check, and the whole
    process's sample."""
    start, cpu = time.perf_counter(), _children_cpu()
    child = subprocess.run([sys.executable, "-c", CHILD, "--store", store, "verify", "--json"], capture_output=True,
                           text=True, cwd=ROOT)  # fmt: skip
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"verify failed: {child.stderr.strip()[-400:]}")
    report = json.loads(child.stdout)
    found = re.findall(r"VmHWM (\d+)", child.stderr)
    whole = _sample(elapsed, int(found[-1]) / 1024 if found else float("nan"), _children_cpu() - cpu)
    return report["log_check_seconds"], report["view_check_seconds"], whole


#: Each run's PostgreSQL schemas carry its process id: two runs against one database (two checkouts,
#: say) would otherwise drop each other's stores midway.
RUN = os.getpid()


def _bare_import(lines: Path, out: Path, b: Backend) -> Sample:
    """Seconds (and CPU seconds) for a bare eventsourcing application to save the same events (a process of its
    own), in a new SQLite file or a new PostgreSQL schema, as the store measured."""
    db = out / "bare.db"
    for stale in out.glob("bare.db*"):
        stale.unlink()
    env = None
    if b.name == "PostgreSQL":
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "bench_bare_{RUN}" CASCADE')
            conn.execute(f'CREATE SCHEMA "bench_bare_{RUN}"')
        params = conninfo_to_dict(PG)
        env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": str(params["dbname"]),
               "POSTGRES_HOST": str(params["host"]), "POSTGRES_PORT": str(params.get("port", 5432)),
               "POSTGRES_USER": str(params.get("user", "postgres")), "POSTGRES_PASSWORD": str(params.get("password", "")),
               "POSTGRES_SCHEMA": f"bench_bare_{RUN}", "CREATE_TABLE": "yes"}  # fmt: skip
    code = (f"import time; from pathlib import Path; from benchmarks.baselines import bare_eventsourcing_import\n"
            f"rate = bare_eventsourcing_import(Path({str(lines)!r}), Path({str(db)!r}), env={env!r})\n"
            "print(rate)")  # fmt: skip
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if env is not None:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "bench_bare_{RUN}" CASCADE')
    return _sample(elapsed, float("nan"), cpu)


def sqlite_runs(out: Path) -> list[Row]:
    rows: list[Row] = []
    for size in SIZES:
        print(f"SQLite, {size:,} events", flush=True)
        db = out / f"store-{size}.db"

        def fresh(db: Path = db) -> None:
            for stale in out.glob(db.name + "*"):
                stale.unlink()

        rows += bench(sqlite_backend(db), size, history_of(size), out, fresh)
        fresh()
    return rows


def postgres_runs(out: Path) -> list[Row]:
    try:
        import psycopg

        psycopg.connect(PG, connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means: not measured
        print(f"PostgreSQL not measured: {error}", flush=True)
        return []
    rows: list[Row] = []
    for size in PG_SIZES:
        print(f"PostgreSQL, {size:,} events", flush=True)
        schema = f"bench_{size}_{RUN}"

        def fresh(schema: str = schema) -> None:
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                conn.execute(f'CREATE SCHEMA "{schema}"')

        rows += bench(postgres_backend(schema), size, history_of(size), out, fresh)
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return rows


def _cpu(seconds: float) -> str:
    return "" if seconds != seconds else f" (CPU {seconds:.2f} s)"  # nan: not measured


def _growth(small: float, large: float) -> str:
    growth = large / small
    return "—" if growth != growth else f"{growth:.1f}x"  # nan: not measured


def tables(rows: list[Row]) -> list[str]:
    lines = [
        "| command | store | size | time | peak memory | floor (same run) | × floor |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, backend, size, seconds, peak, floor, base, cpu, base_cpu in rows:
        memory = "—" if peak != peak else f"**{peak:.0f} MB**" if peak > MEMORY_BOUND_MB else f"{peak:.0f} MB"  # nan: not measured
        lines.append(f"| {label} | {backend} | {size:,} | {seconds:.2f} s{_cpu(cpu)} | {memory} | {floor}: {base:.2f} s"
                     f"{_cpu(base_cpu)} | {seconds / base:.1f}x |")  # fmt: skip
    sqlite = {(r[0], r[2]): r for r in rows if r[1] == "SQLite"}
    if len(SIZES) >= 2:
        small, large = SIZES[0], SIZES[-1]
        lines += [
            "",
            f"Growth from {small:,} to {large:,} events ({large // small}x the log), SQLite:",
            "",
            "| command | time growth | floor growth | CPU growth | floor CPU growth | peak memory |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for (label, size), row in sqlite.items():
            if size != large or (label, small) not in sqlite:
                continue
            before = sqlite[(label, small)]
            lines.append(f"| {label} | {row[3] / before[3]:.1f}x | {row[6] / before[6]:.1f}x | {_growth(before[7], row[7])} "
                         f"| {_growth(before[8], row[8])} | {before[4]:.0f} → {row[4]:.0f} MB |")  # fmt: skip
    return lines


def main() -> None:
    compileall.compile_dir(ROOT / "src", quiet=1)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_SCRATCH")) as scratch:
        out = Path(scratch)
        rows = sqlite_runs(out) + postgres_runs(out)
    if ONLY:
        print("\n".join(tables(rows)))
        return
    table = "\n".join([
        BEGIN,
        "## Every command, whole process (`python -m benchmarks.commands`)",
        "",
        f"Measured on {time.strftime('%Y-%m-%d')}; median of {REPEAT} runs ({SLOW_REPEAT} for import, catch-up, "
        "rebuild, verify and export); peak memory is VmHWM from /proc (bold: over "
        f"{MEMORY_BOUND_MB} MB); every floor was measured in the same run, as a process of its own.",
        "",
        *tables(rows),
        END,
    ])  # fmt: skip
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + table + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
