"""Output files (export, chart, report): never the store itself, never an existing file unless
asked, and never half-written (a temporary file beside the target, renamed over it at the end).
They are files for people, so they get the mode the umask gives, as every tool's output does.
CSV rows stay rows, whatever their cells hold."""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from commitment_tracker.tracker.errors import InputError
from commitment_tracker.tracker.store import Store


def check_output(output: Path, store: Store, *, force: bool) -> None:
    """Refuse to write over the store (or its journal files), or over any existing file unless forced."""
    target = output.expanduser().absolute()
    if store.backend == "sqlite":
        database = Path(store.location).expanduser().absolute()
        # Compared as the file system resolves them ('..', a symlinked directory, the store given
        # by a symlink, whose journal SQLite may name after either path): a journal file is often
        # absent when this is checked, and is made by the command's own connection afterwards.
        real = Path(os.path.realpath(target))
        for base in {database, Path(os.path.realpath(database))}:
            for path in (base, *(Path(f"{base}{suffix}") for suffix in ("-wal", "-shm", "-journal"))):
                if real == Path(os.path.realpath(path)) or (
                        target.exists() and path.exists() and os.path.samefile(target, path)):  # fmt: skip
                    raise InputError(f"refusing to write over the store itself ({database}): choose another file")
    if target.is_dir():
        raise InputError(f"cannot write {output}: it is a directory")
    if target.exists() and not force:
        raise InputError(f"{output} already exists: pass --force to overwrite it")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {output}: no such directory {target.parent}")


@contextmanager
def atomic_output(output: Path, mode: str = "w") -> Iterator[IO]:  # type: ignore[type-arg]
    """A handle on a temporary file that replaces ``output`` only when the block succeeds."""
    directory = output.expanduser().absolute().parent
    fd, temporary = _temporary(directory, output.name)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "") as handle:
            yield handle
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _temporary(directory: Path, name: str) -> tuple[int, str]:
    """A new file beside the target, made as ``open`` makes one (0666 less the umask), not as
    ``mkstemp`` does (0600 whatever the umask: a report a colleague could not read). O_EXCL and
    an unguessable name keep mkstemp's safety against a file planted in its place."""
    for _ in range(100):
        path = directory / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666), str(path)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


def write_output(output: Path, data: bytes | Callable[[], bytes]) -> None:
    with atomic_output(output, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data())


def csv_rows(handle: IO[str]) -> Callable[[Sequence[str]], None]:
    """Writes CSV rows, each ending in a line feed.

    The csv module quotes a cell only for the characters of its line terminator, so a bare carriage
    return would be written unquoted and start a new row in every reader (a spreadsheet's formula
    included): a row with one in any cell is written with every cell quoted."""
    plain = csv.writer(handle, lineterminator="\n")
    quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(row: Sequence[str]) -> None:
        (quoted if any("\r" in cell for cell in row) else plain).writerow(row)

    return write
