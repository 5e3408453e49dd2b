"""Sessions the server ends (a restart, a failover) and outages: nothing twice, nothing lost.

Real ``wattson run`` processes on PostgreSQL. Every session of the bot is
terminated as a failover does: the process takes its roles again at once, so a
second process configured for Telegram is still refused, and nothing is
answered twice; the answered-update ledger writes on the new connections, so a
crash afterwards repeats nothing. Through an outage of 15 s under load (the
proxy killed, then listening again), every message gets one answer, those
that needed the database a short apology, and no traceback is printed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from tests.fakes.tcp_proxy import terminate_backends
from tests.running import (
    ADMIN,
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
    async with running_bot(tmp_path, postgres_url, discord=False) as run:
        yield run


def ledger_ids(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SELECT COUNT(*) FROM answered_updates").fetchone()
    return int(row[0]) if row else 0


async def test_terminated_sessions_leave_the_roles_held_and_nothing_answered_twice(
    running: Running,
) -> None:
    telegram = running.telegram
    await running.start("A", running.config("A"))
    await telegram.wait_polling(timeout=60)
    [started] = await telegram.send_text("/campaign start topic: water; every: 1", user_id=ADMIN)
    assert "Campaign started" in started["text"], started["text"]
    await until(lambda: any("Campaign #1, fact 1" in p["text"] for p in telegram.sent()), 30)

    ended = terminate_backends(running.database)
    assert ended >= 2, "the pool's and the roles' sessions"
    await running.until_logged("A", "roles taken again", timeout=15)

    await running.start("B", running.config("B"))
    refused = await running.wait("B", timeout=60)
    assert refused.code != 0 and "Telegram is already served" in refused.log, refused.log
    assert tracebacks(refused.log) == 0

    messages = [push(telegram, f"/cost after the failover {n}", chat_id=-4000 - n % 10)
                for n in range(50)]  # fmt: skip
    await until(lambda: all(m in replies(telegram) for m in messages), timeout=30)
    await asyncio.sleep(2)  # a second answer, a campaign tick would show now
    answers = replies(telegram)
    assert all(len(answers[m]) == 1 and "Wh" in answers[m][0] for m in messages), "once each"
    posts = [p["text"] for p in telegram.sent() if "Campaign #1" in p["text"]]
    assert len(posts) == 1 and not any("may not have gone out" in p for p in posts), posts
    await until(lambda: ledger_ids(running.database) >= len(messages), timeout=10)

    stopped = await running.stop("A")
    assert stopped.code == 0 and tracebacks(stopped.log) == 0, stopped.log
    assert stopped.seconds < STOP_SECONDS
    print(f"terminated {ended} sessions: second process refused, 50/50 answered once")


async def test_a_crash_after_the_sessions_were_terminated_repeats_nothing(
    running: Running,
) -> None:
    telegram = running.telegram
    await running.start("A", running.config("A"))
    await telegram.wait_polling(timeout=60)
    terminate_backends(running.database)
    await running.until_logged("A", "roles taken again", timeout=15)
    messages = [push(telegram, f"/tokens backlog {n}", chat_id=-5000 - n % 50)
                for n in range(600)]  # fmt: skip
    await until(lambda: len(replies(telegram)) >= 200, timeout=30)
    await running.kill("A")
    killed = time.monotonic()
    await running.start("A2", running.config("A2"))
    await until(lambda: all(m in replies(telegram) for m in messages), timeout=60)
    await asyncio.sleep(1)
    repeated = [m for m, texts in replies(telegram).items() if len(texts) > 1]
    first_sends = {m: at for at, m in reversed(telegram.answered_at)}
    assert all(killed - first_sends[m] < 0.5 for m in repeated), "only sends on the wire"
    assert len(repeated) <= 5, repeated
    stopped = await running.stop("A2")
    assert stopped.code == 0 and tracebacks(stopped.log) == 0, stopped.log
    assert stopped.seconds < STOP_SECONDS
    print(f"SIGKILL after terminated sessions: lost 0, repeated {len(repeated)} of 600")


async def test_an_outage_under_load_gets_each_message_one_answer_and_no_traceback(
    running: Running,
) -> None:
    telegram = running.telegram
    await running.start("A", running.config("A"))
    await telegram.wait_polling(timeout=60)

    facts: set[int] = set()

    async def load(seconds: float) -> list[int]:
        sent: list[int] = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if len(sent) % 3 == 0:
                facts.add(message := push(telegram, "/fact iea-dc-2024", chat_id=-6000))
            else:
                message = push(telegram, f"/cost load {len(sent)}", chat_id=-6001 - len(sent) % 19)
            sent.append(message)
            await asyncio.sleep(0.05)
        return sent

    before = await load(2)
    await running.proxy.cut()
    cut = time.monotonic()
    during = await load(15)
    await running.proxy.start()  # listening again on the same port
    after_start = time.monotonic()
    await running.until_logged("A", "available again", timeout=30)
    back = time.monotonic()
    after = await load(3)
    everything = before + during + after
    await until(lambda: all(m in replies(telegram) for m in everything), timeout=60)
    await asyncio.sleep(1)

    answers = replies(telegram)
    assert all(len(answers[m]) == 1 for m in everything), "one answer each"
    facts_after = [m for m in after if m in facts]
    assert facts_after and all("415" in answers[m][0] for m in facts_after), "the base is back"
    apologies = sum(APOLOGY in answers[m][0] for m in during)
    stopped = await running.stop("A")
    assert stopped.code == 0 and stopped.seconds < STOP_SECONDS, stopped.log
    assert tracebacks(stopped.log) == 0, stopped.log
    assert stopped.log.count("answering what needs no database") == 1, stopped.log
    print(
        f"outage of {after_start - cut:.0f} s under load: {len(everything)} messages, one answer"
        f" each, {apologies} apologies, back {back - after_start:.1f} s after the database"
    )
