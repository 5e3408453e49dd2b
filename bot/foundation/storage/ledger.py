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
migration), so every process recognises what another one answered. Reads go
through the stores' pool, bounded and reconnecting like theirs
(:mod:`bot.foundation.storage.postgres_link`); writes go through a thread of
their own (:mod:`bot.foundation.storage.ledger_writer`), which writes an id the
instant it is recorded and retries until the database takes it: an id counts as
answered in memory meanwhile, and a network fault never stops the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.foundation.errors import DatabaseUnavailableError
from bot.foundation.storage import Database, database_faults, is_postgres, open_database
from bot.foundation.storage.ledger_writer import SharedWriter
from bot.foundation.storage.postgres import PostgresDatabase, to_pyformat

RETENTION = 48 * 3600.0
BUSY_TIMEOUT_S = 0.005  # never block the event loop behind another connection's transaction
RETRY_S = 0.02  # a busy write is tried again this soon
CLOSE_WAIT_S = 2.0  # at close, nothing else runs: wait this long for the file or the database
PRUNE_EVERY_S = 3600.0
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
PRUNE = "DELETE FROM answered_updates WHERE answered_at < ?"
log = logging.getLogger(__name__)


def ledger_path(database: Path | str) -> str:
    """Where the ids go: a file beside a SQLite database (memory for one in memory), or the
    PostgreSQL database itself."""
    path = str(database)
    return path if path == ":memory:" or is_postgres(path) else f"{path}-delivery"


class DeliveryLedger:
    """Ids of the updates a platform adapter has finished with.

    :meth:`record` never waits: the id counts as answered at once (in memory)
    and is written in the same instant to the SQLite file, or by a background
    task to the shared PostgreSQL database (``database``, the stores' own; one is
    opened when none is given).
    """

    def __init__(
        self,
        path: Path | str,
        platform: str,
        clock: Callable[[], float] = time.time,
        database: Database | None = None,
    ) -> None:
        self.path = ledger_path(path)
        self.platform = platform
        self.clock = clock
        self._postgres = is_postgres(self.path)
        self._connection: sqlite3.Connection | None = None  # the file's
        self._database = database if self._postgres else None
        self._own_database = False
        self._write_failed = False
        self._pruned_at = 0.0
        self._unwritten: dict[int, float] = {}  # id -> answered at: not written yet
        self._lock = threading.Lock()  # the writer thread removes what it wrote
        self._retry: asyncio.TimerHandle | None = None
        self._writer: SharedWriter | None = None

    async def setup(self) -> None:
        """Open the file or reach the table, forget old ids.

        A SQLite file that cannot be opened is logged once; the ids are then kept
        in memory only (a crash may repeat an answer, nothing is refused).
        """
        if self._postgres:
            if self._database is None:
                self._database = await open_database(self.path, pool_size=1).open()
                self._own_database = True
            await self._database.migrate("ledger")
            await self._prune_shared()
            assert isinstance(self._database, PostgresDatabase)
            self._writer = SharedWriter(
                self._database.connect_blocking, to_pyformat(INSERT), self.platform, self._written
            )
            self._writer.start()
            return
        try:
            self._connection = self._open(self.path)
        except sqlite3.Error as error:
            log.error("cannot keep answered updates in %s (%s); keeping them in memory",
                      self.path, error)  # fmt: skip
            self._connection = self._open(":memory:")
        self._prune_file()

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

    async def close(self) -> None:
        """Write what is left (waiting at most :data:`CLOSE_WAIT_S`), then let go."""
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self._postgres:
            await self._close_shared()
            return
        if self._unwritten and self._connection is not None:
            self._connection.execute(f"PRAGMA busy_timeout = {int(CLOSE_WAIT_S * 1000)}")
            self._write_file()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def answered(self, update_ids: Sequence[int]) -> set[int]:
        """Those of ``update_ids`` already answered (in memory only while the database is away)."""
        if not update_ids:
            return set()
        marks = ",".join("?" * len(update_ids))
        sql = (
            f"SELECT update_id FROM answered_updates WHERE platform = ? AND update_id IN ({marks})"
        )
        params = (self.platform, *update_ids)
        rows: Sequence[Any]
        if self._database is not None:
            try:
                rows = await self._database.fetch_all(sql, params)
            except DatabaseUnavailableError:
                rows = []  # said once by the driver; what this process answered is in memory
        else:
            rows = self._file.execute(sql, params).fetchall()
        with self._lock:
            unwritten = set(update_ids) & self._unwritten.keys()
        return {int(row[0]) for row in rows} | unwritten

    def record(self, update_id: int) -> None:
        """Remember, now, that ``update_id`` is answered (or deliberately dropped)."""
        at = self.clock()
        with self._lock:
            self._unwritten[update_id] = at
        if self._writer is not None:
            self._writer.put(update_id, at)
            if self.clock() - self._pruned_at > PRUNE_EVERY_S:
                self._pruned_at = self.clock()
                asyncio.get_running_loop().create_task(self._prune_shared())
        else:
            self._write_file()
            if self.clock() - self._pruned_at > PRUNE_EVERY_S:
                self._prune_file()

    async def flush(self, seconds: float = CLOSE_WAIT_S) -> None:
        """Wait (at most ``seconds``) until every recorded id is written."""
        if self._writer is None:
            self._write_file()
            return
        end = time.monotonic() + seconds
        while self._unwritten and time.monotonic() < end:
            await asyncio.sleep(0.0005)

    def _written(self, ids: dict[int, float]) -> None:
        """From the writer thread: these ids are in the database now."""
        with self._lock:
            for update_id, at in ids.items():
                if self._unwritten.get(update_id) == at:
                    del self._unwritten[update_id]

    # ---- the SQLite file -------------------------------------------------------------------

    @property
    def _file(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError("ledger is not set up")
        return self._connection

    def _write_file(self) -> None:
        """Write the ids not yet written; if the file is busy, try again shortly."""
        self._retry = None
        if not self._unwritten:
            return
        try:
            for update_id, at in list(self._unwritten.items()):
                self._file.execute(INSERT, (self.platform, update_id, at))
                del self._unwritten[update_id]
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                self._retry_soon()
                return
            self._failed(error)
        except sqlite3.Error as error:
            self._failed(error)
        else:
            self._write_failed = False

    def _retry_soon(self) -> None:
        if self._retry is None:
            with contextlib.suppress(RuntimeError):  # no event loop: the next record retries
                self._retry = asyncio.get_running_loop().call_later(RETRY_S, self._write_file)

    def _prune_file(self) -> None:
        """Forget ids older than the retention window."""
        self._pruned_at = self.clock()
        try:
            self._file.execute(PRUNE, (self.clock() - RETENTION,))
        except sqlite3.Error as error:
            log.warning("cannot prune answered updates: %s", error)

    # ---- the shared database ------------------------------------------------------------

    async def _prune_shared(self) -> None:
        assert self._database is not None
        self._pruned_at = self.clock()
        try:
            await self._database.execute(PRUNE, (self.clock() - RETENTION,))
        except database_faults() as error:
            log.warning("cannot prune answered updates: %s", error)

    async def _close_shared(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            await asyncio.to_thread(writer.stop, CLOSE_WAIT_S)
        if self._unwritten:
            log.warning(
                "%d answered update id(s) not written (the database did not take them);"
                " after a restart they may be answered again", len(self._unwritten),
            )  # fmt: skip
        if self._own_database and self._database is not None:
            await self._database.close()
        self._database = None

    def _failed(self, error: Exception) -> None:
        if not self._write_failed and not isinstance(error, DatabaseUnavailableError):
            log.error("cannot record answered updates (%s); a crash may repeat answers", error)
        self._write_failed = True  # the database's absence was said by its driver
