"""``wattson run`` as real processes on PostgreSQL, reached through a proxy a test can break.

Shared by the tests of the database's faults: each process gets its own
config (the fakes' addresses, the database through :class:`~tests.fakes.tcp_proxy.Proxy`,
what it serves), its stderr is kept whole, and stopping it reports the exit
status and how long SIGTERM took.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.tcp_proxy import Proxy, through
from tests.fakes.telegram_api import TOKEN, FakeTelegram

WATTSON = str(Path(sys.executable).parent / "wattson")
ADMIN = 7  # a Telegram user the config makes a moderator
STOP_SECONDS = 5.0  # the processes' [telegram] and [discord] stop_seconds
APOLOGY = "database is not answering"  # the reply while the database is away


async def start_telegram_run(
    config: Path, stderr: int = asyncio.subprocess.PIPE
) -> asyncio.subprocess.Process:
    """``wattson run --config CONFIG`` serving Telegram alone, no WATTSON_ variable leaking in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env.update(TELEGRAM_TOKEN=TOKEN)
    env.pop("DISCORD_TOKEN", None)
    return await asyncio.create_subprocess_exec(
        WATTSON, "run", "--config", str(config),
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip


@dataclass
class Stopped:
    code: int | None
    seconds: float
    log: str


@dataclass
class Running:
    """The fakes, the proxy in front of PostgreSQL, and the ``wattson run`` processes."""

    folder: Path
    database: str  # the URL the test uses directly
    proxy: Proxy
    telegram: FakeTelegram
    discord: FakeDiscord | None = None
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    logs: dict[str, list[str]] = field(default_factory=dict)
    _readers: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The database as the processes reach it: through the proxy."""
        return through(self.database, self.proxy.port)

    def config(self, name: str, *, telegram: bool = True, discord: str | None = None,
               extra: str = "") -> Path:  # fmt: skip
        """A config for process ``name``; ``discord`` is its ``[discord]`` sharding lines."""
        lines = [
            f'[storage]\ndatabase = "{self.url}"\nquery_timeout_seconds = 2.0\n'
            "connect_timeout_seconds = 2.0\n",
            "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 10000\n",
            "[campaigns]\ntick_seconds = 1\n",
            f'[moderation]\nallow = ["telegram:{ADMIN}"]\n',
            f'[telegram]\napi_base_url = "{self.telegram.base_url}"\nstop_seconds = {STOP_SECONDS}\n'
            f"serve = {'true' if telegram else 'false'}\n"
            "messages_per_second = 0\ngroup_messages_per_minute = 0\n",
        ]
        if self.discord is not None:
            serve = "true" if discord is not None else "false"
            lines.append(
                f'[discord]\napi_base_url = "{self.discord.base_url}"\nstop_seconds = {STOP_SECONDS}\n'
                f"serve = {serve}\n{discord or ''}\n"
            )
        path = self.folder / f"{name}.toml"
        path.write_text("".join(lines) + extra)
        return path

    async def start(self, name: str, config: Path) -> asyncio.subprocess.Process:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
        env.update(TELEGRAM_TOKEN=TOKEN)
        if self.discord is not None:
            env.update(DISCORD_TOKEN="fake-discord-token")
        else:
            env.pop("DISCORD_TOKEN", None)
        process = await asyncio.create_subprocess_exec(
            WATTSON, "run", "--config", str(config),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self.processes[name] = process
        self.logs[name] = []
        self._readers[name] = asyncio.create_task(self._read(name, process))
        return process

    async def _read(self, name: str, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            self.logs[name].append(line.decode(errors="replace"))

    def log(self, name: str) -> str:
        return "".join(self.logs.get(name, []))

    async def until_logged(self, name: str, text: str, timeout: float = 30.0) -> None:
        await until(lambda: text in self.log(name), timeout)

    async def wait(self, name: str, timeout: float = 30.0) -> Stopped:
        """Wait for a process that ends on its own."""
        process = self.processes.pop(name)
        began = time.monotonic()
        await asyncio.wait_for(process.wait(), timeout)
        await self._readers.pop(name)
        return Stopped(process.returncode, time.monotonic() - began, self.log(name))

    async def stop(self, name: str, timeout: float = 30.0) -> Stopped:
        """SIGTERM; how long the process took to end, its status and its whole log."""
        process = self.processes[name]
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        stopped = await self.wait(name, timeout)
        stopped.seconds = time.monotonic() - began
        return stopped

    async def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        await process.wait()
        await self._readers.pop(name)

    async def close(self) -> None:
        for name, process in list(self.processes.items()):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            reader = self._readers.pop(name, None)
            if reader is not None:
                await reader
            if process.returncode not in (0, -signal.SIGKILL):
                print(f"process {name}:", self.log(name)[-3000:])
        self.processes.clear()
        await self.proxy.stop()


@contextlib.asynccontextmanager
async def running_bot(folder: Path, database: str, discord: bool) -> AsyncIterator[Running]:
    """The fakes (Telegram, and Discord if asked), a proxy to PostgreSQL, no process yet."""
    telegram = FakeTelegram()
    fake_discord = FakeDiscord() if discord else None
    await telegram.start()
    if fake_discord is not None:
        await fake_discord.start()
    proxy = Proxy("127.0.0.1", 5432)
    await proxy.start()
    run = Running(folder, database, proxy, telegram, fake_discord)
    try:
        yield run
    finally:
        proxy.heal()
        await run.close()
        if fake_discord is not None:
            await fake_discord.stop()
        await telegram.stop()


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


def push(telegram: FakeTelegram, text: str, **who: object) -> int:
    """Queue a message for the bot; its message id (what ``answers()`` counts by)."""
    telegram.push(text, **who)
    return int(telegram._updates[-1]["message"]["message_id"])


def replies(telegram: FakeTelegram) -> dict[int, list[str]]:
    """The texts answering each message, by message id."""
    found: dict[int, list[str]] = {}
    for params in telegram.sent():
        replied = params.get("reply_parameters")
        if replied:
            found.setdefault(int(replied["message_id"]), []).append(params["text"])
    return found


def tracebacks(log: str) -> int:
    return log.count("Traceback (most recent call last)")
