"""A fake Discord: REST API and gateway websocket on 127.0.0.1, for the real discord.py.

It speaks Discord's wire protocol as discord.py uses it: ``GET /gateway/bot``
points the auto-sharded client at this server's websocket; the gateway says
HELLO, takes IDENTIFY, answers READY and GUILD_CREATE, acknowledges heartbeats,
and compresses frames as zlib-stream when the client asks. Tests dispatch
``INTERACTION_CREATE`` events and read what the bot sent back through the
interaction callback and webhook (follow-up, edit) endpoints. ``fail_next`` makes
the next matching request answer HTTP 429 with Discord's rate-limit body;
:class:`Faults` injects 429s, 5xx, dropped connections (before or after the
request is acted on) and slow answers at random; ``revoked`` answers 401 and
closes the gateway with 4004; ``forbidden_channels`` answer 403.

Message components as Discord has them: a message may carry ``components``
(action rows of buttons, each with a ``custom_id``), returned with the message
made; :meth:`FakeDiscord.press` dispatches the component interaction (type 3)
a member's press makes, carrying that message, and the bot answers it through
the interaction callback like any other.

Like Discord, it refuses a second response to one interaction (40060), returns
the existing message for a channel post whose nonce it has seen
(``enforce_nonce``), and refuses messages over its limits (400).

Sharding as Discord does it: a client identifying as shard ``[i, n]`` gets the
servers whose ``(id >> 22) % n == i``, and a server's events go only to the
connection of its shard. ``guilds`` lists the servers (each with one channel);
``hold_posts`` keeps channel posts waiting (recorded, never answered), as a
send interrupted midway.

Polls as Discord documents them: a message (a channel post, an interaction's
response or follow-up) may carry a ``poll``, refused with 400 (50035 Invalid
Form Body) past Discord's limits (question 1–300 characters, 1–10 answers of
1–55, a duration of 1–768 whole hours) and with 403 (50013 Missing
Permissions) in a channel of ``pollless_channels``, where the bot lacks
SEND_POLLS (interactions there carry ``app_permissions`` without it). Tests
vote with :meth:`FakeDiscord.vote` (counts only) and end a poll with
:meth:`FakeDiscord.end_poll`, as its time running out does; the bot may end
one early with ``POST /channels/{channel}/polls/{message}/expire``. An ended
poll is finalized and its message sent again as a ``MESSAGE_UPDATE``; ``GET
/channels/{channel}/messages/{message}`` returns the message with the poll's
results (``is_finalized``, ``answer_counts``: answers nobody chose are left
out, as Discord does). :meth:`FakeDiscord.delete_message` deletes a message
(``MESSAGE_DELETE``; reading it then answers 404, 10008 Unknown Message).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import serve_locally

APP_ID = "1100000000000000001"
BOT_ID = APP_ID
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"
MANAGE_MESSAGES = 1 << 13
SEND_POLLS = 1 << 49
APP_PERMISSIONS = 2147483647 | SEND_POLLS  # what the bot may do in a channel (app_permissions)
POLL_QUESTION_MAX, POLL_ANSWER_MAX, POLL_ANSWERS_MAX, POLL_HOURS_MAX = 300, 55, 10, 768
NOW = datetime(2026, 11, 26, tzinfo=UTC).isoformat()
# A second server and its channel, on shard 0 of 2 (GUILD_ID is on shard 1 of 2).
OTHER_GUILD_ID = "1200000000004194305"
OTHER_CHANNEL_ID = "1300000000000000002"


def shard_of(guild_id: str, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    return (int(guild_id) >> 22) % shard_count


@dataclass
class Faults:
    """Failures injected at random into the requests whose path contains one of ``paths``.

    ``rate_drop`` closes the connection before the request is acted on;
    ``rate_drop_after`` acts on it, then closes the connection without an answer;
    ``delay`` acts on every request, then answers that many seconds late.
    """

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_drop: float = 0.0
    rate_drop_after: float = 0.0
    delay: float = 0.0
    paths: tuple[str, ...] = ("/callback", "/webhooks/", "/messages")
    seed: int = 1
    random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    def draw(self, path: str) -> str | None:
        """The fault for this request, if any: ``429``, ``5xx``, ``drop`` or ``drop_after``."""
        if not any(part in path for part in self.paths):
            return None
        draw = self.random.random()
        for name, rate in (("429", self.rate_429), ("5xx", self.rate_5xx),
                           ("drop", self.rate_drop), ("drop_after", self.rate_drop_after)):  # fmt: skip
            if draw < rate:
                return name
            draw -= rate
        return None


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: ``Content-Type: application/json`` exactly (discord.py checks)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        # Discord answers through Google's front end; discord.py reads a 429 without
        # a Via header as a Cloudflare ban instead of a rate limit to wait out.
        headers={"Content-Type": "application/json", "Via": "1.1 google", **(headers or {})},
    )


EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}


def message_problems(data: dict[str, Any]) -> list[str]:
    """What Discord's form validation would refuse in a message (empty when valid).

    Discord counts characters as sent (after any markdown escaping).
    """
    problems = []
    if len(data.get("content") or "") > 2000:
        problems.append("content: Must be 2000 or fewer in length.")
    for index, embed in enumerate(data.get("embeds") or []):
        texts = {
            "title": embed.get("title") or "",
            "description": embed.get("description") or "",
            "footer": (embed.get("footer") or {}).get("text") or "",
            "author": (embed.get("author") or {}).get("name") or "",
        }
        for key, text in texts.items():
            if len(text) > EMBED_LIMITS[key]:
                problems.append(f"embeds.{index}.{key}: Must be {EMBED_LIMITS[key]} or fewer.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embeds.{index}.fields: Must be 25 or fewer in length.")
        for number, item in enumerate(fields):
            if len(item.get("name") or "") > 256 or len(item.get("value") or "") > 1024:
                problems.append(f"embeds.{index}.fields.{number}: too long.")
        total = sum(map(len, texts.values()))
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
        if total > 6000:
            problems.append(f"embeds.{index}: Embed size exceeds maximum size of 6000")
    if data.get("poll") is not None:
        problems += poll_problems(data["poll"])
    for row in data.get("components") or []:
        for number, component in enumerate(row.get("components") or []):
            if len(component.get("custom_id") or "") > 100:
                problems.append(f"components.{number}.custom_id: Must be 100 or fewer.")
            if len(component.get("label") or "") > 80:
                problems.append(f"components.{number}.label: Must be 80 or fewer.")
    return problems


def poll_problems(poll: dict[str, Any]) -> list[str]:
    """What Discord refuses in a poll being created (its documented limits)."""
    problems = []
    question = (poll.get("question") or {}).get("text") or ""
    if not 1 <= len(question) <= POLL_QUESTION_MAX:
        problems.append(f"poll.question.text: Must be between 1 and {POLL_QUESTION_MAX} in length.")
    answers = poll.get("answers") or []
    if not 1 <= len(answers) <= POLL_ANSWERS_MAX:
        problems.append(f"poll.answers: Must be between 1 and {POLL_ANSWERS_MAX} in length.")
    for number, answer in enumerate(answers):
        text = (answer.get("poll_media") or {}).get("text") or ""
        if not 1 <= len(text) <= POLL_ANSWER_MAX:
            problems.append(
                f"poll.answers.{number}.poll_media.text: Must be between 1 and"
                f" {POLL_ANSWER_MAX} in length."
            )
    hours = poll.get("duration", 24)
    if (
        not isinstance(hours, int | float)
        or hours != int(hours)
        or not 1 <= hours <= POLL_HOURS_MAX
    ):
        problems.append(f"poll.duration: Must be a whole number of hours, 1 to {POLL_HOURS_MAX}.")
    return problems


@dataclass
class FakePoll:
    """A poll as Discord keeps it: its answers, how many chose each (never who), its end."""

    message_id: str
    channel_id: str
    question: str
    answers: list[str]
    hours: float
    expiry: datetime
    counts: list[int]
    finalized: bool = False

    def payload(self) -> dict[str, Any]:
        """The ``poll`` of its message, with the results as Discord gives them."""
        counts = [{"id": i + 1, "count": c, "me_voted": False}
                  for i, c in enumerate(self.counts) if c]  # fmt: skip
        return {
            "question": {"text": self.question},
            "answers": [{"answer_id": i + 1, "poll_media": {"text": text}}
                        for i, text in enumerate(self.answers)],
            "expiry": self.expiry.isoformat(), "allow_multiselect": False, "layout_type": 1,
            "results": {"is_finalized": self.finalized, "answer_counts": counts},
        }  # fmt: skip


def _interaction_of(request: web.Request) -> str | None:
    """The interaction a webhook token belongs to (the fake's tokens are ``token-<id>``)."""
    token = request.match_info.get("token", "")
    return token.removeprefix("token-") if token.startswith("token-") else None


def option(name: str, value: Any, kind: int = 3) -> dict[str, Any]:
    """One option of a slash command as Discord sends it (``kind`` 3: a string)."""
    return {"name": name, "type": kind, "value": value}


def sub(name: str, *options: dict[str, Any]) -> list[dict[str, Any]]:
    """A subcommand (``/fact show``) with its options, as Discord sends it."""
    return [{"name": name, "type": 1, "options": list(options)}]


def user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot, "public_flags": 0}  # fmt: skip


@dataclass
class Sent:
    """One message the bot sent: how (callback or follow-up) and what."""

    kind: str
    interaction_id: str | None
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when the fake received it
    message: dict[str, Any] | None = None  # the message Discord made of it

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The buttons under the message, in order."""
        rows = self.data.get("components") or []
        return [c for row in rows for c in row.get("components") or [] if c.get("type") == 2]

    @property
    def data(self) -> dict[str, Any]:
        return self.body.get("data", self.body)

    @property
    def poll(self) -> dict[str, Any] | None:
        """The poll the message carried, as the bot sent it."""
        return self.data.get("poll")

    @property
    def ephemeral(self) -> bool:
        return bool(self.data.get("flags", 0) & 64)

    @property
    def text(self) -> str:
        embeds = self.data.get("embeds") or []
        parts = [self.data.get("content") or ""]
        for embed in embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f["value"] for f in embed.get("fields", [])]
        return "\n".join(p for p in parts if p)


@dataclass
class FakeDiscord:
    """The fake platform; ``base_url`` is what ``[discord] api_base_url`` takes."""

    host: str = "127.0.0.1"
    port: int = 0
    sent: list[Sent] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    identified: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    refused: list[list[str]] = field(default_factory=list)  # 400s: what was wrong
    faults: Faults = field(default_factory=Faults)
    injected: list[tuple[str, str]] = field(default_factory=list)  # (fault, "METHOD path")
    revoked: bool = False  # the token was revoked: REST answers 401, the gateway closes 4004
    forbidden_channels: set[str] = field(default_factory=set)  # posting there answers 403
    acknowledged: set[str] = field(default_factory=set)  # interactions already responded to
    nonces: dict[str, dict[str, Any]] = field(default_factory=dict)  # nonce -> message
    repeated: list[str] = field(default_factory=list)  # nonces sent again (answered, not posted)
    # (server id, channel id) of each server the bot is in
    guilds: list[tuple[str, str]] = field(default_factory=lambda: [(GUILD_ID, CHANNEL_ID)])
    hold_posts: set[str] = field(default_factory=set)  # channel ids whose posts never finish
    expired: set[str] = field(default_factory=set)  # interactions whose token has expired
    pollless_channels: set[str] = field(default_factory=set)  # the bot lacks SEND_POLLS there
    polls: dict[str, FakePoll] = field(default_factory=dict)  # message id -> its poll
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # the bot's, by id
    deleted: set[str] = field(default_factory=set)  # message ids
    _interaction_channels: dict[str, str] = field(default_factory=dict)  # interaction -> channel
    _sockets: list[tuple[web.WebSocketResponse, Any]] = field(default_factory=list)
    _shards: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(socket) -> [i, n]
    _released: asyncio.Event = field(default_factory=asyncio.Event)  # ends held posts
    _failures: dict[str, int] = field(default_factory=dict)
    _slow: dict[str, tuple[float, int]] = field(default_factory=dict)
    _drop_after: dict[str, int] = field(default_factory=dict)
    _ready: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: Any = field(default_factory=lambda: itertools.count(1400000000000000001))
    _sequence: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/api/v10"

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        api = "/api/v10"
        app.router.add_get(f"{api}/users/@me", self._me)
        app.router.add_get(f"{api}/gateway/bot", self._gateway_bot)
        app.router.add_get(f"{api}/gateway", self._gateway_bot)
        app.router.add_get(f"{api}/oauth2/applications/@me", self._application)
        app.router.add_get(f"{api}/applications/@me", self._application)
        app.router.add_put(f"{api}/applications/{{app}}/commands", self._bulk_commands)
        app.router.add_put(
            f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self._bulk_commands
        )
        app.router.add_post(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback)
        app.router.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        app.router.add_patch(
            f"{api}/webhooks/{{app}}/{{token}}/messages/@original", self._edit_original
        )
        app.router.add_get(f"{api}/channels/{{channel}}", self._channel)
        app.router.add_post(f"{api}/channels/{{channel}}/messages", self._channel_message)
        app.router.add_get(f"{api}/channels/{{channel}}/messages/{{message}}", self._get_message)
        app.router.add_post(
            f"{api}/channels/{{channel}}/polls/{{message}}/expire", self._expire_poll
        )
        app.router.add_get(
            f"{api}/webhooks/{{app}}/{{token}}/messages/@original", self._get_original
        )
        app.router.add_get("/gateway", self._gateway)
        self._runner, self.port = await serve_locally(app, self.host, self.port)

    async def stop(self) -> None:
        self._released.set()
        for socket, _ in self._sockets:
            await socket.close()
        await self._runner.cleanup()

    async def wait_ready(self, timeout: float = 20.0) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def start_on(self, port: int) -> None:
        """Start on a chosen port (a Discord that comes up after the bot)."""
        self.port = port
        await self.start()

    def answers(self) -> dict[str, int]:
        """How many messages each interaction got (a deferral is no message)."""
        counts: dict[str, int] = {}
        for sent in self.sent:
            if sent.interaction_id is None or (sent.kind == "callback" and sent.body["type"] == 5):
                continue
            counts[sent.interaction_id] = counts.get(sent.interaction_id, 0) + 1
        return counts

    async def revoke(self) -> None:
        """Revoke the token now: REST answers 401, open gateways close with 4004."""
        self.revoked = True
        for socket, _ in list(self._sockets):
            await socket.close(code=4004, message=b"Authentication failed.")

    def drop_after_next(self, path_part: str, times: int = 1) -> None:
        """The next ``times`` matching requests are acted on, then their connection dropped.

        ``path_part`` is matched in ``METHOD /path`` (``"POST /api/v10/channels/1/messages"``).
        """
        self._drop_after[path_part] = times

    def slow_next(self, path_part: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` matching requests are acted on, then answered ``seconds`` late."""
        self._slow[path_part] = (seconds, times)

    async def wait_identified(self, shards: int, timeout: float = 20.0) -> None:
        """Wait until ``shards`` gateway connections have identified."""

        async def identified() -> None:
            while len(self._shards) < shards:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(identified(), timeout)

    def posts_in(self, channel_id: str) -> list[Sent]:
        return [sent for sent in self.sent if sent.kind == f"channel:{channel_id}"]

    def fail_next(self, path_part: str, times: int = 1) -> None:
        """The next ``times`` requests whose path contains ``path_part`` get HTTP 429."""
        self._failures[path_part] = times

    # ---- REST ----------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(f"{request.method} {request.path}")
        if self.revoked and request.path.startswith("/api/"):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        for part, left in list(self._failures.items()):
            if left > 0 and part in request.path:
                self._failures[part] = left - 1
                return self._rate_limited()
        fault = self.faults.draw(request.path)
        for part, left in list(self._drop_after.items()):
            if left > 0 and part in f"{request.method} {request.path}":
                self._drop_after[part] = left - 1
                fault = "drop_after"
        if fault is not None:
            self.injected.append((fault, f"{request.method} {request.path}"))
        if fault == "429":
            return self._rate_limited()
        if fault == "5xx":
            status = self.faults.random.choice([500, 502, 503])
            return _json({"message": "Internal Server Error", "code": 0}, status=status)
        if fault == "drop":  # before the request is acted on
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        response = await handler(request)
        if fault == "drop_after":  # acted on, but the answer never leaves
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if self.faults.delay and any(part in request.path for part in self.faults.paths):
            await asyncio.sleep(self.faults.delay)
        for part, (seconds, left) in list(self._slow.items()):
            if left > 0 and part in request.path:
                self._slow[part] = (seconds, left - 1)
                await asyncio.sleep(seconds)
        return response

    def _rate_limited(self) -> web.Response:
        return _json(
            {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
            status=429,
            headers={
                "Retry-After": "0.05",
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": "0.05",
                "X-RateLimit-Bucket": "fake",
                "X-RateLimit-Scope": "user",
            },  # fmt: skip
        )

    async def _me(self, request: web.Request) -> web.Response:
        return _json({**user(BOT_ID, "Wattson", bot=True), "verified": True,
                                  "mfa_enabled": False, "flags": 0})  # fmt: skip

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return _json({
            "url": f"ws://{self.host}:{self.port}/gateway",
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0,
                                    "max_concurrency": 1},
        })  # fmt: skip

    async def _application(self, request: web.Request) -> web.Response:
        return _json({
            "id": APP_ID, "name": "Wattson", "icon": None, "description": "", "bot_public": True,
            "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0,
            "owner": user("1000000000000000009", "owner"), "team": None,
            "summary": "", "rpc_origins": [],
        })  # fmt: skip

    async def _bulk_commands(self, request: web.Request) -> web.Response:
        payload = await request.json()
        self.commands = [
            {
                "description": "",
                "name_localizations": None,
                "description_localizations": None,
                **command,
                "id": str(next(self._ids)),
                "application_id": APP_ID,
                "version": "1",
            }
            for command in payload
        ]
        return _json(self.commands)

    def _message(self, body: dict[str, Any], channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        message = {
            "id": str(next(self._ids)), "channel_id": channel_id, "type": 0,
            "content": body.get("content") or "", "embeds": body.get("embeds") or [],
            "author": user(BOT_ID, "Wattson", bot=True), "attachments": [], "mentions": [],
            "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
            "timestamp": NOW, "edited_timestamp": None, "flags": body.get("flags", 0),
            "components": body.get("components") or [],
        }  # fmt: skip
        if body.get("poll") is not None:
            message["poll"] = self._new_poll(message["id"], channel_id, body["poll"])
        return message

    def _new_poll(self, message_id: str, channel_id: str, data: dict[str, Any]) -> dict[str, Any]:
        hours = float(data.get("duration", 24))
        answers = [a["poll_media"]["text"] for a in data["answers"]]
        poll = FakePoll(message_id, channel_id, data["question"]["text"], answers, hours,
                        datetime.now(UTC) + timedelta(hours=hours), [0] * len(answers))  # fmt: skip
        self.polls[message_id] = poll
        return poll.payload()

    def _guild_of(self, channel_id: str) -> str:
        return next((g for g, c in self.guilds if c == channel_id), GUILD_ID)

    def _poll_refused(self, channel_id: str | None, data: dict[str, Any]) -> web.Response | None:
        """Discord's 403 for a poll where the bot lacks SEND_POLLS."""
        if data.get("poll") is None or channel_id not in self.pollless_channels:
            return None
        return _json({"message": "Missing Permissions", "code": 50013}, status=403)

    def vote(self, message_id: str, option: int, times: int = 1) -> None:
        """``times`` members choose answer ``option`` (from 0) of an open poll."""
        poll = self.polls[message_id]
        assert not poll.finalized, "Discord takes no vote on an ended poll"
        poll.counts[option] += times

    async def end_poll(self, message_id: str) -> dict[str, Any]:
        """The poll's time runs out: it is finalized and its message updated (MESSAGE_UPDATE)."""
        poll = self.polls[message_id]
        poll.finalized = True
        poll.expiry = min(poll.expiry, datetime.now(UTC))
        message = self._current(message_id)
        await self.dispatch("MESSAGE_UPDATE", message)
        return message

    async def delete_message(self, message_id: str) -> None:
        """A moderator deletes one of the bot's messages (MESSAGE_DELETE)."""
        self.deleted.add(message_id)
        channel_id = self.messages[message_id]["channel_id"]
        await self.dispatch("MESSAGE_DELETE", {"id": message_id, "channel_id": channel_id,
                                               "guild_id": self._guild_of(channel_id)})  # fmt: skip

    def _keep(self, message: dict[str, Any]) -> dict[str, Any]:
        self.messages[message["id"]] = message
        return message

    def _current(self, message_id: str) -> dict[str, Any]:
        """A message as Discord returns it now (its poll's results up to date)."""
        message = dict(self.messages[message_id])
        message["guild_id"] = self._guild_of(message["channel_id"])
        if message_id in self.polls:
            message["poll"] = self.polls[message_id].payload()
        return message

    async def _get_message(self, request: web.Request) -> web.Response:
        message_id = request.match_info["message"]
        known = self.messages.get(message_id)
        if (known is None or message_id in self.deleted
                or known["channel_id"] != request.match_info["channel"]):  # fmt: skip
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        return _json(self._current(message_id))

    async def _get_original(self, request: web.Request) -> web.Response:
        """The interaction's response message (``GET …/messages/@original``)."""
        interaction_id = _interaction_of(request)
        for sent in reversed(self.sent):
            if sent.interaction_id == interaction_id and sent.message is not None:
                return _json(self._current(sent.message["id"]))
        return _json({"message": "Unknown Message", "code": 10008}, status=404)

    async def _expire_poll(self, request: web.Request) -> web.Response:
        """End Poll: the bot ends its own poll now."""
        message_id = request.match_info["message"]
        poll = self.polls.get(message_id)
        if message_id not in self.messages or message_id in self.deleted:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        if poll is None:
            return _json({"message": "Cannot expire a non-poll message", "code": 520006}, 400)
        if poll.finalized:
            return _json({"message": "Poll expired", "code": 520001}, status=400)
        return _json(await self.end_poll(message_id))

    def _invalid(self, data: dict[str, Any]) -> web.Response | None:
        """Discord's 400 for a message over its limits: the whole message is refused."""
        problems = message_problems(data)
        if not problems:
            return None
        self.refused.append(problems)
        return _json({"code": 50035, "message": "Invalid Form Body",
                      "errors": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": p}
                                             for p in problems]}}, status=400)  # fmt: skip

    async def _callback(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        invalid = self._invalid(body.get("data") or {})
        if invalid is not None:
            return invalid
        if request.match_info["id"] in self.expired:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if request.match_info["id"] in self.acknowledged and body.get("type") != 8:
            return _json({"message": "Interaction has already been acknowledged.",
                          "code": 40060}, status=400)  # fmt: skip
        channel = self._interaction_channels.get(request.match_info["id"], CHANNEL_ID)
        refused = self._poll_refused(channel, body.get("data") or {})
        if refused is not None:
            return refused
        self.acknowledged.add(request.match_info["id"])
        message = self._keep(self._message(body.get("data") or {}, channel))
        self.sent.append(Sent("callback", request.match_info["id"], body, message=message))
        return _json({
            "interaction": {"id": request.match_info["id"], "type": 2,
                            "response_message_id": message["id"],
                            "response_message_loading": False,
                            "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64)},
            "resource": {"type": body.get("type", 4), "message": message},
        })  # fmt: skip

    async def _followup(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        invalid = self._invalid(body)
        if invalid is not None:
            return invalid
        channel = self._interaction_channels.get(_interaction_of(request) or "", CHANNEL_ID)
        refused = self._poll_refused(channel, body)
        if refused is not None:
            return refused
        message = self._keep(self._message(body, channel))
        self.sent.append(Sent("followup", _interaction_of(request), body, message=message))
        return _json(message)

    async def _edit_original(self, request: web.Request) -> web.Response:
        """The deferred response edited into the answer; the same edit twice is one message."""
        body = await self._body(request)
        invalid = self._invalid(body)
        if invalid is not None:
            return invalid
        interaction_id = _interaction_of(request)
        self.sent = [s for s in self.sent if not (s.kind == "edit"
                                                   and s.interaction_id == interaction_id)]  # fmt: skip
        message = self._message(body)
        self.sent.append(Sent("edit", interaction_id, body, message=message))
        return _json(message)

    async def _channel_message(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        invalid = self._invalid(body)
        if invalid is not None:
            return invalid
        channel = request.match_info["channel"]
        if channel in self.forbidden_channels:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        refused = self._poll_refused(channel, body)
        if refused is not None:
            return refused
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce") and nonce in self.nonces:
            self.repeated.append(nonce)
            return _json(self.nonces[nonce])  # Discord: the message already made with it
        message = self._keep(self._message(body, channel))
        if nonce is not None:
            self.nonces[nonce] = message
        self.sent.append(Sent(f"channel:{channel}", None, body, message=message))
        if channel in self.hold_posts:
            await self._released.wait()  # the post arrived; its answer does not leave
        return _json(message)

    async def _channel(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel in self.forbidden_channels:
            return _json({"message": "Missing Access", "code": 50001}, status=403)
        for guild_id, channel_id in self.guilds:
            if channel_id == channel:
                return _json(self._channel_payload(guild_id, channel_id))
        return _json({"id": channel, "type": 0, "guild_id": GUILD_ID, "name": "other",
                      "position": 1, "permission_overwrites": [], "nsfw": False})  # fmt: skip

    async def user_message(self, content: str, channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        """A member posts ``content`` in a channel (MESSAGE_CREATE)."""
        message = {**self._message({"content": content}), "channel_id": channel_id,
                   "guild_id": GUILD_ID, "author": user("1600000000000000001", "bob"),
                   "member": {"roles": [], "joined_at": NOW, "deaf": False, "mute": False,
                              "flags": 0}}  # fmt: skip
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def _body(self, request: web.Request) -> dict[str, Any]:
        """The JSON payload; uploaded files are kept under ``_files`` (name → bytes)."""
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form["payload_json"]))
            body["_files"] = {
                value.filename: value.file.read()
                for value in form.values()
                if isinstance(value, web.FileField)
            }
            return dict(body)
        return dict(await request.json())

    # ---- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        compressor = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        entry = (socket, compressor)
        self._sockets.append(entry)
        await self._send(
            entry, {"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}
        )
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == 1:
                await self._send(entry, {"op": 11, "d": None, "s": None, "t": None})
            elif payload["op"] == 6:  # RESUME: refused if revoked, else start a new session
                if self.revoked:
                    await socket.close(code=4004, message=b"Authentication failed.")
                    break
                await self._send(entry, {"op": 9, "d": False, "s": None, "t": None})
            elif payload["op"] == 2:
                if self.revoked:
                    await socket.close(code=4004, message=b"Authentication failed.")
                    break
                self.identified.append(payload["d"])
                shard_id, shard_count = payload["d"].get("shard", [0, 1])
                self._shards[id(socket)] = (shard_id, shard_count)
                mine = [g for g in self.guilds if shard_of(g[0], shard_count) == shard_id]
                await self._dispatch_to(entry, "READY", self._ready_payload(payload["d"], mine))
                for guild_id, channel_id in mine:
                    await self._dispatch_to(
                        entry, "GUILD_CREATE", self._guild(guild_id, channel_id)
                    )
                self._ready.set()
        self._sockets.remove(entry)
        self._shards.pop(id(socket), None)
        return socket

    async def _send(
        self, entry: tuple[web.WebSocketResponse, Any], payload: dict[str, Any]
    ) -> None:
        socket, compressor = entry
        data = json.dumps(payload)
        if compressor is None:
            await socket.send_str(data)
        else:
            await socket.send_bytes(
                compressor.compress(data.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)
            )

    async def _dispatch_to(
        self, entry: tuple[web.WebSocketResponse, Any], event: str, data: dict[str, Any]
    ) -> None:
        await self._send(entry, {"op": 0, "t": event, "s": next(self._sequence), "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the connection of its server's shard (every connection if none)."""
        guild_id = data.get("guild_id")
        for entry in list(self._sockets):
            shard = self._shards.get(id(entry[0]))
            if guild_id is None or shard is None or shard_of(guild_id, shard[1]) == shard[0]:
                await self._dispatch_to(entry, event, data)

    def _ready_payload(
        self, identify: dict[str, Any], guilds: list[tuple[str, str]] | None = None
    ) -> dict[str, Any]:
        listed = self.guilds if guilds is None else guilds
        return {
            "v": 10, "user": {**user(BOT_ID, "Wattson", bot=True), "verified": True},
            "guilds": [{"id": g, "unavailable": True} for g, _ in listed],
            "session_id": "fake-session",
            "resume_gateway_url": f"ws://{self.host}:{self.port}/gateway",
            "shard": identify.get("shard", [0, 1]), "application": {"id": APP_ID, "flags": 0},
            "private_channels": [], "relationships": [],
        }  # fmt: skip

    def _channel_payload(self, guild_id: str, channel_id: str) -> dict[str, Any]:
        return {"id": channel_id, "type": 0, "name": "general", "position": 0,
                "permission_overwrites": [], "guild_id": guild_id, "nsfw": False}  # fmt: skip

    def _guild(self, guild_id: str = GUILD_ID, channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        return {
            "id": guild_id, "name": "Climate club", "icon": None, "owner_id": "1000000000000000009",
            "unavailable": False, "member_count": 3, "large": False, "joined_at": NOW,
            "preferred_locale": "en-US", "features": [], "emojis": [], "stickers": [],
            "roles": [{"id": guild_id, "name": "@everyone", "permissions": "1024", "position": 0,
                       "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}],
            "channels": [self._channel_payload(guild_id, channel_id)],
            "members": [], "threads": [], "presences": [], "voice_states": [],
            "stage_instances": [], "guild_scheduled_events": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "system_channel_flags": 0, "premium_tier": 0, "nsfw_level": 0,
        }  # fmt: skip

    # ---- interactions --------------------------------------------------------------------

    def interaction_payload(
        self,
        data: dict[str, Any],
        *,
        user_id: str = "1500000000000000001",
        name: str = "alice",
        moderator: bool = False,
        locale: str = "en-US",
        kind: int = 2,
        guild_id: str = GUILD_ID,
        channel_id: str = CHANNEL_ID,
    ) -> dict[str, Any]:
        interaction_id = str(next(self._ids))
        self._interaction_channels[interaction_id] = channel_id
        permissions = APP_PERMISSIONS & ~(SEND_POLLS if channel_id in self.pollless_channels else 0)
        return {
            "id": interaction_id, "application_id": APP_ID, "type": kind,
            "token": f"token-{interaction_id}", "version": 1, "guild_id": guild_id,
            "channel_id": channel_id,
            "channel": self._channel_payload(guild_id, channel_id),
            "member": {"user": user(user_id, name), "roles": [], "joined_at": NOW, "deaf": False,
                       "mute": False, "flags": 0,
                       "permissions": str(MANAGE_MESSAGES if moderator else 1024)},
            "data": data, "locale": locale, "guild_locale": "en-US",
            "app_permissions": str(permissions), "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id}, "context": 0,
            "attachment_size_limit": 10485760,
        }  # fmt: skip

    async def slash(self, command: str, options: list[dict[str, Any]] | None = None,
                    expect: int = 1, **who: Any) -> list[Sent]:  # fmt: skip
        """Invoke a slash command as a member would; return what the bot sent for it."""
        data = {"id": str(next(self._ids)), "name": command, "type": 1, "options": options or []}
        return await self.invoke(self.interaction_payload(data, **who), expect=expect)

    async def message_command(self, command: str, content: str, **who: Any) -> list[Sent]:
        """Use a message context-menu command on a message with ``content``."""
        message_id = str(next(self._ids))
        target = {**self._message({"content": content}), "id": message_id,
                  "author": user("1600000000000000001", "bob")}  # fmt: skip
        data = {"id": str(next(self._ids)), "name": command, "type": 3, "target_id": message_id,
                "resolved": {"messages": {message_id: target}}}  # fmt: skip
        return await self.invoke(self.interaction_payload(data, **who))

    async def press(self, sent: Sent, button: int = 0, **who: Any) -> list[Sent]:
        """A member presses a button under a message the bot sent (a component interaction).

        The interaction carries the message, with its components, as Discord's does.
        """
        assert sent.message is not None, "the bot's message as Discord made it"
        data = {"custom_id": sent.buttons[button]["custom_id"], "component_type": 2}
        payload = self.interaction_payload(data, kind=3, **who)
        payload["message"] = {**sent.message, "channel_id": payload["channel_id"]}
        return await self.invoke(payload)

    async def autocomplete(self, command: str, options: list[dict[str, Any]]) -> dict[str, Any]:
        data = {"id": str(next(self._ids)), "name": command, "type": 1, "options": options}
        payload = self.interaction_payload(data, kind=4)
        [sent] = await self.invoke(payload, expect=1)
        return sent.body

    async def invoke(
        self, payload: dict[str, Any], expect: int = 1, timeout: float = 10.0
    ) -> list[Sent]:
        before = len(self.sent)
        await self.dispatch("INTERACTION_CREATE", payload)
        interaction_id = payload["id"]

        async def answered() -> list[Sent]:
            while True:
                mine = self.sent[before:]
                if any(s.interaction_id == interaction_id for s in mine) and len(mine) >= expect:
                    await asyncio.sleep(0.05)  # anything else on its way
                    return list(self.sent[before:])
                await asyncio.sleep(0.01)

        return await asyncio.wait_for(answered(), timeout)
