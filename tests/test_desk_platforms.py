"""A sign-in link reaches its moderator alone, on each platform's own terms.

Asked in a Telegram group, ``/fact desk`` is answered in a private message to
the moderator (the group reads only that it was sent privately); on Discord
the answer is ephemeral. The real client libraries talk to the fake servers
of ``tests/fakes`` on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.app import open_core
from bot.settings import load_settings
from tests.fakes.discord_api import FakeDiscord, sub
from tests.fakes.telegram_api import TOKEN, FakeTelegram

pytestmark = pytest.mark.slow
PUBLIC_URL = "https://wattson.example.org"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/desk/login/[A-Za-z0-9_-]{43}")
ADMIN = 7
LIMITS = {"per_user_per_minute": 1000, "per_chat_per_minute": 1000}


@pytest.fixture
async def telegram_bot(tmp_path: Path, loopback_only: list[str]) -> AsyncIterator[Any]:
    fake = FakeTelegram(admins={ADMIN})
    await fake.start()
    settings = load_settings(
        None, storage={"database": tmp_path / "t.db"}, limits=LIMITS,
        telegram={"api_base_url": fake.base_url}, web={"public_url": PUBLIC_URL},
    )  # fmt: skip
    async with open_core(settings) as core:
        adapter = TelegramAdapter(core, TOKEN, settings.telegram)
        task = asyncio.create_task(adapter.start())
        await fake.wait_polling()
        yield fake, core
        await adapter.stop()
        await asyncio.wait_for(task, timeout=20)
    await fake.stop()


@pytest.fixture
async def discord_bot(tmp_path: Path, loopback_only: list[str]) -> AsyncIterator[Any]:
    fake = FakeDiscord()
    await fake.start()
    settings = load_settings(
        None, storage={"database": tmp_path / "d.db"}, limits=LIMITS,
        discord={"api_base_url": fake.base_url}, web={"public_url": PUBLIC_URL},
    )  # fmt: skip
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        task = asyncio.create_task(adapter.start())
        await fake.wait_ready()
        yield fake, core
        await adapter.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await fake.stop()


async def test_on_telegram_the_link_goes_to_the_moderator_in_a_private_message(
    telegram_bot: Any,
) -> None:
    fake, core = telegram_bot
    private, notice = await fake.send_text("/fait bureau", expect=2, user_id=ADMIN, language="fr")
    assert int(private["chat_id"]) == ADMIN and LINK.search(private["text"])
    assert int(notice["chat_id"]) == -1001 and not LINK.search(notice["text"])
    assert notice["text"] == "<b>Je vous ai envoyé la réponse en message privé.</b>"
    [row] = await core.services.database.fetch_all("SELECT actor, chats FROM desk_links")
    assert (row["actor"], row["chats"]) == (f"telegram:{ADMIN}", '["telegram:-1001"]')


async def test_on_telegram_a_member_is_refused_in_the_group(telegram_bot: Any) -> None:
    fake, _core = telegram_bot
    [refused] = await fake.send_text("/fact desk", user_id=42)
    assert int(refused["chat_id"]) == -1001 and "moderators" in refused["text"]
    assert not LINK.search(refused["text"])


async def test_on_discord_the_link_is_an_ephemeral_answer(discord_bot: Any) -> None:
    fake, _core = discord_bot
    moderator = {"moderator": True, "user_id": "1500000000000000099", "name": "mod"}
    [sent] = await fake.slash("fact", sub("desk"), **moderator)
    assert sent.ephemeral and LINK.search(sent.text)
    [refused] = await fake.slash("fact", sub("desk"))
    assert refused.ephemeral and not LINK.search(refused.text)


async def test_on_telegram_a_moderator_the_bot_cannot_write_to_is_told_in_the_group(
    telegram_bot: Any,
) -> None:
    fake, _core = telegram_bot
    fake.blocked_chats.add(ADMIN)  # they never started a conversation with the bot
    [notice] = await fake.send_text("/fact desk", user_id=ADMIN)
    assert int(notice["chat_id"]) == -1001 and not LINK.search(notice["text"])
    assert "cannot write to you privately yet" in notice["text"]
