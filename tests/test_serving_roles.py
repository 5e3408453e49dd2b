"""Several processes, one bot: each says what it serves, and no two serve the same thing.

Configuration (or the environment, for process managers) chooses what a
process serves: Discord shards (``shard_count`` and this process's
``shard_ids``), Telegram, campaigns. On a shared database the choice is held
in PostgreSQL while the process lives: a second process configured for
Telegram, or for a shard another process runs, is refused at start, clearly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from adapters.runner import ServedElsewhereError, claim_roles, describe_serving
from bot.foundation.errors import ConfigError
from bot.foundation.storage import Database, open_database
from bot.settings import Secrets, Settings, load_settings

BOTH = Secrets(DISCORD_TOKEN=SecretStr("d"), TELEGRAM_TOKEN=SecretStr("t"))


def process(**sections: object) -> Settings:
    return load_settings(None, **sections)  # type: ignore[arg-type]


@pytest.fixture
async def databases(postgres_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two processes' connections to one PostgreSQL database."""
    async with open_database(postgres_url) as one, open_database(postgres_url) as two:
        yield one, two


def test_shard_ids_need_a_shard_count_and_stay_below_it() -> None:
    with pytest.raises(ConfigError, match="shard_ids needs shard_count"):
        process(discord={"shard_ids": [0]})
    with pytest.raises(ConfigError, match="not between 0 and shard_count - 1"):
        process(discord={"shard_count": 2, "shard_ids": [2]})
    assert process(discord={"shard_count": 4, "shard_ids": [3, 1]}).discord.shards == [1, 3]
    assert process(discord={"shard_count": 2}).discord.shards == [0, 1], "all of them, here"


def test_the_environment_chooses_what_a_process_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATTSON_DISCORD__SHARD_COUNT", "2")
    monkeypatch.setenv("WATTSON_DISCORD__SHARD_IDS", "[1]")
    monkeypatch.setenv("WATTSON_TELEGRAM__SERVE", "false")
    monkeypatch.setenv("WATTSON_CAMPAIGNS__POST", "false")
    settings = load_settings(None)
    assert settings.discord.shards == [1]
    monkeypatch.setenv("WATTSON_DISCORD__SHARD_COUNT", "4")
    monkeypatch.setenv("WATTSON_DISCORD__SHARD_IDS", "2-3")  # a systemd instance name
    assert load_settings(None).discord.shards == [2, 3]
    assert not settings.telegram.serve and not settings.campaigns.post


async def test_a_second_process_configured_for_telegram_is_refused_clearly(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    settings = process(discord={"shard_count": 2, "shard_ids": [0]})
    await claim_roles(first, settings, BOTH)
    other = process(discord={"shard_count": 2, "shard_ids": [1]})
    with pytest.raises(ServedElsewhereError) as refused:
        await claim_roles(second, other, BOTH)
    message = str(refused.value)
    assert "Telegram is already served by another Wattson process" in message
    assert "WATTSON_TELEGRAM__SERVE=false" in message


async def test_each_discord_shard_runs_in_one_process(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    only_discord = Secrets(DISCORD_TOKEN=SecretStr("d"))
    await claim_roles(first, process(discord={"shard_count": 4, "shard_ids": [0, 1]}), only_discord)
    await claim_roles(
        second, process(discord={"shard_count": 4, "shard_ids": [2, 3]}), only_discord
    )
    with pytest.raises(ServedElsewhereError, match=r"Discord shard\(s\) 1 already served"):
        await claim_roles(
            second, process(discord={"shard_count": 4, "shard_ids": [1]}), only_discord
        )


async def test_an_unsharded_discord_process_is_refused_beside_sharded_ones(
    databases: tuple[Database, Database],
) -> None:
    """It would run every shard, so each of shard 0's interactions would be answered twice."""
    first, second = databases
    only_discord = Secrets(DISCORD_TOKEN=SecretStr("d"))
    await claim_roles(first, process(discord={"shard_count": 2, "shard_ids": [1]}), only_discord)
    with pytest.raises(ServedElsewhereError, match="another shard layout") as refused:
        await claim_roles(second, process(), only_discord)
    assert "(unsharded)" in str(refused.value)


async def test_processes_with_different_shard_counts_are_refused(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    only_discord = Secrets(DISCORD_TOKEN=SecretStr("d"))
    await claim_roles(first, process(discord={"shard_count": 2, "shard_ids": [0]}), only_discord)
    with pytest.raises(ServedElsewhereError, match=r"another shard layout .*shard_count 4"):
        await claim_roles(
            second, process(discord={"shard_count": 4, "shard_ids": [3]}), only_discord
        )


async def test_a_sharded_process_is_refused_beside_an_unsharded_one(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    only_discord = Secrets(DISCORD_TOKEN=SecretStr("d"))
    await claim_roles(first, process(), only_discord)
    with pytest.raises(ServedElsewhereError, match="another shard layout"):
        await claim_roles(
            second, process(discord={"shard_count": 2, "shard_ids": [0]}), only_discord
        )


async def test_a_process_that_stops_hands_its_roles_to_the_next(postgres_url: str) -> None:
    settings = process()
    async with open_database(postgres_url) as first:
        await claim_roles(first, settings, BOTH)
    async with open_database(postgres_url) as successor:
        await claim_roles(successor, settings, BOTH)  # no error: the roles were free again


async def test_on_a_sqlite_file_one_process_serves_everything(tmp_path: object) -> None:
    async with open_database(":memory:") as database:
        await claim_roles(database, process(), BOTH)
        await claim_roles(database, process(), BOTH)


def test_each_process_says_what_it_serves_at_start() -> None:
    class DiscordAdapter:
        pass

    class TelegramAdapter:
        pass

    settings = process(discord={"shard_count": 2, "shard_ids": [1]})
    lines = describe_serving(
        settings, [DiscordAdapter(), TelegramAdapter()],  # type: ignore[list-item]
        "postgresql://wattson:secret@db:5432/wattson",
    )  # fmt: skip
    assert lines == [
        "database: PostgreSQL postgresql://wattson:***@db:5432/wattson",
        "Discord: shard(s) 1 of shard_count 2",
        "Telegram: updates by long polling",
        "campaigns: posting in the chats served here",
    ]
