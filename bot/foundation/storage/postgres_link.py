"""The link to PostgreSQL: bounded calls, which faults are the network's, and whether it is up.

Three rules keep a fault between the bot and its database from freezing it:

- **Every call is bounded.** A statement that has not answered within
  ``query_timeout`` has its connection closed under it (:class:`Deadline`): the
  call fails at once, and the pool replaces the connection. Cancelling the
  task instead would make psycopg ask the server to cancel — through the same
  silent network — and wait up to ten seconds more.
- **A broken connection is not the database being down.** A backend terminated
  by a restart or a failover leaves dead connections in the pool; the first
  call to meet one sweeps the pool and tries once more when the call is a
  read, or when the error proves the statement never ran.
- **Down is said once.** When the database does not answer, :class:`Availability`
  logs one line, makes every call fail at once (no request waits for a bound
  that is known to expire), probes the server every second in the background,
  and logs one line when it answers again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg
from psycopg_pool import PoolClosed, PoolTimeout

log = logging.getLogger("wattson.storage")
# The pool logs each connection it discards or cannot open; the driver says the same in one line.
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)

T = TypeVar("T")
PROBE_SECONDS = 1.0
# SQLSTATE classes of a lost connection: 08 (connection exception), 57P01-03 (the
# server shut the session down: administrator, crash, starting up)
_NOT_RUN = frozenset({"57P01", "57P02", "57P03"})


def is_connection_fault(error: BaseException) -> bool:
    """Whether ``error`` says the link to the database failed, not the statement."""
    if isinstance(error, PoolTimeout | PoolClosed | psycopg.InterfaceError):
        return True
    if isinstance(error, psycopg.OperationalError):
        state = error.sqlstate
        return state is None or state.startswith("08") or state in _NOT_RUN
    return False


def proves_not_run(error: BaseException) -> bool:
    """Whether the statement certainly did not take effect, so running it again is safe.

    A session the server shut down (terminated backend, restart) answers every
    statement with 57P01-03 without running it, and a statement aborted by the
    shutdown is rolled back. A connection that merely dropped proves nothing.
    """
    return isinstance(error, psycopg.OperationalError) and error.sqlstate in _NOT_RUN


def describe_fault(error: BaseException, connect_timeout: float | None = None) -> str:
    """The cause in a few words: ``database "x" does not exist``, ``connection refused at h:p``."""
    text = str(error).strip()
    if isinstance(error, PoolTimeout):
        return "no connection could be opened in time"
    server = re.search(r'connection to server (?:at|on) "([^"]+)"(?:, port (\d+))? failed: (.*)',
                       text, re.S)  # fmt: skip
    if server:
        host, port, rest = server.group(1), server.group(2), server.group(3).strip()
        where = f"{host}:{port}" if port else host
        first = rest.splitlines()[0].strip()
        if first.startswith("FATAL:"):
            return first.removeprefix("FATAL:").strip()
        if "refused" in first.lower():
            return f"connection refused at {where}"
        if "timeout" in first.lower() or "timed out" in first.lower():
            within = f" within {connect_timeout:g} s" if connect_timeout else ""
            return f"no answer from {where}{within}"
        return f"{first} ({where})"
    resolve = re.search(r"resolve host '([^']+)'", text) or re.search(
        r'translate host name "([^"]+)"', text
    )
    if resolve:
        return f'host "{resolve.group(1)}" not found'
    if "timeout expired" in text:
        return "no answer" + (f" within {connect_timeout:g} s" if connect_timeout else "")
    first = text.splitlines()[0].strip() if text else type(error).__name__
    return first.removeprefix("FATAL:").strip()


class Deadline:
    """Close a connection under a call that has not answered in time, so the call fails now."""

    def __init__(self, connection: psycopg.AsyncConnection[object], seconds: float | None):
        self.connection = connection
        self.seconds = seconds
        self.expired = False

    async def run(self, call: Awaitable[T]) -> T:
        if self.seconds is None:
            return await call
        handle = asyncio.get_running_loop().call_later(self.seconds, self._expire)
        try:
            return await call
        finally:
            handle.cancel()

    def _expire(self) -> None:
        self.expired = True
        self.connection.pgconn.finish()  # the pending call raises "connection socket closed"

    def cause(self, error: BaseException) -> str:
        if self.expired:
            return f"no answer within {self.seconds:g} s"
        return describe_fault(error)


class Availability:
    """Whether the database answers: said once when it stops and once when it is back."""

    def __init__(self, location: str, probe: Callable[[], Awaitable[None]]) -> None:
        self.location = location
        self.probe = probe
        self.cause: str | None = None
        self._since = 0.0
        self._back_at = float("-inf")  # when it last came back (monotonic)
        self._probing: asyncio.Task[None] | None = None
        self.on_back: list[Callable[[], Awaitable[None]]] = []

    @property
    def available(self) -> bool:
        return self.cause is None

    def lost(self, cause: str, began: float | None = None) -> None:
        """The database failed a call: log it (once), fail calls at once, probe until it answers.

        A call that ``began`` (monotonic) before the database came back, and failed
        on what was broken then, says nothing of now: the call fails, the state stays.
        """
        if self.cause is not None or (began is not None and began < self._back_at):
            return
        self.cause = cause
        self._since = time.monotonic()
        log.error(
            "database %s unavailable (%s); answering what needs no database until it is back",
            self.location, cause,
        )  # fmt: skip
        self._probing = asyncio.get_running_loop().create_task(self._probe_until_back())

    async def _probe_until_back(self) -> None:
        while self.cause is not None:
            await asyncio.sleep(PROBE_SECONDS)
            try:
                await self.probe()
            except Exception:
                continue
            for callback in self.on_back:
                try:
                    await callback()
                except Exception as error:  # the next call will say what is wrong
                    log.debug("after the database came back: %s", error)
            log.warning(
                "database %s available again after %.1f s",
                self.location, time.monotonic() - self._since,
            )  # fmt: skip
            self._back_at = time.monotonic()
            self.cause = None

    async def close(self) -> None:
        if self._probing is not None:
            self._probing.cancel()
            await asyncio.gather(self._probing, return_exceptions=True)
            self._probing = None
