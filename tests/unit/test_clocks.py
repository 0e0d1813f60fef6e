"""One value for the two clocks: the CLI builds a ``Clocks`` once per command and hands it down.

Checked on the things themselves: every method of the readers' contract, and every module of the
CLI, so that a method or a command added later cannot take the clocks apart again.
"""

from __future__ import annotations

import ast
import inspect
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import commitment_tracker.cli as cli_package
from commitment_tracker.projections.clocks import Clocks
from commitment_tracker.projections.view.contract import Reader
from commitment_tracker.projections.view.foldreader import FoldReader
from commitment_tracker.projections.view.reader import ViewReader

#: The parameter names the two clocks went by, one by one, before they travelled as one value.
LOOSE = {"as_of", "known_at", "day", "moment", "end"}
#: A window of record times is not a moment: what was recorded between two record times.
WINDOWS = {"recorded_between", "recorded_of"}


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(cls).items()
            if callable(member) and not name.startswith("_")}  # fmt: skip


def test_no_method_of_the_reader_contract_takes_a_clock_by_itself() -> None:
    methods = _methods(Reader)
    assert {"board", "statuses", "diff", "replay", "score_sheet", "meetings_at"} <= set(methods)
    for name, signature in methods.items():
        loose = set(signature.parameters) & LOOSE
        assert not loose, f"Reader.{name} takes {sorted(loose)}: pass one Clocks"
        if name not in WINDOWS:
            for param in signature.parameters.values():  # annotations are text (postponed evaluation)
                assert "datetime" not in str(param.annotation), (
                    f"Reader.{name}({param.name}) takes a record time by itself: pass one Clocks")


@pytest.mark.parametrize("reader", [ViewReader, FoldReader])
def test_both_readers_keep_the_contract_s_signatures(reader: type) -> None:
    for name, signature in _methods(Reader).items():
        own = inspect.signature(getattr(reader, name))
        assert list(own.parameters) == list(signature.parameters), f"{reader.__name__}.{name}"


def _cli_modules() -> list[Path]:
    return sorted(Path(cli_package.__file__).parent.glob("*.py"))


def test_the_cli_builds_the_clocks_in_one_place() -> None:
    """Only ``cli/clocks.py`` constructs a ``Clocks``: every command asks it, so --as-of's default
    (today) and what JSON reports as the moment answered for are decided once."""
    builders = []
    for path in _cli_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Clocks":
                builders.append(path.name)
    assert builders == ["clocks.py"]


def test_commands_hand_the_reader_their_clocks_whole() -> None:
    """No command calls a reader's query with a date and a record time apart."""
    queries = set(_methods(Reader)) - WINDOWS
    for path in _cli_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in queries:
                names = {arg.id for arg in node.args if isinstance(arg, ast.Name)}  # at.on(day) is whole
                assert not names & LOOSE, f"{path.name}:{node.lineno} passes {sorted(names & LOOSE)} to {node.func.attr}"


def test_a_clock_value_names_its_moment() -> None:
    asked = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    known = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert Clocks(date(2025, 6, 1), None, asked).moment == asked
    assert Clocks(date(2025, 6, 1), known, asked).moment == known
    moved = Clocks(date(2025, 6, 1), known, asked).on(date(2024, 1, 1))
    assert (moved.as_of, moved.known_at, moved.asked_at) == (date(2024, 1, 1), known, asked)
    with pytest.raises(ValueError):
        _ = Clocks(date(2025, 6, 1)).moment
