"""``wattson run`` killed or stopped mid-backlog: after a restart, every command answered.

The real process against the fake Bot API. SIGKILL leaves no time to clean up:
what was answered is in the ledger, what was not was never confirmed, so
Telegram delivers it again; nothing is lost. What no bot can know is whether a
send that was on the wire at the kill reached Telegram (the Bot API has no
idempotency key): those few, and only those, may be answered twice. The test
holds every repeat to a send of the last instant before the kill. SIGTERM stops
fetching, finishes what is being written within ``stop_seconds``, exits 0 and
repeats nothing.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.running import start_telegram_run

pytestmark = pytest.mark.slow
WATTSON = str(Path(sys.executable).parent / "wattson")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram()
    await telegram.start()
    yield telegram
    await telegram.stop()


def configure(tmp_path: Path, fake: FakeTelegram, caps: bool) -> Path:
    config = tmp_path / "wattson.toml"
    rates = "" if caps else "messages_per_second = 0\ngroup_messages_per_minute = 0\n"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "run.db"}"\n'
        "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 10000\n"
        f'[telegram]\napi_base_url = "{fake.base_url}"\n{rates}'
    )
    return config


async def until(condition: Callable[[], bool], timeout: float) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def backlog(fake: FakeTelegram, count: int, chats: int) -> set[int]:
    for n in range(count):
        fake.push(f"/tokens message {n}", chat_id=-1000 - n % chats, user_id=100 + n % chats)
    return {u["message"]["message_id"] for u in fake._updates}


async def test_sigkill_during_a_backlog_loses_and_duplicates_nothing(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    config = configure(tmp_path, fake, caps=False)
    expected = backlog(fake, 1500, chats=200)
    process = await start_telegram_run(config)
    try:
        await until(lambda: len(fake.answers()) >= 300, timeout=30)
        process.kill()
        await process.wait()
        killed = time.monotonic()
        killed_at = len(fake.answers())
        assert killed_at < len(expected), "the kill came during the backlog"
        process = await start_telegram_run(config)
        await until(lambda: len(fake.answers()) == len(expected), timeout=40)
        await asyncio.sleep(0.5)  # anything answered twice would show now
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
    answers = fake.answers()
    assert set(answers) == expected, "nothing lost"
    repeated = {m for m, n in answers.items() if n > 1}
    first_sends = {m: t for t, m in reversed(fake.answered_at)}
    assert all(killed - first_sends[m] < 0.5 for m in repeated), "only sends on the wire repeat"
    assert len(repeated) <= 20
    print(f"SIGKILL at {killed_at}/{len(expected)} answered: lost 0, repeated {len(repeated)}")


async def test_sigterm_finishes_in_flight_answers_and_leaves_the_rest(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    config = configure(tmp_path, fake, caps=True)
    expected = backlog(fake, 300, chats=100)
    process = await start_telegram_run(config)
    try:
        await until(lambda: len(fake.answers()) >= 30, timeout=30)
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=20)
        stopped_in = time.monotonic() - began
        assert process.stderr is not None
        stderr = (await process.stderr.read()).decode()
        assert code == 0, stderr
        assert "Traceback" not in stderr
        assert stopped_in < 15
        assert fake.confirmed_unanswered == []
        left = len(expected) - len(fake.answers())
        assert left > 0, "the rest was left for Telegram to deliver again"
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    config.write_text(config.read_text() + "messages_per_second = 0\n")
    process = await start_telegram_run(config)
    try:
        await until(lambda: len(fake.answers()) == len(expected), timeout=30)
    finally:
        process.terminate()
        await process.wait()
    assert set(fake.answers().values()) == {1}


async def test_a_revoked_token_ends_the_run_with_a_clear_message(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.revoked = True
    process = await start_telegram_run(configure(tmp_path, fake, caps=True))
    code = await asyncio.wait_for(process.wait(), timeout=30)
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert code == 1
    assert "Telegram refuses the token" in stderr and "TELEGRAM_TOKEN" in stderr
    assert "Traceback" not in stderr


async def test_an_unreachable_telegram_is_retried_then_given_up_clearly(tmp_path: Path) -> None:
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "run.db"}"\n'
        '[telegram]\napi_base_url = "http://127.0.0.1:9/bot"\nstartup_seconds = 2\n'
    )
    began = time.monotonic()
    process = await start_telegram_run(config)
    code = await asyncio.wait_for(process.wait(), timeout=30)
    assert time.monotonic() - began > 2, "retried for startup_seconds before giving up"
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert code == 1 and "Telegram unreachable" in stderr
    assert "Traceback" not in stderr
