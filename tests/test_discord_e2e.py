"""End to end on Discord: the real discord.py against a fake Discord on 127.0.0.1.

The fake speaks the REST API and the gateway (HELLO, IDENTIFY, READY,
GUILD_CREATE, heartbeats, zlib-stream); interactions are dispatched as Discord
would, and the tests read what the bot sent back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.settings import load_settings
from tests.fakes.discord_api import CHANNEL_ID, FakeDiscord, option, sub

pytestmark = pytest.mark.slow

MODERATOR = {"moderator": True, "user_id": "1500000000000000099", "name": "mod"}
ADD_FIELDS = (
    "id: discord-test-claim; topic: water; en: A claim added from Discord.; "
    "fr: Une affirmation ajoutée depuis Discord.; value: 2; unit: mL; "
    "url: https://example.org/discord; publisher: Example; title: Page; status: verified;"
    " date: 2025-02-03"
)


@pytest.fixture
async def discord_bot(
    tmp_path: Path, loopback_only: list[str]
) -> AsyncIterator[tuple[FakeDiscord, Core, DiscordAdapter]]:
    fake = FakeDiscord()
    await fake.start()
    settings = load_settings(
        None,
        storage={"database": tmp_path / "discord.db"},
        discord={"api_base_url": fake.base_url, "auto_channels": [int(CHANNEL_ID)]},
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000,
                "max_reply_chars": 20_000, "models_per_page": 100},
    )  # fmt: skip
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        task = asyncio.create_task(adapter.start())
        await fake.wait_ready()
        yield fake, core, adapter
        await adapter.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await fake.stop()


async def test_slash_cost_answers_with_an_embed_of_ecologits_numbers(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    [sent] = await fake.slash("cost", [option("text", "Hello there, how are you?")])
    embed = sent.data["embeds"][0]
    assert embed["title"].startswith("gpt-4o (openai)")
    assert "Energy:" in embed["description"] and "Wh" in embed["description"]
    assert embed["fields"][0]["name"] == "Sources"
    assert "](https://" in embed["fields"][0]["value"]
    assert not sent.ephemeral


async def test_the_context_menu_costs_the_chosen_message_in_french(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    [sent] = await fake.message_command("Energy cost", "Bonjour à toutes et à tous !", locale="fr")
    assert "Énergie :" in sent.text and "Wh" in sent.text
    assert ",0" in sent.text, "French decimal commas"


async def test_fact_and_check_by_slash_command(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    [shown] = await fake.slash("fact", sub("show", option("id", "gemini-water-per-prompt")))
    assert "0.26 mL" in shown.text and "https://arxiv.org/abs/2508.15734" in shown.text
    [found] = await fake.slash("fact", sub("search", option("words", "eau gouttes")))
    assert "gemini-water-per-prompt" in found.text
    [checked] = await fake.slash(
        "check", [option("text", "ChatGPT uses 500 mL of water per question")]
    )
    assert checked.text.startswith("Inconsistent")


async def test_a_moderator_adds_a_fact_and_a_member_is_refused(discord_bot: Any) -> None:
    fake, core, _adapter = discord_bot
    [refused] = await fake.slash("fact", sub("add", option("fields", ADD_FIELDS)))
    assert refused.ephemeral and "moderators" in refused.text
    assert await core.services.claims.get("discord-test-claim") is None
    [added] = await fake.slash("fact", sub("add", option("fields", ADD_FIELDS)), **MODERATOR)
    assert not added.ephemeral and "Added discord-test-claim" in added.text
    history = await core.services.claims.history("discord-test-claim")
    assert [(e.action, e.actor) for e in history] == [("add", "discord:1500000000000000099")]


async def test_a_moderator_reviews_one_proposal_with_its_diff_and_approves_it(
    discord_bot: Any,
) -> None:
    fake, core, _adapter = discord_bot
    [sent] = await fake.slash("fact", sub("propose", option("fields", "id: iea-dc-2024; value: 1")))
    assert "a change to iea-dc-2024" in sent.text
    [shown] = await fake.slash("fact", sub("review", option("number", 1)), **MODERATOR)
    assert "#1 · edit of iea-dc-2024" in shown.text and "figure 1, value: 415 → 1" in shown.text
    [approved] = await fake.slash("fact", sub("approve", option("number", 1)), **MODERATOR)
    assert "Approved: iea-dc-2024" in approved.text
    claim = await core.services.claims.get("iea-dc-2024")
    assert claim is not None and claim.figure.value == 1


async def test_mentions_and_markdown_in_user_text_reach_discord_inert(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    hostile = "@everyone @here <@1500000000000000001> **bold** `code`"
    [sent] = await fake.slash("tokens", [option("text", hostile)])
    assert sent.data["allowed_mentions"] == {"parse": []}
    assert "\\*\\*" in sent.text, "markdown is escaped, shown as typed"
    [unknown] = await fake.slash("models", [option("words", "@everyone **x**")])
    assert unknown.data["allowed_mentions"] == {"parse": []}


async def test_a_reply_longer_than_discord_allows_is_split(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    sent = await fake.slash("models", [option("words", "hf")], expect=1)
    sent = await fake.slash("models", [], expect=2)
    assert len(sent) >= 2
    for message in sent:
        for embed in message.data["embeds"]:
            assert len(embed.get("description") or "") <= 4096
            assert message.data["allowed_mentions"] == {"parse": []}


async def test_a_hostile_title_is_accepted_by_discord_once_escaped(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    [sent] = await fake.slash("models", [option("words", "*_" * 200)])
    assert fake.refused == [], "Discord accepted the title (256 or fewer, escaped)"
    assert sent.data["embeds"][0]["title"].endswith("…")


async def test_hostile_markdown_and_emoji_are_accepted_by_discord(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    [sent] = await fake.slash("tokens", [option("text", "*_~|>`😀 " * 900)])
    assert "\\*" in sent.text and fake.refused == []


async def test_a_429_is_waited_out_and_the_reply_still_arrives(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    fake.fail_next("/callback")
    [sent] = await fake.slash("how", [])
    assert "EcoLogits" in sent.text
    callbacks = [r for r in fake.requests if r.endswith("/callback")]
    assert len(callbacks) >= 2, "one refused with 429, then the retry"


async def test_model_names_are_autocompleted(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    body = await fake.autocomplete(
        "cost",
        [option("text", "hi"), {"name": "model", "type": 3, "value": "mixtral", "focused": True}],
    )
    assert body["type"] == 8
    names = [choice["value"] for choice in body["data"]["choices"]]
    assert "huggingface_hub:mistralai/Mixtral-8x7B-v0.1" in names and len(names) <= 25


async def test_commands_sync_on_demand_with_french_names(discord_bot: Any) -> None:
    fake, _core, adapter = discord_bot
    assert fake.commands == [], "nothing is synced at start"
    count = await adapter.sync_commands()
    assert count == len(fake.commands) >= 10
    cost = next(c for c in fake.commands if c["name"] == "cost")
    assert cost["name_localizations"]["fr"] == "coût"
    assert cost["description_localizations"]["fr"].startswith("énergie")
    menu = next(c for c in fake.commands if c["type"] == 3)
    assert menu["name_localizations"]["fr"] == "Coût énergétique"


async def test_no_connection_leaves_loopback(discord_bot: Any, loopback_only: list[str]) -> None:
    fake, _core, _adapter = discord_bot
    await fake.slash("help", [])
    assert set(loopback_only) <= {"127.0.0.1"}
    assert "GET /gateway" in fake.requests, "the gateway came from /gateway/bot, not discord.gg"
    assert fake.identified and fake.identified[0]["token"] == "fake-discord-token"


async def test_auto_mode_annotates_messages_in_chosen_channels_only(discord_bot: Any) -> None:
    fake, _core, adapter = discord_bot
    assert adapter.client.intents.message_content, "auto mode asks for the Message Content intent"
    await fake.user_message("Can someone summarise the IEA report for me?")
    await fake.user_message("Not in this channel", channel_id="1300000000000000002")
    for _ in range(200):
        posted = [s for s in fake.sent if s.kind.startswith("channel:")]
        if posted:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    posted = [s for s in fake.sent if s.kind.startswith("channel:")]
    assert [s.kind for s in posted] == [f"channel:{CHANNEL_ID}"]
    assert "Wh" in posted[0].data["content"]
    assert posted[0].data["allowed_mentions"]["parse"] == []
    assert str(posted[0].data["message_reference"]["channel_id"]) == CHANNEL_ID


async def test_auto_mode_is_off_without_configuration(
    tmp_path: Path, loopback_only: list[str]
) -> None:
    settings = load_settings(None, storage={"database": ":memory:"})
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "token", settings.discord)
        assert not adapter.client.intents.message_content


async def test_a_campaign_posts_its_facts_in_the_channel(discord_bot: Any) -> None:
    from datetime import timedelta

    from bot.commands.campaign import make_scheduler

    fake, core, _adapter = discord_bot
    fields = "topic: water; every: 6; tz: Europe/Paris"
    [refused] = await fake.slash("campaign", sub("start", option("fields", fields)))
    assert refused.ephemeral and "moderators" in refused.text
    [started] = await fake.slash("campaign", sub("start", option("fields", fields)), **MODERATOR)
    assert "Campaign started: #1" in started.text
    scheduler = make_scheduler(core.services)
    now = core.services.clock()
    await scheduler.tick(now + timedelta(minutes=1))
    await scheduler.tick(now + timedelta(minutes=2))
    await scheduler.tick(now + timedelta(hours=6, minutes=1))
    posted = [s for s in fake.sent if s.kind == f"channel:{CHANNEL_ID}"]
    assert len(posted) == 2
    assert all(p.data["allowed_mentions"] == {"parse": []} for p in posted)
    assert "Campaign #1, fact 1:" in posted[0].text and "fact 2:" in posted[1].text
    [listing] = await fake.slash("campaign", sub("list"))
    assert "#1 [active] water" in listing.text


async def test_compare_and_stats_send_their_charts_as_images(discord_bot: Any) -> None:
    fake, _core, _adapter = discord_bot
    [compared] = await fake.slash("compare", [option("text", "Hello there")])
    files = compared.body["_files"]
    assert list(files) == ["wattson-compare.png"]
    assert files["wattson-compare.png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert compared.data["embeds"][0]["image"]["url"] == "attachment://wattson-compare.png"
    [stats] = await fake.slash("stats", [option("period", "week")])
    assert "/cost: 1 text," in stats.text


async def test_a_slow_answer_is_deferred_then_followed_up(
    discord_bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adapters.discord.adapter as discord_adapter

    fake, core, _adapter = discord_bot
    monkeypatch.setattr(discord_adapter, "DEFER_AFTER", 0.05)
    real_handle = core.handle

    async def slow_handle(request: Any) -> Any:
        await asyncio.sleep(0.3)
        return await real_handle(request)

    monkeypatch.setattr(core, "handle", slow_handle)
    sent = await fake.slash("how", [], expect=2)
    assert sent[0].kind == "callback" and sent[0].body["type"] == 5, "deferred (thinking)"
    assert sent[1].kind == "edit" and "EcoLogits" in sent[1].text, "the answer replaces it"
