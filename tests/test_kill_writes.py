"""``wattson run`` killed (SIGKILL) during moderators' writes and during campaign posts.

The real process against the fake Telegram, killed mid-work, then restarted on
the same database. Every write a moderator was told about is there and whole,
written once; every command is answered after the restart (Telegram delivers
again what was never confirmed); no campaign slot is posted twice, and a post
that was on the wire at the kill is reported in its chat instead of being sent
again.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.cli.common import open_claims
from bot.settings import load_settings
from tests.fakes.telegram_api import FakeTelegram
from tests.running import start_telegram_run
from tests.test_telegram_crash import until

pytestmark = pytest.mark.slow
ADMIN = 900


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram(admins={ADMIN})
    await telegram.start()
    yield telegram
    await telegram.stop()


def configure(tmp_path: Path, fake: FakeTelegram) -> Path:
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "run.db"}"\n'
        "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 10000\n"
        "[campaigns]\ntick_seconds = 1\n"
        f'[telegram]\napi_base_url = "{fake.base_url}"\n'
        "messages_per_second = 0\ngroup_messages_per_minute = 0\n"
    )
    return config


def fact_add(n: int) -> str:
    return "\n".join([
        "/fact add", f"id: kill-claim-{n}", "topic: water", "status: verified",
        f"en: Kill test claim {n}.", f"fr: Affirmation de test {n}.", f"value: {n}",
        "unit: mL", "per: request", f"url: https://example.org/kill/{n}",
        "publisher: Example", "title: Kill test", "date: 2025-02-03",
    ])  # fmt: skip


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        await process.wait()


async def test_sigkill_during_fact_writes_keeps_every_acknowledged_write_whole(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    config = configure(tmp_path, fake)
    count = 150
    for n in range(count):
        fake.push(fact_add(n), user_id=ADMIN, chat_id=-2000 - n % 10)
    process = await start_telegram_run(config)
    try:
        await until(lambda: len(fake.answers()) >= 20, timeout=30)
        process.kill()
        await process.wait()
        acknowledged = {
            int(m.group(1))
            for params in fake.sent()
            if (m := re.search(r"Added kill-claim-(\d+)", params["text"]))
        }
        assert 0 < len(acknowledged) < count, "the kill came in the middle of the writes"
        process = await start_telegram_run(config)
        await until(lambda: len(fake.answers()) == count, timeout=40)
        await asyncio.sleep(0.5)
    finally:
        await stop(process)
    database, store = await open_claims(load_settings(config))
    try:
        for n in range(count):
            claim = await store.get(f"kill-claim-{n}")
            assert claim is not None, f"kill-claim-{n} lost"
            assert claim.statement.en == f"Kill test claim {n}." and claim.figure is not None
            assert claim.figure.value == n and str(claim.sources[0].url).endswith(f"/kill/{n}")
            history = await store.history(f"kill-claim-{n}")
            assert [entry.action for entry in history] == ["add"], "written once"
    finally:
        await database.close()
    added = Counter(
        int(m.group(1))
        for params in fake.sent()
        if (m := re.search(r"Added kill-claim-(\d+)", params["text"]))
    )
    already = {
        int(m.group(1))
        for params in fake.sent()
        if (m := re.search(r"claim “kill-claim-(\d+)” already exists", params["text"]))
    }
    # Written, then killed before its answer left: redelivered, it finds its claim there.
    assert set(added) | already == set(range(count)), "every write answered"
    assert max(added.values()) == 1, "no write reported twice"


async def test_sigkill_during_campaign_posts_posts_nothing_twice_and_reports_interrupted_posts(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    config = configure(tmp_path, fake)
    chats = [-3000 - n for n in range(20)]
    fake.faults.delay, fake.faults.delay_matching = 2.0, "Campaign #"
    process = await start_telegram_run(config)
    try:
        await fake.wait_polling(timeout=30)
        for chat in chats:
            fake.push("/campaign start topic: grid; every: 1; from: 2026-01-01",
                      user_id=ADMIN, chat_id=chat)  # fmt: skip
        await until(lambda: len(fake.answers()) == len(chats), timeout=30)

        def posts_received() -> set[int]:
            return {int(p["chat_id"]) for m, p in fake.received
                    if m == "sendMessage" and "Campaign #" in p.get("text", "")}  # fmt: skip

        await until(lambda: len(posts_received()) >= 5, timeout=30)
        process.kill()
        await process.wait()
        on_the_wire = posts_received()
        killed = time.monotonic()
        fake.faults.delay = 0.0
        await asyncio.sleep(2.5)  # the fake finishes what it was given
        process = await start_telegram_run(config)
        await until(lambda: all(c in posted_or_reported(fake) for c in chats), timeout=30)
        await asyncio.sleep(2.5)  # two more ticks: anything posted twice would show
    finally:
        await stop(process)
    assert time.monotonic() - killed < 60
    for chat in chats:
        texts = [p["text"] for p in fake.sent() if int(p["chat_id"]) == chat]
        posts = [t for t in texts if re.search(r"Campaign #\d+, fact 1:", t)]
        assert len(posts) <= 1, f"chat {chat}: slot posted twice"
        if chat in on_the_wire:
            assert any("may not have gone out (interrupted)" in t for t in texts), (
                f"chat {chat}: the post on the wire at the kill is reported"
            )


def posted_or_reported(fake: FakeTelegram) -> set[int]:
    return {
        int(p["chat_id"])
        for p in fake.sent()
        if re.search(r"Campaign #\d+, fact 1:", p["text"]) or "(interrupted)" in p["text"]
    }
