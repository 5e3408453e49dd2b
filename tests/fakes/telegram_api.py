"""A fake Telegram Bot API on 127.0.0.1, for the real python-telegram-bot.

Methods are ``POST /bot<token>/<method>`` with form or JSON parameters, as the
Bot API takes them (python-telegram-bot sends form fields, complex ones
JSON-encoded). ``getUpdates`` long-polls a queue tests fill with
:meth:`FakeTelegram.send_text`; what the bot sends is recorded. ``fail_next``
makes the next call of a method answer 429 with Telegram's ``retry_after``.

Inline buttons as Telegram has them: ``sendMessage`` takes a ``reply_markup``
inline keyboard (``callback_data`` up to 64 bytes), :meth:`FakeTelegram.press`
queues the ``callback_query`` update a person's press makes (its ``message`` is
the bot's message, with the ``reply_to_message`` it answered), and the bot
answers it with ``answerCallbackQuery`` (a text up to 200 characters).

Native polls (:mod:`tests.fakes.telegram_polls`): ``sendPoll`` within the Bot
API's limits (400 otherwise), refused with 400 in a chat of ``no_polls`` (a
group whose permissions forbid polls); :meth:`FakeTelegram.vote` is a person
voting: it queues the ``poll`` update with the new totals (and a
``poll_answer`` when the poll is not anonymous, or when asked).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import serve_locally
from tests.fakes.telegram_polls import POLLS_FORBIDDEN, new_poll, poll_answer, poll_problem, vote

BOT_ID = 7000000001
TOKEN = "7000000001:FAKE-token"


@dataclass
class Faults:
    """Failures the fake injects into Bot API calls other than ``getUpdates``.

    Rates are per call; a 5xx or a dropped connection happens before the call is
    acted on (nothing sent), as a front-end failing would.
    """

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_drop: float = 0.0
    delay: float = 0.0  # seconds before every answer (a slow API)
    delay_matching: str = ""  # only calls whose text contains this are slow ("": all)
    seed: int = 1
    random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)


TAG = re.compile(r"</?(?:b|i|u|s|code|pre|tg-spoiler|a(?: href=\"[^\"<>]*\")?)>")
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def html_problem(text: str, limit: int) -> str | None:
    """Why Telegram would refuse ``text`` sent with ``parse_mode=HTML``, if it would.

    Telegram parses the HTML first (a stray ``<`` or ``&`` is an error), then
    counts what is left in UTF-16 code units.
    """
    stripped = TAG.sub("", text)
    if "<" in stripped:
        return "can't parse entities: unsupported start tag"
    if "&" in ENTITY.sub("", stripped):
        return "can't parse entities: unexpected end of name token"
    parsed = html.unescape(stripped)
    if len(parsed.encode("utf-16-le")) // 2 > limit:
        return "message is too long"
    return None


# kinds of update Telegram sends only to a bot that names them in allowed_updates
UNLESS_ASKED = {"chat_member", "message_reaction", "message_reaction_count"}
JSON_FIELDS = {"reply_markup", "commands", "scope", "entities", "reply_parameters",
               "link_preview_options", "allowed_updates"}  # fmt: skip


@dataclass
class FakeTelegram:
    host: str = "127.0.0.1"
    port: int = 0
    admins: set[int] = field(default_factory=set)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _failures: dict[str, int] = field(default_factory=dict)
    _update_ids: Any = field(default_factory=lambda: itertools.count(1))
    _message_ids: Any = field(default_factory=lambda: itertools.count(100))
    _polled: asyncio.Event = field(default_factory=asyncio.Event)
    webhook: dict[str, Any] | None = None
    faults: Faults = field(default_factory=Faults)
    revoked: bool = False  # every call answers 401, as for a revoked token
    blocked_chats: set[int] = field(default_factory=set)  # the bot was removed: 403
    confirmed: int = 0  # every update below this was confirmed by an offset
    # updates confirmed (dropped from the queue) while their message had no answer yet
    confirmed_unanswered: list[int] = field(default_factory=list)
    answered_at: list[tuple[float, int]] = field(default_factory=list)  # (monotonic, message id)
    sent_to: list[tuple[float, int]] = field(default_factory=list)  # (monotonic, chat id)
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # before any fault
    # what the bot sent, as Telegram returns it: (sendMessage parameters, the message made)
    bot_messages: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    _people_messages: dict[int, dict[str, Any]] = field(default_factory=dict)  # by message id
    _callback_ids: Any = field(default_factory=lambda: itertools.count(9000))
    no_polls: set[int] = field(default_factory=set)  # chats whose permissions forbid polls
    # the kinds of update the bot last asked for (getUpdates or setWebhook ``allowed_updates``);
    # Telegram keeps the last list and drops other kinds; None: its default, all but these
    allowed_updates: list[str] | None = None
    polls: dict[str, dict[str, Any]] = field(default_factory=dict)  # poll objects, by poll id
    _poll_ids: Any = field(default_factory=lambda: itertools.count(5000000000000000001))

    @property
    def base_url(self) -> str:
        """What ``[telegram] api_base_url`` takes; the library appends the token."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._method)
        self._runner, self.port = await serve_locally(app, self.host)

    async def stop(self) -> None:
        self._new_update.set()
        await self._runner.cleanup()

    async def wait_polling(self, timeout: float = 20.0) -> None:
        await asyncio.wait_for(self._polled.wait(), timeout)

    def fail_next(self, method: str, times: int = 1) -> None:
        self._failures[method] = times

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    # ---- what a person does ---------------------------------------------------------------

    def message(self, text: str, *, user_id: int = 42, chat_id: int = -1001, language: str = "en",
                reply_to: str | None = None) -> dict[str, Any]:  # fmt: skip
        chat = ({"id": chat_id, "type": "supergroup", "title": "Climate club"} if chat_id < 0
                else {"id": chat_id, "type": "private", "first_name": "Alice"})  # fmt: skip
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": 1764115200, "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Alice", "language_code": language},
            "text": text,
        }  # fmt: skip
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": next(self._message_ids), "date": 1764115100, "chat": chat,
                "from": {"id": 43, "is_bot": False, "first_name": "Bob"}, "text": reply_to,
            }  # fmt: skip
        self._people_messages[message["message_id"]] = message
        return message

    def push(self, text: str, **who: Any) -> int:
        """Queue a message for ``getUpdates`` without waiting for the answer; its update id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, "message": self.message(text, **who)})
        self._new_update.set()
        return update_id

    def answers(self) -> dict[int, int]:
        """How many times each message (by its message id) was answered."""
        counts: dict[int, int] = {}
        for params in self.sent():
            replied = params.get("reply_parameters")
            if replied:
                key = int(replied["message_id"])
                counts[key] = counts.get(key, 0) + 1
        return counts

    async def send_text(
        self, text: str, expect: int = 1, timeout: float = 20.0, **who: Any
    ) -> list[dict[str, Any]]:
        """Post a message to the bot; return the messages it sends back (at least ``expect``)."""
        message = self.message(text, **who)
        before = len(self.sent())
        update = {"update_id": next(self._update_ids), "message": message}
        if self.webhook is not None:
            await self._deliver(update)
        else:
            self._updates.append(update)
            self._new_update.set()

        async def answered() -> list[dict[str, Any]]:
            while len(self.sent()) - before < expect:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)
            return self.sent()[before:]

        return await asyncio.wait_for(answered(), timeout)

    def buttons(self, sent: dict[str, Any]) -> list[dict[str, Any]]:
        """The inline buttons under a message the bot sent (its ``sendMessage`` parameters)."""
        markup = sent.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    async def press(
        self, sent: dict[str, Any], button: int = 0, *, user_id: int = 42, language: str = "en",
        timeout: float = 20.0,
    ) -> dict[str, Any]:  # fmt: skip
        """A person presses a button under a message the bot sent; the bot's answerCallbackQuery.

        The ``callback_query`` update carries the bot's message as Telegram
        does: with its keyboard and the message it replied to (one level deep).
        """
        [message] = [made for params, made in self.bot_messages if params is sent]
        replied = (sent.get("reply_parameters") or {}).get("message_id")
        if replied is not None and int(replied) in self._people_messages:
            original = dict(self._people_messages[int(replied)])
            original.pop("reply_to_message", None)  # Telegram includes one level only
            message = {**message, "reply_to_message": original}
        query_id = str(next(self._callback_ids))
        person = {"id": user_id, "is_bot": False, "first_name": "Alice", "language_code": language}
        update = {"update_id": next(self._update_ids), "callback_query": {
            "id": query_id, "from": person, "message": message, "chat_instance": "-4242",
            "data": self.buttons(sent)[button]["callback_data"],
        }}  # fmt: skip
        if self.webhook is not None:
            await self._deliver(update)
        else:
            self._updates.append(update)
            self._new_update.set()

        async def answered() -> dict[str, Any]:
            while True:
                for params in self.sent("answerCallbackQuery"):
                    if params.get("callback_query_id") == query_id:
                        return params
                await asyncio.sleep(0.01)

        return await asyncio.wait_for(answered(), timeout)

    async def _deliver(self, update: dict[str, Any]) -> None:
        """POST an update to the bot's webhook, as Telegram does, with its secret token."""
        import aiohttp

        assert self.webhook is not None
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            self.calls.append((f"webhook:{response.status}", update))

    async def wait_webhook(self, timeout: float = 20.0) -> None:
        async def registered() -> None:
            while self.webhook is None:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(registered(), timeout)

    async def _setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        if "allowed_updates" in params:
            self.allowed_updates = params["allowed_updates"] or None
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    # ---- the Bot API ----------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):  # an uploaded photo
                params[key] = {"filename": value.filename, "content": value.file.read()}
                continue
            text = value if isinstance(value, str) else str(value)
            params[key] = json.loads(text) if key in JSON_FIELDS else text
        return params

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method != "getUpdates":
            self.received.append((method, params))
        if self.revoked:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if method != "getUpdates":
            injected = await self._inject(method, params, request)
            if injected is not None:
                return injected
        if self._failures.get(method, 0) > 0:
            self._failures[method] -= 1
            self.calls.append((f"{method}:429", params))
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                 "parameters": {"retry_after": 1}}, status=429)  # fmt: skip
        refused = self._refuse_text(method, params)
        if refused is not None:
            return refused
        if method != "getUpdates":
            self.calls.append((method, params))
        handler = getattr(self, f"_{method}", None)
        result = await handler(params) if handler else True
        return web.json_response({"ok": True, "result": result})

    def _refuse_text(self, method: str, params: dict[str, Any]) -> web.Response | None:
        """Telegram's 400 for a text or caption it cannot parse or that is too long."""
        problem = self._markup_problem(method, params)
        if problem is not None:
            self.calls.append((f"{method}:400", params))
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"},
                status=400,
            )
        if params.get("parse_mode") != "HTML":
            return None
        field, limit = ("caption", 1024) if method == "sendPhoto" else ("text", 4096)
        problem = html_problem(str(params.get(field) or ""), limit)
        if problem is None:
            return None
        self.calls.append((f"{method}:400", params))
        return web.json_response(
            {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}, status=400
        )

    def _markup_problem(self, method: str, params: dict[str, Any]) -> str | None:
        """Telegram's limits on inline buttons, on the answer to a press and on polls."""
        if method == "sendPoll":
            if int(params.get("chat_id", 0)) in self.no_polls:
                return POLLS_FORBIDDEN
            problem = poll_problem(params)
            if problem is not None:
                return problem
        if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > 200:
            return "MESSAGE_TOO_LONG"
        for button in self.buttons(params):
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                return "BUTTON_DATA_INVALID"
            if not str(button.get("text") or "").strip():
                return "BUTTON_TEXT_EMPTY"
        return None

    async def _inject(
        self, method: str, params: dict[str, Any], request: web.Request
    ) -> web.Response | None:
        faults = self.faults
        if faults.delay and faults.delay_matching in str(params.get("text", "")):
            await asyncio.sleep(faults.delay)
        draw = faults.random.random()
        if draw < faults.rate_429:
            self.calls.append((f"{method}:429", params))
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                 "parameters": {"retry_after": 1}}, status=429)  # fmt: skip
        draw -= faults.rate_429
        if draw < faults.rate_5xx:
            self.calls.append((f"{method}:500", params))
            return web.json_response(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"},
                status=500,
            )
        draw -= faults.rate_5xx
        if draw < faults.rate_drop:
            self.calls.append((f"{method}:dropped", params))
            assert request.transport is not None
            request.transport.close()  # no answer: the client sees the connection drop
            return web.Response()
        chat_id = params.get("chat_id")
        if chat_id is not None and int(chat_id) in self.blocked_chats:
            self.calls.append((f"{method}:403", params))
            return web.json_response(
                {"ok": False, "error_code": 403,
                 "description": "Forbidden: bot was kicked from the group chat"}, status=403)  # fmt: skip
        return None

    async def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Wattson", "username": "WattsonBot",
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self._polled.set()
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        self.confirmed = max(self.confirmed, offset)
        if any(u["update_id"] < offset for u in self._updates):
            answered = self.answers()
            self.confirmed_unanswered += [
                u["update_id"] for u in self._updates
                if u["update_id"] < offset and "message" in u
                and u["message"]["message_id"] not in answered
            ]  # fmt: skip
        if "allowed_updates" in params:
            self.allowed_updates = params["allowed_updates"] or None
        self._updates = [u for u in self._updates if u["update_id"] >= offset and self._wanted(u)]
        if not self._updates and timeout:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), min(timeout, 1.0))
        return [u for u in self._updates if u["update_id"] >= offset and self._wanted(u)][:limit]

    def _wanted(self, update: dict[str, Any]) -> bool:
        """Whether Telegram gives the bot this kind of update, as it asked."""
        [kind] = [key for key in update if key != "update_id"]
        if self.allowed_updates is None:
            return kind not in UNLESS_ASKED
        return kind in self.allowed_updates

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self.sent_to.append((time.monotonic(), chat_id))
        if params.get("reply_parameters"):
            self.answered_at.append(
                (time.monotonic(), int(params["reply_parameters"]["message_id"]))
            )
        message = {"message_id": next(self._message_ids), "date": 1764115300,
                   "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"},
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Wattson"},
                   "text": params.get("text", "")}  # fmt: skip
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.bot_messages.append((params, message))
        return message

    async def _sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        message = await self._sendMessage({**params, "text": ""})
        message["photo"] = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 960,
                             "height": 540, "file_size": len(params["photo"]["content"])}]  # fmt: skip
        return message

    async def _sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        poll = new_poll(str(next(self._poll_ids)), params)
        self.polls[poll["id"]] = poll
        message = await self._sendMessage({**params, "text": ""})
        del message["text"]
        message["poll"] = poll
        return message

    def vote(self, poll_id: str, option: int, *, user_id: int = 42, answer: bool = False) -> int:
        """A person votes: the ``poll`` update with the new totals, and ``poll_answer`` if any.

        Telegram sends ``poll_answer`` only for polls that are not anonymous;
        ``answer`` sends one anyway. Returns the id of the last update queued.
        """
        poll = self.polls[poll_id]
        updates: list[dict[str, Any]] = [{"poll": vote(poll, option)}]
        if answer or not poll["is_anonymous"]:
            updates.append({"poll_answer": poll_answer(poll, option, user_id)})
        for update in updates:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def totals(self, poll_id: str) -> list[int]:
        """How many chose each option of a poll, as Telegram counts them."""
        return [option["voter_count"] for option in self.polls[poll_id]["options"]]

    async def _getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = int(params["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": "Someone"}
        if user_id in self.admins:
            return {"status": "administrator", "user": user, "can_be_edited": False,
                    "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
                    "can_manage_video_chats": True, "can_restrict_members": True,
                    "can_promote_members": False, "can_change_info": True,
                    "can_invite_users": True, "can_post_stories": False,
                    "can_edit_stories": False, "can_delete_stories": False}  # fmt: skip
        return {"status": "member", "user": user}
