"""Catch-up and rebuild on two shapes of history, each size beside its floor, with their growth.

Shapes: ``synthetic`` (benchmarks/synthetic.py: a commitment's events close together in record
order) and ``spread`` (benchmarks/spread.py: every event picks its commitment uniformly among
N/100, so every page touches nearly every stream). For each shape and size, whole processes on a
fresh import: the first query (``status --json``, which catches the view up), ``rebuild``, and the
floor, reading and decoding every event of the log (``json.loads`` of each row), in the same run.

The growth columns set each figure's time at a size beside its time at the smallest size, and the
floor's growth beside it: a path that grows faster than its floor (quadratic, say) shows as a
ratio above 1, which the target bounds at 1.2 for 10x the log.

    python -m benchmarks.catchup                     # 100k and 300k, both shapes
    BENCH_CATCHUP_SIZES=100000,1000000 python -m benchmarks.catchup
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from benchmarks import spread, synthetic
from benchmarks.commands import python, run

SHAPES = {"synthetic": synthetic.write, "spread": spread.write}

FLOOR = (
    "import json, sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1])\n"
    "n = 0\n"
    "for (state,) in c.execute('SELECT state FROM stored_events ORDER BY rowid'):\n"
    "    json.loads(state); n += 1\n"
)


def sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_CATCHUP_SIZES", "100000,300000").split(",")]


def measure(shape: str, size: int, work: Path) -> dict[str, tuple[float, float]]:
    lines = SHAPES[shape](work / f"{shape}-{size}.jsonl", size)
    store = str(work / f"{shape}-{size}.db")
    figures = {"import": run(["--store", store, "--by", "bench", "import", str(lines)])}
    figures["catch-up"] = run(["--store", store, "status", "--json"])
    figures["rebuild"] = run(["--store", store, "rebuild"])
    figures["floor"] = python(FLOOR.replace("sys.argv[1]", repr(store)))
    os.remove(lines)
    return figures


def report(results: dict[str, dict[int, dict[str, tuple[float, float]]]]) -> None:
    print("| shape | events | path | seconds | events/s | peak MB | floor s | x floor | growth | floor growth | growth / floor's |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for shape, by_size in results.items():
        smallest = min(by_size)
        for size, figures in sorted(by_size.items()):
            floor = figures["floor"][0]
            for path in ("catch-up", "rebuild", "import"):
                seconds, peak = figures[path]
                growth = seconds / by_size[smallest][path][0]
                floor_growth = floor / by_size[smallest]["floor"][0]
                print(f"| {shape} | {size:,} | {path} | {seconds:.1f} | {size / seconds:,.0f} | {peak:.0f} | "
                      f"{floor:.2f} | {seconds / floor:.1f} | {growth:.2f} | {floor_growth:.2f} | "
                      f"{growth / floor_growth:.2f} |")  # fmt: skip
        sys.stdout.flush()


def main() -> None:
    shapes = os.environ.get("BENCH_CATCHUP_SHAPES", "synthetic,spread").split(",")
    results: dict[str, dict[int, dict[str, tuple[float, float]]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for shape in shapes:
            for size in sizes():
                results.setdefault(shape, {})[size] = measure(shape, size, Path(folder))
                print(f"{shape} {size:,}: " + ", ".join(f"{k} {s:.1f} s {m:.0f} MB" for k, (s, m) in
                                                         results[shape][size].items()), file=sys.stderr)  # fmt: skip
    report(results)


if __name__ == "__main__":
    main()
