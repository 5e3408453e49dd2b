"""A process killed with SIGKILL mid-write loses no acknowledged claim and corrupts none."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.foundation.storage.sqlite import SqliteDatabase
from facts.store import ClaimStore

pytestmark = pytest.mark.slow
WATTSON = str(Path(sys.executable).parent / "wattson")


def add_line(number: int) -> str:
    return (
        f"/fact add id: crash-{number:04d}; topic: water; "
        f"en: Crash test claim number {number}.; fr: Affirmation de test numéro {number}.; "
        f"value: {number}; unit: mL; url: https://example.org/{number}; "
        "publisher: Crash Lab; title: Crash page; status: verified; date: 2025-01-01\n"
    )


def test_acknowledged_claims_survive_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env["WATTSON_STORAGE__DATABASE"] = str(database)
    process = subprocess.Popen(
        [WATTSON, "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
        bufsize=1,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(add_line(n) for n in range(400)))
    process.stdin.flush()
    acknowledged: list[str] = []
    while len(acknowledged) < 60:
        line = process.stdout.readline()
        assert line, "the console stopped before acknowledging enough claims"
        if line.startswith("Added crash-"):
            acknowledged.append(line.split()[1].rstrip("."))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    async def reopen() -> list[str]:
        async with SqliteDatabase(database) as opened:
            store = ClaimStore(opened)
            await store.setup()
            stored = []
            for claim_id in acknowledged:
                claim = await store.get(claim_id)
                assert claim is not None, f"{claim_id} was acknowledged but is missing"
                assert claim.figure.value == float(claim_id.split("-")[1])
                assert [e.action for e in await store.history(claim_id)] == ["add"]
                stored.append(claim_id)
            all_crash = [c.id for c in await store.all_claims() if c.id.startswith("crash-")]
            assert all_crash == sorted(all_crash)
            for claim_id in all_crash:  # anything beyond the acknowledged ones is whole too
                claim = await store.get(claim_id)
                assert claim is not None and claim.sources[0].publisher == "Crash Lab"
            return stored

    assert asyncio.run(reopen()) == acknowledged
