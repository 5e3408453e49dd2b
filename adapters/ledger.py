"""Which platform updates were already answered: ids only, kept for a while.

Telegram delivers an update again until the bot confirms it, and confirming is
a watermark (every id below the offset); an update answered just before a crash
can therefore come back. The ledger keeps the id of every update answered (or
deliberately dropped), never its text, for :data:`RETENTION` — longer than
Telegram keeps an unconfirmed update (24 h) — so a redelivery is recognised and
not answered twice.

A ledger that cannot be written (a read-only database) is logged once and
answering goes on: a lost id can only cause a duplicate after a crash, while a
refused answer would be certain loss.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.storage import database_errors, is_postgres

RETENTION = 48 * 3600.0
BUSY_TIMEOUT_S = 2.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS answered_updates (
    platform TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS answered_updates_by_time ON answered_updates (answered_at);
"""
log = logging.getLogger(__name__)


class DeliveryLedger:
    """Ids of the updates a platform adapter has finished with.

    It has its own connection to the database and writes synchronously, in
    the event loop, the moment an answer is sent: nothing else runs between the
    platform confirming the send and the id being written, which keeps the
    window where a crash could repeat an answer as short as a commit (WAL,
    tens of microseconds), instead of however long the shared connection's
    queue is under load. On PostgreSQL the connection is psycopg's synchronous
    one (autocommit), for the same reason; the table is created by the
    ``ledger`` migration when the core opens the database.
    """

    def __init__(
        self, path: Path | str, platform: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = str(path)
        self.platform = platform
        self.clock = clock
        self._connection: Any = None  # sqlite3.Connection or psycopg.Connection
        self._postgres = is_postgres(self.path)
        self._write_failed = False
        self._pruned_at = 0.0

    async def setup(self) -> None:
        """Open the connection, create the table if needed, forget old ids."""
        if self._postgres:
            import psycopg

            self._connection = psycopg.connect(
                self.path, autocommit=True, connect_timeout=int(BUSY_TIMEOUT_S) + 3
            )
        else:
            connection = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
            )
            connection.executescript(SCHEMA)
            self._connection = connection
        self.prune()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def connection(self) -> Any:
        if self._connection is None:
            raise RuntimeError("ledger is not set up")
        return self._connection

    def _execute(self, sql: str, params: Sequence[Any]) -> Any:
        """Run ``sql`` (``?`` placeholders) on whichever database the ledger is in."""
        if self._postgres:
            from bot.storage.postgres import to_pyformat

            return self.connection.execute(to_pyformat(sql), params)
        return self.connection.execute(sql, params)

    async def answered(self, update_ids: Sequence[int]) -> set[int]:
        """Those of ``update_ids`` already answered."""
        if not update_ids:
            return set()
        marks = ",".join("?" * len(update_ids))
        rows = self._execute(
            f"SELECT update_id FROM answered_updates WHERE platform = ? AND update_id IN ({marks})",
            (self.platform, *update_ids),
        ).fetchall()
        return {int(row[0]) for row in rows}

    def record(self, update_id: int) -> None:
        """Remember, now, that ``update_id`` is answered (or deliberately dropped)."""
        try:
            self._execute(
                "INSERT INTO answered_updates (platform, update_id, answered_at)"
                " VALUES (?, ?, ?) ON CONFLICT (platform, update_id) DO NOTHING",
                (self.platform, update_id, self.clock()),
            )
        except database_errors() as error:
            if not self._write_failed:
                log.error("cannot record answered updates (%s); a crash may repeat answers", error)
            self._write_failed = True
        else:
            self._write_failed = False
        if self.clock() - self._pruned_at > 3600:
            self.prune()

    def prune(self) -> None:
        """Forget ids older than the retention window."""
        self._pruned_at = self.clock()
        try:
            self._execute(
                "DELETE FROM answered_updates WHERE answered_at < ?", (self.clock() - RETENTION,)
            )
        except database_errors() as error:
            log.warning("cannot prune answered updates: %s", error)
