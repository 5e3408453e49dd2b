"""Telegram delivery: every command answered exactly once, whatever the platform does.

The real python-telegram-bot against the fake Bot API, in this process: updates
are confirmed only once answered, chats are served side by side and each in
order, moderator status is asked only when a command needs it, a flooding chat
gets one notice, and 429s, 5xx answers, dropped connections and refusing chats
lose and duplicate nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram import TelegramAdapter
from adapters.telegram.adapter import PlatformError
from bot.app import open_core
from bot.foundation.storage.ledger import DeliveryLedger
from bot.settings import load_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegram, Faults

pytestmark = pytest.mark.slow
ADMIN = 7


@asynccontextmanager
async def serving(
    fake: FakeTelegram, database: Path, **telegram: Any
) -> AsyncIterator[TelegramAdapter]:
    """The adapter on a real SQLite file, polling ``fake`` until the block ends."""
    settings = load_settings(
        None,
        storage={"database": database},
        telegram={"api_base_url": fake.base_url, "startup_seconds": 0, **telegram},
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000},
    )
    async with open_core(settings) as core:
        ledger = DeliveryLedger(database, "telegram")
        adapter = TelegramAdapter(core, TOKEN, settings.telegram, ledger)
        task = asyncio.create_task(adapter.start())
        try:
            yield adapter
        finally:
            await adapter.stop()
            await asyncio.wait_for(task, timeout=20)


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram(admins={ADMIN})
    await telegram.start()
    yield telegram
    await telegram.stop()


def backlog(fake: FakeTelegram, count: int, chats: int) -> list[int]:
    """``count`` commands spread over ``chats`` groups; the message ids to be answered."""
    ids = []
    for n in range(count):
        fake.push(f"/tokens message {n}", chat_id=-1000 - n % chats, user_id=100 + n % chats)
        ids.append(fake._updates[-1]["message"]["message_id"])
    return ids


async def test_a_backlog_is_answered_once_each_and_confirmed_only_when_answered(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.faults = Faults(delay=0.02)
    ids = backlog(fake, 120, chats=12)
    async with serving(fake, tmp_path / "w.db", group_messages_per_minute=0):
        await until(lambda: len(fake.answers()) == len(ids))
    assert fake.confirmed_unanswered == []
    answers = fake.answers()
    assert sorted(answers) == sorted(ids) and set(answers.values()) == {1}
    assert fake.confirmed == 121, "everything answered is confirmed at the stop"


async def test_each_chat_is_answered_in_the_order_it_wrote(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    backlog(fake, 60, chats=3)
    async with serving(fake, tmp_path / "w.db", group_messages_per_minute=0):
        await until(lambda: len(fake.answers()) == 60)
    for chat in (-1000, -1001, -1002):
        order = [int(p["reply_parameters"]["message_id"]) for p in fake.sent()
                 if int(p["chat_id"]) == chat]  # fmt: skip
        assert order == sorted(order)


async def test_an_update_answered_before_a_restart_is_not_answered_again(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "w.db"
    [first] = backlog(fake, 1, chats=1)
    async with serving(fake, database):
        await until(lambda: first in fake.answers())
    fake.confirmed = 0
    fake._updates.insert(0, {"update_id": 1, "message": fake.message("/tokens again")})
    [second] = backlog(fake, 1, chats=1)  # a crash before confirming: Telegram sends 1 again
    async with serving(fake, database):
        await until(lambda: second in fake.answers())
    assert len(fake.sent()) == 2, "update 1 was answered once, before the restart"


async def test_moderator_status_is_asked_only_for_moderators_commands(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with serving(fake, tmp_path / "w.db"):
        for text in ("/cost hello", "/fact", "/fact topic water", "/campaign list", "/lang fr"):
            await fake.send_text(text, user_id=ADMIN)
        assert fake.sent("getChatMember") == []
        [answer] = await fake.send_text("/lang chat fr", user_id=ADMIN)
        assert len(fake.sent("getChatMember")) == 1 and "fran" in answer["text"]


async def test_a_flooding_group_gets_one_notice_and_a_quiet_chat_is_not_delayed(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    flood = [fake.push("/tokens spam", chat_id=-1009) for _ in range(60)]
    async with serving(fake, tmp_path / "w.db", group_messages_per_minute=20):
        fake.push("/tokens hello", chat_id=555)
        await until(lambda: any(int(p["chat_id"]) == 555 for p in fake.sent()), timeout=5)
        await until(lambda: fake.confirmed > flood[-1])
    in_group = [p for p in fake.sent() if int(p["chat_id"]) == -1009]
    notices = [p for p in in_group if "too many requests" in p["text"]]
    assert len(notices) == 1 and len(in_group) == 20, "19 answers and one notice in the minute"


@pytest.mark.parametrize(
    "faults",
    [
        Faults(rate_429=0.05, rate_5xx=0.03, rate_drop=0.03),
        Faults(rate_5xx=0.2),
        Faults(rate_drop=0.2),
        Faults(delay=0.3),
    ],
    ids=["mixed", "5xx", "dropped", "slow"],
)
async def test_faults_lose_and_duplicate_nothing(
    fake: FakeTelegram, tmp_path: Path, faults: Faults
) -> None:
    fake.faults = faults
    ids = backlog(fake, 80, chats=20)
    async with serving(fake, tmp_path / "w.db", group_messages_per_minute=0):
        await until(lambda: len(fake.answers()) == len(ids), timeout=60)
    assert fake.confirmed_unanswered == []
    answers = fake.answers()
    assert sorted(answers) == sorted(ids) and set(answers.values()) == {1}


async def test_a_chat_that_refuses_the_bot_does_not_hold_back_the_others(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.blocked_chats.add(-1000)
    ids = backlog(fake, 20, chats=2)
    async with serving(fake, tmp_path / "w.db", group_messages_per_minute=0):
        await until(lambda: len(fake.answers()) == 10)
        await until(lambda: fake.confirmed > 0 and not fake._updates[:1])
    assert all(p["chat_id"] and int(p["chat_id"]) == -1001 for p in fake.sent())
    assert len(ids) == 20


async def test_a_revoked_token_ends_the_adapter_with_a_clear_error(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.revoked = True
    settings = load_settings(
        None,
        storage={"database": tmp_path / "w.db"},
        telegram={"api_base_url": fake.base_url},
    )
    async with open_core(settings) as core:
        adapter = TelegramAdapter(core, TOKEN, settings.telegram)
        with pytest.raises(PlatformError, match="TELEGRAM_TOKEN"):
            await asyncio.wait_for(adapter.start(), timeout=20)
