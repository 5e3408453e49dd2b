"""``wattson run`` with both tokens serves Discord and Telegram from one process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import TOKEN, FakeTelegram

pytestmark = pytest.mark.slow
WATTSON = str(Path(sys.executable).parent / "wattson")


async def test_one_process_serves_both_platforms_and_stops_on_sigterm(tmp_path: Path) -> None:
    discord, telegram = FakeDiscord(), FakeTelegram()
    await discord.start()
    await telegram.start()
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "run.db"}"\n'
        f'[discord]\napi_base_url = "{discord.base_url}"\n'
        f'[telegram]\napi_base_url = "{telegram.base_url}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env.update(DISCORD_TOKEN="fake-discord-token", TELEGRAM_TOKEN=TOKEN)
    process = await asyncio.create_subprocess_exec(
        WATTSON, "run", "--config", str(config),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await discord.wait_ready(timeout=60)
        await telegram.wait_polling(timeout=60)
        [on_discord] = await discord.slash("cost", [{"name": "text", "type": 3, "value": "Hello"}])
        [on_telegram] = await telegram.send_text("/cost Hello")
        assert "Wh" in on_discord.text and "Wh" in on_telegram["text"]
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=30)
        _stdout, stderr = await process.communicate()
        assert code == 0, stderr.decode()
        assert "serving DiscordAdapter, TelegramAdapter" in stderr.decode()
        assert "Traceback" not in stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await discord.stop()
        await telegram.stop()


async def test_discord_sync_registers_the_commands_on_demand(tmp_path: Path) -> None:
    discord = FakeDiscord()
    await discord.start()
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "sync.db"}"\n'
        f'[discord]\napi_base_url = "{discord.base_url}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env["DISCORD_TOKEN"] = "fake-discord-token"
    try:
        process = await asyncio.create_subprocess_exec(
            WATTSON, "discord", "sync", "--config", str(config),
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, stderr.decode()
        assert f"synced {len(discord.commands)} commands" in stdout.decode()
        assert {c["name"] for c in discord.commands} >= {"cost", "fact", "check", "Energy cost"}
        assert "GET /gateway" not in discord.requests, "syncing needs no gateway connection"
    finally:
        await discord.stop()
