"""The library's PostgreSQL factory, with every libpq parameter of the store URL passed through.

The library connects with keyword arguments (dbname, host, port, user, password) only: ``sslmode``,
``sslrootcert``, ``application_name``... would be silently dropped and the tracker would connect in
cleartext. The pool also takes a conninfo string, which the keywords complete.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresFactory

from commitment_tracker.tracker.store import LIBPQ_PARAMETERS


class PostgresStoreFactory(PostgresFactory):
    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.datastore.pool.conninfo = self.env.get(LIBPQ_PARAMETERS) or ""
