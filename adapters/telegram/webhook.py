"""Webhook mode: Telegram's HTTP request is answered only after the update is.

Telegram keeps an update until its webhook call returns 2xx. The receiver
answers 200 once the update has been answered (or deliberately dropped), and
503 if the bot is stopping before it could: Telegram then delivers it again.
An update delivered twice (a retry after a slow answer, or after a restart) is
recognised — in memory while it is being answered, in the ledger afterwards —
and answered once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

if TYPE_CHECKING:
    from adapters.telegram.adapter import TelegramAdapter

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 100
log = logging.getLogger(__name__)


class WebhookReceiver:
    """An aiohttp endpoint for Telegram's webhook calls."""

    def __init__(self, adapter: TelegramAdapter, url: str) -> None:
        self.adapter = adapter
        self.url = url
        self.secret = secrets.token_urlsafe(32)  # Telegram sends it back with every update
        self._answering: dict[int, asyncio.Future[bool]] = {}
        self._closing = False

    async def run(self, stop: asyncio.Event) -> None:
        """Listen, register the webhook with Telegram, and receive until ``stop``."""
        settings = self.adapter.settings
        app = web.Application()
        app.router.add_post("/" + urlsplit(self.url).path.lstrip("/"), self.receive)
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
            await self.adapter.bot.set_webhook(
                self.url,
                secret_token=self.secret,
                allowed_updates=[Update.MESSAGE],
                max_connections=MAX_CONNECTIONS,
            )
            await stop.wait()
        finally:
            self._closing = True
            await self.adapter.lanes.close(settings.stop_seconds)
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
            update = Update.de_json(await request.json(), self.adapter.bot)
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
        ledger = self.adapter.ledger
        if ledger is not None:
            with contextlib.suppress(Exception):
                if await ledger.answered([uid]):
                    return True
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._answering[uid] = future

        async def job() -> None:
            finished = False
            try:
                await self.adapter.answer(update)
                if ledger is not None:
                    ledger.record(uid)
                finished = True
            finally:
                self._answering.pop(uid, None)
                if not future.done():
                    future.set_result(finished)

        chat = update.effective_chat
        try:
            self.adapter.lanes.submit(str(chat.id) if chat else "", job)
        except RuntimeError:  # closing
            del self._answering[uid]
            return False
        return await asyncio.shield(future)  # if Telegram hangs up, the answer still goes out
