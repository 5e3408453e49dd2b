"""Telegram updates in, core requests out; core replies back as HTML messages.

``/cost`` works as a reply to someone's message (the adapter passes the replied-to
text), which also works in groups where the bot's privacy mode is on: commands
addressed to the bot always reach it. Moderators are the chat's administrators
(asked of Telegram, cached briefly) or the configured allow-list. Sending goes
through python-telegram-bot's rate limiter, which waits out Telegram's 429
answers and retries, so a reply is delayed, not lost.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeDefault, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.ext import AIORateLimiter, Application, CommandHandler, ContextTypes

from adapters.telegram.render import render_reply
from bot.dispatch import Core
from bot.i18n import SUPPORTED_LANGUAGES, translations
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import TelegramSettings

PLATFORM = "telegram"
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
MAX_RETRIES = 3
log = logging.getLogger(__name__)


class TelegramAdapter:
    """One Telegram bot serving the core."""

    def __init__(self, core: Core, token: str, settings: TelegramSettings) -> None:
        self.core = core
        self.settings = settings
        builder = (
            Application.builder().token(token).rate_limiter(AIORateLimiter(max_retries=MAX_RETRIES))
        )
        if settings.api_base_url is not None:
            builder = builder.base_url(str(settings.api_base_url))
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        names = [name for command in core.commands for name in (command.name, *command.aliases)]
        telegram_names = [n for n in names if n.isascii() and n.replace("_", "").isalnum()]
        self.application.add_handler(CommandHandler(telegram_names, self.on_command))
        self._admins: dict[tuple[int, int], tuple[float, bool]] = {}
        self._stopped = asyncio.Event()
        core.services.outboxes[PLATFORM] = self.post

    # ---- translation -------------------------------------------------------------

    async def to_request(self, update: Update) -> Request | None:
        """A core request from a command message; ``None`` if the update is not one."""
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
            is_moderator=await self.is_admin(chat.id, chat.type, user.id),
        )

    async def is_admin(self, chat_id: int, chat_type: str, user_id: int) -> bool:
        """Whether the user administers this group (asked of Telegram, cached)."""
        if chat_type == ChatType.PRIVATE:
            return False
        key = (chat_id, user_id)
        cached = self._admins.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.settings.admin_cache_seconds:
            return cached[1]
        member = await self.application.bot.get_chat_member(chat_id, user_id)
        admin = member.status in ADMIN_STATUSES
        self._admins[key] = (now, admin)
        return admin

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer one command message in its chat, as a reply to it."""
        request = await self.to_request(update)
        if request is None:
            return
        reply = await self.core.handle(request)
        message = update.effective_message
        assert isinstance(message, Message)
        for text in render_reply(reply):
            await message.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        for attachment in reply.attachments:
            await message.reply_photo(
                photo=attachment.content,
                filename=attachment.filename,
                caption=html.escape(attachment.description)[:1024] or None,
                parse_mode=ParseMode.HTML,
            )

    async def post(self, chat_id: str, reply: Reply) -> None:
        """Post in a chat unprompted (campaigns)."""
        bot = self.application.bot
        for text in render_reply(reply):
            await bot.send_message(
                int(chat_id), text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )
        for attachment in reply.attachments:
            await bot.send_photo(
                int(chat_id), photo=attachment.content, filename=attachment.filename
            )

    # ---- lifecycle -------------------------------------------------------------------

    async def set_commands(self) -> None:
        """The command menu, in every supported language."""
        for language in SUPPORTED_LANGUAGES:
            catalog = translations(language)
            commands = [
                BotCommand(command.name, catalog.gettext(command.summary)[:256])
                for command in self.core.commands
            ]
            await self.application.bot.set_my_commands(
                commands,
                scope=BotCommandScopeDefault(),
                language_code=None if language == "en" else language,
            )

    async def start(self) -> None:
        """Initialize, publish the command menus, and receive updates until :meth:`stop`."""
        await self.application.initialize()
        await self.set_commands()
        await self.application.start()
        updater = self.application.updater
        assert updater is not None
        if self.settings.webhook_url is not None:
            url = str(self.settings.webhook_url)
            await updater.start_webhook(
                listen=self.settings.webhook_listen,
                port=self.settings.webhook_port,
                url_path=urlsplit(url).path.lstrip("/"),
                webhook_url=url,
                # Telegram sends it back with every update; anything else is refused.
                secret_token=secrets.token_urlsafe(32),
            )
        else:
            await updater.start_polling(poll_interval=0.0, timeout=10)
        await self._stopped.wait()

    async def stop(self) -> None:
        self._stopped.set()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
