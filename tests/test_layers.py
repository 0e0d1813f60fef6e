"""The package's structure is checked, not hoped for.

The import-linter contracts in ``pyproject.toml`` (the four parts as layers; inside
``projections``, the view and the drawings above a pure core and independent of each other) hold
on the package, and break when a forbidden import is added to a copy of it. No two files import
each other in a loop, counting every import: inside functions and for type checking too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "commitment_tracker"


def lint_imports(src: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts against the package found under ``src`` (a copy, or the real one)."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})  # fmt: skip


@pytest.fixture(scope="module")
def copy_of_the_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(PACKAGE, src / "commitment_tracker", ignore=shutil.ignore_patterns("__pycache__"))
    return src


def test_the_layering_contracts_hold():
    result = lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("tracker/store.py", "import commitment_tracker.cli.output", "The four parts are layers"),
        ("events/dates.py", "import commitment_tracker.projections.fold", "The four parts are layers"),
        ("projections/fold.py", "import commitment_tracker.projections.view.tables", "Inside projections"),
        ("projections/scores.py", "import commitment_tracker.projections.render.palette", "Inside projections"),
        ("projections/view/learning.py", "import commitment_tracker.projections.render.palette", "Inside projections"),
        ("projections/render/chart.py", "import commitment_tracker.projections.view.tables", "Inside projections"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(copy_of_the_package, module, line, contract):
    path = copy_of_the_package / "commitment_tracker" / module
    original = path.read_text()
    try:
        # Inside a function, as the CLI's lazy imports are: such an import counts all the same.
        path.write_text(original + f"\n\ndef _forbidden():\n    {line}\n")
        result = lint_imports(copy_of_the_package)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = [part for part in result.stdout.split("\n\n") if "BROKEN" in part]
    assert any(contract in part for part in broken), result.stdout


def test_a_module_added_to_projections_must_be_placed_in_a_layer(copy_of_the_package):
    added = copy_of_the_package / "commitment_tracker" / "projections" / "newcomer.py"
    added.write_text('"""A module nobody placed."""\n')
    try:
        result = lint_imports(copy_of_the_package)
    finally:
        added.unlink()
    assert result.returncode != 0
    assert "newcomer" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_files_import_each_other_in_a_loop():
    graph = grimp.build_graph("commitment_tracker", cache_dir=None)  # every import: in functions, for types
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_loop_made_in_a_function(copy_of_the_package, monkeypatch):
    path = copy_of_the_package / "commitment_tracker" / "events" / "dates.py"
    original = path.read_text()
    path.write_text(original + "\n\ndef _loop():\n    import commitment_tracker.events.models\n")
    try:
        monkeypatch.syspath_prepend(str(copy_of_the_package))
        for name in [m for m in sys.modules if m == "commitment_tracker" or m.startswith("commitment_tracker.")]:
            monkeypatch.delitem(sys.modules, name)
        graph = grimp.build_graph("commitment_tracker", cache_dir=None)
    finally:
        path.write_text(original)
    assert any("commitment_tracker.events.dates" in cycle for cycle in _cycles(graph))
