"""The embedded SQLite database: one file, opened once, migrated per component.

Opened with WAL journaling (readers never wait for the writer, and a process
killed mid-write loses at most the transaction it was in) and a busy timeout,
so a database briefly locked by another process delays an answer instead of
failing it. Each component (``core``, later ``facts``) owns a numbered list of
migrations; ``schema_versions`` records how far each has been applied, and each
migration runs in its own transaction with the version bump.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.errors import ConfigError

BUSY_TIMEOUT_MS = 5_000


class StorageError(ConfigError):
    """The database cannot be used: one line naming ``[storage] database`` and the fault."""

    def __init__(self, path: str, fault: str) -> None:
        super().__init__(f"[storage] database {path!r} {fault}")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step of a component."""

    version: int
    sql: str


class Database:
    """An open aiosqlite connection with the settings every Wattson store relies on."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._connection: aiosqlite.Connection | None = None
        # Every store shares the one connection: a transaction held by one (BEGIN … COMMIT
        # across awaits) must not interleave with another's, or one's ROLLBACK undoes the other.
        self.write_lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("database is not open; use `async with Database(...)`")
        return self._connection

    async def open(self) -> Database:
        """Open, check it is a writable SQLite database, or raise :class:`StorageError`."""
        if self.path != ":memory:":
            self._prepare_folder()
        try:
            connection = await aiosqlite.connect(self.path, isolation_level=None)
        except sqlite3.Error as error:
            raise StorageError(self.path, f"cannot be opened: {error}") from None
        try:
            connection.row_factory = sqlite3.Row
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_versions ("
                " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            await _check_writable(connection)
        except sqlite3.Error as error:
            await connection.close()
            raise StorageError(self.path, _describe(error)) from None
        self._connection = connection
        return self

    def _prepare_folder(self) -> None:
        path = Path(self.path)
        if path.is_dir():
            raise StorageError(self.path, "is a directory, not a database file")
        for folder in path.parents:
            if folder.exists() and not folder.is_dir():
                raise StorageError(self.path, f"cannot be created: {str(folder)!r} is a file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(self.path, f"cannot be created: {error.strerror or error}") from None

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self, component: str) -> int:
        async with self.connection.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, component: str, migrations: Sequence[Migration]) -> int:
        """Apply the component's pending migrations in order; return its version."""
        versions = [m.version for m in migrations]
        if versions != list(range(1, len(migrations) + 1)):
            raise ValueError(f"{component} migrations must be numbered 1..n, got {versions}")
        current = await self.schema_version(component)
        for migration in migrations[current:]:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(migration.sql):
                    await self.connection.execute(statement)
                await self.connection.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?)"
                    " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                    (component, migration.version),
                )
                await self.connection.execute("COMMIT")
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            current = migration.version
        return current


@contextlib.contextmanager
def serving_lock(path: Path | str) -> Iterator[None]:
    """Hold ``<database>.lock`` while serving; a second bot on the same file stops clearly.

    Two bots on one database would both answer and both post campaigns (the
    slots are claimed, but their notices are not); one-off commands (export,
    import, stats) do not take the lock and work beside a running bot.
    """
    if str(path) == ":memory:":
        yield
        return
    lock_path = f"{path}.lock"
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StorageError(str(path), f"cannot be locked: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError(
                str(path), "is in use by another running Wattson (wattson run or console)"
            ) from None
        yield
    finally:
        os.close(descriptor)


def is_read_only(error: BaseException) -> bool:
    """Whether ``error`` is SQLite refusing a write because the database became read-only."""
    return isinstance(error, sqlite3.OperationalError) and "readonly" in str(error)


async def _check_writable(connection: aiosqlite.Connection) -> None:
    """Take the write lock and let it go: fails now if the file cannot be written."""
    await connection.execute("BEGIN IMMEDIATE")
    try:
        await connection.execute(
            "INSERT INTO schema_versions (component, version) VALUES ('write-check', 0)"
        )
    finally:
        await connection.execute("ROLLBACK")


def _describe(error: sqlite3.Error) -> str:
    """What is wrong with the file, in a few words."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"is not a SQLite database ({text})"
    if "readonly" in text or "read-only" in text:
        return f"cannot be written ({text}): check the permissions of the file and its folder"
    if "unable to open" in text:
        return f"cannot be opened ({text}): check the path and its permissions"
    return f"cannot be used: {text}"


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would auto-commit)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
