"""The adapter: click commands, output formats, one console. No domain logic here.

One module per command group, named after its command when it holds one (``matrix.py``,
``due.py``, ``search.py``...). It may import every other part; nothing imports it. Modules load
the rest of the package inside the commands, so ``ctrack --help`` starts fast.
"""

from __future__ import annotations


def main() -> None:
    from commitment_tracker.cli.main import cli

    cli(prog_name="ctrack")
