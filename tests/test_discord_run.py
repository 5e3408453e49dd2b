"""``wattson run`` on Discord as a real process: a refused token or an unreachable Discord
ends it with one clear line and exit 1, never a traceback or a process serving nothing."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.slow
WATTSON = str(Path(sys.executable).parent / "wattson")


async def start(tmp_path: Path, base_url: str, extra: str = "") -> asyncio.subprocess.Process:
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "run.db"}"\n'
        f'[discord]\napi_base_url = "{base_url}"\n{extra}'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env.update(DISCORD_TOKEN="fake-discord-token")
    env.pop("TELEGRAM_TOKEN", None)
    return await asyncio.create_subprocess_exec(
        WATTSON, "run", "--config", str(config),
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def ended(process: asyncio.subprocess.Process, timeout: float = 20) -> tuple[int, str]:
    try:
        code = await asyncio.wait_for(process.wait(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.stderr is not None
    return code, (await process.stderr.read()).decode()


async def test_an_invalid_token_ends_the_run_with_exit_1_and_a_clear_line(tmp_path: Path) -> None:
    fake = FakeDiscord(revoked=True)
    await fake.start()
    try:
        code, stderr = await ended(await start(tmp_path, fake.base_url))
    finally:
        await fake.stop()
    assert code == 1
    assert "Discord refuses the token" in stderr and "DISCORD_TOKEN" in stderr
    assert "Traceback" not in stderr


async def test_a_token_revoked_while_serving_ends_the_run(tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        process = await start(tmp_path, fake.base_url)
        await fake.wait_ready(timeout=60)
        # discord.py retries a shard whose connection closes while it is still launching
        # (every 5 s, whatever the close code) and waits 2 s for servers after READY:
        # revoke once it serves, as in production.
        await asyncio.sleep(5)
        await fake.revoke()
        code, stderr = await ended(process)
    finally:
        await fake.stop()
    assert code == 1
    assert "Discord refuses the token" in stderr and "Traceback" not in stderr


async def test_an_unreachable_discord_is_retried_then_given_up_clearly(tmp_path: Path) -> None:
    began = time.monotonic()
    process = await start(tmp_path, "http://127.0.0.1:9/api/v10", "startup_seconds = 2\n")
    code, stderr = await ended(process)
    assert time.monotonic() - began > 2, "retried for startup_seconds before giving up"
    assert code == 1 and "Discord unreachable" in stderr
    assert "Traceback" not in stderr


async def test_sigterm_finishes_the_interactions_being_answered_and_exits_0(
    tmp_path: Path,
) -> None:
    import signal

    fake = FakeDiscord()
    await fake.start()
    try:
        process = await start(tmp_path, fake.base_url)
        await fake.wait_ready(timeout=60)
        ids = []
        for n in range(60):
            data = {"id": "1", "name": "tokens", "type": 1,
                    "options": [{"name": "text", "type": 3, "value": f"stop {n}"}]}  # fmt: skip
            payload = fake.interaction_payload(data, user_id=str(1500000000000000100 + n))
            ids.append(payload["id"])
            await fake.dispatch("INTERACTION_CREATE", payload)
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code, stderr = await ended(process)
        stopped_in = time.monotonic() - began
    finally:
        await fake.stop()
    assert code == 0 and "Traceback" not in stderr
    assert stopped_in < 15
    answers = fake.answers()
    assert answers, "those being answered when the signal came were finished"
    assert set(answers.values()) <= {1}, "nothing answered twice"
    deferred = {s.interaction_id for s in fake.sent if s.kind == "callback" and s.body["type"] == 5}
    assert deferred <= set(answers), "no interaction left thinking for ever"
