"""The whole loop of a report on Telegram and Discord, with the real client libraries.

/check answers with a "Wrong verdict?" button (an inline keyboard on Telegram,
a message component on Discord); nothing is written until the reader presses
it; the press is answered to the presser alone (answerCallbackQuery, an
ephemeral response) and files the report; moderators find it in /fact review
and resolve reports as right, claim and eval; the eval one joins the
``reports`` set. On both storage drivers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.settings import Settings, load_settings
from facts.check import Verdict
from facts.evaluation import REPORTS_SET, evaluate_statements
from facts.reports import ReportStore
from tests.fakes.discord_api import FakeDiscord, option, sub
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.test_reports import texts_stored

pytestmark = pytest.mark.slow

STATEMENTS = (
    "ChatGPT uses 500 mL of water per question",
    "Training GPT-3 used 1,287 MWh of electricity",
    "A Gemini text prompt uses 0.24 Wh",
)
ADMIN = 7
READER, OTHER = 42, 43
DISCORD_MODERATOR = {"moderator": True, "user_id": "1500000000000000099", "name": "mod"}
DISCORD_OTHER = {"user_id": "1500000000000000002", "name": "bob"}


def platform_settings(database: str, **platform: Any) -> Settings:
    return load_settings(
        None,
        storage={"database": database},
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000},
        **platform,
    )


def reports_of(core: Core) -> ReportStore:
    assert core.services.reports is not None
    return core.services.reports


def pass_the_offer_minutes(core: Core) -> None:
    """Move the offers' clock past ``offer_minutes``: as late a press as after a restart."""
    offers = core.services.offers
    offers.clock = lambda: time.monotonic() + offers.seconds + 1


async def assert_the_eval_report_is_scored(core: Core) -> None:
    statements = await reports_of(core).evaluation_set()
    assert [(s.text, s.verdict) for s in statements] == [(STATEMENTS[2], Verdict.consistent)]
    assert core.services.claims is not None
    scored = await evaluate_statements(core.services.claims, REPORTS_SET, statements)
    assert len(scored.outcomes) == 1


# ---- Telegram -----------------------------------------------------------------------------


@pytest.fixture
async def telegram(
    database_location: str, loopback_only: list[str]
) -> AsyncIterator[tuple[FakeTelegram, Core]]:
    fake = FakeTelegram(admins={ADMIN})
    await fake.start()
    settings = platform_settings(database_location, telegram={"api_base_url": fake.base_url})
    async with open_core(settings) as core:
        adapter = TelegramAdapter(core, TOKEN, settings.telegram)
        task = asyncio.create_task(adapter.start())
        await fake.wait_polling()
        yield fake, core
        await adapter.stop()
        await asyncio.wait_for(task, timeout=20)
    await fake.stop()


async def test_telegram_a_reader_reports_a_verdict_and_moderators_resolve_it(
    telegram: tuple[FakeTelegram, Core],
) -> None:
    fake, core = telegram
    [answer] = await fake.send_text("/check " + STATEMENTS[0], user_id=READER)
    [button] = fake.buttons(answer)
    assert button["text"] == "Wrong verdict?" and button["callback_data"].startswith(
        "check:report:"
    )
    assert "500 mL of water per question" not in await texts_stored(core), (
        "nothing before the press"
    )

    refused = await fake.press(answer, user_id=OTHER)
    assert refused["show_alert"] and refused["text"].startswith("Only the person who asked")
    sent_before = len(fake.sent())
    thanks = await fake.press(answer, user_id=READER)
    assert thanks["text"].startswith("Thank you: report #1 is with the moderators.")
    assert len(thanks["text"]) <= 200 and len(fake.sent()) == sent_before, (
        "told to the presser only"
    )
    [reason] = await fake.send_text("/check report per bottle, not per question", user_id=READER)
    assert "your reason was added to report #1" in reason["text"]

    report = await reports_of(core).get(1)
    assert report is not None
    assert (report.statement, report.verdict, report.language) == (
        STATEMENTS[0], Verdict.inconsistent, "en",
    )  # fmt: skip
    assert (report.reporter, report.chat, report.reason) == (
        f"telegram:{READER}", "telegram:-1001", "per bottle, not per question",
    )  # fmt: skip

    for statement in STATEMENTS[1:]:
        [answer] = await fake.send_text("/verifie " + statement, user_id=READER, language="fr")
        [button] = fake.buttons(answer)
        assert button["text"] == "Verdict erroné ?"
        merci = await fake.press(answer, user_id=READER, language="fr")
        assert merci["text"].startswith("Merci : signalement n°")

    [member] = await fake.send_text("/fact review", user_id=READER)
    assert "moderators" in member["text"]
    [listing] = await fake.send_text("/fact review", user_id=ADMIN)
    assert "Reports of a wrong verdict" in listing["text"]
    assert f"from telegram:{READER} in telegram:-1001" in listing["text"]
    assert "“ChatGPT uses 500 mL of water per question”" in listing["text"]

    [right] = await fake.send_text("/fact report 1 right", user_id=ADMIN)
    assert "Report #1 closed: the verdict was right." in right["text"]
    [claim] = await fake.send_text("/fait signalement 2 affirmation", user_id=ADMIN, language="fr")
    assert "Signalement n° 2 clos" in claim["text"]
    [ev] = await fake.send_text("/fact report 3 eval consistent", user_id=ADMIN)
    assert "evaluation set as consistent" in ev["text"]
    assert [r.state for r in await reports_of(core).listing(None)] == ["right", "claim", "eval"]
    await assert_the_eval_report_is_scored(core)


async def test_telegram_a_press_after_a_restart_is_refused_clearly(
    telegram: tuple[FakeTelegram, Core],
) -> None:
    fake, core = telegram
    [answer] = await fake.send_text("/check " + STATEMENTS[0], user_id=READER, language="fr")
    pass_the_offer_minutes(core)
    late = await fake.press(answer, user_id=READER, language="fr")
    assert late["text"].startswith("Ce verdict ne peut plus être signalé")
    assert await reports_of(core).count(None) == 0


# ---- Discord ------------------------------------------------------------------------------


@pytest.fixture
async def discord(
    database_location: str, loopback_only: list[str]
) -> AsyncIterator[tuple[FakeDiscord, Core]]:
    fake = FakeDiscord()
    await fake.start()
    settings = platform_settings(database_location, discord={"api_base_url": fake.base_url})
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        task = asyncio.create_task(adapter.start())
        await fake.wait_ready()
        yield fake, core
        await adapter.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await fake.stop()


def report_options(number: int, resolution: str, verdict: str | None = None) -> list[Any]:
    options = [option("number", number, kind=4), option("resolution", resolution)]
    if verdict is not None:
        options.append(option("verdict", verdict))
    return sub("report", *options)


async def test_discord_a_reader_reports_a_verdict_and_moderators_resolve_it(
    discord: tuple[FakeDiscord, Core],
) -> None:
    fake, core = discord
    [answer] = await fake.slash("check", [option("text", STATEMENTS[0])])
    [button] = answer.buttons
    assert button["label"] == "Wrong verdict?" and button["custom_id"].startswith(
        "wattson:check:report:"
    )
    assert not answer.ephemeral
    assert "500 mL of water per question" not in await texts_stored(core), (
        "nothing before the press"
    )

    [refused] = await fake.press(answer, **DISCORD_OTHER)
    assert refused.ephemeral and refused.text.startswith("Only the person who asked")
    [thanks] = await fake.press(answer)
    assert thanks.ephemeral and thanks.text.startswith(
        "Thank you: report #1 is with the moderators."
    )
    report = await reports_of(core).get(1)
    assert report is not None and report.statement == STATEMENTS[0]
    assert report.reporter == "discord:1500000000000000001" and report.platform == "discord"
    [again] = await fake.press(answer)
    assert again.ephemeral and "already reported this verdict: report #1" in again.text

    for statement in STATEMENTS[1:]:
        [answer] = await fake.slash("check", [option("text", statement)], locale="fr")
        assert answer.buttons[0]["label"] == "Verdict erroné ?"
        [merci] = await fake.press(answer, locale="fr")
        assert merci.ephemeral and merci.text.startswith("Merci : signalement n°")

    [member] = await fake.slash("fact", sub("review"))
    assert member.ephemeral and "moderators" in member.text
    [listing] = await fake.slash("fact", sub("review"), **DISCORD_MODERATOR)
    assert (
        "Reports of a wrong verdict" in listing.text
        and "discord:1500000000000000001" in listing.text
    )

    [right] = await fake.slash("fact", report_options(1, "right"), **DISCORD_MODERATOR)
    assert "Report #1 closed: the verdict was right." in right.text
    [claim] = await fake.slash("fact", report_options(2, "claim"), **DISCORD_MODERATOR)
    assert "Report #2 closed: a claim" in claim.text
    [ev] = await fake.slash("fact", report_options(3, "eval", "consistent"), **DISCORD_MODERATOR)
    assert "evaluation set as consistent" in ev.text
    assert [r.state for r in await reports_of(core).listing(None)] == ["right", "claim", "eval"]
    await assert_the_eval_report_is_scored(core)


async def test_discord_a_press_after_the_memory_expired_is_refused_to_the_presser(
    discord: tuple[FakeDiscord, Core],
) -> None:
    fake, core = discord
    [answer] = await fake.slash("check", [option("text", STATEMENTS[0])])
    pass_the_offer_minutes(core)
    [late] = await fake.press(answer)
    assert late.ephemeral and late.text.startswith("This verdict can no longer be reported")
    assert await reports_of(core).count(None) == 0
