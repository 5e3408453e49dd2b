"""Write answered update ids to PostgreSQL from a thread of its own, the instant they come.

The ledger's promise is a short window: an update answered just before a crash
may be answered again after it, so its id must be written as soon as the
answer is sent. Written by a task of the event loop, an id waits behind every
other callback ready to run (tens of milliseconds under load, and as many
answers repeated after a SIGKILL); written synchronously in the loop, a silent
network would freeze the bot. This thread does neither: it wakes the moment an
id is queued, writes what has accumulated in one statement on its own
connection (bounded by the same timeouts and keepalives as the pool's), and
when the database does not answer, only this thread waits — the ids stay
counted as answered in memory and are written once it can.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

from bot.foundation.storage.postgres_link import describe_fault

RETRY_S = 1.0  # after a failed write, try again this soon (a new connection)
log = logging.getLogger("bot.foundation.storage.ledger")


class SharedWriter(threading.Thread):
    """A daemon thread that inserts ``(platform, id, answered_at)`` rows as they are queued."""

    def __init__(
        self,
        connect: Callable[[], psycopg.Connection[Any]],
        insert: str,
        platform: str,
        written: Callable[[dict[int, float]], None],
    ) -> None:
        super().__init__(name="answered-updates", daemon=True)
        self._connect = connect
        self._insert = insert
        self._platform = platform
        self._written = written
        self._queue: queue.SimpleQueue[tuple[int, float] | None] = queue.SimpleQueue()
        self._connection: psycopg.Connection[Any] | None = None
        self._failing = False

    def put(self, update_id: int, at: float) -> None:
        self._queue.put((update_id, at))

    def stop(self, seconds: float) -> bool:
        """Write what is queued, within ``seconds``; ``False`` if the database did not take it."""
        self._queue.put(None)
        self.join(seconds)
        return not self.is_alive()

    def run(self) -> None:
        pending: dict[int, float] = {}
        stopping = False
        while not stopping or pending:
            if not pending:
                item = self._queue.get()
                if item is None:
                    break
                pending[item[0]] = item[1]
            while True:  # everything queued meanwhile goes in the same statement
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                else:
                    pending[item[0]] = item[1]
            if self._write(pending):
                self._written(dict(pending))
                pending.clear()
            elif stopping:
                break  # the caller stops waiting; what is left is counted by the ledger
            else:
                time.sleep(RETRY_S)
        if self._connection is not None:
            self._connection.close()

    def _write(self, pending: dict[int, float]) -> bool:
        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
            with self._connection.cursor() as cursor:
                cursor.executemany(
                    self._insert, [(self._platform, uid, at) for uid, at in pending.items()]
                )
        except (psycopg.Error, OSError) as error:
            if not self._failing:
                log.error(
                    "cannot record answered updates (%s); retrying, and a crash meanwhile may"
                    " repeat answers", describe_fault(error),
                )  # fmt: skip
            self._failing = True
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            return False
        if self._failing:
            log.warning("recording answered updates again")
        self._failing = False
        return True
