"""The storage interface every Wattson store speaks to, whichever database runs.

The stores (claims, preferences, usage, campaigns, answered updates, reports, quizzes) hold the
rules and write plain SQL with ``?`` placeholders, the dialect both databases
share (``ON CONFLICT … DO UPDATE``/``DO NOTHING``, ``RETURNING``, ``random()``).
What differs lives in a driver beside this module: connecting, transactions,
the schema of each component (its own numbered migrations per driver), and the
full-text index of claims. The driver is chosen from ``[storage] database``:
a file path is SQLite (:mod:`bot.foundation.storage.sqlite`), a ``postgresql://`` URL is
PostgreSQL (:mod:`bot.foundation.storage.postgres`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from bot.foundation.errors import ConfigError

Params = Sequence[Any]
NUL = "\x00"


def storable_params(params: Params) -> Params:
    """Values as either driver writes them: a string without NUL (PostgreSQL refuses one).

    Both drivers drop it, so a text behaves the same on either; a NUL means
    nothing in a chat (see :mod:`bot.foundation.text`).
    """
    if any(isinstance(value, str) and NUL in value for value in params):
        return [value.replace(NUL, "") if isinstance(value, str) else value for value in params]
    return params


Kind = Literal["sqlite", "postgres"]
# The components and the tables each owns, in the order a copy must follow.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "core": ("language_preferences",),
    "facts": ("claims", "claim_audit", "claim_proposals"),
    "usage": ("usage_daily",),
    "campaigns": ("campaigns", "campaign_posts"),
    "ledger": ("answered_updates",),
    # what readers chose to report of a /check verdict, and what moderators made of it
    "reports": ("check_reports", "report_audit", "eval_statements"),
    # the moderators' desk: sign-in links, sessions, proposals' chats, notices to deliver
    "desk": ("desk_links", "desk_sessions", "proposal_origins", "desk_notices", "desk_audit"),
    # quizzes shown and how many chose each option, never who (bot.quiz.store)
    "quiz": ("quiz_posts", "quiz_counts"),
}


class StorageError(ConfigError):
    """The database cannot be used: one line naming ``[storage] database`` and the fault."""

    def __init__(self, location: str, fault: str) -> None:
        super().__init__(f"[storage] database {location!r} {fault}")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step of a component."""

    version: int
    sql: str


class Row(Protocol):
    """A result row: by column name or position (``sqlite3.Row`` and the PostgreSQL row)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Queries(ABC):
    """Run SQL written with ``?`` placeholders: on the database, or inside a transaction."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None: ...

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


@dataclass(frozen=True, slots=True)
class IndexedText:
    """What the claim search index holds for one claim."""

    claim_id: str
    statement_en: str
    statement_fr: str
    extra: str  # id, publishers, keywords


class Database(Queries):
    """An open database: queries, transactions, migrations and the claim search index."""

    kind: Kind
    #: several processes may use it at once: nothing read may be cached in memory
    shared: bool

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data is, for logs and errors (never a password)."""

    @abstractmethod
    async def open(self) -> Self: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        """One write transaction: committed whole at the end of the block, or rolled back."""

    # ---- schema ---------------------------------------------------------------------

    @abstractmethod
    def migrations(self, component: str) -> Sequence[Migration]:
        """The driver's own numbered schema steps for ``component``."""

    async def schema_version(self, component: str) -> int:
        value = await self.fetch_value(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        )
        return int(value) if value is not None else 0

    async def migrate(self, component: str, migrations: Sequence[Migration] | None = None) -> int:
        """Apply the component's pending migrations in order, each in a transaction."""
        steps = self.migrations(component) if migrations is None else migrations
        versions = [m.version for m in steps]
        if versions != list(range(1, len(steps) + 1)):
            raise ValueError(f"{component} migrations must be numbered 1..n, got {versions}")
        current = await self.schema_version(component)
        for migration in steps[current:]:
            async with self.transaction() as transaction:
                await self.lock_schema(transaction)
                # Another process may have migrated meanwhile: the transaction re-checks.
                if await self._locked_version(transaction, component) >= migration.version:
                    continue
                for statement in self.statements(migration.sql):
                    await transaction.execute(statement)
                await transaction.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?)"
                    " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                    (component, migration.version),
                )
            current = migration.version
        return current

    async def lock_schema(self, transaction: Queries) -> None:
        """Keep other processes from migrating until ``transaction`` ends (if they could)."""

    async def _locked_version(self, transaction: Queries, component: str) -> int:
        value = await transaction.fetch_value(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        )
        return int(value) if value is not None else 0

    @abstractmethod
    def statements(self, sql: str) -> list[str]:
        """Split a migration script into statements."""

    @abstractmethod
    async def integrity(self) -> list[str]:
        """Problems found in the files or tables, with every component migrated (empty: none)."""

    async def reset_sequences(self, queries: Queries) -> None:
        """After rows were copied with their ids: new rows get the next free ones."""

    async def clear_search_index(self, queries: Queries) -> None:
        """Empty the claim search index (before a copy rebuilds it)."""

    # ---- what this process serves --------------------------------------------------------

    async def claim_role(self, role: str) -> bool:
        """Hold ``role`` (``telegram``, ``discord:shard:3``) while open; ``False``: another holds it.

        On a file only one serving process exists (:func:`bot.foundation.storage.serving_lock`),
        so every role is granted; a shared database keeps the claim for as long
        as this process lives, and a process that dies lets go of it at once.
        """
        return True

    async def claim_family(self, family: str, member: str) -> bool:
        """Hold ``member`` of ``family`` beside other processes holding the same member.

        ``False`` when another process holds a different member: a Discord shard
        layout (``discord`` with ``shard_count: 4``) beside another one. On a file
        only one process serves, so it is always granted.
        """
        return True

    def watch_roles(self, lost: Callable[[str], None]) -> None:
        """Keep checking that this process still holds its roles; ``lost(why)`` if not.

        Only a shared database can lose them (a lost session, a silent network).
        """

    # ---- the claim search index (SQL that differs most between drivers) --------------

    @abstractmethod
    async def index_claims(self, queries: Queries, texts: Sequence[IndexedText]) -> None:
        """Add the search entries of these claims (replacing one: :meth:`unindex_claim` first)."""

    @abstractmethod
    async def unindex_claim(self, queries: Queries, claim_id: str) -> None: ...

    @abstractmethod
    async def search_claims(
        self, groups: Sequence[Sequence[str]], modes: Sequence[bool], limit: int
    ) -> list[tuple[str, float]]:
        """Claim ids matching the term groups, best first, with a score (higher is better).

        Each group holds the folded forms of one query term (``requete``,
        ``requetes``); a claim matches a group when it holds any of its forms,
        and the query when it matches every group (any of them for a mode that
        is ``True``). Modes are tried in order until one finds claims; the
        terms' document frequencies are read once for all of them.
        """


RANKING_BUDGET = 2_000  # most claims one word may match and still be ranked


def plan_search(
    counts: Sequence[int], kept: Sequence[int], any_term: bool
) -> tuple[list[int], bool]:
    """Which term groups to query, and whether to rank, from their document frequencies.

    Ranking reads every matching document; a term held by a large share of the
    base is left out of an any-term query while rarer ones remain, and a query
    made only of such terms is answered in index order.
    """
    if any_term:
        rare = [i for i in kept if counts[i] <= RANKING_BUDGET]
        ranked = bool(rare) and sum(counts[i] for i in rare) <= RANKING_BUDGET * 2
        return (rare if ranked else list(kept)), ranked
    return list(kept), min(counts[i] for i in kept) <= RANKING_BUDGET
