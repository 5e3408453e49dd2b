"""Two ``wattson run`` processes on one PostgreSQL database serve one bot, as real processes.

Process A runs Discord shard 0 of 2 and polls Telegram; process B runs shard 1
and leaves Telegram to A. The fake Discord sends each server's events to the
connection of its shard, as Discord does. To tell who answered, A replies in
English and B in French to a client whose language Wattson does not have.
Each command is answered once, by the process of its shard; a claim added
through A is found through B; each campaign slot is posted once, by the
process serving its chat; and a process killed while sending a post, once
restarted, finishes it exactly once (Discord recognises the post's nonce).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.foundation.storage import open_database
from tests.fakes.discord_api import (
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    FakeDiscord,
    option,
    sub,
)
from tests.fakes.telegram_api import TOKEN, FakeTelegram

pytestmark = pytest.mark.slow
WATTSON = str(Path(sys.executable).parent / "wattson")
SHARD_0 = {"guild_id": OTHER_GUILD_ID, "channel_id": OTHER_CHANNEL_ID}  # process A
SHARD_1 = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID}  # process B
MODERATOR = {"moderator": True, "user_id": "1500000000000000099", "name": "mod"}
ADMIN = 7
CLAIM_FIELDS = (
    "id: shared-e2e-claim; topic: water; en: A claim added through one process.; "
    "fr: Une affirmation ajoutée par un processus.; value: 2; unit: mL; "
    "url: https://example.org/e2e; publisher: Example; title: Page; status: verified;"
    " date: 2025-02-03"
)


@dataclass
class Bot:
    """The fakes, the database and the two processes' configurations."""

    discord: FakeDiscord
    telegram: FakeTelegram
    database: str
    configs: dict[str, Path]
    processes: dict[str, asyncio.subprocess.Process]

    async def start(self, name: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
        env.update(DISCORD_TOKEN="fake-discord-token", TELEGRAM_TOKEN=TOKEN)
        self.processes[name] = await asyncio.create_subprocess_exec(
            WATTSON, "run", "--config", str(self.configs[name]),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip

    async def stop(self, name: str) -> str:
        """SIGTERM, and the process's start-up and error lines."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=20)
        assert process.returncode == 0, err.decode()
        return err.decode()

    async def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        await process.wait()


def config(folder: Path, name: str, database: str, discord: FakeDiscord, telegram: FakeTelegram,
           shard: int, polls_telegram: bool, language: str) -> Path:  # fmt: skip
    path = folder / f"{name}.toml"
    path.write_text(
        f'[storage]\ndatabase = "{database}"\n'
        f'[language]\ndefault = "{language}"\n'
        "[campaigns]\ntick_seconds = 1\n"
        f'[moderation]\nallow = ["telegram:{ADMIN}"]\n'
        f'[discord]\napi_base_url = "{discord.base_url}"\nshard_count = 2\nshard_ids = [{shard}]\n'
        f'[telegram]\napi_base_url = "{telegram.base_url}"\n'
        f"serve = {'true' if polls_telegram else 'false'}\n"
    )
    return path


@pytest.fixture
async def bot(tmp_path: Path, postgres_url: str) -> AsyncIterator[Bot]:
    discord = FakeDiscord(guilds=[(OTHER_GUILD_ID, OTHER_CHANNEL_ID), (GUILD_ID, CHANNEL_ID)])
    telegram = FakeTelegram()
    await discord.start()
    await telegram.start()
    configs = {
        "A": config(tmp_path, "A", postgres_url, discord, telegram, 0, True, "en"),
        "B": config(tmp_path, "B", postgres_url, discord, telegram, 1, False, "fr"),
    }
    running = Bot(discord, telegram, postgres_url, configs, {})
    try:
        await running.start("A")
        await running.start("B")
        await discord.wait_identified(2, timeout=60)
        await telegram.wait_polling(timeout=60)
        yield running
    finally:
        for name, process in running.processes.items():
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            if process.returncode not in (0, -signal.SIGKILL):
                assert process.stderr is not None
                print(f"process {name}:", (await process.stderr.read()).decode()[-3000:])
        await discord.stop()
        await telegram.stop()


async def until(condition: Any, timeout: float = 15.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def slash(discord: FakeDiscord, *args: Any, **kwargs: Any) -> list[Any]:
    """The answers to one slash command (campaign posts may arrive meanwhile: not these)."""
    sent = await discord.slash(*args, **kwargs)
    return [s for s in sent if not s.kind.startswith("channel:")]


def facts_of(posts: list[Any], campaign: int) -> list[Any]:
    return [p for p in posts if f"#{campaign}, fact" in p.text or f"#{campaign}, fait" in p.text]


async def post_statuses(database: str, campaign: int) -> list[str]:
    async with open_database(database) as opened:
        rows = await opened.fetch_all(
            "SELECT status FROM campaign_posts WHERE campaign_id = ? ORDER BY slot", (campaign,)
        )
    return [row[0] for row in rows]


async def test_each_process_answers_its_shard_shares_claims_and_posts_each_slot_once(
    bot: Bot,
) -> None:
    discord, telegram = bot.discord, bot.telegram
    cost = [option("text", "Hello everyone")]
    answers_0 = await slash(discord, "cost", cost, locale="de", **SHARD_0)
    answers_1 = await slash(discord, "cost", cost, locale="de", **SHARD_1)
    assert len(answers_0) == 1 and "Energy" in answers_0[0].text, "shard 0: process A, English"
    assert len(answers_1) == 1 and "Énergie" in answers_1[0].text, "shard 1: process B, French"
    on_telegram = await telegram.send_text("/cost Hello")
    assert len(on_telegram) == 1 and "Wh" in on_telegram[0]["text"]

    [added] = await telegram.send_text(f"/fact add {CLAIM_FIELDS}", user_id=ADMIN)
    assert "shared-e2e-claim" in added["text"], added["text"]
    [found] = await slash(
        discord, "fact", sub("show", option("id", "shared-e2e-claim")), locale="en-US", **SHARD_1
    )
    assert "A claim added through one process." in found.text, "seen at once through B"

    start = "topic: water; every: 24"
    for where in (SHARD_0, SHARD_1):
        [started] = await slash(
            discord,
            "campaign",
            sub("start", option("fields", start)),
            locale="en-US",
            **MODERATOR,
            **where,
        )
        assert "Campaign started" in started.text, started.text
    answers = await telegram.send_text(f"/campaign start {start}", user_id=ADMIN)
    # The campaign's first post may follow its confirmation within the same instant.
    [started] = [m for m in answers if "Campaign #3, fact" not in m["text"]]
    assert "Campaign started: #3" in started["text"], answers
    posts = {
        "A-discord": lambda: facts_of(discord.posts_in(OTHER_CHANNEL_ID), 1),
        "B-discord": lambda: facts_of(discord.posts_in(CHANNEL_ID), 2),
        "A-telegram": lambda: [m for m in telegram.sent() if "Campaign #3, fact 1" in m["text"]],
    }
    await until(lambda: all(len(found()) >= 1 for found in posts.values()))
    await asyncio.sleep(3)  # three more ticks in each process
    assert {name: len(found()) for name, found in posts.items()} == dict.fromkeys(posts, 1)
    for campaign in (1, 2, 3):
        assert await post_statuses(bot.database, campaign) == ["posted"]

    assert "Discord: shard(s) 0 of shard_count 2" in (log_a := await bot.stop("A"))
    assert "Telegram: updates by long polling" in log_a and "PostgreSQL" in log_a
    log_b = await bot.stop("B")
    assert "Discord: shard(s) 1 of shard_count 2" in log_b and "Telegram" not in log_b


async def test_a_process_killed_mid_post_and_restarted_finishes_the_post_exactly_once(
    bot: Bot,
) -> None:
    """The restarted process sends the interrupted post again with the same nonce: Discord
    returns the message it already made, so the post is finished, once, not reported."""
    discord = bot.discord
    [first] = await slash(
        discord, "campaign", sub("start", option("fields", "topic: water; every: 24")),
        locale="en-US", **MODERATOR, **SHARD_1,
    )  # fmt: skip
    assert "Campaign started: #1" in first.text
    await until(lambda: len(facts_of(discord.posts_in(CHANNEL_ID), 1)) == 1)

    discord.hold_posts.add(CHANNEL_ID)  # the next post in B's channel never completes
    [second] = await slash(
        discord, "campaign", sub("start", option("fields", "topic: grid; every: 24")),
        locale="en-US", **MODERATOR, **SHARD_1,
    )  # fmt: skip
    assert "Campaign started: #2" in second.text
    await until(lambda: len(facts_of(discord.posts_in(CHANNEL_ID), 2)) == 1)
    await bot.kill("B")  # SIGKILL while its post is on the wire
    await asyncio.sleep(2)
    assert len(facts_of(discord.posts_in(CHANNEL_ID), 2)) == 1, "A does not post B's chats"
    assert await post_statuses(bot.database, 2) == ["sending"]

    discord.hold_posts.discard(CHANNEL_ID)
    await bot.start("B")

    async def finished() -> bool:
        return await post_statuses(bot.database, 2) == ["posted"]

    for _ in range(300):
        if await finished():
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # a few more ticks
    channel = discord.posts_in(CHANNEL_ID)
    assert len(facts_of(channel, 1)) == 1 and len(facts_of(channel, 2)) == 1, "nothing twice"
    assert not any("may not have gone out" in p.text for p in channel), "finished, not reported"
    assert await post_statuses(bot.database, 1) == ["posted"]
    assert await post_statuses(bot.database, 2) == ["posted"]
    await bot.stop("B")
    await bot.stop("A")
