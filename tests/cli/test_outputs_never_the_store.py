"""Output files are never the store itself (README: "Output files (`export -o`, `chart --out`,
`report --out`) are never the store itself"), whatever the command and however the path is spelt.

``test_export_never_writes_over_the_store`` (test_store_safety.py) attacks ``export`` alone, with a
store named ``tracker.db``: the other commands refuse that name for its suffix before they ever
ask whether it is the store. Here every command with an output-file option is found in click's
command tree (so a new one is attacked as soon as it exists), the store is given a name each one
accepts (``store.html`` for ``report``, ``store.svg`` and ``store.png`` for ``chart``...), and the
target names it every way a user (or a script) could: absolute, relative, ``./``, ``sub/../``,
through a symlinked directory, a symlink to it, a hard link to it -- with and without ``--force``,
which may overwrite a file of the user's but never the store.

A SQLite store is more than its file: in WAL mode its write-ahead log (``-wal``, ``-shm``) and
rollback journal (``-journal``) are part of it, and the product refuses them too. Those are
attacked by the commands that accept any file name, with the same spellings.

Each refusal is one ``Error:`` line, exit 1, the store's bytes unchanged (sha256), nothing new
beside it, and ``verify`` still passes. (PostgreSQL stores are not files: nothing to attack.)
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import click
import pytest

from tests.conftest import Ctrack
from tests.cli.helpers import command_tree, error_line

PLEDGE = ("pledge", "a", "--on", "2024-01-01", "--title", "A", "--party", "US")

#: Every output-file option this module knows how to attack: the file-name suffixes its command
#: accepts (the store is given each of these names in turn), and whether it accepts any name at
#: all (then the store's journal files, which end in -wal, -shm, -journal, are attacked too).
OUTPUTS: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = {
    ("export", "--output"): ((".jsonl", ".csv", ".db"), True),
    ("export-scores", "--output"): ((".csv", ".db"), True),
    ("chart", "--out"): ((".svg", ".png"), False),
    ("report", "--out"): ((".html", ".htm"), False),
}

OUTPUT_NAME = re.compile(r"^(-o|--out|--output)([-_].*)?$")


def output_options() -> list[tuple[str, str]]:
    """(command, long option) for every option of every command that names a file to write: one
    spelt like -o/--out/--output, or any path option whose file need not exist yet (a path a
    command reads must exist; one it may create is one it writes)."""
    found = []
    for path, command in command_tree().items():
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            names = [*param.opts, *param.secondary_opts]
            writes = any(OUTPUT_NAME.match(n) for n in names) or (
                isinstance(param.type, click.Path) and not param.type.exists)
            if writes:
                found.append((path, max(names, key=len)))
    return sorted(found)


FOUND = output_options()
CASES = [(command, option, suffix) for command, option in FOUND
         for suffix in OUTPUTS.get((command, option), ((None,), False))[0]]  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_store(path: Path) -> Ctrack:
    """A real store at ``path``, its status view built already: the refused command must be the
    only thing that could change its bytes."""
    ctrack = Ctrack(str(path))
    ctrack.ok(*PLEDGE)
    ctrack.ok("status")
    return ctrack


def listing(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def refused(ctrack: Ctrack, command: str, option: str, target: str | Path, *extra: str) -> str:
    result = ctrack(*command.split(), option, str(target), *extra)
    return error_line(result, 1, "store itself")


def test_every_output_option_is_one_this_module_attacks() -> None:
    # A new output option fails here until OUTPUTS says which file names its command accepts.
    assert FOUND, "no output option found: the command tree walk is broken"
    assert set(FOUND) == set(OUTPUTS), f"output options found {FOUND}, attacked {sorted(OUTPUTS)}"


@pytest.mark.parametrize(("command", "option", "suffix"), CASES, ids=[f"{c}{s}" for c, _, s in CASES])
def test_no_output_option_writes_over_the_store_however_its_path_is_spelt(
    command: str, option: str, suffix: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if suffix is None:
        pytest.fail(f"{command} {option} writes a file: add it to OUTPUTS with the names it accepts")
    home = tmp_path / "home"
    (home / "sub").mkdir(parents=True)
    store = home / f"store{suffix}"
    ctrack = make_store(store)
    (home / f"symlink{suffix}").symlink_to(store)
    os.link(store, home / f"hardlink{suffix}")
    (home / "here").symlink_to(home, target_is_directory=True)
    before, beside = sha256(store), listing(home)
    monkeypatch.chdir(home)
    targets = [store, f"store{suffix}", f"./store{suffix}", f"sub/../store{suffix}", home / "sub" / ".." / store.name,
               f"here/store{suffix}", f"symlink{suffix}", home / f"hardlink{suffix}", f"hardlink{suffix}"]  # fmt: skip
    for target in targets:
        for force in ((), ("--force",)):
            refused(ctrack, command, option, target, *force)
    # The store given by another of its names: the file it names is still the store.
    for alias in (f"symlink{suffix}", f"./store{suffix}"):
        for target in (store, f"store{suffix}", f"hardlink{suffix}"):
            refused(Ctrack(alias), command, option, target, "--force")
    assert sha256(store) == before
    assert listing(home) == beside  # no temporary file left, nothing written beside the store
    assert ctrack.ok("verify").stdout.startswith("OK: 1 events")


JOURNALS = ("-wal", "-shm", "-journal")
ANY_NAME = [(command, option) for command, option in FOUND if OUTPUTS.get((command, option), ((), False))[1]]


@pytest.mark.parametrize(("command", "option"), ANY_NAME, ids=[c for c, _ in ANY_NAME])
@pytest.mark.parametrize("spelling", ["plain", "absolute", "dotdot", "symlinked-directory", "store-by-symlink"])
def test_no_output_option_writes_over_the_stores_journal_files_however_their_path_is_spelt(
    spelling: str, command: str, option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a command reads the store its own connection has the write-ahead log open (WAL mode):
    an output renamed over ``tracker.db-wal`` replaces the live log under the feet of every reader
    and writer. The product refuses these names spelt as the store's path is spelt; every other
    spelling of the same files must be refused alike."""
    home = tmp_path / "home"
    (home / "sub").mkdir(parents=True)
    store = home / "tracker.db"
    make_store(store)
    (home / "link.db").symlink_to(store)
    (home / "here").symlink_to(home, target_is_directory=True)
    before, beside = sha256(store), listing(home)
    monkeypatch.chdir(home)
    # What a rename over a journal file replaced: whether a file of that name was there (the live
    # WAL, opened by the command's own connection), or the output merely created the name.
    replaced: list[str] = []
    real_replace = os.replace

    def replace(source: Any, destination: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.exists(destination):
            replaced.append(f"{destination} ({os.path.getsize(destination)} bytes)")
        real_replace(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    written = []
    for journal in JOURNALS:
        name = f"tracker.db{journal}"
        location, target = {
            "plain": ("tracker.db", name),
            "absolute": (str(store), str(home / name)),
            "dotdot": ("tracker.db", f"sub/../{name}"),
            "symlinked-directory": ("tracker.db", f"here/{name}"),
            # SQLite follows the symlink: the journal files are the real file's, not link.db-wal.
            "store-by-symlink": ("link.db", name),
        }[spelling]
        result = Ctrack(location)(*command.split(), option, target, "--force")
        if result.exit_code == 0:
            written.append(f"{target} (exit 0: {result.stderr.strip()!r})")
            continue
        error_line(result, 1, "store itself")
    assert not written, (f"{command} {option} wrote over the store's journal files: {written}; "
                         f"existing files replaced: {replaced}")
    assert sha256(store) == before
    assert listing(home) == beside, f"left beside the store: {sorted(set(listing(home)) - set(beside))}"
    assert Ctrack(str(store)).ok("verify").stdout.startswith("OK: 1 events")


def test_a_file_that_merely_looks_like_the_store_is_written_with_force(tmp_path: Path) -> None:
    """The control: the refusal is about the store, not about the name. A copy of the store (not a
    link) is an ordinary file of the user's, and --force overwrites it."""
    store = tmp_path / "store.html"
    ctrack = make_store(store)
    copy = tmp_path / "copy.html"
    copy.write_bytes(store.read_bytes())
    before = sha256(store)
    result: Any = ctrack("report", "--out", str(copy), "--force")
    assert result.exit_code == 0, result.stderr
    assert copy.read_bytes().lstrip().lower().startswith(b"<!doctype html")
    assert sha256(store) == before
