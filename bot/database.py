"""The embedded SQLite database, as the stores knew it before :mod:`bot.storage`.

Kept so ``Database(path)`` still opens a SQLite file; new code uses
:func:`bot.storage.open_database`, which also takes a ``postgresql://`` URL.
"""

from __future__ import annotations

from bot.storage import Migration, StorageError, is_read_only, serving_lock
from bot.storage.sqlite import BUSY_TIMEOUT_MS, SqliteDatabase

Database = SqliteDatabase

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Database",
    "Migration",
    "StorageError",
    "is_read_only",
    "serving_lock",
]
