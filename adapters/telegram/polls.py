"""Quizzes as native Telegram quiz polls, and their answers counted: counts only, never who.

Sending (:meth:`QuizPolls.send`): ``sendPoll`` with ``type=quiz``, anonymous, the
right option (``correct_option_ids``: Bot API 9.6 replaced ``correct_option_id``
with it, and python-telegram-bot 22.8 sends the old name as the new one) and the
explanation Telegram shows once someone answers (at most 200 characters; it
ends with where the rest is: the claim's page, or ``/fact ID``). The rest, the
statement with its figure, its source and page (:attr:`~bot.messages.Poll.details`),
follows at once in a message replying to the poll, under a spoiler: read
before answering it would give the answer away.

Recording: once Telegram has the poll, the post is written down in
:class:`~bot.quiz.store.QuizStore` with the poll's id as ``poll_ref``. A campaign
slot reaches :meth:`send` only once across processes (the scheduler claims the
slot first, as for facts), and a poll id is recorded at most once.

Counting (:meth:`QuizPolls.count`): Telegram sends a ``poll`` update with every
option's total whenever a poll the bot sent changes; the totals are merged
(:meth:`~bot.quiz.store.QuizStore.record_counts`, the larger count kept), so an
update delivered twice, late or again after a restart changes nothing. A
``poll_answer`` names its voter and comes only for polls that are not
anonymous, never for Wattson's; one that comes anyway adds one to each option
chosen, and the voter is not kept. An update for a poll not recorded (another
bot's, or one whose recording failed) is dropped: the next ``poll`` update of
a recorded poll carries its totals.

Refusal: a group whose members may not send polls answers ``400 Bad Request:
not enough rights to send polls to the chat`` (some chats: ``polls can't be
sent to …``); that is :class:`PollRefusedError`, which the adapter turns into
the text quiz for ``/quiz`` and into
:class:`~bot.campaigns.scheduler.PollsRefusedError` (the campaign pauses) for a
campaign slot.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Bot, Message, ReplyParameters, Update
from telegram.constants import ParseMode, PollType
from telegram.error import BadRequest, Forbidden, TelegramError

from adapters.text import truncate
from bot.foundation.i18n import _, use_language
from bot.messages import Poll
from bot.quiz.store import QuizStore, post_of

PLATFORM = "telegram"
DETAILS_LIMIT = 4096  # a message's text, once its HTML is parsed
# What Telegram answers, in part, when a chat does not take polls from the bot.
POLL_REFUSALS = ("rights to send polls", "polls can't be sent", "polls are not allowed")
log = logging.getLogger(__name__)


class PollRefusedError(Exception):
    """The chat takes the bot's messages but not its polls."""


def is_poll_refusal(error: TelegramError) -> bool:
    """Whether Telegram refused a poll because of the chat (not because of the poll itself)."""
    text = str(error).casefold()
    return isinstance(error, BadRequest | Forbidden) and any(p in text for p in POLL_REFUSALS)


def render_details(poll: Poll) -> str:
    """The follow-up of a quiz poll: a line saying what it is, the details under a spoiler."""
    with use_language(poll.language):
        head = _("Answer and source (tap to show):")
    room = DETAILS_LIMIT - len(head) - 1
    return f"<b>{html.escape(head)}</b>\n<tg-spoiler>{truncate(poll.details, room, html.escape)}</tg-spoiler>"


class QuizPolls:
    """Send quizzes as native polls and count their answers, in the quiz store."""

    def __init__(self, bot: Bot, store: QuizStore | None, clock: Callable[[], datetime]) -> None:
        self.bot = bot
        self.store = store
        self.clock = clock

    async def send(self, chat_id: int, poll: Poll, reply_to: int | None = None) -> Message:
        """Post ``poll`` as a quiz, record it, then its details; :class:`PollRefusedError` if refused.

        Errors of the poll itself propagate; a failure of the details message is
        logged only: the quiz is out and recorded, its explanation says where the rest is.
        """
        right: Any = poll.right  # PTB types it as a literal 0…11; the Poll model keeps it in range
        try:
            message = await self.bot.send_poll(
                chat_id,
                poll.question,
                list(poll.options),
                is_anonymous=True,
                type=PollType.QUIZ,
                correct_option_ids=[right],
                explanation=poll.explanation or None,
                reply_parameters=_replying(reply_to),
            )
        except (BadRequest, Forbidden) as error:
            if is_poll_refusal(error):
                raise PollRefusedError(str(error)) from None
            raise
        if message.poll is not None and self.store is not None:
            post = post_of(poll, PLATFORM, str(chat_id), message.poll.id, self.clock(),
                           poll.campaign_id, poll.slot)  # fmt: skip
            await self.store.record_post(post)
        if poll.details:
            try:
                await self.bot.send_message(
                    chat_id,
                    render_details(poll),
                    parse_mode=ParseMode.HTML,
                    disable_web_page_preview=True,
                    reply_parameters=_replying(message.message_id),
                )
            except TelegramError as error:
                log.warning("quiz poll %s posted in chat %s without its details: %s",
                            message.poll.id if message.poll else "?", chat_id, error)  # fmt: skip
        return message

    async def record_text(self, chat_id: str, poll: Poll) -> None:
        """Write down a quiz shown as text in a chat refusing polls: a press counts in it."""
        if self.store is not None:
            await self.store.record_text(
                poll, PLATFORM, chat_id, self.clock(), poll.campaign_id, poll.slot
            )

    async def count(self, update: Update) -> bool:
        """Count a ``poll`` or ``poll_answer`` update; ``False`` if it was none, or not ours."""
        store = self.store
        if store is None:
            return False
        if update.poll is not None:
            totals = [option.voter_count for option in update.poll.options]
            counted = await store.record_counts(PLATFORM, update.poll.id, totals)
        elif update.poll_answer is not None:
            answer = update.poll_answer  # names its voter: only the options are read
            counted = False
            for option in answer.option_ids:  # empty: a vote retracted (not in quiz mode)
                counted = await store.add_answer(PLATFORM, answer.poll_id, option) or counted
        else:
            return False
        if not counted:
            log.debug("update %d is about a poll not recorded; dropped", update.update_id)
        return counted


def _replying(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)
