"""The link to PostgreSQL: bounded calls, dead connections replaced, the database's absence said once.

On the real server: sessions the server terminates leave dead connections in
the pool, and the next reads, writes and transactions still succeed (the first
call to meet one sweeps the pool and runs again where that is safe). Behind a
silent network a call fails within ``query_timeout``, the next ones fail at
once, and the database is used again as soon as it answers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from bot.foundation.errors import DatabaseUnavailableError
from bot.foundation.storage import ConnectionLimits, open_database
from bot.foundation.storage.postgres import PostgresDatabase
from bot.foundation.storage.postgres_link import (
    Availability,
    describe_fault,
    is_connection_fault,
    proves_not_run,
)
from tests.fakes.tcp_proxy import Proxy, terminate_backends, through

QUICK = ConnectionLimits(connect_timeout=1.0, query_timeout=1.0)


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        (
            'connection failed: connection to server at "127.0.0.1", port 5433 failed: Connection'
            " refused\n\tIs the server running on that host and accepting TCP/IP connections?",
            "connection refused at 127.0.0.1:5433",
        ),
        (
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
            'database "x" does not exist',
            'database "x" does not exist',
        ),
        (
            'connection failed: connection to server at "db", port 5432 failed: FATAL:  password'
            ' authentication failed for user "y"',
            'password authentication failed for user "y"',
        ),
        (
            "failed to resolve host 'nohost': [Errno -2] Name or service not known",
            'host "nohost" not found',
        ),
        (
            'connection failed: connection to server at "10.0.0.9", port 5432 failed: timeout'
            " expired",
            "no answer from 10.0.0.9:5432 within 5 s",
        ),
    ],  # fmt: skip
    ids=["refused", "no-database", "password", "no-host", "timeout"],
)
def test_a_connection_fault_is_said_in_a_few_words(message: str, cause: str) -> None:
    assert describe_fault(psycopg.OperationalError(message), connect_timeout=5) == cause


def test_which_faults_are_the_links_and_which_prove_nothing_ran() -> None:
    terminated = psycopg.errors.AdminShutdown("terminating connection due to administrator")
    dropped = psycopg.OperationalError("server closed the connection unexpectedly")
    assert is_connection_fault(terminated) and proves_not_run(terminated)
    assert is_connection_fault(dropped) and not proves_not_run(dropped)
    assert is_connection_fault(PoolTimeout("no connection"))
    assert not is_connection_fault(psycopg.errors.UniqueViolation("duplicate key"))
    assert not is_connection_fault(psycopg.errors.QueryCanceled("statement timeout"))


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[PostgresDatabase]:
    opened = await open_database(postgres_url, limits=QUICK).open()
    assert isinstance(opened, PostgresDatabase)
    await opened.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)")
    try:
        yield opened
    finally:
        await opened.close()


async def test_dead_connections_are_replaced_before_anyone_notices(
    database: PostgresDatabase, postgres_url: str
) -> None:
    await asyncio.gather(*(database.fetch_value("SELECT pg_sleep(0.05)") for _ in range(4)))
    assert terminate_backends(postgres_url) >= 1
    assert await database.fetch_value("SELECT 41 + 1") == 42, "a read, run again"
    assert await database.execute("INSERT INTO notes VALUES (?, ?)", (1, "a")) == 1
    async with database.transaction() as transaction:
        await transaction.execute("INSERT INTO notes VALUES (?, ?)", (2, "b"))
    assert await database.fetch_value("SELECT COUNT(*) FROM notes") == 2
    assert database.availability.available, "a terminated session is not an outage"


async def test_behind_a_silent_network_calls_fail_in_time_then_at_once_then_work_again(
    postgres_url: str,
) -> None:
    proxy = Proxy("127.0.0.1", 5432)
    port = await proxy.start()
    database = await open_database(through(postgres_url, port), limits=QUICK).open()
    try:
        assert await database.fetch_value("SELECT 1") == 1
        proxy.partition()
        began = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="no answer within 1 s"):
            await database.fetch_value("SELECT 2")
        first = time.monotonic() - began
        began = time.monotonic()
        with pytest.raises(DatabaseUnavailableError):
            await database.execute("SELECT 3")
        then = time.monotonic() - began
        assert first < 2.5 and then < 0.05, (first, then)
        proxy.heal()
        for _ in range(100):
            if database.availability.available:  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0.1)
        assert await database.fetch_value("SELECT 4") == 4
    finally:
        proxy.heal()
        await database.close()
        await proxy.stop()


async def test_a_call_begun_before_the_database_came_back_does_not_declare_it_lost_again() -> None:
    """Under load, calls queued during an outage fail after it ends: they say nothing of now."""
    answering = False

    async def probe() -> None:
        if not answering:
            raise OSError("refused")

    availability = Availability("test", probe)
    began_during = time.monotonic()
    availability.lost("connection refused")
    answering = True
    while not availability.available:  # the probe finds it back
        await asyncio.sleep(0.05)
    availability.lost("connection socket closed", began_during)  # a stale failure
    assert availability.available
    availability.lost("connection refused", time.monotonic())  # a call begun since: lost again
    assert not availability.available
    await availability.close()
