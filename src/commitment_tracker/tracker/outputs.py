"""Output files (export, chart, report): never the store itself, never an existing file unless
asked, and never half-written (a temporary file beside the target, renamed over it at the end).
CSV rows stay rows, whatever their cells hold."""

from __future__ import annotations

import csv
import os
import tempfile
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
        database = Path(store.location)
        for path in (database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal"))):
            if target == path or (target.exists() and path.exists() and os.path.samefile(target, path)):
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
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "") as handle:
            yield handle
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
