"""The core: route a :class:`Request` to its command and always answer.

:meth:`Core.handle` chooses the reply language (the user's choice, else the
chat's, else the platform's locale, else the configured default), runs the
command inside it, turns every expected mistake into a localized error reply
and every unexpected one into an apology (logged, never a traceback in chat),
and keeps the reply within the configured length.
"""

from __future__ import annotations

import difflib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.foundation.errors import (
    DatabaseUnavailableError,
    PermissionDeniedError,
    RateLimitedError,
    UnknownCommandError,
    UserInputError,
    WattsonError,
)
from bot.foundation.i18n import (
    COMMAND_CONTEXT,
    _,
    negotiate_language,
    use_command_names,
    use_language,
)
from bot.foundation.metrics import (
    REPLIES,
    REQUEST_SECONDS,
    REQUESTS,
    STORAGE_ERRORS,
    UNKNOWN_COMMAND,
)
from bot.foundation.storage import database_errors, is_read_only
from bot.measuring.catalog import ModelCatalog
from bot.measuring.energy import Estimator
from bot.messages import Reply, Request
from bot.preferences import PreferenceStore
from bot.ratelimit import SlidingWindow
from bot.reports.offers import OfferMemory
from bot.settings import Settings
from bot.usage import UsageRecorder

if TYPE_CHECKING:
    from bot.campaigns.store import CampaignStore
    from bot.desk.store import DeskStore
    from bot.foundation.storage import Database
    from bot.quiz.store import QuizStore
    from facts.reports import ReportStore
    from facts.store import ClaimStore

log = logging.getLogger(__name__)

ELLIPSIS = "…"
LOCAL_PLATFORM = "console"  # the person at this machine: the console, the benchmark
WEB_PLATFORM = "web"  # the public pages, which limit each client address themselves
UNLIMITED_PLATFORMS = frozenset({LOCAL_PLATFORM, WEB_PLATFORM})  # no chat to flood


class Outbox(Protocol):
    """Post in a chat unprompted (campaigns); an adapter whose platform recognises a repeated
    ``key`` lists its window in :attr:`Services.repeat_windows` and is given one."""

    async def __call__(self, chat_id: str, reply: Reply, *, key: str | None = None) -> None: ...


ChatFilter = Callable[[str], Awaitable[bool]]  # chat id -> whether this process serves it


@dataclass(frozen=True, slots=True)
class Services:
    """What commands need, opened once in ``main()`` and passed in."""

    settings: Settings
    catalog: ModelCatalog
    estimator: Estimator
    preferences: PreferenceStore | None = None
    claims: ClaimStore | None = None
    usage: UsageRecorder | None = None
    campaigns: CampaignStore | None = None
    # how to post in a chat of each platform, registered by running adapters
    outboxes: dict[str, Outbox] = field(default_factory=dict)
    # platform -> seconds within which a post sent again with the same key is posted once
    # (Discord's enforced nonces): an interrupted campaign post is then finished, not reported
    repeat_windows: dict[str, float] = field(default_factory=dict)
    # which chats of a platform this process serves, when it serves only some
    # (Discord shards split across processes); absent: every chat of the platform
    serves: dict[str, ChatFilter] = field(default_factory=dict)
    database: Database | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # the last fact shown in each chat, so /fact does not repeat itself (memory only)
    recent_facts: dict[str, str] = field(default_factory=dict)
    reports: ReportStore | None = None
    # (moderator, proposal number) -> the claim version the moderator was last shown it
    # against: /fact approve applies a proposal only over what its moderator saw (memory only)
    seen_versions: dict[tuple[str, int], str] = field(default_factory=dict)
    # checked statements waiting for "Wrong verdict?", briefly (memory only: bot.reports.offers)
    offers: OfferMemory = field(default_factory=OfferMemory)
    # platform -> the catalog context its commands are named from, when they have names of
    # their own (Discord's localized slash commands); others use the chat's (COMMAND_CONTEXT)
    command_names: dict[str, str] = field(default_factory=dict)
    # the moderators' desk: sign-in links, sessions, notices of decisions (bot.desk)
    desk: DeskStore | None = None
    # quizzes posted and their answer counts, never who (bot.quiz.store)
    quizzes: QuizStore | None = None
    # platforms whose adapter posts a reply's Poll natively and records the post itself
    # (with the platform's poll id); the core records a quiz shown as text elsewhere
    poll_platforms: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Context:
    """One request being answered, with the services and the chosen language."""

    request: Request
    services: Services
    language: str
    commands: tuple[Command, ...] = ()  # what this core answers, for /help

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def is_moderator(self) -> bool:
        """The platform says so (roles, admins), or the configured allow-list does."""
        user = self.request.user
        return self.request.is_moderator or (
            f"{user.platform}:{user.id}" in self.settings.moderation.allow
        )

    @property
    def actor(self) -> str:
        """How the audit log names the author: ``platform:id``."""
        return f"{self.request.user.platform}:{self.request.user.id}"


Handler = Callable[[Context], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    """A command: its name, French alias, one-line help and handler."""

    name: str
    handler: Handler
    summary: str  # marked with N_, translated when shown
    usage: str = ""
    aliases: tuple[str, ...] = ()
    moderator_only: bool = False
    # subcommands (every alias) followed by ``key: value`` lines, e.g. ``/fact add``
    field_subcommands: frozenset[str] = frozenset()
    # what answers a press of an Action this command offered ("Wrong verdict?"); a press
    # for a command without one is refused, whatever data a client makes up
    press: Handler | None = None
    # subcommands (every alias) answered to the asker alone, wherever they asked (``/fact desk``)
    private_subcommands: frozenset[str] = frozenset()

    def answers_privately(self, args: str) -> bool:
        """Whether the answer to ``args`` is for the asker alone (known before answering)."""
        words = args.split(maxsplit=1)
        return bool(words) and words[0].casefold() in self.private_subcommands

    def awaits_fields(self, args: str) -> bool:
        """Whether ``args`` opens a block of fields that has not been written yet.

        ``/fact add`` or ``/fact edit ID`` alone announce fields on the next
        lines; ``/fact add id: x; topic: water`` already carries them.
        """
        words = args.split(maxsplit=1)
        if not words or words[0].casefold() not in self.field_subcommands:
            return False
        return ":" not in "".join(words[1:])


class Core:
    """Answer requests from any adapter; knows nothing of Discord or Telegram."""

    def __init__(self, services: Services, commands: Sequence[Command]) -> None:
        self.services = services
        limits = services.settings.limits
        self._per_user = SlidingWindow(limits.per_user_per_minute)
        self._per_chat = SlidingWindow(limits.per_chat_per_minute)
        self.commands = tuple(commands)
        self._routes: dict[str, Command] = {}
        for command in self.commands:
            for name in (command.name, *command.aliases):
                if name in self._routes:
                    raise ValueError(f"command name /{name} is registered twice")
                self._routes[name] = command

    def command_for(self, name: str) -> Command | None:
        """The command a name (or alias) designates, if any."""
        return self._routes.get(name.casefold())

    def answers_privately(self, request: Request) -> bool:
        """Whether the answer is for the asker alone, so an adapter can hide it before it comes."""
        command = self._routes.get(request.command)
        return command is not None and command.answers_privately(request.args)

    async def language_for(self, request: Request) -> str:
        """The session's language, else user preference, else chat preference, else platform
        locale, else default."""
        if request.language is not None:
            return request.language
        store = self.services.preferences
        if store is not None:
            for scope, subject in (("user", request.user.id), ("chat", request.chat.id)):
                chosen = await store.language(scope, request.user.platform, subject)  # type: ignore[arg-type]
                if chosen:
                    return chosen
        return negotiate_language(request.locale) or self.services.settings.language.default

    async def handle(self, request: Request) -> Reply:
        """Answer ``request``; never raises. Counted and timed by platform and command."""
        command = self._routes.get(request.command)
        labels = (request.user.platform, command.name if command else UNKNOWN_COMMAND)
        REQUESTS.labels(*labels).inc()
        started = time.perf_counter()
        reply = await self._handle(request)
        REQUEST_SECONDS.labels(*labels).observe(time.perf_counter() - started)
        REPLIES.labels(*labels, "error" if reply.error else "ok").inc()
        return reply

    async def _handle(self, request: Request) -> Reply:
        try:
            language = await self.language_for(request)
        except DatabaseUnavailableError:  # said once by the driver: the platform's locale will do
            language = negotiate_language(request.locale) or self.services.settings.language.default
        except Exception:
            log.exception("could not read the language preference; using the default")
            language = self.services.settings.language.default
        naming = self.services.command_names.get(request.user.platform, COMMAND_CONTEXT)
        with use_language(language), use_command_names(naming):
            reply = await self._answer(Context(request, self.services, language, self.commands))
        if self.services.usage is not None:
            self.services.usage.record(request, reply)
        return self._fit(reply)

    async def _answer(self, context: Context) -> Reply:
        request = context.request
        try:
            self._check_rate(request)
            command = self._routes.get(request.command)
            if command is None:
                raise UnknownCommandError(request.command, self._suggest(request.command))
            if command.moderator_only and not context.is_moderator:
                raise PermissionDeniedError(command.name)
            if request.pressed is not None:
                if command.press is None:
                    raise UnknownCommandError(request.command, [])
                return await command.press(context)
            return await command.handler(context)
        except UserInputError as error:
            return Reply(text=error.localized(), error=True)
        except DatabaseUnavailableError as error:  # the driver logged the fault, once
            return Reply(text=error.localized(), error=True)
        except WattsonError as error:
            log.error("cannot answer /%s: %s", request.command, error)
            return Reply(text=error.localized(), error=True)
        except Exception as error:
            if isinstance(error, database_errors()):
                STORAGE_ERRORS.labels("core").inc()
            if is_read_only(error):
                log.error("cannot answer /%s: the database is read-only", request.command)
                return Reply(
                    text=_(
                        "The database cannot be written at the moment, so nothing was saved. "
                        "Reading still works; please tell the bot’s operator."
                    ),
                    error=True,
                )
            log.exception("unexpected error while answering /%s", request.command)
            return Reply(
                text=_(
                    "Sorry, something went wrong on my side. Nothing was saved; please try again."
                ),
                error=True,
            )

    def _check_rate(self, request: Request) -> None:
        """Refuse a request over the per-user or per-chat limit (the console is exempt)."""
        if request.user.platform in UNLIMITED_PLATFORMS:
            return
        user = f"{request.user.platform}:{request.user.id}"
        chat = f"{request.chat.platform}:{request.chat.id}"
        if not self._per_user.allow(user):
            raise RateLimitedError(self._per_user.retry_after(user))
        if not self._per_chat.allow(chat):
            raise RateLimitedError(self._per_chat.retry_after(chat))

    def _suggest(self, name: str) -> list[str]:
        """Canonical names of the commands closest to ``name`` (aliases count too)."""
        close = difflib.get_close_matches(name, list(self._routes), n=4, cutoff=0.6)
        names: list[str] = []
        for match in close:
            canonical = self._routes[match].name
            if canonical not in names:
                names.append(canonical)
        return names[:2]

    def _fit(self, reply: Reply) -> Reply:
        """Cut a reply that is too long at a line break, and say so."""
        limit = self.services.settings.limits.max_reply_chars
        if len(reply.text) <= limit:
            return reply
        marker = "\n" + ELLIPSIS
        cut = reply.text[: limit - len(marker)]
        line_break = cut.rfind("\n")
        if line_break > limit // 2:
            cut = cut[:line_break]
        return reply.model_copy(update={"text": cut.rstrip() + marker})
