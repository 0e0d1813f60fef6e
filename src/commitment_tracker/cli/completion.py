"""Shell completion from the store: ids, parties, statuses and meeting kinds as the user types.

Completion runs before any command does (click parses with ``resilient_parsing``), so it finds the
store itself from ``--store`` or ``TRACKER_STORE``. It only ever reads an existing store, never
creates one, and a store it cannot read completes nothing rather than printing an error into the
user's shell.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem


def _with_reader(ctx: click.Context, answer: Callable[[Any], Iterable[str]]) -> list[str]:
    from commitment_tracker.tracker import open_tracker, resolve_store

    try:
        location = ctx.find_root().params.get("store") or os.environ.get("TRACKER_STORE")
        store = resolve_store(location)
        if store.backend == "sqlite" and not Path(store.location).is_file():
            return []
        from commitment_tracker.projections.view import open_reader

        tracker = open_tracker(store)
        try:
            # The queries' own choice of reader, except that a prompt never adds the view's tables
            # to a store written before the view: it folds the log instead.
            reader = open_reader(tracker, add_tables=False)
            reader.catch_up()  # as any query does first (the reader that folds has nothing to catch up)
            try:
                return sorted(set(answer(reader)))
            finally:
                reader.close()
        finally:
            tracker.close()
    except Exception:  # a shell prompt is no place for an error: offer nothing
        return []


def _matching(values: Iterable[str], incomplete: str) -> list[CompletionItem]:
    prefix = incomplete.lower()
    return [CompletionItem(v) for v in values if v.lower().startswith(prefix)]


def ids(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    found = _with_reader(ctx, lambda reader: reader.ids())
    return _matching(found, incomplete)


def meeting_kinds(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    def kinds(reader: Any) -> Iterable[str]:
        for stream in reader.knowledge_of_kinds(frozenset({"meeting"}), _now()).streams.values():
            for item in stream:
                kind = getattr(item.event, "kind", None)
                if kind:
                    yield kind
        for item in reader.board(_now()):
            if item.get("due_next"):
                yield item["due_next"]

    return _matching(_with_reader(ctx, kinds), incomplete)


def statuses(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    from commitment_tracker.projections import STATUSES

    return _matching(STATUSES, incomplete)


def parties(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    from commitment_tracker.events.fields import PARTY_ALIASES

    def known(reader: Any) -> Iterable[str]:
        for item in reader.board(_now()):
            yield from item["parties"]

    return _matching([*_with_reader(ctx, known), *PARTY_ALIASES], incomplete)


def _now() -> Any:
    """Today, as known now: what a query without --as-of and --known-at answers."""
    from commitment_tracker.cli.clocks import clocks

    return clocks(None, None)
