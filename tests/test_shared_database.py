"""Several processes on one PostgreSQL database see one bot: nothing cached goes stale.

Each "process" here is a separately opened core (its own connection pool) on
the same database, as two ``wattson run`` would be. SQLite is one serving
process per file, so these rules are PostgreSQL's; the store tests themselves
run on both drivers (``database_location``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.app import open_core
from bot.dispatch import Core
from bot.foundation.storage.ledger import DeliveryLedger
from bot.messages import ChatRef, Request, UserRef
from bot.settings import load_settings
from facts.search import search_claims
from tests.test_claim_store import MODERATOR, new_claim

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def request(command: str, args: str = "", chat: str = "club") -> Request:
    return Request(command=command, args=args, user=UserRef(platform="test", id="u"),
                   chat=ChatRef(platform="test", id=chat))  # fmt: skip


@pytest.fixture
async def two_processes(postgres_url: str) -> AsyncIterator[tuple[Core, Core]]:
    settings = load_settings(None, storage={"database": postgres_url},
                             limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000})  # fmt: skip
    async with open_core(settings) as first, open_core(settings) as second:
        yield first, second


async def test_a_claim_added_through_one_process_is_found_through_the_other(
    two_processes: tuple[Core, Core],
) -> None:
    first, second = two_processes
    assert first.services.claims is not None and second.services.claims is not None
    await first.services.claims.add(new_claim("shared-zygomorphic-claim"), MODERATOR)
    assert await second.services.claims.get("shared-zygomorphic-claim") is not None
    hits = await search_claims(second.services.claims, "test statement water", limit=50)
    assert "shared-zygomorphic-claim" in [hit.claim.id for hit in hits]


async def test_usage_counts_from_every_process_add_up(two_processes: tuple[Core, Core]) -> None:
    first, second = two_processes
    for core in (first, second):
        for _ in range(3):
            await core.handle(request("cost", "Bonjour à tous"))
    assert first.services.usage is not None and second.services.usage is not None
    await first.services.usage.flush()
    days = await second.services.usage.days()
    assert sum(day.values["cost_requests"] for day in days) == 6


async def test_a_language_chosen_through_one_process_is_used_by_the_other(
    two_processes: tuple[Core, Core],
) -> None:
    first, second = two_processes
    await first.handle(request("lang", "chat fr").model_copy(update={"is_moderator": True}))
    reply = await second.handle(request("help"))
    assert "cette liste" in reply.text, "the help in French"


async def test_an_update_answered_by_one_process_is_known_to_its_successor(
    two_processes: tuple[Core, Core], postgres_url: str
) -> None:
    first = DeliveryLedger(postgres_url, "telegram")
    await first.setup()
    first.record(1001)
    await first.close()
    successor = DeliveryLedger(postgres_url, "telegram")
    await successor.setup()
    try:
        assert await successor.answered([1000, 1001]) == {1001}
    finally:
        await successor.close()
