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

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.settings import Settings, load_settings

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
