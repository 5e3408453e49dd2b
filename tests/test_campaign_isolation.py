"""Campaigns are isolated and authorised.

A campaign's failure is its own: a chat that refuses the bot never delays or
stops another campaign, and after repeated refusals its campaign is paused with
the reason in ``/campaign list``. A campaign posts only in the chat where it was
started, names only claims the base holds, and is not started twice. Two
processes on one database never post a slot twice. With a fake clock.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import open_core
from bot.campaigns.scheduler import ChatRefusedError, PollsRefusedError
from bot.commands.campaign import make_scheduler
from bot.dispatch import Core
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import load_settings

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Outbox:
    """Posts per chat; chats in ``refusing`` raise as a platform does when the bot was removed."""

    posts: list[tuple[str, Reply]] = field(default_factory=list)
    refusing: set[str] = field(default_factory=set)
    hanging: set[str] = field(default_factory=set)
    no_polls: set[str] = field(default_factory=set)

    async def __call__(self, chat_id: str, reply: Reply) -> None:
        if chat_id in self.refusing:
            raise ChatRefusedError("Forbidden: bot was kicked from the group chat")
        if chat_id in self.no_polls and reply.poll is not None:
            raise PollsRefusedError("Bad Request: polls are not allowed in this chat")
        if chat_id in self.hanging:
            await asyncio.Event().wait()  # a send that never returns
        self.posts.append((chat_id, reply))

    def chats(self) -> list[str]:
        return [chat for chat, _reply in self.posts]


def request(
    args: str, chat: str = "club", moderator: bool = True, locale: str | None = None
) -> Request:
    return Request(
        command="campaign", args=args, user=UserRef(platform="test", id="mod"),
        chat=ChatRef(platform="test", id=chat), is_moderator=moderator, locale=locale,
    )  # fmt: skip


async def started(core: Core, chat: str, args: str = "start topic: grid; every: 1") -> None:
    reply = await core.handle(request(args, chat=chat))
    assert "Campaign started" in reply.text, reply.text


def settings_for(path: Path):  # type: ignore[no-untyped-def]
    return load_settings(None, storage={"database": path},
                         limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000})  # fmt: skip


async def test_a_refusing_chat_does_not_hold_back_other_campaigns_and_is_paused_with_a_note(
    database_location: str,
) -> None:
    clock, outbox = Clock(), Outbox(refusing={"gone"})
    async with open_core(settings_for(database_location)) as core:
        object.__setattr__(core.services, "clock", clock)
        core.services.outboxes["test"] = outbox
        await started(core, "gone")
        await started(core, "club")
        scheduler = make_scheduler(core.services)
        for hour in range(1, 6):
            clock.now = START + timedelta(hours=hour, minutes=1)
            await scheduler.tick()
        facts = [chat for chat, reply in outbox.posts if reply.data is not None]
        assert facts == ["club"] * 5, "every slot of the healthy campaign went out"
        listing = (await core.handle(request("list", chat="gone"))).text
        assert "[paused]" in listing and "refuses the bot" in listing
        assert "Forbidden" not in listing, "the platform's English error stays in the log"
        listing_fr = (await core.handle(request("list", chat="gone", locale="fr"))).text
        assert "refuse les messages du bot" in listing_fr, "the note is worded for the reader"


async def test_a_chat_refusing_polls_pauses_its_quiz_campaign_at_once_with_a_note(
    database_location: str,
) -> None:
    clock, outbox = Clock(), Outbox(no_polls={"strict"})
    async with open_core(settings_for(database_location)) as core:
        object.__setattr__(core.services, "clock", clock)
        core.services.outboxes["test"] = outbox
        core.services.poll_platforms.add("test")
        await started(core, "strict", "start topic: water; every: 1; kind: quiz")
        await started(core, "club", "start topic: water; every: 1; kind: quiz")
        scheduler = make_scheduler(core.services)
        clock.now = START + timedelta(hours=1, minutes=1)
        await scheduler.tick()
        assert [chat for chat, reply in outbox.posts if reply.poll] == ["club"]
        listing = (await core.handle(request("list", chat="strict"))).text
        assert "[paused]" in listing and "refuses the bot's polls" in listing
        assert "Bad Request" not in listing
        listing_fr = (await core.handle(request("list", chat="strict", locale="fr"))).text
        assert "refuse les sondages du bot" in listing_fr
        clock.now = START + timedelta(hours=2, minutes=1)
        await scheduler.tick()
        polls = [chat for chat, reply in outbox.posts if reply.poll]
        assert polls == ["club", "club"], "a paused campaign posts nothing more"
        assert core.services.campaigns is not None
        [strict] = await core.services.campaigns.in_chat("test", "strict")
        kept = await core.services.campaigns.posts(strict.id)
        assert [post.status for post in kept] == ["missed"], "the refused slot is not kept"


async def test_a_hanging_chat_does_not_delay_other_campaigns(tmp_path: Path) -> None:
    clock, outbox = Clock(), Outbox(hanging={"slow"})
    async with open_core(settings_for(tmp_path / "c.db")) as core:
        object.__setattr__(core.services, "clock", clock)
        core.services.outboxes["test"] = outbox
        await started(core, "slow")
        await started(core, "club")
        scheduler = make_scheduler(core.services)
        clock.now = START + timedelta(hours=1, minutes=1)
        tick = asyncio.create_task(scheduler.tick())
        while "club" not in outbox.chats():
            await asyncio.sleep(0)
        tick.cancel()


async def test_a_campaign_cannot_target_another_chat(tmp_path: Path) -> None:
    async with open_core(settings_for(tmp_path / "c.db")) as core:
        refused = await core.handle(request("start topic: grid; every: 1; channel: other-group"))
        assert refused.error and "moderators of this chat" in refused.text
        assert core.services.campaigns is not None
        assert await core.services.campaigns.active() == []


async def test_a_campaign_naming_an_unknown_fact_is_refused(tmp_path: Path) -> None:
    async with open_core(settings_for(tmp_path / "c.db")) as core:
        refused = await core.handle(request("start facts: iea-dc-2024, no-such-fact; every: 2"))
        assert refused.error and "no-such-fact" in refused.text


async def test_an_identical_active_campaign_is_refused(tmp_path: Path) -> None:
    async with open_core(settings_for(tmp_path / "c.db")) as core:
        args = "start topic: water; every: 6; from: 2026-12-01"
        await started(core, "club", args)
        refused = await core.handle(request(args))
        assert refused.error and "#1" in refused.text
        await started(core, "other", args)  # the same campaign in another chat is fine


async def test_two_processes_on_one_database_post_a_slot_once(database_location: str) -> None:
    path = database_location
    clock, outbox = Clock(), Outbox()
    async with open_core(settings_for(path)) as first, open_core(settings_for(path)) as second:
        for core in (first, second):
            object.__setattr__(core.services, "clock", clock)
            core.services.outboxes["test"] = outbox
        await started(first, "club")
        clock.now = START + timedelta(hours=1, minutes=1)
        await asyncio.gather(*(make_scheduler(c.services).tick() for c in (first, second)))
    facts = [reply for _chat, reply in outbox.posts if reply.data is not None]
    assert len(facts) == 1
