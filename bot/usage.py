"""Usage statistics per chat and per day, from what the bot answered: counts, never contents.

For each chat (platform and id) and UTC day the store keeps a few numbers: how
many /cost requests and how many tokens they counted, the energy estimated
(sums of the low and high bounds), facts shown, checks and their verdicts, and
campaign posts. They are derived from the structured reply, not the text.

Counting happens in memory and is written in one transaction every few seconds
(and at shutdown, and before any read), so statistics cost the hot path a dict
update rather than a database round trip. A process killed outright loses at
most the last few seconds of counts; never a claim or a preference.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.foundation.storage import Database, database_faults
from bot.measuring.estimate import CostEstimate
from bot.messages import Reply, Request
from facts.check import CheckResult
from facts.models import Claim

log = logging.getLogger(__name__)

COMPONENT = "usage"
METRICS = (
    "cost_requests",
    "tokens",
    "energy_wh_low",
    "energy_wh_high",
    "facts_shown",
    "checks",
    "checks_consistent",
    "checks_inconsistent",
    "checks_unknown",
    "campaign_posts",
    "quizzes",  # quizzes asked (/quiz, quiz campaigns); their answers: bot.quiz.store
)
FLUSH_SECONDS = 5.0

Key = tuple[str, str, str, str]  # day, platform, chat id, metric


def events_of(request: Request, reply: Reply) -> list[tuple[str, float]]:
    """The statistics one answered request adds: (metric, amount) pairs."""
    if reply.error:
        return []
    data = reply.data
    estimates = data if isinstance(data, list) else [data]
    costs = [e for e in estimates if isinstance(e, CostEstimate)]
    if costs:
        first = costs[0]  # a comparison counts the text once, on the first model
        return [
            ("cost_requests", 1),
            ("tokens", first.tokens),
            ("energy_wh_low", first.impacts.energy_wh.low),
            ("energy_wh_high", first.impacts.energy_wh.high),
        ]
    if reply.poll is not None:
        return [("quizzes", 1)]
    if isinstance(data, Claim):
        return [("facts_shown", 1)]
    if isinstance(data, CheckResult):
        return [("checks", 1), (f"checks_{data.verdict.value}", 1)]
    return []


@dataclass(frozen=True, slots=True)
class DayUsage:
    day: date
    platform: str
    chat_id: str
    values: dict[str, float]


class UsageRecorder:
    """Count in memory, write in batches."""

    def __init__(self, database: Database, clock: Callable[[], datetime] | None = None) -> None:
        self.database = database
        self.clock = clock or (lambda: datetime.now(UTC))
        self._pending: dict[Key, float] = defaultdict(float)
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._day = ""
        self._day_span: tuple[datetime, datetime] | None = None

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    def add(self, platform: str, chat_id: str, metric: str, amount: float = 1.0) -> None:
        self._pending[(self._today(), platform, chat_id, metric)] += amount

    def _today(self) -> str:
        """The UTC date as text, recomputed only when the day changes (this is per request)."""
        now = self.clock()
        if self._day_span is None or not self._day_span[0] <= now < self._day_span[1]:
            day = now.astimezone(UTC).date()
            start = datetime.combine(day, datetime.min.time(), UTC)
            self._day = day.isoformat()
            self._day_span = (start, start + timedelta(days=1))
        return self._day

    def record(self, request: Request, reply: Reply) -> None:
        """Count what answering ``request`` with ``reply`` adds (no text is kept)."""
        events = events_of(request, reply)
        if not events:
            return
        day, chat = self._today(), request.chat
        for metric, amount in events:
            self._pending[(day, chat.platform, chat.id, metric)] += amount

    async def flush(self) -> None:
        """Write the pending counts in one transaction."""
        async with self._lock:  # the driver serialises the transaction itself
            if not self._pending:
                return
            pending, self._pending = self._pending, defaultdict(float)
            try:
                async with self.database.transaction() as transaction:
                    await transaction.execute_many(
                        "INSERT INTO usage_daily (day, platform, chat_id, metric, value)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, platform, chat_id, metric)"
                        " DO UPDATE SET value = usage_daily.value + excluded.value",
                        [(*key, value) for key, value in pending.items()],
                    )
            except BaseException:
                for key, value in pending.items():  # keep them for the next flush
                    self._pending[key] += value
                raise

    def start(self, interval: float = FLUSH_SECONDS) -> None:
        """Flush every ``interval`` seconds in the background."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(interval)
                with contextlib.suppress(Exception):
                    await self.flush()

        self._task = asyncio.create_task(loop(), name="usage-flush")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._try_flush()

    async def _try_flush(self) -> None:
        """Flush, or keep the counts in memory if the database cannot be written now."""
        try:
            await self.flush()
        except database_faults() as error:
            log.warning("usage counts not saved: %s", error)

    async def days(
        self, since: date | None = None, platform: str | None = None, chat_id: str | None = None
    ) -> list[DayUsage]:
        """Stored usage, one entry per day and chat, oldest first (pending counts flushed)."""
        await self._try_flush()
        query = "SELECT day, platform, chat_id, metric, value FROM usage_daily WHERE 1 = 1"
        params: list[Any] = []
        if since is not None:
            query += " AND day >= ?"
            params.append(since.isoformat())
        if platform is not None:
            query += " AND platform = ? AND chat_id = ?"
            params += [platform, chat_id]
        query += " ORDER BY day, platform, chat_id"
        grouped: dict[tuple[str, str, str], dict[str, float]] = {}
        for row in await self.database.fetch_all(query, params):
            values = grouped.setdefault((row[0], row[1], row[2]), dict.fromkeys(METRICS, 0.0))
            values[row[3]] = float(row[4])
        return [
            DayUsage(date.fromisoformat(day), platform_, chat, values)
            for (day, platform_, chat), values in grouped.items()
        ]

    def since(self, days: int) -> date:
        return (self.clock().astimezone(UTC) - timedelta(days=days - 1)).date()


def totals(entries: Iterable[DayUsage]) -> dict[str, float]:
    result = dict.fromkeys(METRICS, 0.0)
    for entry in entries:
        for metric, value in entry.values.items():
            result[metric] = result.get(metric, 0.0) + value
    return result
