"""Copy every table from one database to another (``wattson storage migrate``), and check one.

The copy brings the target to the latest schema of its own driver, refuses a
target that already holds data unless told to replace it, copies each table
row for row in one transaction (ids kept, so audit entries, proposals and
campaign numbers stay what people saw), lets the caller rebuild what is
derived (the claim search index), and compares the row counts of every table.

On SQLite the ids of answered Telegram updates live in a file of their own
beside the database (:mod:`bot.foundation.storage.ledger`); the copy reads them
from there. Text PostgreSQL cannot store (a NUL character, which SQLite keeps
from before Wattson removed it at the boundary) is found before anything is
written and named row by row; ``clean`` removes it instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.foundation.storage.base import COMPONENTS, Database, Queries
from bot.foundation.storage.ledger import ledger_path
from bot.foundation.text import storable, unstorable

BATCH = 1_000
LEDGER_TABLE = "answered_updates"
SHOWN_PROBLEMS = 20


class UnstorableTextError(Exception):
    """Rows hold text the target cannot store; nothing was written."""

    def __init__(self, places: list[str]) -> None:
        super().__init__(f"{len(places)} value(s) hold text PostgreSQL cannot store")
        self.places = places


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
    counts = {
        table: int(await database.fetch_value(f"SELECT COUNT(*) FROM {table}"))
        for table in tables()
    }
    if ledger_rows(database):
        counts[LEDGER_TABLE] = sum([len(b) async for b in _batches(database, LEDGER_TABLE)])
    return counts


def ledger_rows(database: Database) -> list[tuple[Any, ...]]:
    """The answered update ids a SQLite database keeps in its file beside it (none elsewhere)."""
    if database.kind != "sqlite" or database.location == ":memory:":
        return []
    path = Path(ledger_path(database.location))
    if not path.is_file():
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(
            connection.execute(
                "SELECT platform, update_id, answered_at FROM answered_updates"
                " ORDER BY platform, update_id"
            )
        )
    except sqlite3.Error:
        return []
    finally:
        connection.close()


async def _batches(database: Database, table: str) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The rows of ``table`` as tuples, a batch at a time (with the ledger file's ids)."""
    if table == LEDGER_TABLE and (in_file := ledger_rows(database)):
        in_table = await database.fetch_all(f"SELECT platform, update_id, answered_at FROM {table}")
        merged = {(r[0], r[1]): (r[0], r[1], r[2]) for r in in_table}
        merged.update({(r[0], r[1]): r for r in in_file})
        ordered = [merged[key] for key in sorted(merged)]
        for start in range(0, len(ordered), BATCH):
            yield ordered[start : start + BATCH]
        return
    offset = 0
    while rows := await database.fetch_all(
        f"SELECT * FROM {table} ORDER BY 1 LIMIT ? OFFSET ?", (BATCH, offset)
    ):
        yield [tuple(row[i] for i in range(len(row.keys()))) for row in rows]
        offset += len(rows)


async def _columns(database: Database, table: str) -> list[str]:
    if table == LEDGER_TABLE:
        return ["platform", "update_id", "answered_at"]
    row = await database.fetch_one(f"SELECT * FROM {table} LIMIT 1")
    return list(row.keys()) if row is not None else []


async def unstorable_text(database: Database) -> list[str]:
    """Every value of every table holding text another driver could not store, named."""
    places: list[str] = []
    for table in tables():
        columns = await _columns(database, table)
        async for rows in _batches(database, table):
            for row in rows:
                for column, value in zip(columns, row, strict=False):
                    what = unstorable(value) if isinstance(value, str) else None
                    if what:
                        places.append(
                            f"{table} {columns[0]}={row[0]!r}: {column} holds a {what} character"
                        )
    return places


async def copy_database(
    source: Database,
    target: Database,
    replace: bool = False,
    rebuild: Callable[[Database, Queries], Awaitable[None]] | None = None,
    clean: bool = False,
) -> list[TableCount]:
    """Copy every table from ``source`` into ``target``; return the counts of both.

    Raises :class:`UnstorableTextError` (nothing written) when the source holds
    text the target cannot store, unless ``clean`` removes it in the copy.
    """
    await migrate_all(source)
    await migrate_all(target)
    before = await row_counts(target)
    if any(before.values()) and not replace:
        raise TargetNotEmptyError(before)
    if not clean:
        places = await unstorable_text(source)
        if places:
            raise UnstorableTextError(places)
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
    columns = await _columns(source, table)
    marks = ", ".join("?" * len(columns))
    async for rows in _batches(source, table):
        await target.execute_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            [_storable_row(row) for row in rows],
        )


def _storable_row(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(storable(value) if isinstance(value, str) else value for value in row)


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
        places = await unstorable_text(database)
        problems += [f"{place} (PostgreSQL cannot store it)" for place in places[:SHOWN_PROBLEMS]]
        if len(places) > SHOWN_PROBLEMS:
            problems.append(f"… and {len(places) - SHOWN_PROBLEMS} more such values")
    return Health(versions, counts, problems)
