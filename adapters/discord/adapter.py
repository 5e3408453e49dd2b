"""Discord events in, core requests out; core replies back as Discord messages.

Built on discord.py's auto-sharded client, so a bot in thousands of servers
needs no code change. Slash commands and the "Energy cost" message context menu
work without the privileged Message Content intent (Discord sends the chosen
message with the interaction). Commands are synced on demand
(``wattson discord sync``), never at every start.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl

from adapters.discord.commands import WattsonTree, build_tree
from adapters.discord.render import NO_MENTIONS, render_reply
from bot.campaigns import ChatRefusedError
from bot.dispatch import Core
from bot.i18n import negotiate_language
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.ratelimit import SlidingWindow
from bot.settings import DiscordSettings

PLATFORM = "discord"
DEFER_AFTER = 2.0  # seconds; Discord wants an answer to an interaction within 3
DISCORD_API = "https://discord.com/api/v10"
log = logging.getLogger(__name__)


def use_api_base_url(url: str | None) -> None:
    """Point discord.py's REST client (and so its gateway lookup) at ``url``."""
    discord.http.Route.BASE = (url or DISCORD_API).rstrip("/")


class DiscordAdapter:
    """One Discord bot serving the core: translate, call, render."""

    def __init__(self, core: Core, token: str, settings: DiscordSettings) -> None:
        self.core = core
        self.token = token
        self.settings = settings
        intents = discord.Intents.default()
        intents.message_content = bool(settings.auto_channels)  # privileged: only if asked
        # No shard_count: as many shards as Discord recommends, all in this process.
        sharding: dict[str, Any] = {}
        if settings.shard_count is not None:
            sharding = {"shard_count": settings.shard_count, "shard_ids": settings.shards}
        self.client = discord.AutoShardedClient(
            intents=intents, allowed_mentions=NO_MENTIONS, **sharding
        )
        self._served: dict[str, bool] = {}
        self.tree: WattsonTree = build_tree(self.client, self)
        self._auto = SlidingWindow(settings.auto_per_minute)
        self.client.event(self.on_message)
        core.services.outboxes[PLATFORM] = self.post
        if settings.shard_count is not None:  # other processes may run the other shards
            core.services.serves[PLATFORM] = self.serves_chat
        use_api_base_url(str(settings.api_base_url) if settings.api_base_url else None)

    # ---- translation -------------------------------------------------------------

    def to_request(
        self,
        interaction: discord.Interaction[Any],
        command: str,
        args: str = "",
        reply_to_text: str | None = None,
    ) -> Request:
        """A core request from an interaction: who, where, in which language, with what rights."""
        user = interaction.user
        chat_id = interaction.channel_id or interaction.guild_id or user.id
        permissions = interaction.permissions
        return Request(
            command=command,
            args=args,
            user=UserRef(platform=PLATFORM, id=str(user.id), name=None),
            chat=ChatRef(platform=PLATFORM, id=str(chat_id)),
            locale=str(interaction.locale.value),
            reply_to_text=reply_to_text,
            is_moderator=bool(interaction.guild_id) and permissions.manage_messages,
        )

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        command: str,
        args: str = "",
        reply_to_text: str | None = None,
    ) -> Reply:
        """Run one command for an interaction and send the reply (errors only to the author)."""
        request = self.to_request(interaction, command, args, reply_to_text)
        handling = asyncio.ensure_future(self.core.handle(request))
        done, _pending = await asyncio.wait({handling}, timeout=DEFER_AFTER)
        deferred = not done
        if deferred:
            # Discord drops an interaction not acknowledged within 3 s: say "thinking…" now.
            await interaction.response.defer(thinking=True)
        reply = await handling
        language = (
            negotiate_language(request.locale) or self.core.services.settings.language.default
        )
        messages = render_reply(reply, language)
        first, *rest = messages
        if deferred:
            await interaction.followup.send(**first)
        else:
            await interaction.response.send_message(**first, ephemeral=reply.error)
        for message in rest:
            await interaction.followup.send(**message, ephemeral=reply.error and not deferred)
        return reply

    async def post(self, chat_id: str, reply: Reply) -> None:
        """Post in a channel unprompted (campaigns), mentions inert as always."""
        try:
            channel = self.client.get_channel(int(chat_id)) or await self.client.fetch_channel(
                int(chat_id)
            )
            if not isinstance(channel, discord.abc.Messageable):
                raise ChatRefusedError(f"Discord channel {chat_id} cannot receive messages")
            for message in render_reply(reply, self.core.services.settings.language.default):
                await channel.send(**message)
        except (discord.Forbidden, discord.NotFound) as error:
            raise ChatRefusedError(str(error)) from None

    async def serves_chat(self, chat_id: str) -> bool:
        """Whether this process runs the shard of the channel's server (campaign posts).

        A server's shard is ``(server_id >> 22) % shard_count``, as Discord
        assigns it. A channel that cannot be looked up (the bot was removed) is
        left to the process running shard 0, which reports it like any refusal.
        """
        if chat_id in self._served:
            return self._served[chat_id]
        shard_count = self.settings.shard_count or 1
        mine = self.settings.shards or [0]
        channel: Any = self.client.get_channel(int(chat_id))
        try:
            channel = channel or await self.client.fetch_channel(int(chat_id))
        except (discord.Forbidden, discord.NotFound):
            answer = 0 in mine
        except Exception:  # not logged in yet, or Discord unreachable: ask again later
            return False
        else:
            guild = getattr(channel, "guild", None)
            answer = ((guild.id >> 22) % shard_count if guild else 0) in mine
        self._served[chat_id] = answer
        return answer

    # ---- optional auto mode --------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """In configured channels, annotate each human message with its cost (rate limited)."""
        if message.author.bot or message.channel.id not in self.settings.auto_channels:
            return
        if not message.content.strip() or not self._auto.allow(str(message.channel.id)):
            return
        request = Request(
            command="cost",
            args="",
            reply_to_text=message.content,
            user=UserRef(platform=PLATFORM, id=str(message.author.id)),
            chat=ChatRef(platform=PLATFORM, id=str(message.channel.id)),
            locale=str(message.guild.preferred_locale.value) if message.guild else None,
        )
        reply = await self.core.handle(request)
        if reply.error:
            return
        first_line = reply.text.split("\n", 2)
        compact = " · ".join(line for line in first_line[:2])
        await message.reply(compact[:2000], allowed_mentions=NO_MENTIONS, mention_author=False)

    # ---- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Log in and serve until :meth:`stop`."""
        await self.tree.set_translator_if_needed()
        if self.settings.shard_count is None:
            await self.client.start(self.token)  # asks /gateway/bot for shards and address
            return
        # Given shard_count, discord.py connects to its built-in gateway address:
        # ask the API in use (Discord's, or api_base_url's) for it, as it does unsharded.
        await self.client.login(self.token)
        _shards, url, _limits = await self.client.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        await self.client.connect()

    async def stop(self) -> None:
        await self.client.close()

    async def sync_commands(self, guild_id: int | None = None) -> int:
        """Register the slash commands with Discord (``wattson discord sync``)."""
        await self.tree.set_translator_if_needed()
        await self.client.login(self.token)
        try:
            info = await self.client.application_info()
            self.client._connection.application_id = info.id
            guild = discord.Object(id=guild_id) if guild_id else None
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            return len(synced)
        finally:
            await self.client.close()
