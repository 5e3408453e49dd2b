"""NUL bytes and lone surrogates, through every adapter, on both databases: one clear behaviour.

PostgreSQL refuses a NUL in text; a lone surrogate (``\\ud800``, which JSON can
carry from Telegram or Discord) cannot be encoded at all. A request's lone
surrogates become U+FFFD where it enters, and no NUL reaches a database (claims
drop it, and both drivers drop it from every value they write). Searching,
showing, adding, retracting and starting a campaign with such text gets the
same answer on SQLite and on PostgreSQL — never the generic apology — and what
is stored holds neither.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.settings import load_settings
from tests.fakes.discord_api import FakeDiscord, option, sub
from tests.fakes.telegram_api import TOKEN, FakeTelegram

SORRY = "something went wrong"
ADMIN = 7
# (platform, text, as a moderator) -> the reply texts
Send = Callable[[str, bool], Awaitable[list[str]]]
FIELDS = (
    "id: nul-claim; topic: water; en: A claim\x00 with a NUL.; fr: Une affirmation avec\x00 NUL.;"
    " value: 2; unit: mL; url: https://example.org/nul; publisher: Exa\x00mple;"
    " title: Page; status: verified; date: 2025-02-03"
)


def limits() -> dict[str, int]:
    return {"per_user_per_minute": 1000, "per_chat_per_minute": 1000, "max_reply_chars": 20_000}


@pytest.fixture
async def core(database_location: str) -> AsyncIterator[Core]:
    settings = load_settings(
        None, storage={"database": database_location},
        moderation={"allow": [f"telegram:{ADMIN}"]}, limits=limits(),
    )  # fmt: skip
    async with open_core(settings) as opened:
        yield opened


@pytest.fixture
async def console(core: Core) -> Send:
    adapter = ConsoleAdapter(core)  # the console's own user moderates

    async def send(text: str, moderator: bool) -> list[str]:
        return await adapter.send(text)

    return send


@pytest.fixture
async def telegram(core: Core, loopback_only: list[str]) -> AsyncIterator[Send]:
    from adapters.telegram import TelegramAdapter

    fake = FakeTelegram(admins={ADMIN})
    await fake.start()
    settings = core.services.settings.telegram.model_copy(update={"api_base_url": fake.base_url})
    adapter = TelegramAdapter(core, TOKEN, settings)
    task = asyncio.create_task(adapter.start())
    await fake.wait_polling()

    async def send(text: str, moderator: bool) -> list[str]:
        sent = await fake.send_text(text, user_id=ADMIN if moderator else 42)
        return [message["text"] for message in sent]

    yield send
    await adapter.stop()
    await asyncio.wait_for(task, timeout=20)
    await fake.stop()


@pytest.fixture
async def discord(core: Core, loopback_only: list[str]) -> AsyncIterator[Send]:
    from adapters.discord import DiscordAdapter

    fake = FakeDiscord()
    await fake.start()
    settings = core.services.settings.discord.model_copy(update={"api_base_url": fake.base_url})
    adapter = DiscordAdapter(core, "fake-discord-token", settings)
    task = asyncio.create_task(adapter.start())
    await fake.wait_ready()

    async def send(text: str, moderator: bool) -> list[str]:
        command, _, rest = text.removeprefix("/").partition(" ")
        word, _, args = rest.partition(" ")
        who = {"moderator": True, "user_id": "1500000000000000099"} if moderator else {}
        if command == "fact" and word == "search":
            sent = await fake.slash("fact", sub("search", option("words", args)), **who)
        elif command == "fact" and word in ("add", "retract"):
            name = "fields" if word == "add" else "id"
            value = args if word == "add" else args.split(" ", 1)[0]
            options = [option(name, value)]
            if word == "retract":
                options.append(option("reason", args.split(" ", 1)[1]))
            sent = await fake.slash("fact", sub(word, *options), **who)
        elif command == "fact":
            sent = await fake.slash("fact", sub("show", option("id", rest)), **who)
        elif command == "campaign":
            sent = await fake.slash("campaign", sub("start", option("fields", args)), **who)
        else:
            sent = await fake.slash(command, [option("text", rest)], **who)
        return [message.text for message in sent]

    yield send
    await adapter.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await fake.stop()


async def hostile_session(send: Send, core: Core) -> None:
    """The same hostile commands on any adapter; every answer clear, nothing stored dirty."""
    [found] = await send("/fact search wa\x00ter \ud800 gemini", False)
    assert SORRY not in found and "\ud800" not in found
    [shown] = await send("/fact \ud800bad", False)
    assert SORRY not in shown and "\ufffd" in shown, shown
    [checked] = await send("/check ChatGPT\x00 uses 500 mL of water per question \ud800", False)
    assert SORRY not in checked

    [added] = await send(f"/fact add {FIELDS}", True)
    assert "nul-claim" in added and SORRY not in added, added
    assert core.services.claims is not None
    stored = await core.services.claims.get("nul-claim")
    assert stored is not None
    assert stored.statement.en == "A claim with a NUL." and stored.sources[0].publisher == "Example"

    [retracted] = await send("/fact retract nul-claim because\x00 of \ud800 a test", True)
    assert SORRY not in retracted and "nul-claim" in retracted, retracted
    history = await core.services.claims.history("nul-claim")
    assert history[-1].reason is not None and "\x00" not in history[-1].reason

    [campaign] = await send("/campaign start topic: water; every: 24; tz: Europe/Pa\x00ris", True)
    assert SORRY not in campaign, campaign


async def test_the_console_answers_hostile_text_clearly(console: Send, core: Core) -> None:
    await hostile_session(console, core)


@pytest.mark.slow
async def test_telegram_answers_hostile_text_clearly(telegram: Send, core: Core) -> None:
    await hostile_session(telegram, core)


@pytest.mark.slow
async def test_discord_answers_hostile_text_clearly(discord: Send, core: Core) -> None:
    await hostile_session(discord, core)


def test_a_tokens_count_still_shows_a_nul_it_measured() -> None:
    """NUL is only dropped where text is stored: a text that is measured keeps it."""
    from bot.messages import ChatRef, Request, UserRef

    request = Request(command="tokens", args="a\x00b\ud800", user=UserRef(platform="t", id="1"),
                      chat=ChatRef(platform="t", id="1"))  # fmt: skip
    assert request.args == "a\x00b\ufffd"


def test_the_drivers_drop_nul_from_every_value_alike(tmp_path: Path) -> None:
    from bot.foundation.storage.base import storable_params

    assert storable_params(["a\x00b", 1, None]) == ["ab", 1, None]
    clean = ("x", 2)
    assert storable_params(clean) is clean, "no copy when nothing is to drop"
