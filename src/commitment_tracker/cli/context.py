"""The composition root: one place that builds the store and the tracker for a command."""

from __future__ import annotations

import getpass
import os
from functools import cached_property
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from commitment_tracker.projections.clocks import Clocks
    from commitment_tracker.projections import Knowledge, Log
    from commitment_tracker.projections.view import Reader
    from commitment_tracker.tracker import Store, Tracker


class Context:
    """Holds the global options; opens the store on first use and closes it with the command."""

    def __init__(self, ctx: click.Context, store: str | None, by: str | None) -> None:
        self._ctx = ctx
        self.store_option = store
        self.by_option = by
        self._logs: dict[str, Log] = {}
        self._new_store: Tracker | None = None

    @cached_property
    def store(self) -> Store:
        from commitment_tracker.tracker import resolve_store

        return resolve_store(self.store_option)

    @cached_property
    def tracker(self) -> Tracker:
        """The store, opened for a command that reads: a store that does not exist is an error."""
        return self._open(create=False)

    @cached_property
    def checker(self) -> Tracker:
        """The store, opened for a dry run: one not created yet answers as an empty store."""
        from commitment_tracker.cli.output import note
        from commitment_tracker.tracker.application import open_for_dry_run

        tracker = open_for_dry_run(self.store)
        self._ctx.call_on_close(tracker.close)
        if tracker.scratch is not None:
            note(f"no store at {self.store.display} yet: checked as if empty; nothing was created")
        return tracker

    @cached_property
    def writer(self) -> Tracker:
        """The store, opened for a command that records: created on first use, saying so."""
        tracker = self._open(create=True)
        tracker.require_writable()
        self.tracker = tracker  # type: ignore[misc]  # one connection for the whole command
        return tracker

    def _open(self, *, create: bool) -> Tracker:
        from commitment_tracker.tracker import open_tracker

        tracker = open_tracker(self.store, create=create)
        self._ctx.call_on_close(tracker.close)
        if tracker.created:
            from commitment_tracker.projections.view import create_view

            create_view(tracker)  # the view's tables too, as store init would: reads then run no DDL
            self._new_store = tracker
        return tracker

    def finish(self, succeeded: bool) -> None:
        """After the command: say that it created the store, or undo a creation it did not use."""
        from commitment_tracker.cli.output import note
        from commitment_tracker.tracker.application import discard_new_store

        if self._new_store is None:
            return
        if succeeded:
            note(f"created a new store at {self.store.display}")
        else:
            discard_new_store(self._new_store)

    @property
    def user(self) -> str:
        if self.by_option:
            return self.by_option
        if os.environ.get("TRACKER_USER"):
            return os.environ["TRACKER_USER"]
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"

    @cached_property
    def reader(self) -> Reader:
        """The materialised status view, caught up with the log before it is read (or, for a user
        who may not write the view while it lags, a fold of the log that writes nothing)."""
        from commitment_tracker.cli.output import progress
        from commitment_tracker.projections.view import open_reader

        reader = open_reader(self.tracker)
        self._ctx.call_on_close(reader.close)
        behind = reader.behind()
        with progress("Updating the status view", behind if behind > 2000 else 0) as advance:
            reader.catch_up(advance)
        return reader

    @cached_property
    def log(self) -> Log:
        from commitment_tracker.projections import Log

        return Log(self.tracker.log())

    def log_for(self, slug: str) -> Log:
        """One entity's stream with the meetings, statements and sources that bear on it."""
        if slug not in self._logs:
            self._logs[slug] = self.reader.log_for(slug)
        return self._logs[slug]

    def knowledge_for(self, slug: str, at: Clocks) -> Knowledge:
        return self.log_for(slug).known_at(at.known_at)

    def log_around(self, slug: str, roles: tuple[str, ...]) -> Log:
        """An entity's stream with those of the entities that name it (as meeting, source...)."""
        return self.reader.log_around(slug, roles)

    def knowledge_of(self, kinds: frozenset[str], at: Clocks) -> Knowledge:
        """What is known of the entities of some kinds alone (e.g. the sources), through the view."""
        return self.reader.knowledge_of_kinds(kinds, at)

    def knowledge_of_ids(self, slugs: list[str], at: Clocks) -> Knowledge:
        """What is known of some entities (with the meetings), read from the view by id."""
        return self.reader.knowledge_of_ids(slugs, at)


pass_context = click.make_pass_decorator(Context)
