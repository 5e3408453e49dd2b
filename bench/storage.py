"""Storage figures for ``wattson bench``: hot-path store operations and search, on each driver.

SQLite runs in a temporary file. PostgreSQL runs in a temporary schema of the
database given with ``--postgres URL`` (created, filled, dropped; nothing else
in that database is touched); without it the PostgreSQL lines say how to get them.
"""

from __future__ import annotations

import secrets
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

OPERATIONS = (
    "claim by id",
    "random verified claim",
    "language preference (read)",
    "language preference (write)",
    "usage flush (10 counts)",
    "campaign slot claim",
    "answered update (ledger write)",
)


@asynccontextmanager
async def bench_location(kind: str, postgres: str | None) -> AsyncIterator[str]:
    """Where to measure: a fresh SQLite file, or a fresh schema in the given PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield str(Path(folder) / "bench.db")
        return
    import psycopg

    assert postgres is not None
    schema = f"wattson_bench_{secrets.token_hex(4)}"
    async with await psycopg.AsyncConnection.connect(postgres, autocommit=True) as admin:
        await admin.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        await admin.execute(f"CREATE SCHEMA {schema}")
        try:
            options = quote(f"-csearch_path={schema},public")
            yield urlsplit(postgres)._replace(query=f"options={options}").geturl()
        finally:
            await admin.execute(f"DROP SCHEMA {schema} CASCADE")


def percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.99) - 1)]


async def timed(run: Callable[[int], Awaitable[Any]], times: int) -> tuple[float, float]:
    timings = []
    for i in range(times):
        start = time.perf_counter()
        await run(i)
        timings.append(time.perf_counter() - start)
    return percentiles(timings)


async def measure_store_operations(location: str, times: int) -> dict[str, tuple[float, float]]:
    """p50 and p99 of each hot-path store operation, on the seed base."""
    from bot.app import open_core
    from bot.campaigns.schedule import CampaignSpec
    from bot.foundation.storage.ledger import DeliveryLedger
    from bot.settings import load_settings
    from facts.models import Status

    settings = load_settings(None, storage={"database": location})
    figures: dict[str, tuple[float, float]] = {}
    async with open_core(settings) as core:
        services = core.services
        claims, preferences, usage, campaigns = (
            services.claims, services.preferences, services.usage, services.campaigns,
        )  # fmt: skip
        assert claims and preferences and usage and campaigns
        ids = [claim.id for claim in await claims.all_claims()]
        figures["claim by id"] = await timed(lambda i: claims.get(ids[i % len(ids)]), times)
        figures["random verified claim"] = await timed(
            lambda i: claims.random_claim(Status.verified, exclude=ids[0]), times
        )
        await preferences.set_language("user", "bench", "1", "fr")
        figures["language preference (read)"] = await timed(
            lambda i: preferences.language("user", "bench", "1"), times
        )
        figures["language preference (write)"] = await timed(
            lambda i: preferences.set_language("user", "bench", str(i % 50), "fr"), times
        )

        async def flush(i: int) -> None:
            for chat in range(10):
                usage.add("bench", str(chat), "cost_requests")
            await usage.flush()

        figures["usage flush (10 counts)"] = await timed(flush, times)
        now = datetime(2026, 12, 1, tzinfo=UTC)
        spec = CampaignSpec.model_validate(
            {"topic": "water", "every_hours": 1, "start": now.date()}
        )
        campaign = await campaigns.create("bench", "1", spec, "bench", now)
        figures["campaign slot claim"] = await timed(
            lambda i: campaigns.claim(campaign.id, now + timedelta(hours=i), ids[0], now), times
        )
        ledger = DeliveryLedger(location, "bench")
        await ledger.setup()

        async def record(i: int) -> None:
            ledger.record(i)
            await ledger.flush()  # until it is written: the figure is the write, not the queueing

        figures["answered update (ledger write)"] = await timed(record, times)
        await ledger.close()
    return figures


async def fill(store: Any, count: int, rng: Any) -> list[str]:
    """Insert ``count`` synthetic claims (``bench-000000``…): the seed's, each with six more words.

    Returns the vocabulary those words come from, for queries that find them.
    """
    from facts.search import query_terms
    from facts.seed import seed_claims

    seed = list(seed_claims())
    vocabulary = sorted(
        {t for c in seed for t in query_terms(c.statement.en + " " + c.statement.fr)}
    )

    def synthetic(number: int) -> Any:
        template = seed[number % len(seed)]
        words = " ".join(rng.sample(vocabulary, 6))
        return template.model_copy(
            update={
                "id": f"bench-{number:06d}",
                "statement": template.statement.model_copy(
                    update={
                        "en": f"{template.statement.en} {words}",
                        "fr": f"{template.statement.fr} {words}",
                    }  # fmt: skip
                ),
                "corrected_by": None,
            }
        )

    for start in range(0, count, 20_000):  # batches keep memory flat
        batch = range(start, min(count, start + 20_000))
        await store.bulk_insert((synthetic(n) for n in batch), "bench")
    if store.database.kind == "postgres":
        await store.database.execute("ANALYZE")
    return vocabulary


async def measure_search(location: str, count: int, queries: int) -> tuple[float, float]:
    """p50 and p99 of full-text searches over ``count`` synthetic claims."""
    import random

    from bot.foundation.storage import open_database
    from facts.search import search_claims
    from facts.store import ClaimStore

    rng = random.Random(42)
    async with open_database(location) as database:
        store = ClaimStore(database)
        await store.setup(seed=[])
        vocabulary = await fill(store, count, rng)
        words = [" ".join(rng.sample(vocabulary, rng.randint(1, 3))) for _ in range(queries)]
        for text in words[:20]:  # warm the caches, as a running bot has them
            await search_claims(store, text, limit=5)
        return await timed(lambda i: search_claims(store, words[i], limit=5), queries)
