"""Moderators' writes in many chats at once: each one whole, none refused.

Chats are answered side by side, and every store shares one SQLite connection:
a write transaction spans several awaits, so two must never interleave (one's
ROLLBACK would undo the other's statements, one's BEGIN would fail inside the
other). The database's write lock takes them one at a time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import open_core
from bot.messages import ChatRef, Request, UserRef
from bot.settings import load_settings
from tests.test_kill_writes import fact_add


async def test_thirty_fact_adds_at_once_are_all_written_whole(tmp_path: Path) -> None:
    settings = load_settings(
        None,
        storage={"database": tmp_path / "w.db"},
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000},
    )
    async with open_core(settings) as core:
        requests = [
            Request.from_text(
                fact_add(n), user=UserRef(platform="test", id="mod"),
                chat=ChatRef(platform="test", id=f"chat-{n}"), is_moderator=True,
            )
            for n in range(30)
        ]  # fmt: skip
        replies = await asyncio.gather(*(core.handle(r) for r in requests if r is not None))
        assert [r.text.split("\n")[0] for r in replies] == [
            f"Added kill-claim-{n}." for n in range(30)
        ]
        store = core.services.claims
        assert store is not None
        for n in range(30):
            history = await store.history(f"kill-claim-{n}")
            assert [entry.action for entry in history] == ["add"]
