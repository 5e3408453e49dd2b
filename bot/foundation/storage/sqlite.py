"""The SQLite driver: one embedded file, opened once (aiosqlite), WAL, FTS5 search.

Opened with WAL journaling (readers never wait for the writer, and a process
killed mid-write loses at most the transaction it was in) and a busy timeout,
so a database briefly locked by another process delays an answer instead of
failing it. One connection serves the process; a lock keeps the statements of
one transaction together. Only one serving process may use a file (see
:func:`bot.foundation.storage.serving_lock`), so nothing here is ``shared``.

Search: an FTS5 table tokenized with ``unicode61 remove_diacritics 2`` (accents
folded), ranked by BM25. BM25 has to score every matching claim before it can
keep the best five, so the cost grows with how many claims a word matches: the
planner looks up each word's document frequency (``fts5vocab``) first; words in
a large share of a big base carry almost no ranking information and are left
out of the ranking when rarer words remain, and a query made only of such words
is answered in index order without scoring.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite

from bot.foundation.storage.base import (
    Database,
    IndexedText,
    Migration,
    Params,
    Queries,
    Row,
    StorageError,
    plan_search,
    storable_params,
)
from bot.foundation.storage.sqlite_schema import MIGRATIONS

BUSY_TIMEOUT_MS = 5_000
# Statements weigh more than the extra column (ids, publishers, keywords).
RANK = "bm25(claims_fts, 0.0, 4.0, 4.0, 1.0)"


class SqliteQueries(Queries):
    """Statements on the aiosqlite connection (the caller holds the lock)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.connection.execute(sql, storable_params(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self.connection.execute(sql, storable_params(params)) as cursor:
            row: Row | None = await cursor.fetchone()
            return row

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.connection.execute(sql, storable_params(params)) as cursor:
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        await self.connection.executemany(sql, [storable_params(row) for row in rows])


class SqliteDatabase(Database):
    """An open aiosqlite connection with the settings every Wattson store relies on."""

    kind = "sqlite"
    shared = False

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._connection: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def location(self) -> str:
        return self.path

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("database is not open; use `async with Database(...)`")
        return self._connection

    async def open(self) -> Self:
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

    # ---- queries ---------------------------------------------------------------------

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await SqliteQueries(self.connection).fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._lock:
            return await SqliteQueries(self.connection).fetch_one(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._lock:
            return await SqliteQueries(self.connection).execute(sql, params)

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        async with self._lock:
            await SqliteQueries(self.connection).execute_many(sql, rows)

    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Queries]:
        async with self._lock:
            connection = self.connection
            await connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteQueries(connection)
            except BaseException:
                await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")

    # ---- schema ------------------------------------------------------------------------

    def migrations(self, component: str) -> Sequence[Migration]:
        return MIGRATIONS[component]

    def statements(self, sql: str) -> list[str]:
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

    async def integrity(self) -> list[str]:
        rows = await self.fetch_all("PRAGMA integrity_check")
        problems = [str(row[0]) for row in rows if str(row[0]) != "ok"]
        rows = await self.fetch_all("PRAGMA foreign_key_check")
        problems += [f"{row[0]} row {row[1]} names a missing {row[2]}" for row in rows]
        try:
            await self.execute("INSERT INTO claims_fts (claims_fts) VALUES ('integrity-check')")
        except sqlite3.Error as error:
            problems.append(f"the claim search index is damaged: {error}")
        shown = await self.fetch_value("SELECT COUNT(*) FROM claims WHERE retracted = 0")
        indexed = await self.fetch_value("SELECT COUNT(*) FROM claims_fts")
        if shown != indexed:
            problems.append(f"the search index holds {indexed} claims, the base shows {shown}")
        return problems

    async def clear_search_index(self, queries: Queries) -> None:
        await queries.execute("DELETE FROM claims_fts")

    # ---- search ------------------------------------------------------------------------

    async def index_claims(self, queries: Queries, texts: Sequence[IndexedText]) -> None:
        await queries.execute_many(
            "INSERT INTO claims_fts (id, statement_en, statement_fr, extra) VALUES (?, ?, ?, ?)",
            [(t.claim_id, t.statement_en, t.statement_fr, t.extra) for t in texts],
        )

    async def unindex_claim(self, queries: Queries, claim_id: str) -> None:
        await queries.execute("DELETE FROM claims_fts WHERE id = ?", (claim_id,))

    async def search_claims(
        self, groups: Sequence[Sequence[str]], modes: Sequence[bool], limit: int
    ) -> list[tuple[str, float]]:
        forms = {form: i for i, group in enumerate(groups) for form in group}
        if not forms:
            return []
        marks = ",".join("?" * len(forms))
        rows = await self.fetch_all(
            f"SELECT term, doc FROM claims_vocab WHERE term IN ({marks})", list(forms)
        )
        counts = [0] * len(groups)
        present: list[list[str]] = [[] for _ in groups]
        for row in rows:
            counts[forms[row["term"]]] += int(row["doc"])
            present[forms[row["term"]]].append(row["term"])
        kept = [i for i in range(len(groups)) if counts[i] > 0]
        if not kept:
            return []  # no word of the query is in the index
        for any_term in modes:
            chosen, ranked = plan_search(counts, kept, any_term)
            query = (" OR " if any_term else " AND ").join(_group(present[i]) for i in chosen)
            if ranked:
                sql = (
                    f"SELECT id, {RANK} AS rank FROM claims_fts WHERE claims_fts MATCH ?"
                    " ORDER BY rank LIMIT ?"
                )
            else:  # every word is in a large share of the base: index order, no scoring
                sql = "SELECT id, 0.0 AS rank FROM claims_fts WHERE claims_fts MATCH ? LIMIT ?"
            found = await self.fetch_all(sql, (query, limit))
            if found:
                return [(str(row["id"]), -float(row["rank"])) for row in found]
        return []


def _group(forms: list[str]) -> str:
    """FTS5 syntax for "any of these forms": every form quoted (no operator injection)."""
    quoted = ['"' + form.replace('"', '""') + '"' for form in forms]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


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
