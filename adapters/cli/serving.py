"""``wattson run``, ``wattson console``, ``wattson web`` and ``wattson discord sync``: the bot itself."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from adapters.cli.common import EXIT_USAGE
from bot.foundation.storage import serving_lock

if TYPE_CHECKING:
    from adapters.runner import StopDeadline
    from bot.settings import Secrets, Settings


def say(line: str) -> None:
    """One line for the operator, on stderr, at once."""
    print(f"wattson: {line}", file=sys.stderr, flush=True)


async def command_console(
    settings: Settings, language: str | None = None, with_web: bool = False
) -> int:
    """``wattson console``: the real core on the embedded store, in this terminal.

    ``with_web``: the web pages are served too, for as long as the console runs.
    """
    import asyncio
    import contextlib

    from adapters.console import ConsoleAdapter
    from bot.app import open_core, running_campaigns

    async with open_core(settings) as core:
        console = ConsoleAdapter(core, locale=language, language=language)
        with serving_lock(settings.storage.database):
            async with running_campaigns(core, settings.campaigns):
                if not with_web:
                    await console.repl()
                    return 0
                from adapters.web import WebServer

                server = WebServer(core, settings, announce=say)
                serving = asyncio.create_task(server.start())
                try:
                    await console.repl()
                finally:
                    await server.stop()
                    with contextlib.suppress(Exception):
                        await serving
    return 0


async def command_web(settings: Settings, listen: str | None = None) -> int:
    """``wattson web``: the public pages, the API, health and metrics, until SIGINT or SIGTERM.

    It posts nothing and answers no chat platform, so it takes no serving lock:
    it runs beside ``wattson run`` on the same database (SQLite or PostgreSQL).
    """
    from adapters.runner import serve
    from adapters.web import WebServer
    from bot.app import open_core
    from bot.foundation.storage import describe_location

    if listen:
        from bot.settings import WebSettings

        web = WebSettings.model_validate({**settings.web.model_dump(), "listen": listen})
        settings = settings.model_copy(update={"web": web})
    async with open_core(settings) as core:
        say(f"database: {describe_location(settings.storage.database)}")
        server = WebServer(core, settings, announce=say)
        failures = await serve([server])
    for failure in failures:
        say(failure)
    return 1 if failures else 0


async def command_login_link(
    settings: Settings, who: str, chats: list[str], language: str | None
) -> int:
    """``wattson web login-link PLATFORM:ID``: a one-time link to the desk, printed.

    The operator at this machine vouches for the moderator, as ``[moderation]
    allow`` does; ``--chat`` names the chats whose campaigns the desk shows.
    """
    from datetime import UTC, datetime

    from bot.app import open_core
    from bot.desk.store import LINK_MINUTES

    for value in (who, *chats):
        platform, _colon, ident = value.partition(":")
        if not platform or not ident:
            say(f"{value!r} is not PLATFORM:ID (telegram:123456, discord:4242, console:local)")
            return EXIT_USAGE
    base = settings.web.base_url
    if base is None:
        say("no [web] public_url is set: the link needs the address moderators open")
        return EXIT_USAGE
    async with open_core(settings) as core:
        assert core.services.desk is not None
        link = await core.services.desk.issue_link(
            who, tuple(chats), language or settings.language.default, datetime.now(UTC)
        )
    print(f"{base}/desk/login/{link.token}")
    say(f"valid {LINK_MINUTES} minutes, once, for {who}")
    return 0


async def command_run(settings: Settings) -> int:
    """``wattson run``: platform adapters whose token is set, else the console."""
    from bot.settings import Secrets

    secrets = Secrets()
    if secrets.discord_token is None and secrets.telegram_token is None:
        print(
            "wattson: no DISCORD_TOKEN or TELEGRAM_TOKEN set; starting the console "
            f"(database: {settings.storage.database}).",
            file=sys.stderr,
        )
        return await command_console(settings, with_web=settings.web.enabled)
    from adapters.runner import StopDeadline

    stop = asyncio.Event()
    lost: list[str] = []
    deadline = StopDeadline(max(settings.discord.stop_seconds, settings.telegram.stop_seconds))

    def roles_lost(why: str) -> None:
        """Another process serves this one's roles now, or may: stop serving them at once."""
        print(f"wattson: {why}", file=sys.stderr, flush=True)
        lost.append(why)
        stop.set()

    try:
        return await _run(settings, secrets, stop, lost, deadline, roles_lost)
    finally:
        deadline.cancel()


async def _run(
    settings: Settings,
    secrets: Secrets,
    stop: asyncio.Event,
    lost: list[str],
    deadline: StopDeadline,
    roles_lost: Callable[[str], None],
) -> int:
    from adapters.runner import build_adapters, claim_roles, describe_serving, serve
    from bot.app import open_core, running_campaigns

    async with open_core(settings) as core:
        with serving_lock(settings.storage.database):
            assert core.services.database is not None
            await claim_roles(core.services.database, settings, secrets)
            core.services.database.watch_roles(roles_lost)
            adapters = build_adapters(core, settings, secrets)
            if not adapters:
                print(
                    "wattson: nothing to serve here: [discord] serve and [telegram] serve are"
                    " false (or their token is unset), and [web] enabled is false.",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            for line in describe_serving(settings, adapters, settings.storage.database):
                say(line)
            names = ", ".join(type(adapter).__name__ for adapter in adapters)
            print(f"wattson: serving {names}; Ctrl-C or SIGTERM stops.", file=sys.stderr)
            async with running_campaigns(core, settings.campaigns):
                failures = await serve(adapters, stop, deadline.start)
    for failure in failures:
        print(f"wattson: {failure}", file=sys.stderr)
    return 1 if lost or failures else 0


async def command_discord_sync(settings: Settings, guild: int | None) -> int:
    """``wattson discord sync``: register the slash commands with Discord."""
    from bot.settings import Secrets

    token = Secrets().discord_token
    if token is None:
        print("wattson: set DISCORD_TOKEN to sync the commands.", file=sys.stderr)
        return EXIT_USAGE
    from adapters.discord import DiscordAdapter
    from bot.app import open_core

    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, token.get_secret_value(), settings.discord)
        count = await adapter.sync_commands(guild)
    where = f"guild {guild}" if guild else "every server (global commands take up to an hour)"
    print(f"synced {count} commands for {where}")
    return 0
