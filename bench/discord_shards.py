"""Discord interactions answered per second: one process vs two (two shards), one PostgreSQL.

Run from the repository root:
``.venv/bin/python -m bench.discord_shards --postgres postgresql://postgres@127.0.0.1/test [--quick]``.
The fake Discord of the tests serves 20 servers spread over 2 shards; ``wattson
run`` answers ``/cost`` interactions, first as one process running both shards,
then as two processes running one shard each, on a temporary schema of the
given database. Printed: interactions/s and the p50/p99 time from an
interaction to its answer. The fake platform runs in this process, so on a
small machine it competes with the bots for the same cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.storage import bench_location
from tests.fakes.discord_api import FakeDiscord, option

WATTSON = str(Path(sys.executable).parent / "wattson")
GUILDS = [
    (str(1200000000000000001 + k * (1 << 22)), str(1300000000000000100 + k)) for k in range(20)
]


async def serve(
    processes: list[list[int]], database: str, interactions: int
) -> tuple[float, float, float]:
    """Start one ``wattson run`` per shard list, send ``interactions`` /cost; return rate, p50, p99."""
    fake = FakeDiscord(guilds=GUILDS)
    await fake.start()
    running = []
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as logs:
        try:
            for number, shards in enumerate(processes):
                config = Path(folder) / f"{number}.toml"
                config.write_text(
                    f'[storage]\ndatabase = "{database}"\n'
                    "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 100000\n"
                    f'[discord]\napi_base_url = "{fake.base_url}"\nshard_count = 2\n'
                    f"shard_ids = {shards}\n"
                )
                env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
                env["DISCORD_TOKEN"] = "fake-discord-token"
                running.append(await asyncio.create_subprocess_exec(
                    WATTSON, "run", "--config", str(config), env=env,
                    stdout=asyncio.subprocess.DEVNULL, stderr=logs.enter_context(open(Path(folder) / f"{number}.log", "w")),
                ))  # fmt: skip
            try:
                await fake.wait_identified(2, timeout=60)
            except TimeoutError:
                for log in Path(folder).glob("*.log"):
                    print(log.read_text()[-2000:], file=sys.stderr)
                raise
            await asyncio.sleep(1.0)  # servers delivered, clients ready
            sent_at: dict[str, float] = {}
            payloads = []
            for i in range(interactions):
                guild, channel = GUILDS[i % len(GUILDS)]
                data = {"id": str(10**18 + i), "name": "cost", "type": 1,
                        "options": [option("text", f"Message number {i} about the energy of AI")]}  # fmt: skip
                payloads.append(fake.interaction_payload(
                    data, guild_id=guild, channel_id=channel, user_id=str(1500000000000000000 + i)
                ))  # fmt: skip
            start = time.perf_counter()
            for payload in payloads:
                sent_at[payload["id"]] = time.perf_counter()
                await fake.dispatch("INTERACTION_CREATE", payload)
            answered: dict[str, float] = {}
            while len(answered) < interactions:
                for sent in fake.sent:
                    if sent.interaction_id and sent.interaction_id not in answered:
                        answered[sent.interaction_id] = time.perf_counter()
                if time.perf_counter() - start > 300:
                    raise TimeoutError(f"{len(answered)} of {interactions} answered")
                await asyncio.sleep(0.005)
            elapsed = max(answered.values()) - start
            latencies = sorted(answered[i] - sent_at[i] for i in answered)
        finally:
            for process in running:
                if process.returncode is None:
                    process.terminate()
                    await process.wait()
            await fake.stop()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    return interactions / elapsed, statistics.median(latencies), p99


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, metavar="URL")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 200 if args.quick else 1000
    for label, processes in (("one process, shards 0 and 1", [[0, 1]]),
                             ("two processes, one shard each", [[0], [1]])):  # fmt: skip
        async with bench_location("postgres", args.postgres) as database:
            rate, p50, p99 = await serve(processes, database, count)
        print(f"Discord /cost, {label:<32} {rate:8.1f} interactions/s"
              f"  (p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms, {count} interactions)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
