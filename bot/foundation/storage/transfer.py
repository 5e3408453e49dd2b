"""Copy every table from one database to another (``wattson storage migrate``), and check one.

The copy brings the target to the latest schema of its own driver, refuses a
target that already holds data unless told to replace it, copies each table
row for row in one transaction (ids kept, so audit entries, proposals and
campaign numbers stay what people saw), lets the caller rebuild what is
derived (the claim search index), and compares the row counts of every table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.foundation.storage.base import COMPONENTS, Database, Queries

BATCH = 1_000


class TargetNotEmptyError(Exception):
    """The target database already holds rows; nothing was written."""

    def __init__(self, counts: dict[str, int]) -> None:
        filled = ", ".join(f"{table} ({count})" for table, count in counts.items() if count)
        super().__init__(f"the target database is not empty: {filled}")
        self.counts = counts


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


def tables() -> list[str]:
    return [table for owned in COMPONENTS.values() for table in owned]


async def migrate_all(database: Database) -> dict[str, int]:
    """Bring every component to the driver's latest schema; return the versions."""
    return {component: await database.migrate(component) for component in COMPONENTS}


async def row_counts(database: Database) -> dict[str, int]:
    return {
        table: int(await database.fetch_value(f"SELECT COUNT(*) FROM {table}"))
        for table in tables()
    }


async def copy_database(
    source: Database,
    target: Database,
    replace: bool = False,
    rebuild: Callable[[Database, Queries], Awaitable[None]] | None = None,
) -> list[TableCount]:
    """Copy every table from ``source`` into ``target``; return the counts of both."""
    await migrate_all(source)
    await migrate_all(target)
    before = await row_counts(target)
    if any(before.values()) and not replace:
        raise TargetNotEmptyError(before)
    async with target.transaction() as transaction:
        await target.clear_search_index(transaction)
        for table in reversed(tables()):  # children first (campaign_posts → campaigns)
            await transaction.execute(f"DELETE FROM {table}")
        for table in tables():
            await _copy_table(source, transaction, table)
        await target.reset_sequences(transaction)
        if rebuild is not None:
            await rebuild(target, transaction)
    source_counts, target_counts = await row_counts(source), await row_counts(target)
    return [TableCount(t, source_counts[t], target_counts[t]) for t in tables()]


async def _copy_table(source: Database, target: Queries, table: str) -> None:
    offset = 0
    while True:
        rows = await source.fetch_all(
            f"SELECT * FROM {table} ORDER BY 1 LIMIT ? OFFSET ?", (BATCH, offset)
        )
        if not rows:
            return
        columns = list(rows[0].keys())
        marks = ", ".join("?" * len(columns))
        await target.execute_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            [tuple(row[c] for c in columns) for row in rows],
        )
        offset += len(rows)


@dataclass(frozen=True, slots=True)
class Health:
    """What ``wattson storage check`` reports."""

    versions: dict[str, tuple[int, int]]  # component -> (found, latest this Wattson knows)
    counts: dict[str, int]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


async def check_database(database: Database) -> Health:
    """Schema versions against this release's, integrity, row counts; changes nothing."""
    versions: dict[str, tuple[int, int]] = {}
    problems: list[str] = []
    for component in COMPONENTS:
        found = await database.schema_version(component)
        latest = len(database.migrations(component))
        versions[component] = (found, latest)
        if found < latest:
            problems.append(
                f"{component}: schema version {found}, this Wattson needs {latest}"
                " (started once, `wattson run` brings it up to date)"
            )
        elif found > latest:
            problems.append(
                f"{component}: schema version {found} was written by a newer Wattson"
                f" (this one knows {latest})"
            )
    counts: dict[str, int] = {}
    if not problems:
        counts = await row_counts(database)
        problems += await database.integrity()
    return Health(versions, counts, problems)
