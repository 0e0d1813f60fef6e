"""Store faults are sentences that say what to do, and store URLs never leak their password."""

from __future__ import annotations

import pytest

from commitment_tracker.tracker import resolve_store
from commitment_tracker.tracker.errors import StoreLocationError
from commitment_tracker.tracker.inspection import sqlite_fault


@pytest.mark.parametrize(
    ("driver_says", "user_reads"),
    [
        ("database is locked", "locked by another process (waited 30 s): try again"),
        ("database or disk is full", "disk holding /s.db is full: free some space"),
        ("attempt to write a readonly database", "read-only: it can be queried, verified and exported"),
        ("database disk image is malformed", "damaged or truncated"),
        ("file is not a database", "not a tracker store"),
        ("unable to open database file", "cannot open /s.db"),
    ],
)
def test_sqlite_faults_become_sentences(driver_says: str, user_reads: str) -> None:
    message = sqlite_fault(driver_says, "/s.db")
    assert user_reads in message
    assert "\n" not in message and "OperationalError" not in message


def test_a_postgres_url_keeps_its_libpq_parameters_and_hides_its_password() -> None:
    store = resolve_store("postgresql://alice:s3cret@db.example:6543/team?schema=ops&sslmode=verify-full"
                          "&sslrootcert=/etc/ca.pem&application_name=ctrack")  # fmt: skip
    assert "s3cret" not in store.display
    assert store.display.startswith("postgresql://alice@db.example:6543/team?schema=ops&")
    for parameter in ("sslmode=verify-full", "sslrootcert=%2Fetc%2Fca.pem", "application_name=ctrack"):
        assert parameter in store.display
    settings = store.settings()
    assert settings["POSTGRES_SCHEMA"] == "ops"
    assert "sslmode=verify-full" in settings["POSTGRES_LIBPQ_PARAMETERS"]
    assert "sslrootcert=/etc/ca.pem" in settings["POSTGRES_LIBPQ_PARAMETERS"]
    assert "s3cret" not in settings["POSTGRES_LIBPQ_PARAMETERS"]


@pytest.mark.parametrize("location", ["", "  ", "mysql://x", "sqlite3://x.db", ":memory:", "file:x.db",
                                      "postgresql://u:pw@h:99999/db", "postgresql://u:pw@h/db?bogus=1"])  # fmt: skip
def test_locations_that_name_no_store_are_refused(location: str) -> None:
    with pytest.raises(StoreLocationError) as refused:
        resolve_store(location)
    assert "pw" not in str(refused.value)
