"""Shared fixtures: the real core behind the console adapter, on a throwaway store.

``wattson`` is the console adapter on an in-memory SQLite store with default
settings, like errbot's ``testbot``: ``await wattson.send("/cost hello")``
returns the reply texts.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.database import Database
from bot.dispatch import Core
from bot.settings import Settings, load_settings
from facts.store import ClaimStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's tokens, config file or overrides."""
    for name in list(os.environ):
        if name.startswith("WATTSON_") or name in {"DISCORD_TOKEN", "TELEGRAM_TOKEN"}:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings() -> Settings:
    return load_settings(
        None,
        storage={"database": ":memory:"},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
    )


@pytest.fixture
async def core(settings: Settings) -> AsyncIterator[Core]:
    async with open_core(settings) as opened:
        yield opened


@pytest.fixture
async def wattson(core: Core) -> ConsoleAdapter:
    return ConsoleAdapter(core)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def claim_base() -> AsyncIterator[ClaimStore]:
    """The shipped claim base in memory, shared by a module's read-only tests."""
    async with Database(":memory:") as database:
        claims = ClaimStore(database)
        await claims.setup()
        yield claims


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail any name lookup that is not loopback, and list the hosts looked up.

    Every TCP connection aiohttp (discord.py) and httpx (python-telegram-bot) open
    starts with ``socket.getaddrinfo``, so this proves no connection leaves
    127.0.0.1 — a public gateway or API host would be refused and recorded.
    """
    import socket

    hosts: list[str] = []
    real = socket.getaddrinfo

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        hosts.append(name)
        if name not in LOOPBACK:
            raise OSError(f"test refused a connection to {name}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return hosts
