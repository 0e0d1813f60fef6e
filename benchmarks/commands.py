"""``make bench`` (second part): every read command, whole process, beside floors from the same run.

For each size in BENCH_COMMAND_SIZES (default 100000) a synthetic store is built once and kept in
BENCH_CACHE (default ~/.cache/ctrack-bench), so later runs reuse it. Each command runs as its own
process, BENCH_REPEAT times (default 3, median shown); its peak resident memory is read from
/proc/self/status (VmHWM) as the process exits. A command whose time grows with the log where its
answer does not is a failure this table must show, not hide: compare each row with its floor.

The table is written between the markers in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synthetic import write

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SIZES = [int(s) for s in os.environ.get("BENCH_COMMAND_SIZES", "100000").split(",") if s]
CACHE = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "ctrack-bench"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
BEGIN, END = "<!-- commands: begin -->", "<!-- commands: end -->"

#: Runs the CLI in this process and reports the peak resident memory on stderr as it exits.
CHILD = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nVmHWM ' + [l.split()[1] for l in open('/proc/self/status') "
    "if l.startswith('VmHWM')][0] + '\\n'))\n"
    "from commitment_tracker.cli import main\n"
    "sys.argv = ['ctrack', *sys.argv[1:]]\n"
    "main()\n"
)


def run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one whole-process run of ``ctrack args``."""
    start = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"ctrack {' '.join(args)} failed: {child.stderr.strip()[-300:]}")
    found = re.findall(r"VmHWM (\d+)", child.stderr)
    return elapsed, int(found[-1]) / 1024 if found else float("nan")


def measure(fn: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    samples = [fn() for _ in range(REPEAT)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def python_floor(code: str) -> Callable[[], tuple[float, float]]:
    def go() -> tuple[float, float]:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - start, float("nan")

    return go


def store_of(size: int) -> Path:
    """A synthetic store of ``size`` events with its view caught up, built once and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"store-{size}.db"
    ready = CACHE / f"store-{size}.ready"
    if ready.exists() and db.exists():
        return db
    for stale in CACHE.glob(f"store-{size}.db*"):
        stale.unlink()
    with tempfile.TemporaryDirectory() as work:
        lines = write(Path(work) / "history.jsonl", size)
        run(["--store", str(db), "--by", "bench", "import", str(lines)])
    run(["--store", str(db), "status", "--json"])  # the view caught up once, as after any first read
    ready.touch()
    return db


def commands(db: Path, out: Path) -> list[tuple[str, list[str], str]]:
    """(label, arguments, floor label) of every command measured."""
    s = ["--store", str(db)]
    return [
        ("`status` (table)", [*s, "status"], "status --json"),
        ("`status --json`", [*s, "status", "--json"], "ctrack --help"),
        ("`matrix` (table)", [*s, "matrix"], "status --json"),
        ("`matrix --json`", [*s, "matrix", "--json"], "status --json"),
        ("`due --within 30d --json`", [*s, "due", "--within", "30d", "--json"], "status --json"),
        ("`scores --json`", [*s, "scores", "--json"], "status --json"),
        ("`sources` (none in the store)", [*s, "sources", "--json"], "ctrack --help"),
        ("`meetings --json`", [*s, "meetings", "--json"], "status --json"),
        ("`show MEETING --json`", [*s, "show", "m000001", "--json"], "show COMMITMENT"),
        ("`show COMMITMENT --json`", [*s, "show", "c0000001", "--json"], "ctrack --help"),
        ("`chart ID` (one commitment, SVG)", [*s, "chart", "c0000001", "--force", "--out", str(out / "one.svg")],
         "show COMMITMENT"),
        ("`checkpoint`", [*s, "checkpoint", "--json"], "last chain rows + count (sqlite3)"),
        ("`verify`", [*s, "verify", "--json"], "read + sha256 of every row (sqlite3)"),
    ]  # fmt: skip


def main() -> None:
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        for size in SIZES:
            print(f"building or reusing the {size:,}-event store in {CACHE}", flush=True)
            db = store_of(size)
            s = ["--store", str(db)]
            floors = {
                "python -c pass": measure(python_floor("pass")),
                "ctrack --help": measure(lambda: run(["--help"])),
                "status --json": measure(lambda: run([*s, "status", "--json"])),
                "show COMMITMENT": measure(lambda: run([*s, "show", "c0000001", "--json"])),
                "last chain rows + count (sqlite3)": measure(python_floor(
                    f"import sqlite3; c = sqlite3.connect({str(db)!r}); "
                    "c.execute('SELECT (SELECT count(*) FROM log_chain), * FROM log_chain "
                    "ORDER BY notification_id DESC LIMIT 2').fetchall()")),
                "read + sha256 of every row (sqlite3)": measure(python_floor(
                    f"import sqlite3, hashlib; c = sqlite3.connect({str(db)!r})\n"
                    "for r in c.execute('SELECT originator_id, originator_version, topic, state FROM stored_events'): "
                    "hashlib.sha256(bytes(r[3])).digest()")),
            }  # fmt: skip
            for label, args, floor in commands(db, out):
                seconds, peak = measure(lambda args=args: run(args))  # type: ignore[misc]
                base = floors[floor][0]
                line = (f"| {label} | {size:,} | {seconds:.2f} s | {peak:.0f} MB | {floor}: {base:.2f} s "
                        f"| {seconds / base:.1f}x |")  # fmt: skip
                print(line, flush=True)
                rows.append(line)
    table = "\n".join([
        BEGIN,
        "## Every command, whole process (`python -m benchmarks.commands`)",
        "",
        f"Median of {REPEAT} runs, SQLite, view caught up; peak memory is VmHWM from /proc; the floor was "
        "measured in the same run.",
        "",
        "| command | size | time | peak memory | floor (same run) | × floor |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
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
