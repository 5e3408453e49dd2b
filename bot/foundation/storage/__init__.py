"""Storage: one interface (:mod:`bot.foundation.storage.base`), a driver per database, side by side.

``[storage] database`` chooses the driver: a file path (the default,
``wattson.db``) is the embedded SQLite file (:mod:`bot.foundation.storage.sqlite`); a
``postgresql://`` URL is a PostgreSQL database that several Wattson processes
can share (:mod:`bot.foundation.storage.postgres`). The stores never know which one runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.foundation.storage.base import COMPONENTS, Database, Migration, Queries, Row, StorageError
from bot.foundation.storage.limits import ConnectionLimits

__all__ = [
    "COMPONENTS",
    "ConnectionLimits",
    "Database",
    "Migration",
    "Queries",
    "Row",
    "StorageError",
    "database_errors",
    "database_faults",
    "describe_location",
    "is_postgres",
    "is_read_only",
    "open_database",
    "serving_lock",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: Path | str) -> bool:
    """Whether ``[storage] database`` names a PostgreSQL database rather than a file."""
    return str(location).startswith(POSTGRES_SCHEMES)


def open_database(
    location: Path | str, pool_size: int = 4, limits: ConnectionLimits | None = None
) -> Database:
    """The driver for ``location`` (not yet open: ``async with open_database(...) as db``).

    ``limits`` bound every wait on PostgreSQL (``[storage]``); a file has none.
    """
    if is_postgres(location):
        from bot.foundation.storage.postgres import PostgresDatabase

        return PostgresDatabase(str(location), pool_size, limits)
    from bot.foundation.storage.sqlite import SqliteDatabase

    return SqliteDatabase(location)


def describe_location(location: Path | str) -> str:
    """The database as a log line shows it: the kind, and where (never a password)."""
    if is_postgres(location):
        from bot.foundation.storage.postgres import redacted

        return f"PostgreSQL {redacted(str(location))}"
    return f"SQLite {location}"


@contextlib.contextmanager
def serving_lock(location: Path | str) -> Iterator[None]:
    """Hold ``<database>.lock`` while serving; a second bot on the same SQLite file stops clearly.

    Two bots on one SQLite file would both answer and both post campaigns; one-off
    commands (export, import, stats) do not take the lock and work beside a
    running bot. On PostgreSQL several processes are the point: what each may
    serve is guarded per shard and per platform instead (:mod:`adapters.roles`).
    """
    if str(location) == ":memory:" or is_postgres(location):
        yield
        return
    lock_path = f"{location}.lock"
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StorageError(str(location), f"cannot be locked: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError(
                str(location), "is in use by another running Wattson (wattson run or console)"
            ) from None
        yield
    finally:
        os.close(descriptor)


def database_errors() -> tuple[type[Exception], ...]:
    """The exceptions either driver raises for a database fault (``except database_errors()``)."""
    import psycopg

    return (sqlite3.Error, psycopg.Error)


def database_faults() -> tuple[type[Exception], ...]:
    """:func:`database_errors`, and the database not answering (the driver said so once)."""
    from bot.foundation.errors import DatabaseUnavailableError

    return (DatabaseUnavailableError, *database_errors())


def is_read_only(error: BaseException) -> bool:
    """Whether ``error`` is the database refusing a write because it became read-only."""
    if isinstance(error, sqlite3.OperationalError):
        return "readonly" in str(error)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(
        error, psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.InsufficientPrivilege
    )
