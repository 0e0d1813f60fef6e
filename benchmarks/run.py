"""``make bench``: every figure beside a baseline measured in the same run.

Sizes come from BENCH_SIZES (default 10000,100000,1000000); PostgreSQL rows are added when a
server answers at BENCH_PG (default postgresql://postgres@127.0.0.1:5432/test).
The table is printed and written to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks import baselines
from benchmarks.synthetic import write

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",") if s]
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
CTRACK = [sys.executable, "-m", "commitment_tracker"]
rows: list[tuple[str, str, str, str, str]] = []


def row(figure: str, size: str, value: str, baseline: str, target: str) -> None:
    rows.append((figure, size, value, baseline, target))
    print(f"  {figure} [{size}]: {value}   (baseline: {baseline}; target: {target})", flush=True)


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms (p95 {sorted(samples)[int(len(samples) * 0.95) - 1] * 1000:.1f})"


def timed(fn, repeat: int = 1) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def peak_mb(code: str) -> float:
    """Peak resident memory of a child process running ``code``.

    Read from /proc (VmHWM): ``ru_maxrss`` would carry over this process's own peak across exec.
    """
    report = "\nprint([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    child = subprocess.run([sys.executable, "-c", code + report], capture_output=True, text=True, check=True,
                           cwd=ROOT)  # fmt: skip
    return int(child.stdout.strip().splitlines()[-1]) / 1024


def bench_size(size: int, work: Path) -> None:
    from commitment_tracker.projections import Log
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.projections.history import history
    from commitment_tracker.projections.view.reader import ViewReader
    from commitment_tracker.tracker import open_tracker, resolve_store

    label = f"{size:,}"
    lines = write(work / f"history-{size}.jsonl", size)
    store = work / f"tracker-{size}.db"
    bare = baselines.bare_eventsourcing_import(lines, work / f"bare-{size}.db")
    floor = baselines.raw_sqlite_floor(lines, work / f"raw-{size}.db")
    with open_tracker(resolve_store(str(store))) as tracker:
        start = time.perf_counter()
        tracker.import_file(lines, "bench")
        rate = size / (time.perf_counter() - start)
        row("import rate (events/s)", label, f"{rate:,.0f}", f"bare eventsourcing {bare:,.0f}; raw sqlite {floor:,.0f}",
            f">= 0.9 x bare ({rate / bare:.2f} x)")  # fmt: skip
        reader = ViewReader(tracker)
        start = time.perf_counter()
        reader.rebuild()
        rebuild = size / (time.perf_counter() - start)
        decode = baselines.read_and_decode_rate(tracker)
        row("catch-up / rebuild rate (events/s)", label, f"{rebuild:,.0f}", f"read + decode log {decode:,.0f}",
            ">= 50,000")  # fmt: skip
        rng = random.Random(size)
        times = sorted(r.event.recorded_at for r in tracker.log())
        days = [date(2015, 1, 1) + timedelta(days=rng.randrange(5000)) for _ in range(30)]
        now = [timed(lambda d=d: reader.board(Clocks(d)))[0] for d in days]
        past = [timed(lambda d=d: reader.board(Clocks(d, times[rng.randrange(len(times))])))[0] for d in days]
        if size <= 100_000:
            replay = [timed(lambda d=d: list(Log(tracker.log()).known_at(None).board(d)))[0] for d in days[:3]]
            baseline = f"full replay with the pure fold {median_ms(replay)}"
        else:
            baseline = "full replay not run at this size (minutes; see 100k)"
        row("status board, any --as-of, as known now (in-process)", label, median_ms(now), baseline,
            "<= 50 ms at 1M, flat")  # fmt: skip
        row("status board, any --as-of, --known-at inside the bulk import (in-process)", label, median_ms(past),
            "same baseline", "<= 50 ms at 1M, flat")  # fmt: skip
        del times
        slugs = [r[0] for r in reader.view.read("SELECT entity FROM {view_entities} WHERE kind = 'commitment'")]
        picks = [rng.choice(slugs) for _ in range(20)]

        def one_history(slug: str) -> None:
            log = reader.log_for(slug)
            history(log, log.known_at(None), slug, by_record=False, as_of=date(2030, 1, 1))

        hist = [timed(lambda s=s: one_history(s))[0] for s in picks]
        row("history of one commitment (in-process)", label, median_ms(hist), "\u2014", "<= 20 ms at 1M")
        reader.close()
    if size == max(SIZES):
        code = (f"from pathlib import Path; from commitment_tracker.tracker import open_tracker, resolve_store\n"
                f"t = open_tracker(resolve_store({str(work / 'mem.db')!r})); t.import_file(Path({str(lines)!r}), 'b')")
        row("peak memory of import", label, f"{peak_mb(code):,.0f} MB", "\u2014", "<= 300 MB")
        code = (f"from commitment_tracker.tracker import open_tracker, resolve_store\n"
                f"from commitment_tracker.projections.view.reader import ViewReader\n"
                f"t = open_tracker(resolve_store({str(store)!r})); ViewReader(t).rebuild()")
        row("peak memory of rebuild", label, f"{peak_mb(code):,.0f} MB", "\u2014", "<= 300 MB")


def bench_startup(work: Path) -> None:
    demo = work / "demo.db"
    subprocess.run([*CTRACK, "--store", str(demo), "import", str(ROOT / "src/commitment_tracker/data/trilateral.jsonl")],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([*CTRACK, "--store", str(demo), "status"], check=True, capture_output=True)  # warm the view

    def run(args: list[str]) -> list[float]:
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            samples.append(time.perf_counter() - start)
        return samples

    base = statistics.median(run([sys.executable, "-c", "pass"])) * 1000
    ctrack = str(Path(sys.executable).with_name("ctrack"))
    helps = statistics.median(run([ctrack, "--help"])) * 1000
    status = statistics.median(run([ctrack, "--store", str(demo), "status"])) * 1000
    row("`ctrack --help`, whole process", "demo", f"{helps:.0f} ms", f"python -c pass {base:.0f} ms", "<= 150 ms")
    row("`ctrack status` on the demo store, whole process", "demo", f"{status:.0f} ms", f"python -c pass {base:.0f} ms",
        "<= 300 ms")  # fmt: skip


def bench_postgres(size: int, work: Path) -> None:
    try:
        import psycopg

        with psycopg.connect(PG, connect_timeout=3) as conn:
            schema = f"bench_{os.getpid()}"
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
            conn.commit()
    except Exception as error:  # no server: say so in the table
        row("PostgreSQL rows", f"{size:,}", "not run", str(error).splitlines()[0][:60], "\u2014")
        return
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.projections.view.reader import ViewReader
    from commitment_tracker.tracker import open_tracker, resolve_store

    url = f"{PG}?schema={schema}"
    lines = write(work / f"pg-{size}.jsonl", size, record_times=False)
    # Four writers, each importing a quarter of the events as a history of its own.
    chunks = [write(work / f"pg-{size}-{i}.jsonl", size // 4, seed=i, record_times=False, prefix=f"w{i}-")
              for i in range(4)]  # fmt: skip
    start = time.perf_counter()
    subprocess.run([*CTRACK, "--store", url, "import", str(lines)], check=True, capture_output=True)
    one = size / (time.perf_counter() - start)
    with psycopg.connect(PG) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.commit()
    start = time.perf_counter()
    procs = [subprocess.Popen([*CTRACK, "--store", url, "import", str(c)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for c in chunks]  # fmt: skip
    # A reader meanwhile: the log's newest page and its count, as `export` or `checkpoint` read
    # them. Writers take turns under an advisory lock that readers never wait for.
    reads = _read_while(procs, url)
    failures = [p.communicate()[1].decode().strip() for p in procs]
    ok = all(p.returncode == 0 for p in procs)
    four = size / (time.perf_counter() - start)
    for p, err in zip(procs, failures):
        if p.returncode:
            print(f"  a writer failed: {err[-300:]}", flush=True)
    row("PostgreSQL import rate, 1 writer / 4 writers (events/s, whole process)", f"{size:,}",
        f"{one:,.0f} / {four:,.0f}{'' if ok else ' (a writer failed)'}", "SQLite row above", "\u2014")  # fmt: skip
    row("PostgreSQL read of the log's newest page while 4 writers import (in-process)", f"{size:,}",
        f"{median_ms(reads)}, max {max(reads) * 1000:.1f} ms over {len(reads)} reads", "\u2014",
        "readers never wait for writers")  # fmt: skip
    with open_tracker(resolve_store(url)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        rng = random.Random(1)
        probes = [date(2015, 1, 1) + timedelta(days=rng.randrange(5000)) for _ in range(20)]
        samples = [timed(lambda d=d: reader.board(Clocks(d)))[0] for d in probes]
        row("PostgreSQL status board, any --as-of (in-process)", f"{size:,}", median_ms(samples), "\u2014", "\u2014")
        reader.close()
    with psycopg.connect(PG) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.commit()


def _read_while(procs: list[subprocess.Popen[bytes]], url: str) -> list[float]:
    """Seconds each read of the log's newest page took while ``procs`` ran (one every 50 ms)."""
    from commitment_tracker.tracker import open_tracker, resolve_store

    samples: list[float] = []
    with open_tracker(resolve_store(url)) as tracker:
        while any(p.poll() is None for p in procs):
            start = time.perf_counter()
            last = tracker.count()
            tracker.recorder.select_notifications(start=max(1, last - 99), limit=100)
            samples.append(time.perf_counter() - start)
            time.sleep(0.05)
    return samples or [0.0]


def main() -> None:
    print(f"commitment-tracker benchmarks on {platform.node()} ({os.cpu_count()} cores), sizes {SIZES}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ctrack-bench-") as tmp:
        work = Path(tmp)
        bench_startup(work)
        from benchmarks.scores import bench_scores

        bench_scores(work, row)
        for size in SIZES:
            bench_size(size, work)
        bench_postgres(min(100_000, max(SIZES)), work)
    header = "| figure | size | measured | baseline (same run) | target |\n| --- | --- | --- | --- | --- |\n"
    table = header + "".join(f"| {' | '.join(r)} |\n" for r in rows)
    notes = ROOT / "benchmarks" / "NOTES.md"
    RESULTS.write_text(
        "# Benchmark results\n\n"
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; synthetic histories from `benchmarks/synthetic.py`.\n\n" + table
        + ("\n" + notes.read_text() if notes.exists() else "")
    )
    print("\n" + table)


if __name__ == "__main__":
    main()
