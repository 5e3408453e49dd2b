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
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin.read()
    data: bytes = buffer.read()
    return data.decode("utf-8", errors="replace")  # invalid bytes become U+FFFD


async def open_claims(settings: Settings) -> tuple[Any, Any]:
    """The configured database and its claim store, set up (seeded on first use)."""
    from bot.foundation.storage import open_database
    from facts.store import ClaimStore

    storage = settings.storage
    database = await open_database(storage.database, storage.pool_size, storage.limits()).open()
    store = ClaimStore(database)
    await store.setup()
    return database, store


def fail(message: str) -> int:
    """Print one line for the command line on stderr and return the usage exit status."""
    print(f"wattson: {message}", file=sys.stderr)
    return EXIT_USAGE


def write_output(text: str, output: str | None) -> int:
    """Write ``text`` to ``output`` (stdout when ``None``); an unwritable file is one line, exit 2."""
    if not output:
        sys.stdout.write(text)
        return 0
    from pathlib import Path

    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        return fail(f"cannot write {output}: {error.strerror or error}")
    return 0
