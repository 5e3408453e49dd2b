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
from collections.abc import Callable

from bot.database import Database, Migration

COMPONENT = "delivery"
RETENTION = 48 * 3600.0
MIGRATIONS = [
    Migration(
        1,
        """
        CREATE TABLE answered_updates (
            platform TEXT NOT NULL,
            update_id INTEGER NOT NULL,
            answered_at REAL NOT NULL,
            PRIMARY KEY (platform, update_id)
        ) WITHOUT ROWID;
        CREATE INDEX answered_updates_by_time ON answered_updates (answered_at);
        """,
    )
]
log = logging.getLogger(__name__)


class DeliveryLedger:
    """Ids of the updates a platform adapter has finished with."""

    def __init__(
        self, database: Database, platform: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.database = database
        self.platform = platform
        self.clock = clock
        self._write_failed = False

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT, MIGRATIONS)
        await self.prune()

    async def answered(self, update_ids: list[int]) -> set[int]:
        """Those of ``update_ids`` already answered."""
        if not update_ids:
            return set()
        marks = ",".join("?" * len(update_ids))
        async with self.database.connection.execute(
            f"SELECT update_id FROM answered_updates WHERE platform = ? AND update_id IN ({marks})",
            (self.platform, *update_ids),
        ) as cursor:
            return {int(row[0]) for row in await cursor.fetchall()}

    async def record(self, update_id: int) -> None:
        """Remember that ``update_id`` is answered (or deliberately dropped)."""
        try:
            await self.database.connection.execute(
                "INSERT OR IGNORE INTO answered_updates (platform, update_id, answered_at)"
                " VALUES (?, ?, ?)",
                (self.platform, update_id, self.clock()),
            )
        except sqlite3.Error as error:
            if not self._write_failed:
                log.error("cannot record answered updates (%s); a crash may repeat answers", error)
            self._write_failed = True
        else:
            self._write_failed = False

    async def prune(self) -> None:
        """Forget ids older than the retention window."""
        try:
            await self.database.connection.execute(
                "DELETE FROM answered_updates WHERE answered_at < ?", (self.clock() - RETENTION,)
            )
        except sqlite3.Error as error:
            log.warning("cannot prune answered updates: %s", error)
