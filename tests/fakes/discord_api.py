"""A fake Discord: REST API and gateway websocket on 127.0.0.1, for the real discord.py.

It speaks Discord's wire protocol as discord.py uses it: ``GET /gateway/bot``
points the auto-sharded client at this server's websocket; the gateway says
HELLO, takes IDENTIFY, answers READY and GUILD_CREATE, acknowledges heartbeats,
and compresses frames as zlib-stream when the client asks. Tests dispatch
``INTERACTION_CREATE`` events and read what the bot sent back through the
interaction callback and webhook (follow-up) endpoints. ``fail_next`` makes the
next matching request answer HTTP 429 with Discord's rate-limit body.

Sharding as Discord does it: a client identifying as shard ``[i, n]`` gets the
servers whose ``(id >> 22) % n == i``, and a server's events go only to the
connection of its shard. ``guilds`` lists the servers (each with one channel);
``hold_posts`` keeps channel posts waiting (recorded, never answered), as a
send interrupted midway.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import serve_locally

APP_ID = "1100000000000000001"
BOT_ID = APP_ID
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"
MANAGE_MESSAGES = 1 << 13
NOW = datetime(2026, 11, 26, tzinfo=UTC).isoformat()
# A second server and its channel, on shard 0 of 2 (GUILD_ID is on shard 1 of 2).
OTHER_GUILD_ID = "1200000000004194305"
OTHER_CHANNEL_ID = "1300000000000000002"


def shard_of(guild_id: str, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    return (int(guild_id) >> 22) % shard_count


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: ``Content-Type: application/json`` exactly (discord.py checks)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        # Discord answers through Google's front end; discord.py reads a 429 without
        # a Via header as a Cloudflare ban instead of a rate limit to wait out.
        headers={"Content-Type": "application/json", "Via": "1.1 google", **(headers or {})},
    )


def user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot, "public_flags": 0}  # fmt: skip


@dataclass
class Sent:
    """One message the bot sent: how (callback or follow-up) and what."""

    kind: str
    interaction_id: str | None
    body: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        return self.body.get("data", self.body)

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
    # (server id, channel id) of each server the bot is in
    guilds: list[tuple[str, str]] = field(default_factory=lambda: [(GUILD_ID, CHANNEL_ID)])
    hold_posts: set[str] = field(default_factory=set)  # channel ids whose posts never finish
    _sockets: list[tuple[web.WebSocketResponse, Any]] = field(default_factory=list)
    _shards: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(socket) -> [i, n]
    _released: asyncio.Event = field(default_factory=asyncio.Event)  # ends held posts
    _failures: dict[str, int] = field(default_factory=dict)
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
        app.router.add_post(f"{api}/channels/{{channel}}/messages", self._channel_message)
        app.router.add_get(f"{api}/channels/{{channel}}", self._channel)
        app.router.add_get("/gateway", self._gateway)
        self._runner, self.port = await serve_locally(app, self.host)

    async def stop(self) -> None:
        self._released.set()
        for socket, _ in self._sockets:
            await socket.close()
        await self._runner.cleanup()

    async def wait_ready(self, timeout: float = 20.0) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

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
        for part, left in list(self._failures.items()):
            if left > 0 and part in request.path:
                self._failures[part] = left - 1
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": 0.05,
                        "global": False,
                    },
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
        return await handler(request)

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

    def _message(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)), "channel_id": CHANNEL_ID, "type": 0,
            "content": body.get("content") or "", "embeds": body.get("embeds") or [],
            "author": user(BOT_ID, "Wattson", bot=True), "attachments": [], "mentions": [],
            "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
            "timestamp": NOW, "edited_timestamp": None, "flags": body.get("flags", 0),
            "components": [],
        }  # fmt: skip

    async def _callback(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self.sent.append(Sent("callback", request.match_info["id"], body))
        message = self._message(body.get("data") or {})
        return _json({
            "interaction": {"id": request.match_info["id"], "type": 2,
                            "response_message_id": message["id"],
                            "response_message_loading": False,
                            "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64)},
            "resource": {"type": body.get("type", 4), "message": message},
        })  # fmt: skip

    async def _followup(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self.sent.append(Sent("followup", None, body))
        return _json(self._message(body))

    async def _channel_message(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        channel = request.match_info["channel"]
        self.sent.append(Sent(f"channel:{channel}", None, body))
        if channel in self.hold_posts:
            await self._released.wait()  # the post arrived; its answer does not leave
        return _json(self._message(body))

    async def _channel(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        for guild_id, channel_id in self.guilds:
            if channel_id == channel:
                return _json(self._channel_payload(guild_id, channel_id))
        return _json({"message": "Unknown Channel", "code": 10003}, status=404)

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
            elif payload["op"] == 2:
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
        return {
            "id": interaction_id, "application_id": APP_ID, "type": kind,
            "token": f"token-{interaction_id}", "version": 1, "guild_id": guild_id,
            "channel_id": channel_id,
            "channel": self._channel_payload(guild_id, channel_id),
            "member": {"user": user(user_id, name), "roles": [], "joined_at": NOW, "deaf": False,
                       "mute": False, "flags": 0,
                       "permissions": str(MANAGE_MESSAGES if moderator else 1024)},
            "data": data, "locale": locale, "guild_locale": "en-US",
            "app_permissions": "2147483647", "entitlements": [],
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
