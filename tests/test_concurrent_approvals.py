"""Two moderators approving at the same moment, from two processes on one PostgreSQL base.

Each moderator is a real process (:mod:`tests.moderator_process`: the console on
the real core). Both review, then both send ``/fact approve`` at once, several
rounds: the same proposal, two proposals editing one claim, two proposals for
one new id. Each round exactly one approval wins; the other is told clearly why
nothing was written, and the claim's history holds one approval.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.foundation.storage import open_database
from facts.store import ClaimStore
from tests.moderator_process import END, READY
from tests.test_claim_store import new_claim

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "iea-dc-2024"
ROUNDS = 4


@dataclass
class Moderator:
    name: str
    process: asyncio.subprocess.Process

    async def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def reply(self) -> str:
        assert self.process.stdout is not None
        lines: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.process.stdout.readline(), timeout=60)
            assert raw, "the moderator's process ended"
            line = raw.decode().rstrip("\n")
            if line == END:
                return "\n".join(lines)
            lines.append(line)

    async def ask(self, line: str) -> str:
        await self.send(line)
        return await self.reply()


async def start(name: str, database: str) -> Moderator:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.moderator_process", database, name,
        cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    while (
        await asyncio.wait_for(process.stdout.readline(), timeout=120)
    ).decode().strip() != READY:
        pass
    return Moderator(name, process)


@pytest.fixture
async def base(postgres_url: str) -> AsyncIterator[tuple[ClaimStore, list[Moderator]]]:
    async with open_database(postgres_url) as database:
        store = ClaimStore(database)
        await store.setup()
        moderators = list(
            await asyncio.gather(start("mod-a", postgres_url), start("mod-b", postgres_url))
        )
        try:
            yield store, moderators
        finally:
            for moderator in moderators:
                assert moderator.process.stdin is not None
                moderator.process.stdin.close()
                await asyncio.wait_for(moderator.process.wait(), timeout=30)


async def approve_at_once(moderators: list[Moderator], numbers: list[int]) -> list[str]:
    """Both review, then both approve in the same instant; their replies."""
    for moderator in moderators:
        await moderator.ask("/fact review")
    pairs = zip(moderators, numbers, strict=True)
    await asyncio.gather(*(moderator.send(f"/fact approve {n}") for moderator, n in pairs))
    return list(await asyncio.gather(*(m.reply() for m in moderators)))


def one_wins(replies: list[str]) -> str:
    """The losing reply, after checking exactly one approval won."""
    won = [reply for reply in replies if reply.startswith("Approved:")]
    lost = [reply for reply in replies if not reply.startswith("Approved:")]
    assert len(won) == 1 and len(lost) == 1, replies
    return lost[0]


async def approvals(store: ClaimStore, claim_id: str) -> int:
    return sum(entry.action == "approve" for entry in await store.history(claim_id))


async def test_the_same_proposal_approved_twice_at_once_is_applied_once(
    base: tuple[ClaimStore, list[Moderator]],
) -> None:
    store, moderators = base
    for round_ in range(ROUNDS):
        claim_id = f"same-proposal-{round_}"
        number = await store.propose(new_claim(claim_id), "test:member")
        lost = one_wins(await approve_at_once(moderators, [number, number]))
        assert lost.startswith(f"Proposal #{number} was already approved by console:mod-"), lost
        assert await approvals(store, claim_id) == 1


async def test_two_edits_of_one_claim_approved_at_once_write_it_once(
    base: tuple[ClaimStore, list[Moderator]],
) -> None:
    store, moderators = base
    for round_ in range(ROUNDS):
        current, version = await store.versioned(SEED_ID)
        assert current is not None
        numbers = [
            await store.propose(
                current.content().model_copy(update={"keywords": [f"round-{round_}-{who}"]}),
                "test:member", base_version=version,
            )
            for who in ("a", "b")
        ]  # fmt: skip
        before = await approvals(store, SEED_ID)
        lost = one_wins(await approve_at_once(moderators, numbers))
        assert lost.startswith(f"Not approved: {SEED_ID} changed since: review again."), lost
        assert await approvals(store, SEED_ID) == before + 1
        claim = await store.get(SEED_ID)
        assert claim is not None and claim.keywords[0].startswith(f"round-{round_}-")


async def test_two_proposals_of_one_new_claim_approved_at_once_add_it_once(
    base: tuple[ClaimStore, list[Moderator]],
) -> None:
    store, moderators = base
    for round_ in range(ROUNDS):
        claim_id = f"new-twice-{round_}"
        numbers = [
            await store.propose(new_claim(claim_id, value=value), "test:member")
            for value in (1.0, 2.0)
        ]
        lost = one_wins(await approve_at_once(moderators, numbers))
        assert lost.startswith(f"Not approved: {claim_id} changed since: review again."), lost
        assert await approvals(store, claim_id) == 1
