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

Every wait is bounded (:mod:`bot.foundation.storage.postgres_link`): a network
fault makes calls fail within ``[storage] query_timeout_seconds`` with
:class:`~bot.foundation.errors.DatabaseUnavailableError`, logged once, and a
connection the server dropped is replaced without the caller noticing.

Search: each claim's statements (weight A) and its id, publishers and keywords
(weight D) in a ``tsvector`` under the ``wattson_folded`` configuration (the
``simple`` parser and dictionary after ``unaccent``), a GIN index, ``ts_rank``.
As on SQLite, ranking every claim that holds a very common word is what costs,
so the planner first counts each word's claims (stopping at the budget) and
ranks only on the rarer words, or answers unranked when there are none.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.foundation.errors import DatabaseUnavailableError
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
from bot.foundation.storage.limits import ConnectionLimits
from bot.foundation.storage.postgres_link import (
    Availability,
    Deadline,
    describe_fault,
    is_connection_fault,
    proves_not_run,
)
from bot.foundation.storage.postgres_roles import RoleLocks
from bot.foundation.storage.postgres_schema import MIGRATIONS, SEARCH_CONFIGURATION

T = TypeVar("T")
WEIGHTS = "{0.25, 0, 0, 1}"  # D (id, publishers, keywords), C, B, A (statements)
WORD = re.compile(r"\w+", re.UNICODE)  # as facts.search splits a query
SCHEMA_LOCK = 0x57A7_5C4E  # advisory lock held while a process migrates
IDENTITIES = (
    ("claim_audit", "seq"), ("claim_proposals", "id"), ("campaigns", "id"),
    ("check_reports", "id"), ("report_audit", "seq"), ("desk_notices", "id"),
    ("desk_audit", "seq"),
)  # fmt: skip
PER_ROW_SECONDS = 0.001  # a batch of rows may take this much longer than one statement
CLOSE_SECONDS = 1.0  # closing never waits longer for the server


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
    """Statements on one connection (a transaction's), each bounded by the query timeout."""

    def __init__(self, connection: psycopg.AsyncConnection[PgRow], seconds: float | None) -> None:
        self.connection = connection
        self.deadline = Deadline(connection, seconds)

    async def _execute(self, sql: str, params: Params) -> psycopg.AsyncCursor[PgRow]:
        call = self.connection.execute(to_pyformat(sql), storable_params(params))
        return await self.deadline.run(call)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await (await self._execute(sql, params)).fetchall())

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await (await self._execute(sql, params)).fetchone()

    async def execute(self, sql: str, params: Params = ()) -> int:
        return (await self._execute(sql, params)).rowcount

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        seconds = self.deadline.seconds
        batch = Deadline(
            self.deadline.connection,
            None if seconds is None else seconds + PER_ROW_SECONDS * len(rows),
        )
        try:
            async with self.connection.cursor() as cursor:
                values = [storable_params(row) for row in rows]
                await batch.run(cursor.executemany(to_pyformat(sql), values))
        finally:
            self.deadline.expired |= batch.expired

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN … COMMIT (ROLLBACK on an error), each bounded; the block's error is kept."""
        transaction = self.connection.transaction()
        await self.deadline.run(transaction.__aenter__())
        try:
            yield
        except BaseException as error:
            if not self.connection.closed:
                # the block's error says more than a failed rollback would
                with contextlib.suppress(Exception):
                    await self.deadline.run(
                        transaction.__aexit__(type(error), error, error.__traceback__)
                    )
            raise
        await self.deadline.run(transaction.__aexit__(None, None, None))


class PostgresDatabase(Database):
    """A pool of connections to one PostgreSQL database, shared with other processes."""

    kind = "postgres"
    shared = True

    def __init__(
        self, url: str, pool_size: int = 4, limits: ConnectionLimits | None = None
    ) -> None:
        self.url = url
        self.pool_size = pool_size
        self.limits = limits or ConnectionLimits()
        self.application = f"wattson:{os.getpid()}:{secrets.token_hex(3)}"
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]] | None = None
        self.availability = Availability(self.location, self._probe)
        self.roles = RoleLocks(self)

    @property
    def location(self) -> str:
        return redacted(self.url)

    @property
    def pool(self) -> AsyncConnectionPool[psycopg.AsyncConnection[PgRow]]:
        if self._pool is None:
            raise RuntimeError("database is not open; use `async with open_database(...)`")
        return self._pool

    # ---- connecting --------------------------------------------------------------------

    def connect_options(self) -> dict[str, Any]:
        """libpq options for a connection of this process (bounded, kept alive, named)."""
        return self.limits.connect_options(self.application)

    async def connect(self, **options: Any) -> psycopg.AsyncConnection[Any]:
        """A connection of its own (not pooled), configured as the pool's are."""
        connection = await psycopg.AsyncConnection.connect(
            self.url, **{**self.connect_options(), "autocommit": True, **options}
        )
        try:
            await self._configure(connection)
        except BaseException:
            connection.pgconn.finish()
            raise
        return connection

    def connect_blocking(self) -> psycopg.Connection[Any]:
        """A synchronous connection, configured as the pool's are: for a thread of its own."""
        connection = psycopg.Connection.connect(
            self.url, **{**self.connect_options(), "autocommit": True}
        )
        settings = self.limits.session_settings()
        calls = ", ".join("set_config(%s, %s, false)" for _ in settings)
        connection.execute(f"SELECT {calls}", [v for pair in settings.items() for v in pair])
        return connection

    async def _configure(self, connection: psycopg.AsyncConnection[Any]) -> None:
        """The server-side bounds of a new session, in one round trip."""
        settings = self.limits.session_settings()
        calls = ", ".join("set_config(%s, %s, false)" for _ in settings)
        params = [value for pair in settings.items() for value in pair]
        await Deadline(connection, self.limits.connect_timeout).run(
            connection.execute(f"SELECT {calls}", params)
        )

    async def open(self) -> Self:
        """Connect (or raise :class:`StorageError` naming the cause), and create the version table."""
        limits = self.limits
        try:  # one direct attempt first: a clear cause, at once, and no pool retrying in the logs
            first = await self.connect()
        except (psycopg.Error, OSError) as error:
            raise StorageError(
                self.location, f"cannot be used: {describe_fault(error, limits.connect_timeout)}"
            ) from None
        await first.close()
        pool: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self.pool_size,
            open=False,
            timeout=limits.query_timeout,
            configure=self._configure,
            kwargs={**self.connect_options(), "autocommit": True, "row_factory": row_factory},
            reconnect_timeout=max(60.0, limits.connect_timeout * 4),
        )
        try:
            await pool.open(wait=True, timeout=limits.connect_timeout)
            self._pool = pool
            async with self.transaction() as transaction:
                # Processes starting together on an empty database: one creates it.
                await self.lock_schema(transaction)
                await transaction.execute(
                    "CREATE TABLE IF NOT EXISTS schema_versions ("
                    " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
                )
        except (psycopg.Error, TimeoutError, DatabaseUnavailableError) as error:
            await pool.close(timeout=CLOSE_SECONDS)
            self._pool = None
            cause = (
                error.cause
                if isinstance(error, DatabaseUnavailableError)
                else describe_fault(error, limits.connect_timeout)
            )
            raise StorageError(self.location, f"cannot be used: {cause}") from None
        self.availability.on_back.append(self._sweep)
        return self

    async def close(self) -> None:
        """Let go of the roles and the connections; never waits on the server for long."""
        await self.roles.close()
        await self.availability.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close(timeout=CLOSE_SECONDS)

    async def _probe(self) -> None:
        """A new connection answers ``SELECT 1`` (raises otherwise)."""
        connection = await self.connect(
            connect_timeout=max(1, round(min(2.0, self.limits.connect_timeout)))
        )
        try:
            await Deadline(connection, 2.0).run(connection.execute("SELECT 1"))
        finally:
            connection.pgconn.finish()

    async def _sweep(self) -> None:
        """Drop the pooled connections the server has closed (a restart, a terminated backend)."""
        if self._pool is None:
            return
        check = asyncio.ensure_future(self._pool.check())
        done, _pending = await asyncio.wait([check], timeout=self.limits.query_timeout)
        if check in done and check.exception() is not None:
            pass  # what the check could not fix, the next call reports

    # ---- calls -------------------------------------------------------------------------

    def _available(self) -> None:
        cause = self.availability.cause
        if cause is not None:
            raise DatabaseUnavailableError(cause)

    def _unavailable(
        self, error: BaseException, queries: PgQueries | None, began: float | None = None
    ) -> DatabaseUnavailableError:
        """This call failed for the database's fault; said, unless the call began before the
        database came back (what it met was the outage already over)."""
        cause = queries.deadline.cause(error) if queries is not None else describe_fault(error)
        self.availability.lost(cause, began)
        return DatabaseUnavailableError(cause)

    async def _call(self, operation: Callable[[PgQueries], Awaitable[T]], read: bool) -> T:
        """Run ``operation`` on a pooled connection; once more on a fresh one when that is safe.

        Safe: a read, or an error proving the statement never ran (the server had
        shut the session down). A call past its deadline is not repeated.
        """
        self._available()
        began = time.monotonic()
        for attempt in (1, 2):
            queries: PgQueries | None = None
            try:
                async with self.pool.connection(timeout=self.limits.query_timeout) as connection:
                    queries = PgQueries(connection, self.limits.query_timeout)
                    return await operation(queries)
            except Exception as error:
                await self._busy(error)
                if not is_connection_fault(error):
                    raise
                expired = queries is not None and queries.deadline.expired
                if attempt == 1 and not expired and (read or proves_not_run(error)):
                    await self._sweep()
                    continue
                raise self._unavailable(error, queries, began) from None
        raise AssertionError("unreachable")

    async def _busy(self, error: BaseException) -> None:
        """Raise for a call the database was too slow for; return if it is gone instead.

        Too slow (the server's statement_timeout, or no pooled connection free in
        time while a new one answers at once): this call fails, the others go on.
        No connection, and none can be opened either: the database is gone, which
        the caller's fault handling says once.
        """
        if isinstance(error, psycopg.errors.QueryCanceled):
            raise DatabaseUnavailableError(
                f"no answer within {self.limits.query_timeout:g} s"
            ) from None
        if isinstance(error, PoolTimeout):
            try:
                await self._probe()
            except (psycopg.Error, OSError) as gone:
                raise self._unavailable(gone, None) from None
            raise DatabaseUnavailableError(  # every connection busy: overload, or calls stuck
                f"no connection free within {self.limits.query_timeout:g} s"
            ) from None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._call(lambda queries: queries.fetch_all(sql, params), read=True)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._call(lambda queries: queries.fetch_one(sql, params), read=True)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._call(lambda queries: queries.execute(sql, params), read=False)

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        await self._call(lambda queries: queries.execute_many(sql, rows), read=False)

    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Queries]:
        """One transaction on one pooled connection; begun again on a fresh one if BEGIN met a
        connection the server had closed (nothing of the block has run then)."""
        self._available()
        began = time.monotonic()
        for attempt in (1, 2):
            queries: PgQueries | None = None
            begun = False
            try:
                async with self.pool.connection(timeout=self.limits.query_timeout) as connection:
                    queries = PgQueries(connection, self.limits.query_timeout)
                    async with queries.transaction():
                        begun = True
                        yield queries
                return
            except Exception as error:
                await self._busy(error)
                if not is_connection_fault(error):
                    raise
                expired = queries is not None and queries.deadline.expired
                if attempt == 1 and not begun and not expired:
                    await self._sweep()
                    continue
                raise self._unavailable(error, queries, began) from None

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
        :meth:`watch_roles` keeps checking that this process still holds them.
        """
        return await self.roles.claim(role)

    async def claim_family(self, family: str, member: str) -> bool:
        return await self.roles.claim_family(family, member)

    def watch_roles(self, lost: Callable[[str], None]) -> None:
        self.roles.watch(lost)

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

        async def search(run: PgQueries) -> list[tuple[str, float]]:
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

        return await self._call(search, read=True)


def _words(text: str) -> str:
    """The text as the query splits it (``d’environ`` → ``d environ``, ``0.3`` → ``0 3``)."""
    return " ".join(WORD.findall(text))


def _tsquery(forms: Sequence[str]) -> str:
    """``'requete' | 'requetes'``: each form a quoted lexeme (no operator injection)."""
    quoted = ["'" + form.replace("\\", "\\\\").replace("'", "''") + "'" for form in forms]
    return " | ".join(quoted)
