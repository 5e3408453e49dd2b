"""Quizzes as native Discord polls, and their answer posted exactly once when they end.

Discord's polls have no right answer. A quiz is posted as a poll open for
``[discord] quiz_hours``, written down in the :class:`~bot.quiz.store.QuizStore`
with its message id; when it ends, :class:`PollKeeper` reads the results
(Get Message: ``is_finalized`` and ``answer_counts``, counts only), stores them
and posts the reveal (:mod:`bot.commands.quiz_reveal`) under the poll.

A poll's end is noticed three ways, so none is missed and none told twice:

- the gateway's ``MESSAGE_UPDATE`` showing the poll finalized, while connected;
- at start, every poll not revealed yet (it may have ended while the bot was down);
- every minute, the polls whose time is up (an update the gateway lost).

Whichever comes first, across processes, :meth:`QuizStore.close` lets exactly
one tell the answer. A poll whose message was deleted is closed silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import discord

from adapters.discord.render import NO_MENTIONS, render_content
from adapters.discord.sending import SAFE, describe, send
from bot.commands.quiz_reveal import poll_reveal
from bot.dispatch import Services
from bot.foundation.errors import DatabaseUnavailableError
from bot.foundation.rounds import in_rounds
from bot.messages import Poll, Reply
from bot.quiz.store import post_of

PLATFORM = "discord"
MISSING_PERMISSIONS = 50013  # Discord's 403 code: here, no SEND_POLLS in the channel
SWEEP_SECONDS = 60.0
log = logging.getLogger(__name__)
# (channel id, reply, key of its nonces, language): post a reveal in a channel
PostReveal = Callable[[str, Reply, str, str], Awaitable[None]]
ChatFilter = Callable[[str], Awaitable[bool]]


def native_poll(poll: Poll, hours: int) -> discord.Poll:
    """The quiz as discord.py's poll: its question, one answer per option, open ``hours``."""
    native = discord.Poll(question=poll.question, duration=timedelta(hours=hours))
    for option in poll.options:
        native.add_answer(text=option)
    return native


def poll_message(reply: Reply, hours: int) -> dict[str, Any]:
    """Keyword arguments of the one message carrying ``reply``'s poll.

    The poll shows the question; its heading (a campaign's "Campaign #1,
    question 2:") goes with it as the message's content.
    """
    assert reply.poll is not None
    message: dict[str, Any] = {
        "poll": native_poll(reply.poll, hours),
        "allowed_mentions": NO_MENTIONS,
    }
    if reply.poll.heading.strip():
        message["content"] = render_content(reply.poll.heading)
    return message


def refuses_polls(error: BaseException) -> bool:
    """Whether Discord refused a poll for a missing permission (403, 50013)."""
    return isinstance(error, discord.Forbidden) and error.code == MISSING_PERMISSIONS


class PollKeeper:
    """Write down the polls posted, and tell each one's answer once it has ended."""

    def __init__(
        self,
        client: discord.Client,
        services: Services,
        hours: int,
        post_reveal: PostReveal,
        serves: ChatFilter | None = None,
    ) -> None:
        self.client = client
        self.services = services
        self.hours = hours
        self.post_reveal = post_reveal
        self.serves = serves  # the channels this process serves (shards across processes)

    async def record(self, chat_id: str, message_id: int, poll: Poll) -> None:
        """Write down a poll just posted (its message id is its ``poll_ref``)."""
        store = self.services.quizzes
        if store is None:
            return
        posted = self.services.clock()
        await store.record_post(
            post_of(poll, PLATFORM, chat_id, str(message_id), posted, poll.campaign_id, poll.slot)
        )

    async def record_text(self, chat_id: str, poll: Poll) -> None:
        """Write down a quiz shown as text instead (no poll): its presses count in it.

        Its answer is told at each press, so there is nothing to reveal: it is
        closed at once and never swept.
        """
        store = self.services.quizzes
        if store is None:
            return
        now = self.services.clock()
        ref = await store.record_text(poll, PLATFORM, chat_id, now, poll.campaign_id, poll.slot)
        await store.close(PLATFORM, ref, now)

    async def answer(
        self, interaction: discord.Interaction[Any], reply: Reply, deferred: bool
    ) -> bool:
        """Answer an interaction with ``reply``'s poll; ``False`` where it cannot be one.

        Then the caller answers with the quiz as text (its options as buttons),
        written down here so that presses count: when the bot may not send polls
        in the channel (``app_permissions``, or Discord's 403), or when the
        answer was deferred (a deferred response is edited into the answer, and
        Discord edits no poll into a message).
        """
        assert reply.poll is not None
        chat_id = str(interaction.channel_id)
        if deferred or not interaction.app_permissions.send_polls:
            await self.record_text(chat_id, reply.poll)
            return False
        message = poll_message(reply, self.hours)
        try:
            response = await send(
                lambda: interaction.response.send_message(**message),
                SAFE,
                f"answering interaction {interaction.id} with a poll",
            )
        except discord.Forbidden as error:
            if not refuses_polls(error):
                raise
            await self.record_text(chat_id, reply.poll)
            return False
        message_id = response.message_id if response is not None else None
        if message_id is None:  # an earlier, uncertain attempt got through (40060)
            message_id = (await interaction.original_response()).id
        await self.record(chat_id, message_id, reply.poll)
        return True

    async def on_raw_message_edit(self, event: discord.RawMessageUpdateEvent) -> None:
        """The gateway's update of a message: a poll that has just ended is revealed."""
        poll = event.message.poll
        if poll is None or not poll.is_finalized():
            return
        try:
            await self.settle(str(event.channel_id), str(event.message_id))
        except Exception as error:  # the sweep tries again
            log.error("poll %s not revealed yet: %s", event.message_id, describe(error))

    async def sweep(self, posted_before: Any) -> None:
        """Reveal the polls posted before ``posted_before`` that have ended, not revealed yet."""
        store = self.services.quizzes
        if store is None:
            return
        for post in await store.unrevealed(PLATFORM, posted_before):
            if not post.poll_ref.isdigit():
                continue  # no message id: a quiz shown as text
            if self.serves is not None and not await self.serves(post.chat_id):
                continue  # another process runs this channel's shard
            try:
                await self.settle(post.chat_id, post.poll_ref)
            except DatabaseUnavailableError:
                raise
            except Exception as error:  # one poll's trouble never stops the others
                log.error("poll %s not revealed yet: %s", post.poll_ref, describe(error))

    async def settle(self, chat_id: str, poll_ref: str) -> bool:
        """If the poll has ended: store its counts and post its answer, once; whether it did."""
        store = self.services.quizzes
        post = await store.post(PLATFORM, poll_ref) if store is not None else None
        if store is None or post is None or post.chat_id != chat_id:
            return False  # not one of Wattson's quizzes
        channel = self.client.get_partial_messageable(int(chat_id))
        try:
            message = await send(
                lambda: channel.fetch_message(int(poll_ref)), SAFE, f"reading poll {poll_ref}"
            )
        except (discord.NotFound, discord.Forbidden) as error:
            # deleted (or the channel is gone): nothing to tell it under
            log.info("poll %s closed unrevealed: %s", poll_ref, describe(error))
            await store.close(PLATFORM, poll_ref, self.services.clock())
            return False
        native = message.poll if message is not None else None
        if native is None:  # no poll there any more: nothing to tell
            await store.close(PLATFORM, poll_ref, self.services.clock())
            return False
        if not native.is_finalized():
            return False  # still open, or its results not counted yet: a later sweep
        options = [answer.text for answer in native.answers]
        counts = [answer.vote_count for answer in native.answers]
        await store.record_counts(PLATFORM, poll_ref, counts)
        if not await store.close(PLATFORM, poll_ref, self.services.clock()):
            return False  # told already, or being told by another process
        reveal = await poll_reveal(self.services, post, options, counts)
        try:
            await self.post_reveal(chat_id, reveal, f"reveal/{poll_ref}", post.language)
        except Exception as error:  # taken, so never posted twice: this one is lost
            log.error("the answer to poll %s could not be posted: %s", poll_ref, describe(error))
            return False
        return True

    async def keep(self, stop: asyncio.Event) -> None:
        """At start, every poll not revealed; then every minute, those whose time is up."""
        swept = False  # the first sweep that got through took every poll

        async def sweep() -> None:
            nonlocal swept
            now = self.services.clock()
            await self.sweep(now if not swept else now - timedelta(hours=self.hours))
            swept = True

        await in_rounds(sweep, stop, SWEEP_SECONDS, log, "revealing ended polls")
