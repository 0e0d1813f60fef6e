"""Compliance scores at scale: the G20 data as published, and a 100x synthetic table like it.

The real data is read from ``../shared/datasets/g20-compliance/`` (never copied: CC BY-NC 4.0);
when it is absent the rows say so. BENCH_SCORES_SCALE (default 100) sizes the synthetic table:
SCALE x 400 commitments x 20 members, about SCALE x 8,000 scores.
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

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "g20-compliance"
SCALE = int(os.environ.get("BENCH_SCORES_SCALE", "100"))
CTRACK = [sys.executable, "-m", "commitment_tracker"]
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
    imported = whole(["--store", store, "import-scores", str(table), "--on", "2023-12-31"])
    row("`import-scores` of a synthetic table, whole process", f"{rows:,} commitments, {count:,} scores",
        f"{imported:.1f} s ({(rows + count) / imported:,.0f} events/s)", "the G20 row above", "\u2014")  # fmt: skip
    start = time.perf_counter()
    subprocess.run([*CTRACK, "--store", store, "status", "--as-of", "2000-01-01"], check=True, capture_output=True, cwd=ROOT)
    catch_up = time.perf_counter() - start
    scores = whole(["--store", store, "scores", "--by", "area"], repeat=3)
    again = whole(["--store", store, "import-scores", str(table), "--on", "2023-12-31"])
    row("view catch-up after it / `scores --by area` / re-import (nothing new)", f"{rows:,} commitments",
        f"{catch_up:.1f} s / {scores:.2f} s / {again:.1f} s", "\u2014", "\u2014")  # fmt: skip


if __name__ == "__main__":
    import tempfile

    def show(*cells: str) -> None:
        print(" | ".join(cells), flush=True)

    with tempfile.TemporaryDirectory(prefix="ctrack-bench-scores-") as tmp:
        bench_scores(Path(tmp), show)
