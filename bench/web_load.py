"""``wattson bench`` (i): ``wattson web`` under 50 concurrent clients, on 100,000 claims.

The base is filled (SQLite in a temporary file; PostgreSQL in a temporary
schema of ``--postgres URL``), then ``wattson web`` starts on it as a real
process on 127.0.0.1, and 50 clients on real connections ask for:

- claim pages never asked before (each rendered: claim, corrections, history);
- the same pages again (served from the cache of rendered pages, which checks
  the base's change marker on every request);
- ``/api/v1/check`` on the statements of the evaluation set ``tune``.

Each phase prints requests per second (over its wall time) and the p50/p99
latency seen by the clients. The clients run on the same machine as the
server, so the figures are what the whole machine does, not the server alone.
Requests are bounded in number and all go to 127.0.0.1.

Run alone: ``python -m bench.web_load [--postgres URL] [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

CLIENTS = 50
START_SECONDS = 180.0


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    requests: int
    seconds: float
    p50: float
    p99: float
    failed: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"{self.name:<42} {self.per_second:8.0f} req/s  p50 {self.p50 * 1e3:7.1f} ms"
            f"  p99 {self.p99 * 1e3:7.1f} ms  ({self.requests} requests{failed})"
        )


def p50_p99(timings: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.99) - 1)]


@asynccontextmanager
async def web_process(location: str) -> AsyncIterator[str]:
    """``wattson web`` on ``location``, on a free port; yields its address; stopped after."""
    wattson = Path(sys.executable).parent / "wattson"
    command = [str(wattson)] if wattson.exists() else [sys.executable, "-m", "adapters.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env.update(
        WATTSON_STORAGE__DATABASE=location,
        WATTSON_WEB__LISTEN="127.0.0.1:0",
        WATTSON_WEB__REQUESTS_PER_MINUTE="10000000",  # one address asks for everything here
    )
    with tempfile.TemporaryDirectory() as folder:
        process = await asyncio.create_subprocess_exec(
            *command, "web", cwd=folder, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            assert process.stderr is not None
            address = await asyncio.wait_for(_address(process.stderr), START_SECONDS)
            yield address
        finally:
            if process.returncode is None:
                process.terminate()
                await asyncio.wait_for(process.wait(), 30)


async def _address(stream: asyncio.StreamReader) -> str:
    while True:
        line = (await stream.readline()).decode(errors="replace")
        if not line:
            raise RuntimeError("wattson web ended before it listened")
        found = re.search(r"web pages at (http://\S+)/", line)
        if found:
            return found.group(1)


async def load(
    name: str, base: str, requests: Sequence[tuple[str, str, dict[str, str] | None]]
) -> Phase:
    """Send ``requests`` (method, path, form) from :data:`CLIENTS` clients at once."""
    import aiohttp

    queue: asyncio.Queue[tuple[str, str, dict[str, str] | None]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    timings: list[float] = []
    failed = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal failed
        while not queue.empty():
            method, path, form = queue.get_nowait()
            started = time.perf_counter()
            async with session.request(method, base + path, data=form) as response:
                await response.read()
                if response.status != 200:
                    failed += 1
            timings.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=CLIENTS)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(CLIENTS)))
        seconds = time.perf_counter() - started
    p50, p99 = p50_p99(timings)
    return Phase(name, len(timings), seconds, p50, p99, failed)


async def measure_web(kind: str, postgres: str | None, count: int, pages: int,
                      checks: int) -> list[Phase]:  # fmt: skip
    """The three phases on one driver, with ``count`` claims in the base."""
    from bench.storage import bench_location, fill
    from bot.foundation.storage import open_database
    from facts.evaluation import load_statements
    from facts.store import ClaimStore

    rng = random.Random(7)
    async with bench_location(kind, postgres) as location:
        async with open_database(location) as database:
            store = ClaimStore(database)
            await store.setup(seed=[])
            await fill(store, count, rng)
        ids = rng.sample(range(count), pages)
        paths: list[tuple[str, str, dict[str, str] | None]] = [
            ("GET", f"/claims/bench-{n:06d}?lang={rng.choice(('en', 'fr'))}", None) for n in ids
        ]
        statements = load_statements("tune")
        asked = [rng.choice(statements) for _ in range(checks)]
        forms = [("POST", "/api/v1/check", {"text": s.text, "lang": s.lang}) for s in asked]
        async with web_process(location) as base:
            await load("warm-up", base, [("GET", "/healthz", None)] * CLIENTS)
            first = await load("claim pages, first visit (rendered)", base, paths)
            again = await load("claim pages, again (cached)", base, paths)
            checked = await load("/api/v1/check (tune statements)", base, forms)
    return [first, again, checked]


async def print_web(quick: bool, postgres: str | None) -> bool:
    """Print (i) for SQLite and, with ``--postgres``, PostgreSQL; ``False`` if a request failed."""
    count, pages, checks = (10_000, 500, 300) if quick else (100_000, 2_000, 1_000)
    kinds = ["sqlite"] + (["postgres"] if postgres else [])
    ok = True
    for kind in kinds:
        name = "SQLite" if kind == "sqlite" else "PostgreSQL"
        print(f"(i) wattson web, {name}, {count:,} claims, {CLIENTS} concurrent clients:")
        for phase in await measure_web(kind, postgres, count, pages, checks):
            print("    " + phase.line())
            ok = ok and phase.failed == 0
    if not postgres:
        print("(i) PostgreSQL: add --postgres postgresql://user@host/db (a temporary schema)")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web_load", description=__doc__)
    parser.add_argument("--postgres", metavar="URL", help="also measure PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="10,000 claims, fewer requests")
    args = parser.parse_args(argv)
    return 0 if asyncio.run(print_web(args.quick, args.postgres)) else 1


if __name__ == "__main__":
    sys.exit(main())
