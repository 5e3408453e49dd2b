"""Wire the core: open the store, build the services, hand a :class:`Core` to adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.campaigns.store import CampaignStore
from bot.commands import COMMANDS
from bot.desk.store import DeskStore
from bot.dispatch import Core, Services
from bot.foundation.storage import open_database
from bot.measuring.catalog import default_catalog
from bot.measuring.energy import Estimator
from bot.preferences import PreferenceStore
from bot.quiz.store import QuizStore
from bot.reports.offers import OfferMemory
from bot.settings import CampaignSettings, Settings
from bot.usage import UsageRecorder
from facts.reports import ReportStore
from facts.store import ClaimStore


@asynccontextmanager
async def open_core(settings: Settings) -> AsyncIterator[Core]:
    """Open the database named in the settings (SQLite or PostgreSQL) and yield a ready core."""
    storage = settings.storage
    async with open_database(storage.database, storage.pool_size, storage.limits()) as database:
        preferences = PreferenceStore(database)
        await preferences.setup()
        claims = ClaimStore(database)
        await claims.setup()
        usage = UsageRecorder(database)
        await usage.setup()
        usage.start()
        campaigns = CampaignStore(database)
        await campaigns.setup()
        reports = ReportStore(database)
        await reports.setup()
        desk = DeskStore(database)
        await desk.setup()
        quizzes = QuizStore(database)
        await quizzes.setup()
        await database.migrate("ledger")  # answered update ids (bot.foundation.storage.ledger)
        services = Services(
            settings=settings,
            catalog=default_catalog(),
            estimator=Estimator(settings.cost.zone),
            preferences=preferences,
            claims=claims,
            usage=usage,
            campaigns=campaigns,
            database=database,
            reports=reports,
            desk=desk,
            offers=OfferMemory(settings.reports.offer_minutes * 60),
            quizzes=quizzes,
        )
        try:
            yield Core(services, COMMANDS)
        finally:
            await usage.close()


@asynccontextmanager
async def running_campaigns(core: Core, settings: CampaignSettings) -> AsyncIterator[None]:
    """Post due campaign facts in the background while the block runs (if this process posts).

    The moderators' decisions the desk queued for the proposers' chats go out
    the same way, at the same pace (:mod:`bot.desk.notices`).
    """
    import asyncio

    from bot.commands.campaign import make_scheduler
    from bot.desk.notices import run_notices

    if not settings.post:
        yield
        return
    stop = asyncio.Event()
    tasks = [asyncio.create_task(make_scheduler(core.services).run(stop, settings.tick_seconds))]
    if core.services.desk is not None:
        desk = core.services.desk
        tasks.append(
            asyncio.create_task(run_notices(core.services, desk, stop, settings.tick_seconds))
        )
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)
