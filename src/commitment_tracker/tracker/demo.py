"""The bundled example dataset, loaded into a fresh store."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from commitment_tracker.tracker.application import open_tracker
from commitment_tracker.tracker.errors import StoreError
from commitment_tracker.tracker.store import data_dir, resolve

DATASET = "trilateral.jsonl"


def demo_location() -> str:
    return str(data_dir() / "demo.db")


def is_demo_store(location: str) -> bool:
    """Whether ``location`` names the demo store (however spelled): the README tells the reader
    to point TRACKER_STORE at it, and the next ``make demo`` must still work."""
    store = resolve(location)
    if store.backend != "sqlite":
        return False
    return Path(store.location).expanduser().resolve() == Path(demo_location()).resolve()


def load_demo(location: str | None) -> tuple[str, int]:
    """Load the dataset into ``location`` (which must be empty) or a recreated demo store (when
    ``location`` is None or names the demo store)."""
    if location is None or is_demo_store(location):
        location = demo_location()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(location + suffix).unlink(missing_ok=True)
    store = resolve(location)
    with open_tracker(store) as tracker:
        if tracker.count():
            raise StoreError(f"the demo needs an empty store; {store.display} already holds events")
        with as_file(files("commitment_tracker.data") / DATASET) as path:
            count = tracker.import_file(path, "demo")
    return location, count
