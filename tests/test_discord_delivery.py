"""Discord delivery under faults: every interaction answered once, nothing posted twice.

The real discord.py against the fake Discord with faults injected. Refusals
(429, 5xx) and connections dropped before Discord acted are retried; when a
request may have been acted on (dropped after, or answered too late), it is
resent only where Discord makes a repeat harmless: a second response to an
interaction is refused (40060), the deferred answer is an edit, channel posts
carry an enforced nonce. A follow-up message, which has no nonce, is never
resent blindly. A refused token ends the adapter with a clear error.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

import adapters.discord.adapter as discord_adapter
import adapters.discord.sending as sending
from adapters.discord import DiscordAdapter
from adapters.discord.adapter import PlatformError
from bot.app import open_core
from bot.campaigns.scheduler import ChatRefusedError
from bot.dispatch import Core
from bot.messages import Reply
from bot.settings import load_settings
from tests.fakes.discord_api import CHANNEL_ID, FakeDiscord, Faults

pytestmark = pytest.mark.slow
Bot = tuple[FakeDiscord, Core, DiscordAdapter, asyncio.Task[None]]


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without the real waits (the rules are the same)."""
    monkeypatch.setattr(sending, "FIRST_DELAY", 0.01)


@pytest.fixture
async def bot(tmp_path: Path, loopback_only: list[str]) -> AsyncIterator[Bot]:
    fake = FakeDiscord()
    await fake.start()
    settings = load_settings(
        None,
        storage={"database": tmp_path / "discord.db"},
        discord={"api_base_url": fake.base_url, "startup_seconds": 5},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000,
                "max_reply_chars": 20_000, "models_per_page": 100},
    )  # fmt: skip
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        task = asyncio.create_task(adapter.start())
        await fake.wait_ready()
        yield fake, core, adapter, task
        await adapter.stop()
        await asyncio.gather(task, return_exceptions=True)
    await fake.stop()


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def burst(fake: FakeDiscord, count: int, command: str = "how") -> list[str]:
    """``count`` members use ``command`` at once; wait until each got an answer."""
    payloads = [
        fake.interaction_payload({"id": "1", "name": command, "type": 1, "options": []},
                                 user_id=str(1500000000000000100 + n))
        for n in range(count)
    ]  # fmt: skip
    for payload in payloads:
        await fake.dispatch("INTERACTION_CREATE", payload)
    ids = [p["id"] for p in payloads]
    await until(lambda: all(i in fake.answers() for i in ids))
    await asyncio.sleep(0.2)  # anything repeated on its way
    return ids


async def test_refusals_and_connections_dropped_before_acting_lose_nothing(bot: Bot) -> None:
    fake, *_ = bot
    fake.faults = Faults(rate_429=0.1, rate_5xx=0.1, rate_drop=0.15, seed=3)
    ids = await burst(fake, 40)
    assert {fake.answers()[i] for i in ids} == {1}, "each answered exactly once"
    kinds = {fault for fault, _request in fake.injected}
    assert {"429", "5xx", "drop"} <= kinds, "every kind of fault was met"


async def test_a_response_acted_on_but_unanswered_is_not_repeated(bot: Bot) -> None:
    fake, *_ = bot
    fake.faults = Faults(rate_drop_after=0.5, paths=("/callback",), seed=5)
    ids = await burst(fake, 20)
    assert {fake.answers()[i] for i in ids} == {1}
    assert any(f == "drop_after" for f, _r in fake.injected)


async def test_a_slow_deferred_answer_is_resent_as_the_same_edit(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, core, _adapter, _task = bot
    monkeypatch.setattr(discord_adapter, "DEFER_AFTER", 0.05)
    monkeypatch.setattr(sending, "SEND_TIMEOUT", 0.3)
    real_handle = core.handle

    async def slow_handle(request: Any) -> Any:
        await asyncio.sleep(0.2)
        return await real_handle(request)

    monkeypatch.setattr(core, "handle", slow_handle)
    fake.slow_next("/messages/@original", 0.6)
    [interaction] = await burst(fake, 1)
    await asyncio.sleep(1.0)  # the late answers arrive
    edits = [s for s in fake.sent if s.kind == "edit"]
    assert len(edits) == 1 and "EcoLogits" in edits[0].text
    edit_requests = [r for r in fake.requests if r.endswith("/messages/@original")]
    assert len(edit_requests) >= 2, "resent after the timeout, as one edit"
    assert fake.answers()[interaction] == 1


async def test_a_slow_channel_post_is_resent_with_its_nonce_and_posted_once(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _core, adapter, _task = bot
    monkeypatch.setattr(sending, "SEND_TIMEOUT", 0.3)
    fake.slow_next(f"/channels/{CHANNEL_ID}/messages", 0.6)
    await adapter.post(CHANNEL_ID, Reply(text="Campaign #1, fact 1:\nA sourced fact."))
    posts = [r for r in fake.requests if r.endswith(f"/channels/{CHANNEL_ID}/messages")]
    assert len(posts) >= 2, "the uncertain post was sent again"
    assert len([s for s in fake.sent if s.kind == f"channel:{CHANNEL_ID}"]) == 1
    [sent] = [s for s in fake.sent if s.kind == f"channel:{CHANNEL_ID}"]
    assert sent.data["enforce_nonce"] is True and sent.data["nonce"]


async def test_a_follow_up_that_may_have_arrived_is_not_resent_and_logged_once(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    fake, *_ = bot
    fake.faults = Faults(rate_drop_after=1.0, paths=("/webhooks/",))
    with caplog.at_level(logging.INFO):
        payload = fake.interaction_payload({"id": "1", "name": "models", "type": 1, "options": []})
        await fake.dispatch("INTERACTION_CREATE", payload)
        await until(lambda: any("not answered" in r.getMessage() for r in caplog.records))
    followups = [r for r in fake.requests if "/webhooks/" in r]
    assert len(followups) == 1, "never resent: it may have been posted"
    given_up = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(given_up) == 1 and given_up[0].exc_info is None, "one line, no traceback"
    assert "may have reached Discord" in given_up[0].getMessage()


async def test_a_reply_given_up_after_its_retries_is_logged_once_without_traceback(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    fake, *_ = bot
    fake.faults = Faults(rate_drop=1.0, paths=("/callback",))
    with caplog.at_level(logging.INFO):
        payload = fake.interaction_payload({"id": "1", "name": "how", "type": 1, "options": []})
        await fake.dispatch("INTERACTION_CREATE", payload)
        await until(lambda: any(r.levelno >= logging.ERROR for r in caplog.records))
        await asyncio.sleep(0.2)
    callbacks = [r for r in fake.requests if r.endswith("/callback")]
    assert len(callbacks) == sending.MAX_ATTEMPTS, "bounded retries"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert "gave up after" in errors[0].getMessage()


async def test_a_failure_after_deferring_still_answers_with_the_apology(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, core, _adapter, _task = bot
    monkeypatch.setattr(discord_adapter, "DEFER_AFTER", 0.05)
    real_handle = core.handle

    async def slow_handle(request: Any) -> Any:
        await asyncio.sleep(0.2)
        return await real_handle(request)

    def broken_render(*args: Any) -> Any:
        raise RuntimeError("a bug while rendering")

    monkeypatch.setattr(core, "handle", slow_handle)
    monkeypatch.setattr(discord_adapter, "render_reply", broken_render)
    sent = await fake.slash("how", [], expect=2)
    assert sent[0].kind == "callback" and sent[0].body["type"] == 5, "deferred"
    assert sent[1].kind == "edit" and "something went wrong" in sent[1].text


async def test_nothing_is_deferred_when_the_answer_is_quick(bot: Bot) -> None:
    fake, *_ = bot
    [sent] = await fake.slash("how", [])
    assert sent.kind == "callback" and sent.body["type"] == 4, "answered, not deferred"


async def test_a_channel_that_forbids_the_bot_is_reported_as_refusing(bot: Bot) -> None:
    fake, _core, adapter, _task = bot
    fake.forbidden_channels.add("1300000000000000777")
    with pytest.raises(ChatRefusedError):
        await adapter.post("1300000000000000777", Reply(text="fact"))


async def test_a_token_revoked_while_serving_ends_the_adapter_clearly(bot: Bot) -> None:
    fake, _core, _adapter, task = bot
    await fake.revoke()
    with pytest.raises(PlatformError, match="Discord refuses the token"):
        await asyncio.wait_for(task, 10)


async def test_a_401_on_a_reply_ends_the_adapter_clearly(bot: Bot) -> None:
    fake, _core, _adapter, task = bot
    payload = fake.interaction_payload({"id": "1", "name": "how", "type": 1, "options": []})
    fake.revoked = True  # REST only; the gateway stays open
    await fake.dispatch("INTERACTION_CREATE", payload)
    with pytest.raises(PlatformError, match="DISCORD_TOKEN"):
        await asyncio.wait_for(task, 10)


async def test_an_invalid_token_at_start_is_refused_at_once(
    tmp_path: Path, loopback_only: list[str]
) -> None:
    fake = FakeDiscord(revoked=True)
    await fake.start()
    settings = load_settings(
        None, storage={"database": tmp_path / "d.db"}, discord={"api_base_url": fake.base_url}
    )
    try:
        async with open_core(settings) as core:
            adapter = DiscordAdapter(core, "bad-token", settings.discord)
            with pytest.raises(PlatformError, match="Discord refuses the token"):
                await asyncio.wait_for(adapter.start(), 10)
            await adapter.stop()
    finally:
        await fake.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_discord_unreachable_at_start_is_retried_until_it_comes_up(
    tmp_path: Path, loopback_only: list[str]
) -> None:
    port = free_port()
    fake = FakeDiscord(port=port)
    settings = load_settings(
        None,
        storage={"database": tmp_path / "d.db"},
        discord={"api_base_url": fake.base_url, "startup_seconds": 30},
    )
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        task = asyncio.create_task(adapter.start())
        await asyncio.sleep(1.0)  # a few attempts fail: nothing listens yet
        assert not task.done()
        await fake.start_on(port)
        try:
            await fake.wait_ready()
            [sent] = await fake.slash("how", [])
            assert "EcoLogits" in sent.text
        finally:
            await adapter.stop()
            await asyncio.gather(task, return_exceptions=True)
            await fake.stop()


async def test_a_gateway_lookup_failing_at_start_is_retried(
    tmp_path: Path, loopback_only: list[str]
) -> None:
    fake = FakeDiscord()
    fake.faults = Faults(rate_drop=1.0, paths=("/gateway/bot",))
    await fake.start()
    settings = load_settings(
        None,
        storage={"database": tmp_path / "d.db"},
        discord={"api_base_url": fake.base_url, "startup_seconds": 30},
    )
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        task = asyncio.create_task(adapter.start())
        try:
            await until(lambda: len(fake.injected) >= 2)
            assert not task.done(), "still trying"
            fake.faults = Faults()
            await fake.wait_ready()
            [sent] = await fake.slash("how", [])
            assert "EcoLogits" in sent.text
        finally:
            await adapter.stop()
            await asyncio.gather(task, return_exceptions=True)
            await fake.stop()


async def test_an_expired_interaction_is_logged_once_and_not_apologised_for(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    fake, *_ = bot
    payload = fake.interaction_payload({"id": "1", "name": "how", "type": 1, "options": []})
    fake.expired.add(payload["id"])
    with caplog.at_level(logging.INFO):
        await fake.dispatch("INTERACTION_CREATE", payload)
        await until(lambda: any(r.levelno >= logging.ERROR for r in caplog.records))
        await asyncio.sleep(0.2)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "no longer knows it" in errors[0].getMessage()
    assert errors[0].exc_info is None
    assert len([r for r in fake.requests if r.endswith("/callback")]) == 1, "no apology attempt"


async def test_a_deferral_proved_only_by_its_repeat_still_gets_its_answer(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, core, _adapter, _task = bot
    monkeypatch.setattr(discord_adapter, "DEFER_AFTER", 0.05)
    real_handle = core.handle

    async def slow_handle(request: Any) -> Any:
        await asyncio.sleep(0.2)
        return await real_handle(request)

    monkeypatch.setattr(core, "handle", slow_handle)
    fake.drop_after_next("/callback")  # the deferral is acted on, but its answer never leaves
    sent = await fake.slash("how", [], expect=2)
    assert [s.kind for s in sent] == ["callback", "edit"] and "EcoLogits" in sent[1].text


async def test_a_failure_after_the_first_message_apologises_without_replacing_it(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.discord.render import render_reply

    fake, *_ = bot

    def two_messages_the_second_refused(*args: Any) -> Any:
        first, *_rest = render_reply(*args)
        return [first, {"content": "x" * 2001}]  # over Discord's 2,000: refused (400)

    monkeypatch.setattr(discord_adapter, "render_reply", two_messages_the_second_refused)
    sent = await fake.slash("how", [], expect=2)
    assert sent[0].kind == "callback" and "EcoLogits" in sent[0].text, "the answer stays"
    assert sent[1].kind == "followup" and sent[1].ephemeral
    assert "something went wrong" in sent[1].text
    assert not any(s.kind == "edit" for s in fake.sent)
