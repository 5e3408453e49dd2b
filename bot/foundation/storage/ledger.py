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

On SQLite the ledger has its own file beside the database (``<database>-delivery``).
Sharing the stores' file, its writes from a second connection made SQLite refuse
the stores' writes ("database is locked", with no wait, whenever a store had a
read open on an older snapshot), and its synchronous waits for their write lock
stopped the event loop that would release it. It still never waits: an id that
cannot be written at once is kept in memory — counted as answered — and written
a moment later.
On PostgreSQL it is a table of the shared database (created by the ``ledger``
migration), so every process recognises what another one answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.foundation.storage import database_errors, is_postgres

RETENTION = 48 * 3600.0
BUSY_TIMEOUT_S = 0.005  # never block the event loop behind another connection's transaction
RETRY_S = 0.02  # a busy write is tried again this soon
CLOSE_WAIT_S = 2.0  # at close, nothing else runs: wait this long for the file
CONNECT_TIMEOUT_S = 5  # PostgreSQL
SCHEMA = """
CREATE TABLE IF NOT EXISTS answered_updates (
    platform TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS answered_updates_by_time ON answered_updates (answered_at);
"""
INSERT = (
    "INSERT INTO answered_updates (platform, update_id, answered_at)"
    " VALUES (?, ?, ?) ON CONFLICT (platform, update_id) DO NOTHING"
)
log = logging.getLogger(__name__)


def ledger_path(database: Path | str) -> str:
    """Where the ids go: a file beside a SQLite database (memory for one in memory), or the
    PostgreSQL database itself."""
    path = str(database)
    return path if path == ":memory:" or is_postgres(path) else f"{path}-delivery"


class DeliveryLedger:
    """Ids of the updates a platform adapter has finished with.

    It has its own connection and writes synchronously, in the event loop, the
    moment an answer is sent: nothing else runs between the platform confirming
    the send and the id being written, which keeps the window where a crash
    could repeat an answer as short as a commit. On PostgreSQL the connection is
    psycopg's synchronous one (autocommit), for the same reason.
    """

    def __init__(
        self, path: Path | str, platform: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = ledger_path(path)
        self.platform = platform
        self.clock = clock
        self._connection: Any = None  # sqlite3.Connection or psycopg.Connection
        self._postgres = is_postgres(self.path)
        self._write_failed = False
        self._pruned_at = 0.0
        self._unwritten: dict[int, float] = {}  # id -> answered at: not written yet
        self._retry: asyncio.TimerHandle | None = None

    async def setup(self) -> None:
        """Open the connection, create the table if needed, forget old ids.

        A SQLite file that cannot be opened is logged once; the ids are then kept
        in memory only (a crash may repeat an answer, nothing is refused).
        """
        if self._postgres:
            import psycopg

            self._connection = psycopg.connect(
                self.path, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        else:
            try:
                self._connection = self._open(self.path)
            except sqlite3.Error as error:
                log.error("cannot keep answered updates in %s (%s); keeping them in memory",
                          self.path, error)  # fmt: skip
                self._connection = self._open(":memory:")
        self.prune()

    @staticmethod
    def _open(path: str) -> sqlite3.Connection:
        connection = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
        )
        # WAL, synchronous NORMAL: a commit survives the process being killed, without an fsync
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA)
        return connection

    def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self._unwritten and self._connection is not None:
            if not self._postgres:
                self._connection.execute(f"PRAGMA busy_timeout = {int(CLOSE_WAIT_S * 1000)}")
            self._write()
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
            from bot.foundation.storage.postgres import to_pyformat

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
        return {int(row[0]) for row in rows} | (set(update_ids) & set(self._unwritten))

    def record(self, update_id: int) -> None:
        """Remember, now, that ``update_id`` is answered (or deliberately dropped)."""
        self._unwritten[update_id] = self.clock()
        self._write()
        if self.clock() - self._pruned_at > 3600:
            self.prune()

    def _write(self) -> None:
        """Write the ids not yet written; if the file is busy, try again shortly."""
        self._retry = None
        if not self._unwritten:
            return
        try:
            for update_id, at in list(self._unwritten.items()):
                self._execute(INSERT, (self.platform, update_id, at))
                del self._unwritten[update_id]
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                self._retry_soon()
                return
            self._failed(error)
        except database_errors() as error:
            self._failed(error)
        else:
            self._write_failed = False

    def _retry_soon(self) -> None:
        if self._retry is None:
            with contextlib.suppress(RuntimeError):  # no event loop: the next record retries
                self._retry = asyncio.get_running_loop().call_later(RETRY_S, self._write)

    def _failed(self, error: Exception) -> None:
        if not self._write_failed:
            log.error("cannot record answered updates (%s); a crash may repeat answers", error)
        self._write_failed = True

    def prune(self) -> None:
        """Forget ids older than the retention window."""
        self._pruned_at = self.clock()
        try:
            self._execute(
                "DELETE FROM answered_updates WHERE answered_at < ?", (self.clock() - RETENTION,)
            )
        except database_errors() as error:
            log.warning("cannot prune answered updates: %s", error)
