"""What every subcommand shares: the exit code for usage errors, settings, input text."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_USAGE = 2


def load(args: argparse.Namespace) -> Settings:
    from bot.settings import config_path, load_settings

    return load_settings(config_path(args.config))


def read_text(words: Sequence[str]) -> str:
    if words:
        return " ".join(words)
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    return sys.stdin.read()


async def open_claims(settings: Settings) -> tuple[Any, Any]:
    """The configured database and its claim store, set up (seeded on first use)."""
    from bot.database import Database
    from facts.store import ClaimStore

    database = await Database(settings.storage.database).open()
    store = ClaimStore(database)
    await store.setup()
    return database, store
