"""The CLI's tests mirror its modules: each module of ``cli/`` that holds commands has its tests
at ``tests/cli/test_<module>.py`` (the set is read from the package, so a new command module
cannot arrive without them)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import commitment_tracker.cli as cli_package


def test_every_command_module_has_its_test_module() -> None:
    tests = Path(__file__).parent / "cli"
    holding = [info.name for info in pkgutil.iter_modules(cli_package.__path__)
               if getattr(importlib.import_module(f"commitment_tracker.cli.{info.name}"), "COMMANDS", None)]  # fmt: skip
    assert len(holding) >= 10
    missing = [name for name in holding if not (tests / f"test_{name}.py").is_file()]
    assert not missing, f"command modules without tests/cli/test_<module>.py: {missing}"
