"""Run every configured adapter in one event loop until SIGINT or SIGTERM.

Adapters are started for the platforms whose token is in the environment; each
is imported only then, so a missing platform library fails clearly here, never
at import time of the core.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Protocol

from bot.dispatch import Core
from bot.settings import Secrets, Settings

log = logging.getLogger(__name__)


class Adapter(Protocol):
    """What the runner needs: ``start`` serves until ``stop`` is called."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_adapters(core: Core, settings: Settings, secrets: Secrets) -> list[Adapter]:
    """One adapter per platform whose token is set."""
    adapters: list[Adapter] = []
    if secrets.discord_token is not None:
        from adapters.discord import DiscordAdapter

        adapters.append(
            DiscordAdapter(core, secrets.discord_token.get_secret_value(), settings.discord)
        )
    if secrets.telegram_token is not None:
        from adapters.ledger import DeliveryLedger
        from adapters.telegram import TelegramAdapter

        ledger = DeliveryLedger(settings.storage.database, "telegram")
        adapters.append(
            TelegramAdapter(
                core, secrets.telegram_token.get_secret_value(), settings.telegram, ledger
            )
        )
    return adapters


async def serve(adapters: list[Adapter], stop: asyncio.Event | None = None) -> list[str]:
    """Start every adapter; stop them all cleanly on SIGINT/SIGTERM or when ``stop`` is set.

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
