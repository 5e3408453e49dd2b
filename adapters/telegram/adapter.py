"""Telegram updates in, core requests out; core replies back as HTML messages.

``/cost`` works as a reply to someone's message (the adapter passes the replied-to
text), which also works in groups where the bot's privacy mode is on: commands
addressed to the bot always reach it. Moderators are the chat's administrators
(asked of Telegram only for the commands that need it, cached briefly) or the
configured allow-list.

Delivery: updates are fetched by :class:`~adapters.telegram.polling.UpdatePoller`
(or received by :class:`~adapters.telegram.webhook.WebhookReceiver`), answered in
their chat's lane (chats concurrently, each in order) and confirmed to Telegram
only once answered, so a crash or a stop loses nothing. Sends wait for
Telegram's caps and retry what can be retried
(:class:`~adapters.telegram.sending.PatientLimiter`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import BotCommand, BotCommandScopeDefault, CallbackQuery, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
)
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from adapters.budget import Admission, ChatBudget
from adapters.lanes import ChatLanes
from adapters.moderation import needs_moderator
from adapters.telegram.polling import POLL_TIMEOUT, UpdatePoller
from adapters.telegram.polls import PollRefusedError, QuizPolls
from adapters.telegram.render import render_actions, render_caption, render_notice, render_reply
from adapters.telegram.sending import PatientLimiter, backoff
from adapters.telegram.webhook import WebhookReceiver
from bot.campaigns.scheduler import ChatRefusedError, PollsRefusedError
from bot.dispatch import Core
from bot.foundation.errors import DatabaseUnavailableError, RateLimitedError
from bot.foundation.i18n import SUPPORTED_LANGUAGES, _, translations, use_language
from bot.foundation.metrics import SENDS_GIVEN_UP, UPDATES_DROPPED
from bot.foundation.storage.ledger import DeliveryLedger
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import TelegramSettings

PLATFORM = "telegram"
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
CONNECTIONS = 64
log = logging.getLogger(__name__)


class PlatformError(RuntimeError):
    """The platform refuses to serve the bot (bad token, another instance running)."""


class TelegramAdapter:
    """One Telegram bot serving the core."""

    def __init__(
        self,
        core: Core,
        token: str,
        settings: TelegramSettings,
        ledger: DeliveryLedger | None = None,
    ) -> None:
        self.core = core
        self.settings = settings
        self.ledger = ledger
        base_url = str(settings.api_base_url) if settings.api_base_url else None
        self.bot: ExtBot[int] = ExtBot(
            token,
            base_url=base_url or "https://api.telegram.org/bot",
            request=HTTPXRequest(connection_pool_size=CONNECTIONS, pool_timeout=30.0),
            get_updates_request=HTTPXRequest(read_timeout=POLL_TIMEOUT + 10),
            rate_limiter=PatientLimiter(
                overall_per_second=settings.messages_per_second,
                group_per_minute=settings.group_messages_per_minute,
            ),
        )
        limits = core.services.settings.limits
        group_budget = limits.per_chat_per_minute
        if settings.group_messages_per_minute:  # one message of the cap is kept for the notice
            group_budget = min(group_budget, max(1, int(settings.group_messages_per_minute) - 1))
        self._group_budget = ChatBudget(group_budget)
        self._private_budget = ChatBudget(limits.per_user_per_minute)
        self.lanes = ChatLanes()
        self.poller = UpdatePoller(self.bot, self.lanes.submit, self.answer, ledger)
        self._admins: dict[tuple[int, int], tuple[float, bool]] = {}
        self._stop = asyncio.Event()
        self._stopped = asyncio.Event()
        self.polls = QuizPolls(self.bot, core.services.quizzes, lambda: core.services.clock())
        core.services.outboxes[PLATFORM] = self.post
        core.services.poll_platforms.add(PLATFORM)  # quizzes go out as native polls

    # ---- translation -------------------------------------------------------------

    def parse(self, update: Update) -> Request | None:
        """A core request from a command message (moderator status not yet known)."""
        message = update.effective_message
        user = update.effective_user
        chat = update.effective_chat
        if message is None or user is None or chat is None or not message.text:
            return None
        replied = message.reply_to_message
        return Request.from_text(
            message.text,
            user=UserRef(platform=PLATFORM, id=str(user.id)),
            chat=ChatRef(platform=PLATFORM, id=str(chat.id)),
            locale=user.language_code,
            reply_to_text=(replied.text or replied.caption) if replied else None,
        )

    def press_request(self, query: CallbackQuery) -> Request | None:
        """A core request from a press of a button under the bot's answer (``None``: no data)."""
        if not query.data:
            return None
        person = query.from_user
        chat_id = query.message.chat.id if query.message is not None else person.id
        return Request.pressing(
            query.data,
            user=UserRef(platform=PLATFORM, id=str(person.id)),
            chat=ChatRef(platform=PLATFORM, id=str(chat_id)),
            locale=person.language_code,
        )

    async def to_request(self, update: Update) -> Request | None:
        """A core request from a command message; ``None`` if the update is not one."""
        request = self.parse(update)
        chat, user = update.effective_chat, update.effective_user
        if request is None or chat is None or user is None:
            return request
        if needs_moderator(request, self.core.commands):
            admin = await self.is_admin(chat.id, chat.type, user.id)
            request = request.model_copy(update={"is_moderator": admin})
        return request

    async def is_admin(self, chat_id: int, chat_type: str, user_id: int) -> bool:
        """Whether the user administers this group (asked of Telegram, cached)."""
        if chat_type == ChatType.PRIVATE:
            return False
        key = (chat_id, user_id)
        cached = self._admins.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.settings.admin_cache_seconds:
            return cached[1]
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except (InvalidToken, Conflict):
            raise
        except TelegramError as error:
            log.warning("cannot ask Telegram who moderates chat %s: %s", chat_id, error)
            return False
        admin = member.status in ADMIN_STATUSES
        self._admins[key] = (now, admin)
        return admin

    # ---- answering ---------------------------------------------------------------

    async def answer(self, update: Update) -> None:
        """Answer one update in its chat, or drop it on purpose; raise only if the bot is refused.

        A reply that cannot be delivered after the retries is logged once, without
        a traceback, and counts as finished: sending it again later could not
        succeed any better and would hold back every later update.
        """
        if update.callback_query is not None:
            await self.press(update)
            return
        if update.poll is not None or update.poll_answer is not None:
            await self.count(update)
            return
        request = self.parse(update)
        message, chat = update.effective_message, update.effective_chat
        if request is None or message is None or chat is None:
            return
        private = chat.type == ChatType.PRIVATE
        budget = self._private_budget if private else self._group_budget
        key = str(chat.id)
        try:
            admission = budget.admit(key)
            if admission is not Admission.ANSWER:
                UPDATES_DROPPED.labels(PLATFORM).inc()
            if admission is Admission.DROP:
                return
            if admission is Admission.NOTICE:
                with use_language(await self.core.language_for(request)):
                    notice = RateLimitedError(budget.retry_after(key)).localized()
                await self.deliver(message, Reply(text=notice, error=True))
                return
            full = await self.to_request(update)
            assert full is not None
            reply = await self.core.handle(full)
            if reply.private and not private:
                await self.deliver_privately(message, full, reply)
            else:
                await self.deliver(message, reply)
        except (InvalidToken, Conflict):
            raise
        except Forbidden as error:
            log.warning("chat %s refuses the bot's messages (%s); update %d dropped",
                        chat.id, error, update.update_id)  # fmt: skip
        except TelegramError as error:
            SENDS_GIVEN_UP.labels(PLATFORM).inc()
            log.error("gave up answering update %d in chat %s: %s",
                      update.update_id, chat.id, error)  # fmt: skip

    async def press(self, update: Update) -> None:
        """Answer a press of a button under an answer, to the presser alone (answerCallbackQuery).

        Nothing is posted in the chat: the core's answer ("Thank you: report #3…",
        or why not) shows in a dialog that only the person who pressed sees.
        """
        query = update.callback_query
        assert query is not None
        request = self.press_request(query)
        try:
            if request is None:
                await query.answer()
                return
            reply = await self.core.handle(request)
            await query.answer(text=render_notice(reply), show_alert=True)
        except (InvalidToken, Conflict):
            raise
        except TelegramError as error:  # too late to answer (Telegram waits ~15 s), chat gone…
            SENDS_GIVEN_UP.labels(PLATFORM).inc()
            log.error("gave up answering the button press of update %d: %s",
                      update.update_id, error)  # fmt: skip

    async def count(self, update: Update) -> None:
        """Count the answers a ``poll`` or ``poll_answer`` update tells (counts only)."""
        try:
            await self.polls.count(update)
        except DatabaseUnavailableError:  # said once by the driver; a later poll update has totals
            log.warning("update %d: answers not counted (database unavailable)", update.update_id)

    async def deliver(self, message: Message, reply: Reply) -> None:
        """Send ``reply`` as answers to ``message``; its actions as buttons under the last one.

        A quiz goes out as a native quiz poll; in a chat that refuses polls, as the
        text quiz (its options as buttons, a press answered with the reveal).
        """
        if reply.poll is not None:
            try:
                await self.polls.send(message.chat_id, reply.poll, reply_to=message.message_id)
                return
            except PollRefusedError as error:
                log.info(
                    "chat %s refuses polls (%s): the quiz goes as text", message.chat_id, error
                )
                await self.polls.record_text(str(message.chat_id), reply.poll)
        texts = render_reply(reply)
        for number, text in enumerate(texts, start=1):
            await message.reply_text(
                text,
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
                reply_markup=render_actions(reply) if number == len(texts) else None,
            )
        for attachment in reply.attachments:
            await message.reply_photo(
                photo=attachment.content,
                filename=attachment.filename,
                caption=render_caption(attachment.description),
                parse_mode=ParseMode.HTML,
            )

    async def deliver_privately(self, message: Message, request: Request, reply: Reply) -> None:
        """A reply for the asker alone, asked in a group: a private message, and a word in the group.

        Telegram lets a bot write to someone only after they started a conversation
        with it; if they have not, the group is told so, and the reply goes nowhere.
        """
        with use_language(await self.core.language_for(request)):
            try:
                for text in render_reply(reply):
                    await self.bot.send_message(
                        int(request.user.id), text, parse_mode=ParseMode.HTML,
                        disable_web_page_preview=True,
                    )  # fmt: skip
                note, failed = _("I sent you the answer in a private message."), False
            except Forbidden:
                failed = True
                note = _(
                    "I cannot write to you privately yet: open a conversation with me "
                    "(Start), then ask again here."
                )
        await self.deliver(message, Reply(text=note, error=failed))

    async def post(self, chat_id: str, reply: Reply, *, key: str | None = None) -> None:
        """Post in a chat unprompted (campaigns); :class:`ChatRefusedError` if the chat refuses.

        Telegram recognises no repeated message (``key`` is unused): a post cut
        mid-send is reported as uncertain rather than sent again. A quiz goes out as
        a native quiz poll; :class:`PollsRefusedError` if the chat refuses polls.
        """
        try:
            if reply.poll is not None:
                await self.polls.send(int(chat_id), reply.poll)
                return
            for text in render_reply(reply):
                await self.bot.send_message(
                    int(chat_id), text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
                )
            for attachment in reply.attachments:
                await self.bot.send_photo(
                    int(chat_id), photo=attachment.content, filename=attachment.filename
                )
        except PollRefusedError as error:
            raise PollsRefusedError(str(error)) from None
        except Forbidden as error:
            raise ChatRefusedError(str(error)) from None
        except BadRequest as error:
            if "chat not found" not in str(error).lower():
                raise
            raise ChatRefusedError(str(error)) from None

    # ---- lifecycle -------------------------------------------------------------------

    async def set_commands(self) -> None:
        """The command menu, in every supported language."""
        for language in SUPPORTED_LANGUAGES:
            catalog = translations(language)
            commands = [
                BotCommand(command.name, catalog.gettext(command.summary)[:256])
                for command in self.core.commands
            ]
            await self.bot.set_my_commands(
                commands,
                scope=BotCommandScopeDefault(),
                language_code=None if language == "en" else language,
            )

    async def connect(self) -> bool:
        """Reach Telegram, retrying an unreachable API for ``startup_seconds``; ``False`` if stopped."""
        deadline = time.monotonic() + self.settings.startup_seconds
        attempt = 0
        while not self._stop.is_set():
            try:
                await self.bot.initialize()
                return True
            except InvalidToken as error:
                raise PlatformError(
                    f"Telegram refuses the token ({error}); check TELEGRAM_TOKEN"
                ) from None
            except NetworkError as error:
                attempt += 1
                delay = backoff(min(attempt, 5))
                if time.monotonic() + delay > deadline:
                    raise PlatformError(f"Telegram unreachable: {error}") from None
                log.warning("Telegram unreachable (%s); trying again in %.1f s", error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
        return False

    async def start(self) -> None:
        """Connect, publish the command menus, and answer updates until :meth:`stop`."""
        try:
            if self.ledger is not None:
                await self.ledger.setup()
            if not await self.connect():
                return
            await self.set_commands()
            if self.settings.webhook_url is not None:
                receiver = WebhookReceiver(
                    self.bot, self.settings, self.lanes, self.answer, self.ledger
                )
                await receiver.run(self._stop)
            else:
                await self.bot.delete_webhook()
                await self.poller.run(self._stop)
        except (InvalidToken, Conflict) as error:
            raise PlatformError(
                f"Telegram refuses the bot ({error}); check TELEGRAM_TOKEN"
            ) from None
        finally:
            await self._finish()

    async def _finish(self) -> None:
        """Finish what is being answered (within ``stop_seconds``), confirm it, close."""
        try:
            left = await self.lanes.close(self.settings.answer_seconds)
            if left:
                log.info("%d update(s) left for Telegram to deliver again", left)
            await self.poller.confirm()
            await self.bot.shutdown()
            if self.ledger is not None:
                await self.ledger.close()
        finally:
            self._stopped.set()

    async def stop(self) -> None:
        self._stop.set()
        await self._stopped.wait()
