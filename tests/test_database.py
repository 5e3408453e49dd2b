"""The embedded store: WAL, versioned migrations, one transaction per step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.foundation.storage import Database as AnyDatabase
from bot.foundation.storage import Migration, open_database
from bot.foundation.storage.sqlite import SqliteDatabase
from bot.preferences import PreferenceStore


async def columns_of(database: AnyDatabase, table: str) -> set[str]:
    if database.kind == "sqlite":
        return {row[1] for row in await database.fetch_all(f"PRAGMA table_info({table})")}
    rows = await database.fetch_all(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = ? AND table_schema = current_schema()",
        (table,),
    )
    return {row[0] for row in rows}


async def test_database_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    async with SqliteDatabase(tmp_path / "w.db") as database:
        async with database.connection.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
        async with database.connection.execute("PRAGMA busy_timeout") as cursor:
            assert (await cursor.fetchone())[0] >= 1000


async def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    steps = (
        Migration(1, "CREATE TABLE a (x INTEGER);"),
        Migration(2, "ALTER TABLE a ADD COLUMN y TEXT;\nCREATE INDEX a_y ON a (y);"),
    )
    async with SqliteDatabase(tmp_path / "w.db") as database:
        assert await database.migrate("demo", steps[:1]) == 1
        assert await database.migrate("demo", steps) == 2
        assert await database.migrate("demo", steps) == 2


async def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    steps = (
        Migration(1, "CREATE TABLE a (x INTEGER);"),
        Migration(2, "CREATE TABLE b (x INTEGER);\nTHIS IS NOT SQL;"),
    )
    async with SqliteDatabase(tmp_path / "w.db") as database:
        with pytest.raises(sqlite3.OperationalError):
            await database.migrate("demo", steps)
        assert await database.schema_version("demo") == 1
        async with database.connection.execute(
            "SELECT name FROM sqlite_master WHERE name = 'b'"
        ) as cursor:
            assert await cursor.fetchone() is None


async def test_migrations_must_be_numbered_from_one(tmp_path: Path) -> None:
    async with SqliteDatabase(tmp_path / "w.db") as database:
        with pytest.raises(ValueError):
            await database.migrate("demo", (Migration(2, "SELECT 1;"),))


async def test_preferences_are_ids_and_languages_only(database_location: str) -> None:
    async with open_database(database_location) as database:
        store = PreferenceStore(database)
        await store.setup()
        await store.set_language("user", "discord", "42", "fr")
        assert await store.language("user", "discord", "42") == "fr"
        await store.set_language("user", "discord", "42", None)
        assert await store.language("user", "discord", "42") is None
        columns = await columns_of(database, "language_preferences")
    assert columns == {"scope", "platform", "subject_id", "language", "updated_at"}


async def test_a_locked_database_delays_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    async with SqliteDatabase(path) as database:
        store = PreferenceStore(database)
        await store.setup()
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        import asyncio

        async def release() -> None:
            await asyncio.sleep(0.3)
            blocker.execute("COMMIT")

        releasing = asyncio.create_task(release())
        await store.set_language("user", "console", "me", "fr")
        await releasing
        blocker.close()
        assert await store.language("user", "console", "me") == "fr"


async def test_a_preference_set_through_one_process_applies_at_once_in_another(
    postgres_url: str,
) -> None:
    """On a shared database nothing is cached: the other process reads the new choice."""
    async with open_database(postgres_url) as one, open_database(postgres_url) as two:
        first, second = PreferenceStore(one), PreferenceStore(two)
        await first.setup()
        await second.setup()
        assert await second.language("chat", "discord", "7") is None
        await first.set_language("chat", "discord", "7", "fr")
        assert await second.language("chat", "discord", "7") == "fr"
