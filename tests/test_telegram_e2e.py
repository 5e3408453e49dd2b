"""End to end on Telegram: the real python-telegram-bot against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram import TelegramAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.settings import load_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegram

pytestmark = pytest.mark.slow
ADMIN = 7
ADD = (
    "/fact add id: telegram-test-claim; topic: grid; en: A claim added from Telegram.; "
    "fr: Une affirmation ajoutée depuis Telegram.; value: 3; unit: MW; "
    "url: https://example.org/telegram; publisher: Example; title: Page; status: verified;"
    " date: 2025-03-04"
)


@pytest.fixture
async def telegram_bot(
    tmp_path: Path, loopback_only: list[str]
) -> AsyncIterator[tuple[FakeTelegram, Core, TelegramAdapter]]:
    fake = FakeTelegram(admins={ADMIN})
    await fake.start()
    settings = load_settings(
        None,
        storage={"database": tmp_path / "telegram.db"},
        telegram={"api_base_url": fake.base_url},
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000,
                "max_reply_chars": 20_000, "models_per_page": 100},
    )  # fmt: skip
    async with open_core(settings) as core:
        adapter = TelegramAdapter(core, TOKEN, settings.telegram)
        task = asyncio.create_task(adapter.start())
        await fake.wait_polling()
        yield fake, core, adapter
        await adapter.stop()
        await asyncio.wait_for(task, timeout=20)
    await fake.stop()


async def test_cost_with_text_answers_in_html(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    [sent] = await fake.send_text("/cost Hello there, how are you?")
    assert sent["parse_mode"] == "HTML"
    assert sent["text"].startswith("<b>gpt-4o (openai)")
    assert "Energy:" in sent["text"] and "reply_parameters" in sent


async def test_cost_in_reply_to_a_message_measures_that_message(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    [sent] = await fake.send_text(
        "/cost@WattsonBot", reply_to="Bonjour à toutes et à tous", language="fr"
    )
    assert "Énergie :" in sent["text"] and ",0" in sent["text"]


async def test_fact_and_check(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    [fact] = await fake.send_text("/fact gemini-water-per-prompt")
    assert "0.26 mL" in fact["text"] and "https://arxiv.org/abs/2508.15734" in fact["text"]
    [check] = await fake.send_text("/check une requête ChatGPT consomme 29 Wh", language="fr")
    assert check["text"].startswith("<b>Incohérent")


async def test_an_administrator_adds_a_fact_and_a_member_is_refused(telegram_bot: Any) -> None:
    fake, core, _adapter = telegram_bot
    [refused] = await fake.send_text(ADD, user_id=42)
    assert "moderators" in refused["text"]
    assert await core.services.claims.get("telegram-test-claim") is None
    [added] = await fake.send_text(ADD, user_id=ADMIN)
    assert "Added telegram-test-claim" in added["text"]
    history = await core.services.claims.history("telegram-test-claim")
    assert [(e.action, e.actor) for e in history] == [("add", f"telegram:{ADMIN}")]
    asked = [p for p in fake.sent("getChatMember") if int(p["user_id"]) == ADMIN]
    await fake.send_text("/fact telegram-test-claim", user_id=ADMIN)
    assert len([p for p in fake.sent("getChatMember") if int(p["user_id"]) == ADMIN]) == len(asked)


async def test_an_administrator_reviews_a_proposal_in_french_and_reads_the_refusal(
    telegram_bot: Any,
) -> None:
    fake, _core, _adapter = telegram_bot
    [sent] = await fake.send_text("/fait propose id: iea-dc-2024; valeur: 1", language="fr")
    assert "une modification de iea-dc-2024" in sent["text"]
    [shown] = await fake.send_text("/fait revue 1", user_id=ADMIN, language="fr")
    assert "modification de iea-dc-2024" in shown["text"]
    assert "chiffre 1, valeur : 415 → 1" in shown["text"]
    await fake.send_text("/fact edit iea-dc-2024 value: 420", user_id=ADMIN)
    [refused] = await fake.send_text("/fait approuve 1", user_id=ADMIN, language="fr")
    assert "Non approuvée : iea-dc-2024 a changé depuis : revoyez-la." in refused["text"]
    assert "chiffre 1, valeur : 420 → 1" in refused["text"]


async def test_private_chats_have_no_moderators(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    [refused] = await fake.send_text(ADD, user_id=ADMIN, chat_id=ADMIN)
    assert "moderators" in refused["text"]


async def test_markup_and_mentions_in_user_text_reach_telegram_inert(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    [sent] = await fake.send_text(
        '/models <b>bold</b> <a href="https://evil.example">x</a> @everyone'
    )
    text = sent["text"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in text and "&lt;a href=&quot;" in text
    assert "<a href" not in text and text.count("<b>") == 1, "only the bot's own bold title"
    [tokens] = await fake.send_text("/tokens <i>x</i> & <script>")
    assert "<i>" not in tokens["text"] and "<script>" not in tokens["text"]


async def test_a_reply_longer_than_telegram_allows_is_split(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    sent = await fake.send_text("/models", expect=2)
    assert len(sent) >= 2
    assert all(len(message["text"]) <= 4096 for message in sent)
    assert "huggingface_hub" in "".join(message["text"] for message in sent)


async def test_hostile_text_of_emoji_and_html_is_accepted_by_telegram(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    [sent] = await fake.send_text("/tokens " + "😀&<b>𝕏 " * 700)
    assert "&lt;|b|&gt;" in sent["text"]
    refused = [name for name, _params in fake.calls if name.endswith(":400")]
    assert refused == [], "Telegram accepted every piece (parsed HTML within 4,096 units)"


async def test_a_429_is_waited_out_and_the_reply_still_arrives(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    fake.fail_next("sendMessage")
    [sent] = await fake.send_text("/how", timeout=30)
    assert "EcoLogits" in sent["text"]
    assert "sendMessage:429" in [name for name, _ in fake.calls]


async def test_command_menus_are_set_per_language(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    menus = {p.get("language_code"): p["commands"] for p in fake.sent("setMyCommands")}
    assert set(menus) == {None, "fr"}
    english = {c["command"]: c["description"] for c in menus[None]}
    french = {c["command"]: c["description"] for c in menus["fr"]}
    assert "cost" in english and english["cost"].startswith("energy")
    assert french["cost"].startswith("énergie")


async def test_no_connection_leaves_loopback(telegram_bot: Any, loopback_only: list[str]) -> None:
    fake, _core, _adapter = telegram_bot
    await fake.send_text("/help")
    assert set(loopback_only) <= {"127.0.0.1"}


async def test_webhook_mode_receives_updates_pushed_by_telegram(
    tmp_path: Path, loopback_only: list[str]
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = FakeTelegram()
    await fake.start()
    settings = load_settings(
        None,
        storage={"database": ":memory:"},
        telegram={"api_base_url": fake.base_url, "webhook_url": f"http://127.0.0.1:{port}/hook",
                  "webhook_listen": "127.0.0.1", "webhook_port": port},
    )  # fmt: skip
    async with open_core(settings) as core:
        adapter = TelegramAdapter(core, TOKEN, settings.telegram)
        task = asyncio.create_task(adapter.start())
        await fake.wait_webhook()
        assert fake.webhook is not None and len(fake.webhook["secret_token"]) >= 32
        [sent] = await fake.send_text("/cost Hello by webhook")
        assert "Wh" in sent["text"]
        assert "webhook:200" in [name for name, _ in fake.calls]
        assert not fake._polled.is_set(), "no long polling in webhook mode"
        await adapter.stop()
        await asyncio.wait_for(task, timeout=20)
    await fake.stop()


async def test_a_campaign_posts_its_facts_in_the_group(telegram_bot: Any) -> None:
    from datetime import timedelta

    from bot.commands.campaign import make_scheduler

    fake, core, _adapter = telegram_bot
    [refused] = await fake.send_text("/campaign start topic: grid; daily: 09:00", user_id=42)
    assert "moderators" in refused["text"]
    [started] = await fake.send_text("/campaign start topic: grid; every: 12", user_id=ADMIN)
    assert "Campaign started: #1" in started["text"]
    before = len(fake.sent())
    scheduler = make_scheduler(core.services)
    now = core.services.clock()
    await scheduler.tick(now + timedelta(minutes=1))
    await scheduler.tick(now + timedelta(minutes=1))
    posted = fake.sent()[before:]
    assert len(posted) == 1 and int(posted[0]["chat_id"]) == -1001
    assert "Campaign #1, fact 1:" in posted[0]["text"]


async def test_compare_sends_its_chart_as_a_photo(telegram_bot: Any) -> None:
    fake, _core, _adapter = telegram_bot
    await fake.send_text("/cost compare Hello there", expect=1)
    for _ in range(100):
        if fake.sent("sendPhoto"):
            break
        await asyncio.sleep(0.05)
    [photo] = fake.sent("sendPhoto")
    assert photo["photo"]["content"].startswith(b"\x89PNG\r\n\x1a\n")
    assert "reply_parameters" in photo
