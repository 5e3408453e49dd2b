"""End-to-end Telegram figures: ``wattson run`` as a real process against the fake Bot API.

Run from the repository root:
``.venv/bin/python -m bench.telegram_load [--quick] [--postgres URL]``.
Prints, one line each:

- throughput with the rate limiter at Telegram's caps (30/s, 20/min per group)
  over 200 groups, and with the limiter off (what the bot itself can do), with
  p50/p99 latency from the message to its answer and the bot's peak RSS;
- the latency of a quiet private chat while a group floods;
- lost and repeated answers after a SIGKILL during a backlog and a restart;
- the time SIGTERM takes to end the process during a backlog, and its exit code;
- lost and repeated answers with 5 % 429, 3 % 5xx and 3 % dropped connections;
- with ``--postgres``, on a fresh schema reached through a proxy: answers during a
  partition (the proxy stopped) and how long SIGTERM takes then; and after every
  session of the bot is terminated (a failover) mid-backlog, whether a second
  Telegram process is refused, and lost and repeated answers, also after a
  SIGKILL that follows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from bench.storage import bench_location
from tests.fakes.tcp_proxy import Proxy, terminate_backends, through
from tests.fakes.telegram_api import TOKEN, FakeTelegram, Faults

WATTSON = str(Path(sys.executable).parent / "wattson")


class Run:
    """A fake Telegram, a database, and the bot process(es) serving them."""

    def __init__(
        self, folder: Path, caps: bool, faults: Faults | None = None, database: str | None = None
    ) -> None:
        self.fake = FakeTelegram()
        if faults is not None:
            self.fake.faults = faults
        self.folder = folder
        self.caps = caps
        self.database = database or str(folder / "bench.db")
        self.pushed: dict[int, float] = {}  # message id -> when it was sent to the bot
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Run:
        await self.fake.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self.fake.stop()

    def config(self, caps: bool, name: str = "wattson") -> Path:
        config = self.folder / f"{name}.toml"
        rates = "" if caps else "messages_per_second = 0\ngroup_messages_per_minute = 0\n"
        config.write_text(
            f'[storage]\ndatabase = "{self.database}"\n'
            "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 100000\n"
            f'[telegram]\napi_base_url = "{self.fake.base_url}"\n{rates}'
        )
        return config

    async def spawn(self, config: Path) -> asyncio.subprocess.Process:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
        env.pop("DISCORD_TOKEN", None)
        env["TELEGRAM_TOKEN"] = TOKEN
        return await asyncio.create_subprocess_exec(
            WATTSON, "run", "--config", str(config), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    async def start(self, caps: bool | None = None) -> None:
        caps = self.caps if caps is None else caps
        self.process = await self.spawn(self.config(caps))
        await self.fake.wait_polling(timeout=60)

    def push(self, text: str, chat_id: int) -> None:
        self.fake.push(text, chat_id=chat_id, user_id=abs(chat_id))
        self.pushed[self.fake._updates[-1]["message"]["message_id"]] = time.monotonic()

    def backlog(self, count: int, groups: int) -> None:
        for n in range(count):
            self.push(f"/tokens message number {n}", chat_id=-1_000_000 - n % groups)

    async def until(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def answered(self) -> int:
        return len(set(self.fake.answers()) & set(self.pushed))

    def lost_and_repeated(self) -> tuple[int, int]:
        answers = self.fake.answers()
        lost = len(set(self.pushed) - set(answers))
        repeated = sum(1 for m, n in answers.items() if n > 1 and m in self.pushed)
        return lost, repeated

    def latencies(self, only: set[int] | None = None) -> list[float]:
        first: dict[int, float] = {}
        for at, message in self.fake.answered_at:
            first.setdefault(message, at)
        keys = only if only is not None else set(self.pushed)
        return sorted(first[m] - self.pushed[m] for m in keys if m in first)

    def peak_rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    async def terminate(self) -> tuple[float, int]:
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = await self.process.wait()
        return time.monotonic() - began, code


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(share * len(values)))]


async def throughput(folder: Path, caps: bool, count: int, groups: int) -> str:
    async with Run(folder, caps) as run:
        await run.start()
        await asyncio.sleep(1.0)
        run.backlog(count, groups)
        began = time.monotonic()
        await run.until(lambda: run.answered() == count, timeout=600)
        elapsed = time.monotonic() - began
        latencies = run.latencies()
        rss = run.peak_rss_mb()
        lost, repeated = run.lost_and_repeated()
    label = "at Telegram's caps" if caps else "limiter off       "
    return (
        f"throughput {label}: {count / elapsed:6.1f} updates/s ({count} over {groups} groups), "
        f"latency p50 {percentile(latencies, 0.5):.2f} s p99 {percentile(latencies, 0.99):.2f} s, "
        f"peak RSS {rss:.0f} MB, lost {lost}, repeated {repeated}"
    )


async def quiet_chat(folder: Path) -> str:
    async with Run(folder, caps=True) as run:
        await run.start()
        for _ in range(300):
            run.push("/tokens flood", chat_id=-42)
        latencies = []
        for n in range(10):  # a private chat, one message every half second, each awaited
            before = sum(chat == 4242 for _at, chat in run.fake.sent_to)
            asked = time.monotonic()
            run.push(f"/tokens quiet {n}", chat_id=4242)

            def answered(before: int = before) -> bool:
                return sum(c == 4242 for _t, c in run.fake.sent_to) > before

            await run.until(answered, timeout=60)
            latencies.append(time.monotonic() - asked)
            await asyncio.sleep(0.5)
        in_group = [p for p in run.fake.sent() if int(p["chat_id"]) == -42]
        notices = sum("too many requests" in p["text"].lower() for p in in_group)
    return (
        f"quiet chat while a group floods (300 at once): latency max {max(latencies):.2f} s, "
        f"p50 {statistics.median(latencies):.2f} s; the group got {len(in_group)} messages, "
        f"{notices} of them a notice"
    )


async def sigkill(folder: Path, caps: bool, count: int, after: float) -> str:
    async with Run(folder, caps) as run:
        await run.start()
        run.backlog(count, 200)
        await asyncio.sleep(after)
        assert run.process is not None
        run.process.kill()
        await run.process.wait()
        at_kill = run.answered()
        await run.start(caps=False)  # finish fast; what counts is what is lost or repeated
        await run.until(lambda: run.answered() == count, timeout=300)
        await asyncio.sleep(1.0)
        lost, repeated = run.lost_and_repeated()
    label = "at caps" if caps else "limiter off"
    return (
        f"SIGKILL {after:.0f} s into {count} updates ({label}, {at_kill} answered at the kill), "
        f"after restart: lost {lost}, repeated {repeated}"
    )


async def sigterm(folder: Path, count: int) -> str:
    async with Run(folder, caps=True) as run:
        await run.start()
        run.backlog(count, 200)
        await asyncio.sleep(5.0)
        took, code = await run.terminate()
        left = count - run.answered()
        await run.start(caps=False)
        await run.until(lambda: run.answered() == count, timeout=300)
        await asyncio.sleep(1.0)
        lost, repeated = run.lost_and_repeated()
    return (
        f"SIGTERM during a backlog: exited {code} in {took:.2f} s leaving {left} for redelivery; "
        f"after restart lost {lost}, repeated {repeated}"
    )


async def faults(folder: Path, count: int) -> str:
    injected = Faults(rate_429=0.05, rate_5xx=0.03, rate_drop=0.03)
    async with Run(folder, caps=False, faults=injected) as run:
        await run.start()
        run.backlog(count, 200)
        await run.until(lambda: run.answered() == count, timeout=600)
        await asyncio.sleep(1.0)
        lost, repeated = run.lost_and_repeated()
        calls = [name for name, _ in run.fake.calls]
    counts = {kind: sum(c.endswith(kind) for c in calls) for kind in (":429", ":500", ":dropped")}
    return (
        f"faults 5 % 429 / 3 % 5xx / 3 % dropped over {count} updates "
        f"({counts[':429']} 429, {counts[':500']} 5xx, {counts[':dropped']} dropped): "
        f"lost {lost}, repeated {repeated}"
    )


async def partition(folder: Path, postgres: str, count: int, seconds: float) -> str:
    """A backlog of /cost while the database is partitioned away (its proxy stopped)."""
    async with bench_location("postgres", postgres) as database:
        host = urlsplit(database)
        proxy = Proxy(host.hostname or "127.0.0.1", host.port or 5432)
        port = await proxy.start()
        try:
            async with Run(folder, caps=False, database=through(database, port)) as run:
                await run.start()
                proxy.partition()
                began = time.monotonic()
                for n in range(count):
                    run.push(f"/cost during the partition {n}", chat_id=-3_000_000 - n % 200)
                await run.until(lambda: run.answered() == count, timeout=seconds)
                answered, elapsed = run.answered(), time.monotonic() - began
                took, code = await run.terminate()
                lost, repeated = run.lost_and_repeated()
        finally:
            proxy.heal()
            await proxy.stop()
    return (
        f"partition (PostgreSQL unreachable, connections silent): {answered}/{count} /cost"
        f" answered in {elapsed:.1f} s ({answered / elapsed:.0f}/s), repeated {repeated};"
        f" SIGTERM during it: exited {code} in {took:.2f} s"
    )


async def lost_sessions(folder: Path, postgres: str, count: int) -> str:
    """Every session of the bot terminated mid-backlog (a failover), then a SIGKILL."""
    async with (
        bench_location("postgres", postgres) as database,
        Run(folder, caps=False, database=database) as run,
    ):
        await run.start()
        run.backlog(count, 200)
        await run.until(lambda: run.answered() >= count // 4, timeout=120)
        ended = terminate_backends(database)
        await asyncio.sleep(2.0)  # the process takes its roles again
        second = await run.spawn(run.config(False, "second"))
        refused = await asyncio.wait_for(second.wait(), 60) != 0
        await run.until(lambda: run.answered() >= count // 2, timeout=120)
        assert run.process is not None
        run.process.kill()
        await run.process.wait()
        await run.start()
        await run.until(lambda: run.answered() == count, timeout=300)
        await asyncio.sleep(1.0)
        lost, repeated = run.lost_and_repeated()
    return (
        f"sessions terminated mid-backlog ({ended} ended) then SIGKILL, {count} updates:"
        f" second Telegram process {'refused' if refused else 'ACCEPTED'};"
        f" lost {lost}, repeated {repeated}"
    )


async def main(quick: bool, postgres: str | None = None) -> None:
    scale = 3 if quick else 1
    steps: list[Callable[[Path], Awaitable[str]]] = [
        lambda f: throughput(f, caps=True, count=900 // scale, groups=200),
        lambda f: throughput(f, caps=False, count=1500 // scale, groups=200),
        quiet_chat,
        lambda f: sigkill(f, caps=True, count=1500 // scale, after=10.0 / scale),
        lambda f: sigkill(f, caps=False, count=1500 // scale, after=2.0),
        lambda f: sigterm(f, count=600 // scale),
        lambda f: faults(f, count=600 // scale),
    ]
    if postgres is not None:
        steps += [
            lambda f: partition(f, postgres, count=300 // scale, seconds=10.0),
            lambda f: lost_sessions(f, postgres, count=1500 // scale),
        ]
    for step in steps:
        with tempfile.TemporaryDirectory() as folder:
            print(await step(Path(folder)), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a third of the updates")
    parser.add_argument(
        "--postgres", metavar="URL", help="also the database's faults, on a schema of this database"
    )
    args = parser.parse_args()
    asyncio.run(main(args.quick, args.postgres))
