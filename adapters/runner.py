"""Run every configured adapter in one event loop until SIGINT or SIGTERM.

Adapters are started for the platforms whose token is in the environment; each
is imported only then, so a missing platform library fails clearly here, never
at import time of the core.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Protocol

from bot.dispatch import Core
from bot.foundation.errors import ConfigError
from bot.foundation.storage import Database, describe_location
from bot.settings import Secrets, Settings

log = logging.getLogger(__name__)


class Adapter(Protocol):
    """What the runner needs: ``start`` serves until ``stop`` is called."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class ServedElsewhereError(ConfigError):
    """What this process is configured to serve, another process on the database already does."""


async def claim_roles(database: Database, settings: Settings, secrets: Secrets) -> None:
    """Hold, in the database, the platforms and shards this process serves; refuse duplicates.

    Exactly one process polls Telegram, and each Discord shard runs in exactly
    one process: a second one would answer every command twice.
    """
    where = describe_location(database.location)
    if secrets.discord_token is not None and settings.discord.serve:
        shards = settings.discord.shards
        count = settings.discord.shard_count
        layout = f"shard_count {count}" if count is not None else "unsharded"
        if not await database.claim_family("discord-layout", layout):
            raise ServedElsewhereError(
                f"another Wattson process on {where} runs Discord with another shard layout"
                f" than this one ({layout}): give every process the same [discord] shard_count"
                " (WATTSON_DISCORD__SHARD_COUNT), and run no unsharded process beside sharded ones"
            )
        roles = [f"discord:shard:{i}" for i in shards] if shards is not None else ["discord"]
        taken = [role for role in roles if not await database.claim_role(role)]
        if taken:
            names = ", ".join(role.rsplit(":", 1)[-1] for role in taken)
            what = f"Discord shard(s) {names}" if shards is not None else "Discord"
            raise ServedElsewhereError(
                f"{what} already served by another Wattson process on {where}; give each"
                " process its own [discord] shard_ids (WATTSON_DISCORD__SHARD_IDS), or"
                " serve = false"
            )
    serves_telegram = secrets.telegram_token is not None and settings.telegram.serve
    if serves_telegram and not await database.claim_role("telegram"):
        raise ServedElsewhereError(
            f"Telegram is already served by another Wattson process on {where}: exactly"
            " one process may receive its updates; set [telegram] serve = false"
            " (WATTSON_TELEGRAM__SERVE=false) in this one"
        )


def describe_serving(settings: Settings, adapters: list[Adapter], database: str) -> list[str]:
    """What this process serves, as it logs it at start: shards, platforms, campaigns, database."""
    names = {type(adapter).__name__ for adapter in adapters}
    lines = [f"database: {describe_location(database)}"]
    if "DiscordAdapter" in names:
        discord = settings.discord
        if discord.shard_count is None:
            lines.append("Discord: every shard (as many as Discord recommends)")
        else:
            shards = ", ".join(str(i) for i in discord.shards or [])
            lines.append(f"Discord: shard(s) {shards} of shard_count {discord.shard_count}")
    if "TelegramAdapter" in names:
        how = "webhook" if settings.telegram.webhook_url else "long polling"
        lines.append(f"Telegram: updates by {how}")
    if "WebServer" in names:
        lines.append(f"web: pages, API, health and metrics on {settings.web.listen}")
    if settings.campaigns.post:
        lines.append("campaigns: posting in the chats served here")
    else:
        lines.append("campaigns: not posted by this process ([campaigns] post = false)")
    return lines


def build_adapters(core: Core, settings: Settings, secrets: Secrets) -> list[Adapter]:
    """One adapter per platform whose token is set and that this process serves."""
    adapters: list[Adapter] = []
    if secrets.discord_token is not None and settings.discord.serve:
        from adapters.discord import DiscordAdapter

        adapters.append(
            DiscordAdapter(core, secrets.discord_token.get_secret_value(), settings.discord)
        )
    if secrets.telegram_token is not None and settings.telegram.serve:
        from adapters.telegram import TelegramAdapter
        from bot.foundation.storage.ledger import DeliveryLedger

        ledger = DeliveryLedger(
            settings.storage.database, "telegram", database=core.services.database
        )
        adapters.append(
            TelegramAdapter(
                core, secrets.telegram_token.get_secret_value(), settings.telegram, ledger
            )
        )
    if settings.web.enabled:
        from adapters.web import WebServer

        adapters.append(WebServer(core, settings, announce=announce))
    return adapters


def announce(line: str) -> None:
    """Where a started adapter says what it serves (the web server, its address)."""
    import sys

    print(f"wattson: {line}", file=sys.stderr, flush=True)


class StopDeadline:
    """Once stopping begins, the process ends within ``seconds``, whatever it is waiting for.

    Every wait on a platform or the database is bounded, so a clean stop comes
    first; this is the guarantee behind them (``stop_seconds``), from a thread,
    since a stuck event loop could not keep a promise made in it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._timer: threading.Timer | None = None

    def start(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        sys.stderr.write(
            f"wattson: not stopped within {self.seconds:g} s (stop_seconds); exiting now\n"
        )
        sys.stderr.flush()
        os._exit(1)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


async def serve(
    adapters: list[Adapter],
    stop: asyncio.Event | None = None,
    stopping: Callable[[], None] | None = None,
) -> list[str]:
    """Start every adapter; stop them all cleanly on SIGINT/SIGTERM or when ``stop`` is set.

    ``stopping`` is called the moment stopping begins (a :class:`StopDeadline`).
    Returns what went wrong: one line per adapter that ended on its own.
    """
    failures: list[str] = []
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    tasks = [
        asyncio.create_task(adapter.start(), name=type(adapter).__name__) for adapter in adapters
    ]
    waiter = asyncio.create_task(stop.wait())
    try:
        done, _pending = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
        if stopping is not None:
            stopping()
        for task in done:
            if task is not waiter:  # an adapter ended on its own: stop them all
                error = task.exception()
                failures.append(f"{task.get_name()} stopped" + (f": {error}" if error else ""))
                log.error("%s", failures[-1])
    finally:
        for adapter in adapters:
            try:
                await adapter.stop()
            except Exception:
                log.exception("while stopping %s", type(adapter).__name__)
        for task in [*tasks, waiter]:
            task.cancel()
        await asyncio.gather(*tasks, waiter, return_exceptions=True)
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
    return failures
