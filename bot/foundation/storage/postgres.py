"""The PostgreSQL driver (psycopg 3): a pool of connections, several processes, one database.

psycopg 3 rather than asyncpg because Wattson needs both halves of one library:
the async pool for the stores, and a plain synchronous connection for the
answered-update ledger, which records an id in the same instant the platform
confirms a send (see :mod:`bot.foundation.storage.ledger`) and for the one-off copy of
``wattson storage migrate``. It also binds parameters server side and prepares
repeated statements by itself, which keeps the hot path within a few round
trips of a millisecond.

Nothing read is cached in memory (``shared``): another process may change a
claim or a preference at any moment, and the next read sees it.

Search: each claim's statements (weight A) and its id, publishers and keywords
(weight D) in a ``tsvector`` under the ``wattson_folded`` configuration (the
``simple`` parser and dictionary after ``unaccent``), a GIN index, ``ts_rank``.
As on SQLite, ranking every claim that holds a very common word is what costs,
so the planner first counts each word's claims (stopping at the budget) and
ranks only on the rarer words, or answers unranked when there are none.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

from bot.foundation.storage.base import (
    Database,
    IndexedText,
    Migration,
    Params,
    Queries,
    Row,
    StorageError,
    plan_search,
)
from bot.foundation.storage.postgres_schema import MIGRATIONS, SEARCH_CONFIGURATION

WEIGHTS = "{0.25, 0, 0, 1}"  # D (id, publishers, keywords), C, B, A (statements)
WORD = re.compile(r"\w+", re.UNICODE)  # as facts.search splits a query
CONNECT_TIMEOUT = 5.0
SCHEMA_LOCK = 0x57A7_5C4E  # advisory lock held while a process migrates
ROLE_LOCKS = 0x57A7  # first key of the advisory locks naming what a process serves
IDENTITIES = (("claim_audit", "seq"), ("claim_proposals", "id"), ("campaigns", "id"))


class PgRow:
    """One result row, by column name or position, as ``sqlite3.Row``."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str, /) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)


def row_factory(cursor: Any) -> RowMaker[PgRow]:
    names = [column.name for column in cursor.description or []]
    index = {name: i for i, name in enumerate(names)}
    return lambda values: PgRow(values, index)


@functools.lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` doubled), outside quotes."""
    parts = sql.split("'")
    for i in range(0, len(parts), 2):  # even parts are outside string literals
        parts[i] = parts[i].replace("%", "%%").replace("?", "%s")
    return "'".join(parts)


def redacted(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ":***@"
    netloc = user + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PgQueries(Queries):
    """Statements on one connection (a transaction's)."""

    def __init__(self, connection: psycopg.AsyncConnection[PgRow]) -> None:
        self.connection = connection

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        cursor = await self.connection.execute(to_pyformat(sql), params)
        return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        cursor = await self.connection.execute(to_pyformat(sql), params)
        return await cursor.fetchone()

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self.connection.execute(to_pyformat(sql), params)
        return cursor.rowcount

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            async with self.connection.cursor() as cursor:
                await cursor.executemany(to_pyformat(sql), rows)


class PostgresDatabase(Database):
    """A pool of connections to one PostgreSQL database, shared with other processes."""

    kind = "postgres"
    shared = True

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self.url = url
        self.pool_size = pool_size
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]] | None = None
        self._roles: psycopg.AsyncConnection[Any] | None = None  # holds the advisory locks

    @property
    def location(self) -> str:
        return redacted(self.url)

    @property
    def pool(self) -> AsyncConnectionPool[psycopg.AsyncConnection[PgRow]]:
        if self._pool is None:
            raise RuntimeError("database is not open; use `async with open_database(...)`")
        return self._pool

    async def open(self) -> Self:
        """Connect (or raise :class:`StorageError`), and create the version table."""
        pool: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self.pool_size,
            open=False,
            timeout=CONNECT_TIMEOUT,
            kwargs={"autocommit": True, "row_factory": row_factory,
                    "connect_timeout": int(CONNECT_TIMEOUT)},
        )  # fmt: skip
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
            self._pool = pool
            async with self.transaction() as transaction:
                # Processes starting together on an empty database: one creates it.
                await self.lock_schema(transaction)
                await transaction.execute(
                    "CREATE TABLE IF NOT EXISTS schema_versions ("
                    " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
                )
        except (psycopg.Error, TimeoutError) as error:
            await pool.close()
            self._pool = None
            fault = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise StorageError(self.location, f"cannot be used: {fault}") from None
        return self

    async def close(self) -> None:
        if self._roles is not None:
            await self._roles.close()  # the session's advisory locks go with it
            self._roles = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    # ---- queries -------------------------------------------------------------------------

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.pool.connection() as connection:
            return await PgQueries(connection).fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self.pool.connection() as connection:
            return await PgQueries(connection).fetch_one(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.pool.connection() as connection:
            return await PgQueries(connection).execute(sql, params)

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        async with self.pool.connection() as connection:
            await PgQueries(connection).execute_many(sql, rows)

    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Queries]:
        async with self.pool.connection() as connection, connection.transaction():
            yield PgQueries(connection)

    # ---- schema ------------------------------------------------------------------------

    def migrations(self, component: str) -> Sequence[Migration]:
        return MIGRATIONS[component]

    async def lock_schema(self, transaction: Queries) -> None:
        await transaction.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))

    def statements(self, sql: str) -> list[str]:
        """Split on ``;`` at line ends (Wattson's migrations have no functions or literals with them)."""
        lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
        return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";")]

    async def integrity(self) -> list[str]:
        problems = []
        shown = await self.fetch_value("SELECT COUNT(*) FROM claims WHERE retracted = 0")
        indexed = await self.fetch_value(
            "SELECT COUNT(*) FROM claim_search s JOIN claims c ON c.id = s.id WHERE c.retracted = 0"
        )
        if shown != indexed:
            problems.append(f"the search index holds {indexed} claims, the base shows {shown}")
        stale = await self.fetch_value(
            "SELECT COUNT(*) FROM claim_search s JOIN claims c ON c.id = s.id WHERE c.retracted = 1"
        )
        if stale:
            problems.append(f"{stale} retracted claims are still in the search index")
        for table, column in IDENTITIES:
            behind = await self.fetch_value(
                f"SELECT COALESCE(MAX({column}), 0) > (SELECT CASE WHEN is_called THEN"
                f" last_value ELSE last_value - 1 END FROM {table}_{column}_seq) FROM {table}"
            )
            if behind:
                problems.append(f"{table}.{column}: new rows would reuse stored numbers")
        orphans = await self.fetch_value(
            "SELECT COUNT(*) FROM campaign_posts p LEFT JOIN campaigns c"
            " ON c.id = p.campaign_id WHERE c.id IS NULL"
        )
        if orphans:
            problems.append(f"{orphans} campaign posts name no campaign")
        return problems

    async def reset_sequences(self, queries: Queries) -> None:
        for table, column in IDENTITIES:
            await queries.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )

    async def clear_search_index(self, queries: Queries) -> None:
        await queries.execute("DELETE FROM claim_search")
        await queries.execute("DELETE FROM claim_terms")

    async def claim_role(self, role: str) -> bool:
        """A session advisory lock on a connection of its own, held until :meth:`close`.

        A process that dies loses its connection, and PostgreSQL releases the
        lock at once: a restarted process (or another) can take the role over.
        """
        if self._roles is None:
            self._roles = await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=int(CONNECT_TIMEOUT)
            )
        cursor = await self._roles.execute(
            "SELECT pg_try_advisory_lock(%s::int4, %s::int4)",
            (ROLE_LOCKS, zlib.crc32(role.encode()) - 2**31),
        )
        row = await cursor.fetchone()
        return bool(row and row[0])

    # ---- search ------------------------------------------------------------------------

    async def index_claims(self, queries: Queries, texts: Sequence[IndexedText]) -> None:
        if not texts:
            return
        await queries.execute_many(
            "INSERT INTO claim_search (id, document) VALUES (?,"
            f" setweight(to_tsvector('{SEARCH_CONFIGURATION}', ?), 'A')"
            f" || setweight(to_tsvector('{SEARCH_CONFIGURATION}', ?), 'D'))",
            [(t.claim_id, _words(t.statement_en + " " + t.statement_fr), _words(t.extra))
             for t in texts],
        )  # fmt: skip
        await queries.execute(
            "INSERT INTO claim_terms (term, claims)"
            " SELECT lexeme, COUNT(*) FROM claim_search,"
            " unnest(tsvector_to_array(document)) AS lexeme WHERE id = ANY(?)"
            " GROUP BY lexeme ORDER BY lexeme"
            " ON CONFLICT (term) DO UPDATE SET claims = claim_terms.claims + excluded.claims",
            ([t.claim_id for t in texts],),
        )

    async def unindex_claim(self, queries: Queries, claim_id: str) -> None:
        await queries.execute(
            "UPDATE claim_terms SET claims = claims - 1 WHERE term IN"
            " (SELECT unnest(tsvector_to_array(document)) FROM claim_search WHERE id = ?)",
            (claim_id,),
        )
        await queries.execute("DELETE FROM claim_search WHERE id = ?", (claim_id,))

    async def search_claims(
        self, groups: Sequence[Sequence[str]], modes: Sequence[bool], limit: int
    ) -> list[tuple[str, float]]:
        queries = [_tsquery(group) for group in groups if group]
        if not queries:
            return []
        async with self.pool.connection() as connection:
            run = PgQueries(connection)
            rows = await run.fetch_all(  # each group's forms, normalized as the index does
                "SELECT COALESCE(SUM(t.claims), 0) FROM unnest(?::text[]) WITH ORDINALITY"
                " AS g(forms, n) LEFT JOIN claim_terms t ON t.term = ANY(tsvector_to_array("
                f"to_tsvector('{SEARCH_CONFIGURATION}', g.forms))) GROUP BY g.n ORDER BY g.n",
                ([" ".join(group) for group in groups if group],),
            )
            counts = [int(row[0]) for row in rows]
            kept = [i for i, count in enumerate(counts) if count > 0]
            if not kept:
                return []  # no word of the query is in the index
            for any_term in modes:
                chosen, ranked = plan_search(counts, kept, any_term)
                query = (" | " if any_term else " & ").join(f"({queries[i]})" for i in chosen)
                if ranked:
                    sql = (
                        f"SELECT id, ts_rank('{WEIGHTS}', document, q) AS rank"
                        f" FROM claim_search, to_tsquery('{SEARCH_CONFIGURATION}', ?) AS q"
                        " WHERE document @@ q ORDER BY rank DESC, id LIMIT ?"
                    )
                else:  # every word is in a large share of the base: index order, no ranking
                    sql = (
                        "SELECT id, 0.0 AS rank FROM claim_search"
                        f" WHERE document @@ to_tsquery('{SEARCH_CONFIGURATION}', ?) LIMIT ?"
                    )
                found = await run.fetch_all(sql, (query, limit))
                if found:
                    return [(str(row["id"]), float(row["rank"])) for row in found]
        return []


def _words(text: str) -> str:
    """The text as the query splits it (``d’environ`` → ``d environ``, ``0.3`` → ``0 3``)."""
    return " ".join(WORD.findall(text))


def _tsquery(forms: Sequence[str]) -> str:
    """``'requete' | 'requetes'``: each form a quoted lexeme (no operator injection)."""
    quoted = ["'" + form.replace("\\", "\\\\").replace("'", "''") + "'" for form in forms]
    return " | ".join(quoted)
