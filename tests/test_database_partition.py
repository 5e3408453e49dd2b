"""A silent network between the bot and PostgreSQL freezes nothing.

``wattson run`` (Telegram and Discord) reaches the database through a proxy the
test stops with SIGSTOP: connections stay open, nothing flows, and the kernel
still acknowledges what is sent, as a partitioned network does. The bot keeps
answering what needs no database, apologises briefly for the rest, says once
that the database is away and once that it is back, prints no traceback, and
SIGTERM ends it within ``stop_seconds`` whatever the database does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord_api import option
from tests.running import (
    APOLOGY,
    STOP_SECONDS,
    Running,
    push,
    replies,
    running_bot,
    tracebacks,
    until,
)

pytestmark = pytest.mark.slow


@pytest.fixture
async def running(tmp_path: Path, postgres_url: str) -> AsyncIterator[Running]:
    async with running_bot(tmp_path, postgres_url, discord=True) as run:
        yield run


async def serving(run: Running) -> None:
    await run.start("A", run.config("A", discord=""))
    await run.telegram.wait_polling(timeout=60)
    assert run.discord is not None
    await run.discord.wait_identified(1, timeout=60)


async def test_a_partition_leaves_the_commands_that_need_no_database_answered(
    running: Running,
) -> None:
    await serving(running)
    telegram, discord = running.telegram, running.discord
    assert discord is not None
    [before] = await telegram.send_text("/fact iea-dc-2024")
    assert "415" in before["text"], "the database answers before the partition"

    running.proxy.partition()
    asked = time.monotonic()
    costs = [push(telegram, f"/cost message number {n}", chat_id=-2000 - n) for n in range(20)]
    facts = [push(telegram, "/fact iea-dc-2024", chat_id=-3000 - n) for n in range(2)]
    await until(lambda: len(telegram.answers()) >= len(costs) + len(facts) + 1, timeout=30)
    answered_in = time.monotonic() - asked
    [on_discord] = await discord.slash("cost", [option("text", "Hello during the partition")])

    texts = replies(telegram)
    assert all(len(answers) == 1 for answers in texts.values()), "none twice"
    cost_texts = [texts[m][0] for m in costs]
    fact_texts = [texts[m][0] for m in facts]
    assert all("Wh" in text and APOLOGY not in text for text in cost_texts), cost_texts[:2]
    assert all(APOLOGY in text for text in fact_texts), fact_texts
    assert "Wh" in on_discord.text
    print(f"partition: {len(costs)} /cost answered in {answered_in:.1f} s, /fact apologised")

    stopped = await running.stop("A")
    assert stopped.code == 0, stopped.log
    assert stopped.seconds < STOP_SECONDS, f"SIGTERM took {stopped.seconds:.1f} s"
    assert tracebacks(stopped.log) == 0, stopped.log
    assert stopped.log.count("answering what needs no database") == 1, stopped.log
    print(f"partition: SIGTERM ended the process in {stopped.seconds:.2f} s")


async def test_after_a_partition_heals_the_database_is_used_again_without_a_trace(
    running: Running,
) -> None:
    await serving(running)
    telegram = running.telegram
    running.proxy.partition()
    [during] = await telegram.send_text("/fact iea-dc-2024", timeout=30)
    assert APOLOGY in during["text"]
    running.proxy.heal()
    await running.until_logged("A", "available again", timeout=30)
    [after] = await telegram.send_text("/fact iea-dc-2024")
    assert "415" in after["text"] and APOLOGY not in after["text"]
    [added] = await telegram.send_text(
        "/fact add id: after-partition; topic: water; en: A claim written after the partition.;"
        " fr: Une affirmation écrite après la partition.; value: 2; unit: mL;"
        " url: https://example.org/p; publisher: Example; title: Page; status: verified;"
        " date: 2025-02-03",
        user_id=7,
    )
    assert "after-partition" in added["text"], added["text"]
    await asyncio.sleep(1.5)  # a campaign tick and a usage flush on the healed link
    stopped = await running.stop("A")
    assert stopped.code == 0 and tracebacks(stopped.log) == 0, stopped.log
    assert stopped.log.count("answering what needs no database") == 1, stopped.log
    assert stopped.log.count("available again") == 1, stopped.log
