"""Compliance scores at scale: the G20 data as published, and a 100x synthetic table like it.

The real data is read from ``../shared/datasets/g20-compliance/`` (never copied: CC BY-NC 4.0);
when it is absent the rows say so. BENCH_SCORES_SCALE (default 100) sizes the synthetic table:
SCALE x 400 commitments x 20 members, about SCALE x 8,000 scores. BENCH_SCORES_BASELINE, the
``src`` folder of another checkout (``git archive REV src | tar -x -C DIR``), also times that
code's ``import-scores`` of the same table in the same run.

``scores`` is timed for every grouping beside its floor: a plain GROUP BY over the same table
(``view_assessments``), in the same process, in the same run.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.commands import CHILD, PEAK
from commitment_tracker.projections.view.boardrows import BOARD_FIELDS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "g20-compliance"
SCALE = int(os.environ.get("BENCH_SCORES_SCALE", "100"))
CTRACK = [sys.executable, "-m", "commitment_tracker"]
#: Another checkout's ``src`` (say, the last release's): its import-scores is timed on the same table.
BASELINE = os.environ.get("BENCH_SCORES_BASELINE")
MEMBERS = ["argentina", "australia", "brazil", "canada", "china", "france", "germany", "india", "indonesia",
           "italy", "japan", "korea", "mexico", "russia", "saudi", "safrica", "turkey", "uk", "us", "eu"]  # fmt: skip
AREAS = ["Development", "Climate Change", "Trade", "Health", "Energy", "Gender", "Macroeconomic Policy"]


def whole(args: list[str], repeat: int = 1) -> float:
    """Median seconds of a whole ``ctrack`` process."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([*CTRACK, *args], check=True, capture_output=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def synthetic_table(path: Path, rows: int, seed: int = 7) -> int:
    """A wide table like the G20 editions: ``rows`` commitments, 20 members, ~5% cells empty."""
    rng = random.Random(seed)
    scores = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area", "id", "year", "code", "text", "average", *MEMBERS])
        for n in range(rows):
            year = 2008 + n % 14
            cells = ["" if rng.random() < 0.05 else rng.choice(["1", "1", "0", "-1"]) for _ in MEMBERS]
            marks = [int(c) for c in cells if c]
            scores += len(marks)
            text = f"We commit to measure {n} of the synthetic agenda, " + " ".join(rng.choice(AREAS) for _ in range(12))
            average = f"{sum(marks) / len(marks):.2f}" if marks else ""
            writer.writerow([rng.choice(AREAS), f"{year}-{n}", year, "", text, average, *cells])
    return scores


def bench_scores(work: Path, row: Callable[[str, str, str, str, str], None]) -> None:
    editions = [DATA / "compliance-2022-edition.csv", DATA / "compliance-2023-edition.csv"]
    if all(p.exists() for p in editions):
        store = str(work / "g20.db")
        first = whole(["--store", store, "import-scores", str(editions[0]), "--on", "2022-12-31",
                       "--summits", str(DATA / "summit_dates.csv")])  # fmt: skip
        second = whole(["--store", store, "import-scores", str(editions[1]), "--on", "2023-12-31",
                        "--summits", str(DATA / "summit_dates.csv")])  # fmt: skip
        exported = work / "g20.jsonl"
        subprocess.run([*CTRACK, "--store", store, "export", "-o", str(exported)], check=True, cwd=ROOT)
        generic = whole(["--store", str(work / "g20-generic.db"), "import", str(exported)])
        row("`import-scores` of the G20 2022 edition / then the 2023 edition, whole process", "7,198 + 575 events",
            f"{first:.2f} s / {second:.2f} s", f"`ctrack import` of the same events as JSON Lines {generic:.2f} s",
            "seconds")  # fmt: skip
        whole(["--store", store, "status"])  # the view catches up once, after an import
        scores = whole(["--store", store, "scores", "--by", "party"], repeat=5)
        status = whole(["--store", store, "status"], repeat=5)
        help_ = whole(["--help"], repeat=5)
        row("`scores --by party` on the G20 store, whole process", "398 commitments", f"{scores * 1000:.0f} ms",
            f"`status` {status * 1000:.0f} ms; `--help` {help_ * 1000:.0f} ms", "well under 1 s")  # fmt: skip
    else:
        row("G20 compliance data", "\u2014", "not run", f"no dataset at {DATA}", "\u2014")
    rows = SCALE * 400
    table = work / f"scores-{rows}.csv"
    count = synthetic_table(table, rows)
    store = str(work / f"scores-{rows}.db")
    size = f"{rows:,} commitments, {count:,} scores"
    imported, peak = run(["--store", store, "import-scores", str(table), "--on", "2023-12-31"])
    before = ""
    if BASELINE:  # the same table, imported by another checkout's code, in this run
        old_store = str(work / f"scores-{rows}-baseline.db")
        old, old_peak = run(["--store", old_store, "import-scores", str(table), "--on", "2023-12-31"], BASELINE)
        before = f"baseline code {old:.1f} s, {old_peak:.0f} MB; "
    row("`import-scores` of a synthetic table, whole process (peak memory)", size,
        f"{imported:.1f} s ({(rows + count) / imported:,.0f} events/s), {peak:.0f} MB",
        before + "`ctrack import` rate: see the import rows", "\u2014")  # fmt: skip
    start = time.perf_counter()
    subprocess.run([*CTRACK, "--store", store, "status", "--as-of", "2000-01-01"], check=True, capture_output=True, cwd=ROOT)
    catch_up = time.perf_counter() - start
    again, again_peak = run(["--store", store, "import-scores", str(table), "--on", "2023-12-31"])
    before = ""
    if BASELINE:
        old, old_peak = run(["--store", old_store, "import-scores", str(table), "--on", "2023-12-31"], BASELINE)
        before = f"baseline code {old:.1f} s, {old_peak:.0f} MB"
    row("re-import of the same table (nothing new), whole process (peak memory)", size,
        f"{again:.1f} s, {again_peak:.0f} MB", before or "\u2014", "\u2014")  # fmt: skip
    row("view catch-up after the import", size, f"{catch_up:.1f} s", "\u2014", "\u2014")
    bench_commitment_memory(store, size, row)
    bench_groupings(store, size, row)


def bench_commitment_memory(store: str, size: str, row: Callable[[str, str, str, str, str], None]) -> None:
    """``scores --by commitment --json`` as a whole process: wall and CPU seconds and peak memory,
    beside a process that reads and decodes every live assessment and board row of the same store
    (the floor), and beside BENCH_SCORES_BASELINE's code, all in this run."""
    floor = (f"import json, sqlite3\nF = {BOARD_FIELDS!r}\n"
             f"c = sqlite3.connect({store!r})\n"
             "rows = [r for r in c.execute(\"SELECT entity, party, score FROM view_assessments WHERE known_to > '9999'\")]\n"
             "board = [dict(zip(F, json.loads(r[0]))) for r in c.execute(\"SELECT data FROM view_intervals WHERE known_to > '9999'\")]\n")  # fmt: skip
    args = ["--store", store, "scores", "--by", "commitment", "--json"]
    for _ in range(2):  # twice: the second pass shows whether the first reproduces
        seconds, cpu, peak = measured([sys.executable, "-c", CHILD, *args])
        base = measured([sys.executable, "-c", floor + PEAK])
        before = ""
        if BASELINE:
            old = measured([sys.executable, "-c", CHILD, *args], BASELINE)
            before = f"; baseline code {old[0]:.1f} s wall, {old[1]:.1f} s CPU, {old[2]:.0f} MB"
        row("`scores --by commitment --json`, whole process (wall / CPU / peak memory)", size,
            f"{seconds:.1f} s / {cpu:.1f} s / {peak:.0f} MB",
            f"read + decode the live assessments and board rows {base[0]:.1f} s / {base[1]:.1f} s / {base[2]:.0f} MB"
            + before, "\u2264 300 MB")  # fmt: skip


def bench_groupings(store: str, size: str, row: Callable[[str, str, str, str, str], None]) -> None:
    """``scores`` by every grouping: grouped in SQL (in-process and whole process) beside a plain
    GROUP BY over the same table (the floor), and the Python grouping encrypted stores keep."""
    from datetime import date

    from commitment_tracker.projections.view.reader import ViewReader
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.projections.view.scoreview import ScoreSource, score_summary
    from commitment_tracker.tracker import open_tracker, resolve_store

    today = date.today()
    keys = {"party": "party", "area": "area", "year": "substr(made_on, 1, 4)", "cycle": "cycle", "commitment": "entity"}
    with open_tracker(resolve_store(store)) as tracker:
        reader = ViewReader(tracker)
        reader.catch_up()
        for by in ("party", "area", "year", "cycle", "commitment"):
            grouped = timed(lambda: score_summary(reader, Clocks(today), by), repeat=3)
            floor = timed(lambda: reader.view.read(
                f"SELECT {keys[by]}, sum(score), count(*), count(DISTINCT entity) FROM {{view_assessments}} "
                f"GROUP BY {keys[by]}"), repeat=3)  # fmt: skip
            whole_ = whole(["--store", store, "scores", "--by", by, "--json"], repeat=3)
            row(f"`scores --by {by}`: in-process / whole process --json", size,
                f"{grouped * 1000:,.0f} ms / {whole_:.2f} s ({grouped / floor:.1f}x floor)",
                f"plain GROUP BY {keys[by]} over view_assessments {floor * 1000:,.0f} ms", "small factor of the floor")  # fmt: skip
        filtered = timed(lambda: score_summary(reader, Clocks(today), "commitment", area="Trade", party="US"), repeat=3)
        row("`scores --by commitment --area Trade --party US`, in-process", size, f"{filtered * 1000:,.0f} ms",
            "the rows above", "O(shown)")  # fmt: skip
        python = timed(lambda: ScoreSource(reader, Clocks(today)).summary("area"), repeat=1)
        row("`scores --by area` grouped in Python (encrypted stores; every release before this one), in-process",
            size, f"{python:.1f} s", "`scores --by area` row above", "\u2014")  # fmt: skip
        reader.close()


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``fn`` in this process."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measured(argv: list[str], source: str | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one process (``source``: that checkout's code)."""
    import re
    import resource

    env = dict(os.environ, PYTHONPATH=source) if source else None
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[3:])[:200]} failed: {child.stderr.strip()[-300:]}")
    found = re.findall(r"VmHWM (\d+)", child.stderr)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return elapsed, cpu, int(found[-1]) / 1024 if found else float("nan")


def run(args: list[str], source: str | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one whole ``ctrack`` process; with ``source``, that checkout's code."""
    import re

    env = dict(os.environ, PYTHONPATH=source) if source else None
    start = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"ctrack {' '.join(args)} failed: {child.stderr.strip()[-300:]}")
    found = re.findall(r"VmHWM (\d+)", child.stderr)
    return elapsed, int(found[-1]) / 1024 if found else float("nan")


if __name__ == "__main__":
    import tempfile

    def show(*cells: str) -> None:
        print(" | ".join(cells), flush=True)

    with tempfile.TemporaryDirectory(prefix="ctrack-bench-scores-") as tmp:
        bench_scores(Path(tmp), show)
