"""Language preferences per user and per chat, the only thing the core stores about people.

A preference is a platform id and a language code, with the time it was set:
no message content, no names. On the embedded SQLite file (one serving
process) reads come from a memory cache filled on first use, so choosing the
language of a reply costs no database round trip; on a database shared by
several processes every read asks the database, so a choice made through one
process applies at once in all, and the last value read is kept only to answer
in the reader's language while that database does not answer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from bot.foundation.errors import DatabaseUnavailableError
from bot.foundation.storage import Database

COMPONENT = "core"
LAST_KNOWN = 10_000  # preferences remembered for an unavailable shared database

Scope = Literal["user", "chat"]


class PreferenceStore:
    """Read and write language preferences (cached in memory when no other process writes)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._cache: dict[tuple[Scope, str, str], str | None] = {}
        self._cached = not database.shared
        self._last_known: dict[tuple[Scope, str, str], str | None] = {}

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    async def language(self, scope: Scope, platform: str, subject_id: str) -> str | None:
        key = (scope, platform, subject_id)
        if self._cached and key in self._cache:
            return self._cache[key]
        try:
            value = await self.database.fetch_value(
                "SELECT language FROM language_preferences"
                " WHERE scope = ? AND platform = ? AND subject_id = ?",
                key,
            )
        except DatabaseUnavailableError:
            if key in self._last_known:
                return self._last_known[key]
            raise
        language = str(value) if value is not None else None
        if self._cached:
            self._cache[key] = language
        else:
            self._remember(key, language)
        return language

    def _remember(self, key: tuple[Scope, str, str], language: str | None) -> None:
        self._last_known.pop(key, None)
        self._last_known[key] = language
        if len(self._last_known) > LAST_KNOWN:
            del self._last_known[next(iter(self._last_known))]  # the oldest read

    async def set_language(
        self, scope: Scope, platform: str, subject_id: str, language: str | None
    ) -> None:
        """Store (or with ``None``, forget) a preference, in one statement."""
        key = (scope, platform, subject_id)
        if language is None:
            await self.database.execute(
                "DELETE FROM language_preferences"
                " WHERE scope = ? AND platform = ? AND subject_id = ?",
                key,
            )
        else:
            await self.database.execute(
                "INSERT INTO language_preferences"
                " (scope, platform, subject_id, language, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (scope, platform, subject_id) DO UPDATE"
                " SET language = excluded.language, updated_at = excluded.updated_at",
                (*key, language, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        if self._cached:
            self._cache[key] = language
        else:
            self._remember(key, language)
