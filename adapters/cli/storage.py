"""``wattson storage migrate`` and ``wattson storage check``: moving and checking the database."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from adapters.cli.common import EXIT_USAGE, fail, load

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


async def command_storage(args: argparse.Namespace) -> int:
    settings = load(args)
    location = settings.storage.database
    if missing_file(location):
        return fail(f"no database at {location}: the SQLite file does not exist (nothing created)")
    if args.storage_command == "check":
        return await command_check(location)
    problem = target_problem(args.to)
    if problem:
        return fail(problem)
    return await command_migrate(location, args.to, args.replace, args.clean_text)


def missing_file(location: str) -> bool:
    """Whether ``location`` is a SQLite file that does not exist (opening it would create it)."""
    from bot.foundation.storage import is_postgres

    return not is_postgres(location) and location != ":memory:" and not Path(location).is_file()


def target_problem(location: str) -> str | None:
    """Why ``--to`` cannot be a database to copy into, or ``None``: a ``postgresql://`` URL that
    names a database, or a SQLite path ending in .db or .sqlite; anything else is a typo (a
    ``mysql://x`` would otherwise become a file named ``mysql:/x``)."""
    from urllib.parse import urlsplit

    from bot.foundation.storage import is_postgres

    if is_postgres(location):
        if not urlsplit(location).path.strip("/"):
            return f"--to {location}: name the database, postgresql://user@host:5432/NAME"
        return None
    if "://" in location or not location.lower().endswith(SQLITE_SUFFIXES):
        return (
            f"--to takes a postgresql:// URL or a SQLite file path ending in .db or .sqlite,"
            f" not {location!r}"
        )
    return None


async def command_migrate(
    source_location: str, target_location: str, replace: bool, clean: bool = False
) -> int:
    """Copy the configured database into ``--to``; exit 0 only when every count matches.

    A SQLite file a running bot serves is refused: its copy would miss what the
    bot writes meanwhile.
    """
    from bot.foundation.storage import (
        StorageError,
        serving_lock,
    )

    if target_location == source_location:
        return fail("--to names the configured database itself; give another one")
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(serving_lock(source_location))
        except StorageError as error:
            return fail(f"{error}; stop it before moving its data")
        return await _copy(source_location, target_location, replace, clean)


async def _copy(source_location: str, target_location: str, replace: bool, clean: bool) -> int:
    from bot.foundation.storage import describe_location, open_database
    from bot.foundation.storage.base import Database, Queries
    from bot.foundation.storage.transfer import (
        TargetNotEmptyError,
        UnstorableTextError,
        copy_database,
        ledger_rows,
    )
    from facts.store import ClaimStore

    async def rebuild(target: Database, transaction: Queries) -> None:
        await ClaimStore(target).rebuild_index(transaction)

    print(f"from {describe_location(source_location)}", file=sys.stderr)
    print(f"to   {describe_location(target_location)}", file=sys.stderr)
    async with open_database(source_location) as source, open_database(target_location) as target:
        try:
            counts = await copy_database(source, target, replace, rebuild, clean)
        except TargetNotEmptyError as error:
            return fail(f"{error}; nothing was written (--replace empties it first)")
        except UnstorableTextError as error:
            for place in error.places:
                print(f"wattson: {place}", file=sys.stderr)
            return fail(
                f"{error}; nothing was written. --clean-text removes them in the copy"
                " (the source is left as it is)"
            )
        answered = len(ledger_rows(source))
    if answered:
        print(f"answered update ids: {answered} from the delivery file beside the database")
    width = max(len(count.table) for count in counts)
    for count in counts:
        mark = "ok" if count.equal else "DIFFERENT"
        print(f"{count.table:<{width}}  {count.source:>8} → {count.target:>8}  {mark}")
    different = [count.table for count in counts if not count.equal]
    if different:
        print(f"wattson: counts differ in {', '.join(different)}", file=sys.stderr)
        return 1
    print(f"copied {sum(c.source for c in counts)} rows; every count matches")
    return 0


async def command_check(location: str) -> int:
    """Report the schema version of each component, integrity and row counts; exit 1 on a problem."""
    from bot.foundation.storage import describe_location, open_database
    from bot.foundation.storage.transfer import check_database

    async with open_database(location) as database:
        health = await check_database(database)
    print(f"database: {describe_location(location)}")
    for component, (found, latest) in health.versions.items():
        print(f"  {component:<10} schema version {found} (latest {latest})")
    for table, count in health.counts.items():
        print(f"  {table:<22} {count:>8} rows")
    for problem in health.problems:
        print(f"problem: {problem}")
    print("integrity: ok" if health.ok else f"integrity: {len(health.problems)} problem(s)")
    return 0 if health.ok else 1


__all__ = ["EXIT_USAGE", "command_storage"]
