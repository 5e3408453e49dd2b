"""Language preferences per user and per chat, the only thing the core stores.

A preference is a platform id and a language code, with the time it was set:
no message content, no names. Reads come from a memory cache filled on first
use, so choosing the language of a reply costs no database round trip.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from bot.database import Database, Migration

COMPONENT = "core"
MIGRATIONS = (
    Migration(
        1,
        """
        CREATE TABLE language_preferences (
            scope TEXT NOT NULL CHECK (scope IN ('user', 'chat')),
            platform TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            language TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (scope, platform, subject_id)
        );
        """,
    ),
)

Scope = Literal["user", "chat"]


class PreferenceStore:
    """Read and write language preferences, cached in memory."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._cache: dict[tuple[Scope, str, str], str | None] = {}

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT, MIGRATIONS)

    async def language(self, scope: Scope, platform: str, subject_id: str) -> str | None:
        key = (scope, platform, subject_id)
        if key in self._cache:
            return self._cache[key]
        async with self.database.connection.execute(
            "SELECT language FROM language_preferences"
            " WHERE scope = ? AND platform = ? AND subject_id = ?",
            key,
        ) as cursor:
            row = await cursor.fetchone()
        language = str(row[0]) if row else None
        self._cache[key] = language
        return language

    async def set_language(
        self, scope: Scope, platform: str, subject_id: str, language: str | None
    ) -> None:
        """Store (or with ``None``, forget) a preference, in one transaction."""
        key = (scope, platform, subject_id)
        connection = self.database.connection
        if language is None:
            await connection.execute(
                "DELETE FROM language_preferences"
                " WHERE scope = ? AND platform = ? AND subject_id = ?",
                key,
            )
        else:
            await connection.execute(
                "INSERT INTO language_preferences"
                " (scope, platform, subject_id, language, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (scope, platform, subject_id) DO UPDATE"
                " SET language = excluded.language, updated_at = excluded.updated_at",
                (*key, language, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        self._cache[key] = language
