"""Assertions shared by the end-to-end tests: what a user sees on stdout, stderr and the exit code."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

DATASET = Path(str(files("commitment_tracker.data") / "trilateral.jsonl"))
DATASET_EVENTS = 49
DATASET_COMMITMENTS = 17

ANSI = re.compile(r"\x1b\[")
REF = re.compile(r"^[a-z0-9][a-z0-9._-]*#[1-9][0-9]*$")


def error_line(result: Any, exit_code: int | tuple[int, ...], *fragments: str) -> str:
    """Assert a clean failure and return its one ``Error:`` line.

    Exit ``exit_code`` (or one of them); nothing on stdout; no traceback anywhere; stderr is exactly one line and it
    starts with ``Error:`` (SPEC §6: "An error is one line"); each fragment (case-insensitive) in it.
    """
    where = f"stdout={result.stdout!r} stderr={result.stderr!r}"
    assert "Traceback" not in result.stderr + result.stdout, where
    allowed = exit_code if isinstance(exit_code, tuple) else (exit_code,)
    assert result.exit_code in allowed, where
    assert result.stdout == "", where
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), where
    line = lines[0]
    for fragment in fragments:
        assert fragment.lower() in line.lower(), f"{fragment!r} not in {line!r}"
    return line


@contextmanager
def untouched(ctrack: Any) -> Iterator[None]:
    """The store holds exactly the same events (both clocks included) before and after."""
    before = events_in(ctrack)
    yield
    after = events_in(ctrack)
    assert after == before, "the store changed"


def talk(result: Any) -> str:
    """What a command said on stderr, apart from the note that it created the store."""
    return "".join(line for line in result.stderr.splitlines(keepends=True)
                   if not line.startswith("created a new store at "))  # fmt: skip


def events_in(ctrack: Any) -> str:
    """The store's export; empty for a store that does not exist (yet)."""
    result = ctrack("export")
    if result.exit_code == 1 and "no store at" in result.stderr:
        return ""
    assert result.exit_code == 0, result.stderr
    return result.stdout


def assert_baseline(shared: Any) -> None:
    """The shared store still holds exactly what it held when it was seeded."""
    assert shared.ok("export").stdout == shared.baseline, "the store changed"


def refs(result: Any) -> list[str]:
    """The event references a recording command printed, one a line, and nothing else."""
    lines = result.stdout.splitlines()
    assert lines and all(REF.match(line) for line in lines), result.stdout
    return lines


def board(ctrack: Any, *args: str) -> dict[str, dict[str, Any]]:
    """``status --json`` as {id: commitment}."""
    data = ctrack.json("status", *args)
    return {item["id"]: item for item in data["commitments"]}


def statuses(ctrack: Any, *args: str) -> dict[str, str]:
    return {key: item["status"] for key, item in board(ctrack, *args).items()}


def history(ctrack: Any, entity: str, *args: str) -> list[dict[str, Any]]:
    return ctrack.json("history", entity, *args)["events"]


def parse_csv(text: str) -> list[dict[str, str]]:
    assert not ANSI.search(text)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "no CSV header"
    header = rows[0]
    assert all(len(row) == len(header) for row in rows), "ragged CSV"
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_jsonl(path: Path, *events: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events), encoding="utf-8"
    )
    return path


def made(commitment: str, on: str = "2024-01-10", parties: tuple[str, ...] = ("US", "JP"), **extra: Any) -> dict[str, Any]:
    return {"type": "commitment_made", "commitment": commitment, "on": on, "title": f"Title of {commitment}",
            "parties": list(parties), **extra}  # fmt: skip


def command_tree() -> dict[str, Any]:
    """Every command a user can run, by its path as typed (``meeting add``): the leaves of click's
    tree and the groups that run on their own too (``sources``), hidden ones included (an attack
    tries what can be typed, not what help lists)."""
    import click

    from commitment_tracker.cli.main import cli

    found: dict[str, Any] = {}

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        if path and (not isinstance(command, click.Group) or command.invoke_without_command):
            found[" ".join(path)] = command
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(cli, ())
    return found


def offers_csv(command: Any) -> bool:
    """Whether a command has csv among the choices of one of its options (``--format``)."""
    import click

    return any(isinstance(p.type, click.Choice) and "csv" in p.type.choices for p in command.params)

