"""Webhook mode: Telegram's HTTP request is answered only after the update is.

Telegram keeps an update until its webhook call returns 2xx. The receiver
answers 200 once the update has been answered (or deliberately dropped), and
503 if the bot is stopping before it could: Telegram then delivers it again.
An update delivered twice (a retry after a slow answer, or after a restart) is
recognised — in memory while it is being answered, in the ledger afterwards —
and answered once.

The receiver is given what it uses (the bot, the chats' lanes, the ledger and
the adapter's ``answer``), as the long poller is, and knows nothing else of
the adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from adapters.lanes import ChatLanes
from adapters.telegram.polling import ALLOWED_UPDATES, Answer
from bot.foundation.storage.ledger import DeliveryLedger
from bot.settings import TelegramSettings

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 100
log = logging.getLogger(__name__)


class WebhookReceiver:
    """An aiohttp endpoint for Telegram's webhook calls."""

    def __init__(
        self,
        bot: Bot,
        settings: TelegramSettings,
        lanes: ChatLanes,
        answer: Answer,
        ledger: DeliveryLedger | None,
    ) -> None:
        assert settings.webhook_url is not None
        self.bot = bot
        self.settings = settings
        self.lanes = lanes
        self.answer = answer
        self.ledger = ledger
        self.url = str(settings.webhook_url)
        self.secret = secrets.token_urlsafe(32)  # Telegram sends it back with every update
        self._answering: dict[int, asyncio.Future[bool]] = {}
        self._closing = False

    async def run(self, stop: asyncio.Event) -> None:
        """Listen, register the webhook with Telegram, and receive until ``stop``."""
        settings = self.settings
        app = web.Application()
        app.router.add_post("/" + urlsplit(self.url).path.lstrip("/"), self.receive)
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
            await self.bot.set_webhook(
                self.url,
                secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
                max_connections=MAX_CONNECTIONS,
            )
            await stop.wait()
        finally:
            self._closing = True
            await self.lanes.close(settings.answer_seconds)
            for future in self._answering.values():  # never started: Telegram will resend
                if not future.done():
                    future.set_result(False)
            await runner.cleanup()

    async def receive(self, request: web.Request) -> web.Response:
        """One webhook call: 200 once the update is answered, 503 if it could not be."""
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret):
            return web.Response(status=403)
        if self._closing:
            return web.Response(status=503)
        try:
            update = Update.de_json(await request.json(), self.bot)
        except Exception:
            log.warning("ignored a webhook call that is not an update")
            return web.Response(status=200)  # a malformed update would fail every time
        finished = await self._answer_once(update)
        return web.Response(status=200 if finished else 503)

    async def _answer_once(self, update: Update) -> bool:
        uid = update.update_id
        ongoing = self._answering.get(uid)
        if ongoing is not None:
            return await asyncio.shield(ongoing)
        ledger = self.ledger
        if ledger is not None:
            with contextlib.suppress(Exception):
                if await ledger.answered([uid]):
                    return True
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._answering[uid] = future

        async def job() -> None:
            finished = False
            try:
                await self.answer(update)
                if ledger is not None:
                    ledger.record(uid)
                finished = True
            finally:
                self._answering.pop(uid, None)
                if not future.done():
                    future.set_result(finished)

        chat = update.effective_chat
        try:
            self.lanes.submit(str(chat.id) if chat else "", job)
        except RuntimeError:  # closing
            del self._answering[uid]
            return False
        return await asyncio.shield(future)  # if Telegram hangs up, the answer still goes out
