"""What each process serves, held in PostgreSQL as advisory locks, and watched while it runs.

A role (``telegram``, ``discord:shard:3``) is a session advisory lock on a
connection of its own: exactly one process holds it, and a process that dies
lets go of it at once. A *family* is held shared (the Discord shard layout:
every process of one layout holds the same member; a process of another
layout is refused).

The locks live as long as the session, so a lost session loses them silently:
a failover, or a backend terminated. The watch notices at once (the server
closes the connection, and the watch is waiting on it), takes the locks again
on a new connection, and if another process took one meanwhile, reports the
role lost so this process stops serving it. A silent network is the other
danger: the server drops a silent client's session only after its keepalives
fail, so a process that cannot reach the database for ``role_lease`` (shorter
than that) gives its roles up rather than risk serving beside the process that
takes them next.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import Callable
from typing import Any, Protocol

import psycopg

from bot.foundation.storage.limits import ConnectionLimits
from bot.foundation.storage.postgres_link import Deadline, describe_fault

ROLE_LOCKS = 0x57A7  # first key of the exclusive locks naming what a process serves
CHECK_SECONDS = 1.0  # how often a silent connection is tested (a closed one is seen at once)
log = logging.getLogger("wattson.storage")


def lock_key(name: str) -> int:
    """A name as a signed 32-bit advisory lock key."""
    return zlib.crc32(name.encode()) - 2**31


def unsigned(key: int) -> int:
    """The key as ``pg_locks`` shows it (an ``oid``)."""
    return key & 0xFFFFFFFF


class Sessions(Protocol):
    """What the locks need of the driver: connections of their own, its bounds, its name."""

    limits: ConnectionLimits
    application: str  # this process's sessions, as pg_stat_activity names them

    async def connect(self, **options: Any) -> psycopg.AsyncConnection[Any]: ...


class RoleLocks:
    """The roles and families this process holds, on one connection, and their watch."""

    def __init__(self, database: Sessions) -> None:
        self.database = database
        self.roles: list[str] = []
        self.families: list[tuple[str, str]] = []
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._ping: asyncio.Task[None] | None = None

    @property
    def _bound(self) -> float:
        return min(2.0, self.database.limits.query_timeout)

    async def _session(self) -> psycopg.AsyncConnection[Any]:
        if self._connection is None or self._connection.closed:
            self._connection = await self.database.connect()
        return self._connection

    async def _ask(self, sql: str, params: tuple[Any, ...]) -> Any:
        connection = await self._session()
        cursor = await Deadline(connection, self._bound).run(connection.execute(sql, params))
        row = await cursor.fetchone()
        return row[0] if row else None

    async def claim(self, role: str) -> bool:
        """Hold ``role`` exclusively; ``False`` when another process holds it."""
        key = (ROLE_LOCKS, lock_key(role))
        got = await self._ask("SELECT pg_try_advisory_lock(%s::int4, %s::int4)", key)
        if not got and await self._end_own_stale_session(*key):
            got = await self._ask("SELECT pg_try_advisory_lock(%s::int4, %s::int4)", key)
        if got and role not in self.roles:
            self.roles.append(role)
        return bool(got)

    async def _end_own_stale_session(self, first: int, second: int) -> bool:
        """End a session of this process that still holds the lock (lost behind a partition)."""
        ended = await self._ask(
            "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(l.pid, 1000)) FROM pg_locks l"
            " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
            " AND l.classid::int8 = %s AND l.objid::int8 = %s AND l.objsubid = 2 AND l.granted"
            " AND a.application_name = %s AND l.pid <> pg_backend_pid()",
            (unsigned(first), unsigned(second), self.database.application),
        )
        return bool(ended)

    async def claim_family(self, family: str, member: str) -> bool:
        """Hold ``member`` of ``family`` shared; ``False`` when any session holds another member."""
        family_key, member_key = lock_key(f"family:{family}"), lock_key(member)
        await self._ask(
            "SELECT pg_advisory_lock_shared(%s::int4, %s::int4)", (family_key, member_key)
        )
        others = await self._ask(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
            " AND classid::int8 = %s AND objid::int8 <> %s AND granted",
            (unsigned(family_key), unsigned(member_key)),
        )
        if others:
            await self._ask(
                "SELECT pg_advisory_unlock_shared(%s::int4, %s::int4)", (family_key, member_key)
            )
            return False
        if (family, member) not in self.families:
            self.families.append((family, member))
        return True

    async def _retake(self) -> list[str]:
        """On a new session, take every role and family member again; return those refused."""
        if self._connection is not None:
            self._connection.pgconn.finish()
            self._connection = None
        refused = [role for role in list(self.roles) if not await self.claim(role)]
        for family, member in list(self.families):
            if not await self.claim_family(family, member):
                refused.append(f"{family} {member}")
        return refused

    def watch(self, lost: Callable[[str], None]) -> None:
        """Watch the held locks from now on; ``lost(why)`` once if this process must stop serving."""
        if self._watch is None and (self.roles or self.families):
            self._watch = asyncio.get_running_loop().create_task(self._watching(lost))

    async def _watching(self, lost: Callable[[str], None]) -> None:
        """Wait on the session (a closed one is seen at once) and ping it every second.

        A ping that gets no answer is silence, not loss: the session may still be
        alive behind a partition, so it is kept and waited for, up to the lease.
        """
        lease = self.database.limits.role_lease
        reached = time.monotonic()
        while True:
            try:
                if self._ping is None:
                    connection = await self._session()
                    async for _notice in connection.notifies(timeout=CHECK_SECONDS):
                        pass
                    self._ping = asyncio.ensure_future(_ping(connection))
                done, _pending = await asyncio.wait([self._ping], timeout=CHECK_SECONDS)
                if not done:
                    if time.monotonic() - reached > lease:
                        lost(
                            f"the database holding its roles has not answered for {lease:g} s;"
                            " stopping so that another process may serve them"
                        )
                        return
                    continue
                finished, self._ping = self._ping, None
                finished.result()
                reached = time.monotonic()
            except (psycopg.Error, OSError) as error:
                self._ping = None
                refused = await self._recover(describe_fault(error), reached, lease, lost)
                if refused is None:
                    return
                reached = time.monotonic()

    async def _recover(
        self, cause: str, reached: float, lease: float, lost: Callable[[str], None]
    ) -> list[str] | None:
        """Take the locks again on a new session; ``None`` once ``lost`` was called."""
        while True:
            try:
                refused = await self._retake()
            except (psycopg.Error, OSError):
                if time.monotonic() - reached > lease:
                    lost(
                        f"the database holding its roles has not answered for {lease:g} s"
                        f" ({cause}); stopping so that another process may serve them"
                    )
                    return None
                await asyncio.sleep(CHECK_SECONDS)
                continue
            if refused:
                lost(
                    f"the database session holding its roles was lost ({cause}) and another"
                    f" Wattson process now serves {', '.join(refused)}"
                )
                return None
            log.warning(
                "the database session holding this process's roles was lost (%s);"
                " roles taken again: %s", cause, ", ".join(self._names()),
            )  # fmt: skip
            return refused

    def _names(self) -> list[str]:
        return [*self.roles, *(f"{family} {member}" for family, member in self.families)]

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
        if self._connection is not None:
            self._connection.pgconn.finish()  # the session's locks go with it; a ping fails now
            self._connection = None
        if self._ping is not None:
            await asyncio.gather(self._ping, return_exceptions=True)
            self._ping = None


async def _ping(connection: psycopg.AsyncConnection[Any]) -> None:
    await connection.execute("SELECT 1")
