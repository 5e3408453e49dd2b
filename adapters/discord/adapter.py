"""Discord events in, core requests out; core replies back as Discord messages.

Built on discord.py's auto-sharded client, so a bot in thousands of servers
needs no code change. Slash commands and the "Energy cost" message context menu
work without the privileged Message Content intent (Discord sends the chosen
message with the interaction). Commands are synced on demand
(``wattson discord sync``), never at every start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from typing import Any

import aiohttp
import discord
import yarl

from adapters.discord.buttons import enable_buttons
from adapters.discord.commands import WattsonTree, build_tree
from adapters.discord.polls import PollKeeper, poll_message, refuses_polls
from adapters.discord.render import NO_MENTIONS, render_content, render_reply
from adapters.discord.sending import ONCE, SAFE, GaveUp, TokenRefused, backoff, describe, send
from adapters.discord.translator import NAME_CONTEXT
from bot.campaigns.scheduler import ChatRefusedError, PollsRefusedError
from bot.dispatch import Core
from bot.foundation.i18n import _, negotiate_language, use_language
from bot.messages import Action, ChatRef, Reply, Request, UserRef
from bot.ratelimit import SlidingWindow
from bot.settings import DiscordSettings

PLATFORM = "discord"
DEFER_AFTER = 1.5  # seconds; Discord wants an answer within 3, counted from its side
# Discord returns the message already made with an enforced nonce "in the past few minutes":
# an interrupted campaign post is sent again with its nonce only this soon after its attempt
REPEAT_WINDOW = 120.0
TOKEN_CLOSE_CODES = frozenset({4004})  # gateway: authentication failed
STATE, DEFERRED, ANSWERED = "wattson", "deferred", "answered"  # kept in interaction.extras
UNREACHABLE = (OSError, aiohttp.ClientError, TimeoutError, discord.HTTPException)
DISCORD_API = "https://discord.com/api/v10"
log = logging.getLogger(__name__)


class PlatformError(RuntimeError):
    """Discord refuses to serve the bot (bad or revoked token), or cannot be reached."""


def new_nonce() -> str:
    """A message nonce (Discord takes up to 25 characters) for ``enforce_nonce``."""
    return secrets.token_hex(12)


def keyed_nonce(key: str, part: int) -> str:
    """The nonce of message ``part`` of the post ``key``: the same at every attempt."""
    return hashlib.sha256(f"{key}/{part}".encode()).hexdigest()[:25]


def fresh(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` ready to be sent (again): its files rewound to their start."""
    for file in message.get("files", []):
        file.reset(seek=True)
    return message


def edit_kwargs(interaction: discord.Interaction[Any], message: dict[str, Any]) -> Any:
    """Edit the deferred response into ``message`` (files become new attachments)."""
    kwargs = dict(fresh(message))
    files = kwargs.pop("files", None)
    if files:
        kwargs["attachments"] = files
    return interaction.edit_original_response(**kwargs)


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
        self.tree: WattsonTree = build_tree(self.client, self, core.services)
        self._auto = SlidingWindow(settings.auto_per_minute)
        self.client.event(self.on_message)
        enable_buttons(self.client, self)
        self._fatal: PlatformError | None = None
        self._stopping = asyncio.Event()
        self._in_flight = 0  # interactions being answered
        self._idle = asyncio.Event()
        self._idle.set()
        self.polls = PollKeeper(
            self.client,
            core.services,
            settings.quiz_hours,
            self.post_in,
            self.serves_chat if settings.shard_count is not None else None,
        )
        self.client.event(self.polls.on_raw_message_edit)
        self._keeping: asyncio.Task[None] | None = None
        core.services.outboxes[PLATFORM] = self.post
        core.services.poll_platforms.add(PLATFORM)  # it records its polls itself
        core.services.repeat_windows[PLATFORM] = REPEAT_WINDOW
        core.services.command_names[PLATFORM] = NAME_CONTEXT  # hints name /coût, not /cout
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
        pressed: str | None = None,
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
            pressed=pressed,
        )

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        command: str,
        args: str = "",
        reply_to_text: str | None = None,
        pressed: str | None = None,
    ) -> Reply | None:
        """Run one command for an interaction and send the reply (errors only to the author).

        Discord is told nothing it will not get: the interaction is deferred
        ("thinking…") only when the answer takes longer than :data:`DEFER_AFTER`,
        and then the answer replaces that note. A failure after the deferral still
        ends in an answer (the apology), never in a note thinking for ever. The
        answer to a press of a button (``pressed``) is shown only to who pressed it.
        """
        if self._stopping.is_set():
            return None  # stopping: not acknowledged, so Discord shows it failed, not answered
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._answer(interaction, command, args, reply_to_text, pressed)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _answer(
        self,
        interaction: discord.Interaction[Any],
        command: str,
        args: str,
        reply_to_text: str | None,
        pressed: str | None = None,
    ) -> Reply | None:
        request = self.to_request(interaction, command, args, reply_to_text, pressed)
        # a press's answer, or one for the asker alone (a sign-in link), is never shown to all
        private = pressed is not None or self.core.answers_privately(request)
        try:
            handling = asyncio.ensure_future(self.core.handle(request))
            done, _pending = await asyncio.wait({handling}, timeout=DEFER_AFTER)
            if not done:
                # Discord drops an interaction not acknowledged within 3 s: say "thinking…" now.
                await send(
                    lambda: interaction.response.defer(thinking=True, ephemeral=private),
                    SAFE,
                    f"deferring interaction {interaction.id}",
                )
                interaction.extras[STATE] = DEFERRED  # even if only a repeat proved it (40060)
            reply = await handling
            if reply.poll is not None and not reply.error:
                deferred = interaction.extras.get(STATE) == DEFERRED
                if await self.polls.answer(interaction, reply, deferred):
                    interaction.extras[STATE] = ANSWERED
                    return reply  # else the quiz as text, its options as buttons
            language = (
                negotiate_language(request.locale) or self.core.services.settings.language.default
            )
            messages = render_reply(reply, language)
            await self.respond(
                interaction, messages, ephemeral=reply.error or private or reply.private
            )
            return reply
        except TokenRefused as error:
            self.refuse_token(str(error))
        except GaveUp as error:
            log.error("interaction %s not answered: %s", interaction.id, error)
        except discord.NotFound as error:  # 10062: its token expired (3 s, or 15 min deferred)
            log.error("interaction %s not answered, Discord no longer knows it: %s",
                      interaction.id, describe(error))  # fmt: skip
        except Exception as error:
            log.error("interaction %s failed: %s", interaction.id, describe(error))
            await self.apologise(interaction)
        return None

    async def respond(
        self, interaction: discord.Interaction[Any], messages: list[dict[str, Any]], ephemeral: bool
    ) -> None:
        """Send ``messages`` as the interaction's response (or its deferred one), then follow-ups."""
        first, *rest = messages
        where = f"interaction {interaction.id}"
        if interaction.extras.get(STATE) == DEFERRED:  # the answer replaces "thinking…"
            await send(lambda: edit_kwargs(interaction, first), SAFE, f"answering {where}")
            ephemeral = False  # a deferred answer's visibility was set by the deferral
        else:
            await send(
                lambda: interaction.response.send_message(**fresh(first), ephemeral=ephemeral),
                SAFE,
                f"answering {where}",
            )
        interaction.extras[STATE] = ANSWERED
        for number, message in enumerate(rest, start=2):
            await send(
                lambda message=message: interaction.followup.send(  # type: ignore[misc]
                    **fresh(message), ephemeral=ephemeral
                ),
                ONCE,
                f"message {number} of the answer to {where}",
            )

    async def press(self, interaction: discord.Interaction[Any], data: str) -> None:
        """A button under an answer was pressed: the core answers, to the presser alone."""
        await self.answer(interaction, Action.command_of(data), pressed=data)

    async def apologise(self, interaction: discord.Interaction[Any]) -> None:
        """The generic apology, as a response or in place of "thinking…"; logged if even that fails."""
        language = negotiate_language(str(interaction.locale.value)) or "en"
        with use_language(language):
            text = _("Sorry, something went wrong on my side. Nothing was saved; please try again.")
        message: dict[str, Any] = {"content": text, "allowed_mentions": NO_MENTIONS}
        state = interaction.extras.get(STATE)
        if state is None and interaction.response.is_done():  # acknowledged outside answer()
            state = ANSWERED
        try:
            if state == DEFERRED:
                await send(lambda: edit_kwargs(interaction, message), SAFE, "apologising")
            elif state == ANSWERED:  # the answer's first message is out: never replace it
                await send(
                    lambda: interaction.followup.send(**message, ephemeral=True),
                    ONCE,
                    "apologising",
                )
            else:
                await send(
                    lambda: interaction.response.send_message(**message, ephemeral=True),
                    SAFE,
                    "apologising",
                )
        except TokenRefused as error:
            self.refuse_token(str(error))
        except Exception as error:
            log.error("interaction %s: no apology either: %s", interaction.id, describe(error))

    async def post(self, chat_id: str, reply: Reply, *, key: str | None = None) -> None:
        """Post in a channel unprompted (campaigns), mentions inert as always.

        Each message carries a nonce Discord enforces, so a post resent after an
        uncertain failure is not posted twice. Given a ``key`` (a campaign slot),
        the nonces derive from it: the same post sent again by a restarted process,
        within :data:`REPEAT_WINDOW`, is recognised too, and posted once. A quiz
        (``reply.poll``) is posted as a native poll, and written down to be
        revealed when it ends; a channel where the bot may not send polls raises
        :class:`PollsRefusedError`.
        """
        await self.post_in(chat_id, reply, key)

    async def post_in(
        self, chat_id: str, reply: Reply, key: str | None = None, language: str | None = None
    ) -> None:
        """:meth:`post`, its words (the sources' label) in ``language`` (default: the bot's)."""
        try:
            channel = self.client.get_channel(int(chat_id)) or await send(
                lambda: self.client.fetch_channel(int(chat_id)), SAFE, f"finding channel {chat_id}"
            )
            if not isinstance(channel, discord.abc.Messageable):
                raise ChatRefusedError(f"Discord channel {chat_id} cannot receive messages")
            language = language or self.core.services.settings.language.default
            if reply.poll is not None:
                messages = [poll_message(reply, self.settings.quiz_hours)]
            else:
                messages = render_reply(reply, language)
            for part, message in enumerate(messages):
                nonce = keyed_nonce(key, part) if key else new_nonce()
                sent = await send(
                    lambda message=message, nonce=nonce: channel.send(  # type: ignore[misc]
                        **fresh(message), nonce=nonce
                    ),
                    SAFE,
                    f"posting in channel {chat_id}",
                )
                if reply.poll is not None and sent is not None:
                    await self.polls.record(chat_id, sent.id, reply.poll)
        except (discord.Forbidden, discord.NotFound) as error:
            if reply.poll is not None and refuses_polls(error):
                raise PollsRefusedError(str(error)) from None
            raise ChatRefusedError(str(error)) from None
        except TokenRefused as error:
            self.refuse_token(str(error))
            raise

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
        await message.reply(
            render_content(compact), allowed_mentions=NO_MENTIONS, mention_author=False
        )

    # ---- lifecycle -------------------------------------------------------------------

    def refuse_token(self, why: str) -> None:
        """The token was refused while serving: end :meth:`start` with a clear error."""
        if self._fatal is None:
            self._fatal = PlatformError(f"Discord refuses the token ({why}); check DISCORD_TOKEN")
            asyncio.get_running_loop().create_task(self.client.close())

    async def login(self, deadline: float) -> bool:
        """Log in, retrying an unreachable Discord until ``deadline``; ``False`` if stopped."""
        attempt = 0
        while not self._stopping.is_set():
            try:
                await self.client.login(self.token)
                return True
            except discord.LoginFailure as error:
                raise PlatformError(
                    f"Discord refuses the token ({error}); check DISCORD_TOKEN"
                ) from None
            except UNREACHABLE as error:
                if isinstance(error, discord.HTTPException) and error.status < 500:
                    raise PlatformError(f"Discord refuses to log in: {describe(error)}") from None
                await self.client.http.close()  # a fresh session for the next attempt
                self.client.http.connector = discord.utils.MISSING
                attempt += 1
                await self._pause(error, attempt, deadline)
        return False

    async def _pause(self, error: BaseException, attempt: int, deadline: float) -> None:
        """Wait before trying an unreachable Discord again; give up past ``deadline``."""
        delay = backoff(min(attempt, 6))
        if time.monotonic() + delay > deadline:
            raise PlatformError(f"Discord unreachable: {describe(error)}") from None
        log.warning("Discord unreachable (%s); trying again in %.1f s", describe(error), delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def start(self) -> None:
        """Log in and serve until :meth:`stop`; a refused token ends it with :class:`PlatformError`.

        Discord unreachable at start (log-in, gateway lookup) is retried with
        backoff for ``startup_seconds``; once connected, discord.py reconnects.
        """
        await self.tree.set_translator_if_needed()
        deadline = time.monotonic() + self.settings.startup_seconds
        if not await self.login(deadline):
            return
        # ended polls are read and revealed over REST: from now on, gateway or not
        self._keeping = asyncio.get_running_loop().create_task(self.polls.keep(self._stopping))
        if self.settings.shard_count is not None:
            # Given shard_count, discord.py connects to its built-in gateway address:
            # ask the API in use (Discord's, or api_base_url's) for it, as it does unsharded.
            _shards, url, _limits = await self.client.http.get_bot_gateway()
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        attempt = 0
        while not self._stopping.is_set():
            try:
                await self.client.connect(reconnect=True)
                break
            except discord.ConnectionClosed as error:
                if error.code in TOKEN_CLOSE_CODES:
                    raise PlatformError(
                        f"Discord refuses the token (gateway closed with {error.code}); "
                        "check DISCORD_TOKEN"
                    ) from None
                raise PlatformError(f"Discord closed the connection: {error}") from None
            except (*UNREACHABLE, discord.GatewayNotFound) as error:
                if isinstance(error, discord.HTTPException) and error.status < 500:
                    raise PlatformError(f"Discord refuses the bot: {describe(error)}") from None
                if self.client.is_ready() or self.client.is_closed():
                    raise PlatformError(f"Discord connection lost: {describe(error)}") from None
                attempt += 1
                await self._pause(error, attempt, deadline)
        if self._fatal is not None:
            raise self._fatal

    async def stop(self) -> None:
        """Take no new interactions, let those being answered finish (``stop_seconds``), close."""
        self._stopping.set()
        deadline = time.monotonic() + self.settings.answer_seconds  # one budget for both waits
        try:
            await asyncio.wait_for(self._idle.wait(), self.settings.answer_seconds)
        except TimeoutError:
            log.warning("%d interaction(s) still being answered at the stop", self._in_flight)
        if self._keeping is not None:  # it ends once _stopping is set, a reveal under way finished
            # (a sweep waiting on an unreachable database is cancelled: the next start sweeps)
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._keeping, max(0.0, deadline - time.monotonic()))
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
