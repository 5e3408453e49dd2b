"""What each process serves holds across processes, and is given up rather than doubled.

Real ``wattson run`` processes on PostgreSQL. An unsharded Discord process
beside a sharded one is refused at start with one line (it would answer every
interaction of shard 0 a second time). A process that cannot reach the
database holding its roles for ``role_lease_seconds`` stops and exits non-zero
with one line, before the server could let another process take them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.running import Running, running_bot, tracebacks

pytestmark = pytest.mark.slow


@pytest.fixture
async def running(tmp_path: Path, postgres_url: str) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, postgres_url, discord=True) as run:
        yield run


async def test_an_unsharded_process_beside_sharded_ones_is_refused_at_start(
    running: Running,
) -> None:
    assert running.discord is not None
    sharded = "shard_count = 2\nshard_ids = [0, 1]"
    await running.start("A", running.config("A", telegram=False, discord=sharded))
    await running.discord.wait_identified(2, timeout=60)
    await running.start("B", running.config("B", telegram=False, discord=""))
    refused = await running.wait("B", timeout=60)
    assert refused.code == 2, refused.log
    lines = [line for line in refused.log.splitlines() if line.startswith("wattson:")]
    assert len(lines) == 1 and "another shard layout than this one (unsharded)" in lines[0]
    assert tracebacks(refused.log) == 0
    stopped = await running.stop("A")
    assert stopped.code == 0, stopped.log


async def test_a_process_cut_from_its_roles_longer_than_its_lease_stops_and_says_why(
    running: Running,
) -> None:
    config = running.config("A", extra="")
    text = config.read_text().replace("[storage]\n", "[storage]\nrole_lease_seconds = 5.0\n", 1)
    config.write_text(text)
    await running.start("A", config)
    await running.telegram.wait_polling(timeout=60)
    running.proxy.partition()
    cut = time.monotonic()
    ended = await running.wait("A", timeout=30)
    after = time.monotonic() - cut
    assert ended.code == 1, ended.log
    assert "has not answered for 5 s" in ended.log and tracebacks(ended.log) == 0, ended.log
    assert 5 <= after < 5 + 1 + 5, f"stopped {after:.1f} s after the cut"
    print(f"role lease of 5 s: the process stopped {after:.1f} s after the partition began")
