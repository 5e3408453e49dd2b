"""End-to-end Discord figures: ``wattson run`` as a real process against the fake Discord.

Run from the repository root: ``.venv/bin/python -m bench.discord_load [--quick]``.
Prints, one line each:

- interactions answered per second when many members use a slash command at
  once (``/tokens``, then ``/cost``), p50/p99 latency from the gateway event to
  the response, and the bot's peak RSS;
- lost and repeated answers with 5 % 429, 3 % 5xx, 3 % connections dropped
  before and 2 % after Discord acted on the request;
- the time SIGTERM takes during a burst, and the exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.fakes.discord_api import FakeDiscord, Faults

WATTSON = str(Path(sys.executable).parent / "wattson")


class Run:
    """A fake Discord, a database, and the bot process serving them."""

    def __init__(self, folder: Path, faults: Faults | None = None) -> None:
        self.fake = FakeDiscord()
        if faults is not None:
            self.fake.faults = faults
        self.folder = folder
        self.dispatched: dict[str, float] = {}  # interaction id -> when it was dispatched
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Run:
        await self.fake.start()
        config = self.folder / "wattson.toml"
        config.write_text(
            f'[storage]\ndatabase = "{self.folder / "bench.db"}"\n'
            "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 100000\n"
            f'[discord]\napi_base_url = "{self.fake.base_url}"\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
        env.pop("TELEGRAM_TOKEN", None)
        env["DISCORD_TOKEN"] = "fake-discord-token"
        self.process = await asyncio.create_subprocess_exec(
            WATTSON, "run", "--config", str(config), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await self.fake.wait_ready(timeout=60)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self.fake.stop()

    async def burst(self, count: int, command: str, text: str) -> None:
        """``count`` members use ``command`` at once (each a gateway event)."""
        for n in range(count):
            data = {"id": "1", "name": command, "type": 1,
                    "options": [{"name": "text", "type": 3, "value": f"{text} {n}"}]}  # fmt: skip
            payload = self.fake.interaction_payload(data, user_id=str(1500000000000000100 + n))
            self.dispatched[payload["id"]] = time.monotonic()
            await self.fake.dispatch("INTERACTION_CREATE", payload)

    async def until_answered(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not set(self.dispatched) <= set(self.fake.answers()):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def latencies(self) -> list[float]:
        first: dict[str, float] = {}
        for sent in self.fake.sent:
            if sent.interaction_id in self.dispatched:
                first.setdefault(sent.interaction_id, sent.at)
        return sorted(first[i] - self.dispatched[i] for i in first)

    def lost_and_repeated(self) -> tuple[int, int]:
        answers = self.fake.answers()
        lost = len(set(self.dispatched) - set(answers))
        repeated = sum(1 for i, n in answers.items() if n > 1 and i in self.dispatched)
        return lost, repeated

    def peak_rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(share * len(values)))]


async def throughput(folder: Path, count: int, command: str) -> str:
    async with Run(folder) as run:
        began = time.monotonic()
        await run.burst(count, command, "How much energy does this sentence cost?")
        await run.until_answered(timeout=300)
        elapsed = max(sent.at for sent in run.fake.sent) - began
        latencies = run.latencies()
        lost, repeated = run.lost_and_repeated()
        rss = run.peak_rss_mb()
        deferred = sum(s.kind == "callback" and s.body["type"] == 5 for s in run.fake.sent)
    return (
        f"/{command} x{count} at once: {count / elapsed:6.1f} interactions/s answered, "
        f"latency p50 {percentile(latencies, 0.5):.2f} s p99 {percentile(latencies, 0.99):.2f} s, "
        f"{deferred} deferred, peak RSS {rss:.0f} MB, lost {lost}, repeated {repeated}, "
        f"refused by Discord {len(run.fake.refused)}"
    )


async def faults(folder: Path, count: int) -> str:
    injected = Faults(rate_429=0.05, rate_5xx=0.03, rate_drop=0.03, rate_drop_after=0.02)
    async with Run(folder, injected) as run:
        await run.burst(count, "tokens", "faults")
        await run.until_answered(timeout=300)
        await asyncio.sleep(2.0)  # anything repeated on its way
        lost, repeated = run.lost_and_repeated()
        kinds = [fault for fault, _request in run.fake.injected]
    counts = {k: kinds.count(k) for k in ("429", "5xx", "drop", "drop_after")}
    return (
        f"faults 5 % 429 / 3 % 5xx / 3 % dropped before / 2 % dropped after acting over {count} "
        f"interactions ({counts['429']} 429, {counts['5xx']} 5xx, {counts['drop']} + "
        f"{counts['drop_after']} dropped): lost {lost}, repeated {repeated}"
    )


async def sigterm(folder: Path, count: int) -> str:
    async with Run(folder) as run:
        await run.burst(count, "tokens", "stop")
        assert run.process is not None
        began = time.monotonic()
        run.process.send_signal(signal.SIGTERM)
        code = await run.process.wait()
        took = time.monotonic() - began
        answered = len(set(run.fake.answers()) & set(run.dispatched))
    return f"SIGTERM during a burst of {count}: exited {code} in {took:.2f} s ({answered} answered)"


async def main(quick: bool) -> None:
    scale = 4 if quick else 1
    steps: list[Callable[[Path], Awaitable[str]]] = [
        lambda f: throughput(f, 1000 // scale, "tokens"),
        lambda f: throughput(f, 400 // scale, "cost"),
        lambda f: faults(f, 600 // scale),
        lambda f: sigterm(f, 400 // scale),
    ]
    for step in steps:
        with tempfile.TemporaryDirectory() as folder:
            print(await step(Path(folder)), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the interactions")
    asyncio.run(main(parser.parse_args().quick))
