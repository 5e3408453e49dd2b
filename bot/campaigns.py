"""Awareness campaigns: sourced facts posted on a schedule, exactly once per slot.

A campaign posts facts of a topic (or a list of claims) in a chat, daily at a
time in a time zone or every N hours, between two dates. Schedules live in the
store and survive restarts. Each scheduled slot is written down *before* its
post is sent, so a restart can never post it twice; a slot that came and went
while the bot was down is either posted once, late (the most recent one), or
reported in the chat (older ones), never skipped silently. A post whose sending
was interrupted by a crash is reported as uncertain rather than sent again.
Facts rotate without repetition until the pool is used up, then start over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.i18n import N_
from bot.rotation import next_claim, pool
from bot.storage import Database, Row
from facts.models import Claim, Topic

log = logging.getLogger(__name__)
COMPONENT = "campaigns"


class ChatRefusedError(Exception):
    """The platform refuses the bot's posts in this chat (removed, banned): raised by outboxes."""


# Why Wattson paused a campaign, stored as a code (``campaigns.note``) and worded in
# the reader's language when shown; notes written before codes were English text.
PAUSED_CHAT_REFUSES = "chat-refuses-posts"
REFUSALS_BEFORE_PAUSE = 3  # refusals in a row (bot removed from the chat) pause a campaign
RETRY_FIRST = timedelta(minutes=1)  # after a failed post, wait this long, doubling …
RETRY_MAX = timedelta(hours=1)  # … up to this
LATE_AFTER = timedelta(minutes=10)  # a post sent later than this after its slot is "late"
State = Literal["active", "paused", "stopped", "finished"]


class CampaignSpec(BaseModel):
    """What a moderator asks for; validated, stored as JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: Topic | None = None
    fact_ids: list[str] = Field(default_factory=list, max_length=200)
    daily_at: time | None = None
    every_hours: int | None = Field(default=None, ge=1, le=24 * 30)
    timezone: str = "UTC"
    start: date
    end: date | None = None
    include_disputed: bool = False
    language: str = "en"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(N_("unknown time zone; write one like Europe/Paris or UTC")) from None
        return value

    @model_validator(mode="after")
    def _coherent(self) -> CampaignSpec:
        if (self.topic is None) == (not self.fact_ids):
            raise ValueError(N_("give a topic or a list of facts (one of the two)"))
        if (self.daily_at is None) == (self.every_hours is None):
            raise ValueError(
                N_(
                    "give a daily time (daily: 09:00) or a number of hours (every: 12), one of the two"
                )
            )
        if self.end is not None and self.end < self.start:
            raise ValueError(N_("the end date (to) comes before the start date (from)"))
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    platform: str
    chat_id: str
    spec: CampaignSpec
    state: State
    created_by: str
    created_at: datetime
    note: str | None = None  # why Wattson paused it, if it did


@dataclass(frozen=True, slots=True)
class PostRecord:
    slot: datetime
    claim_id: str | None
    status: str


def slots(campaign: Campaign, until: datetime) -> list[datetime]:
    """Every scheduled post time (UTC) from the campaign's start up to ``until``.

    Slots before the campaign was created do not count: a campaign created at
    noon for "daily at 09:00 from today" starts tomorrow.
    """
    spec = campaign.spec
    zone = spec.zone
    first = max(datetime.combine(spec.start, time(0), zone).astimezone(UTC), campaign.created_at)
    last_day = spec.end or until.astimezone(zone).date()
    last = min(until, datetime.combine(last_day, time(23, 59, 59), zone).astimezone(UTC))
    found: list[datetime] = []
    if spec.daily_at is not None:
        day = max(spec.start, first.astimezone(zone).date())
        while day <= last_day:
            moment = datetime.combine(day, spec.daily_at, zone).astimezone(UTC)
            if first <= moment <= last:
                found.append(moment)
            day += timedelta(days=1)
    else:
        assert spec.every_hours is not None
        step = timedelta(hours=spec.every_hours)
        moment = first
        while moment <= last:
            found.append(moment)
            moment += step
    return found


def is_over(campaign: Campaign, now: datetime) -> bool:
    spec = campaign.spec
    if spec.end is None:
        return False
    return now > datetime.combine(spec.end, time(23, 59, 59), spec.zone).astimezone(UTC)


class CampaignStore:
    """Campaigns and their posts, in the configured database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    async def create(
        self, platform: str, chat_id: str, spec: CampaignSpec, actor: str, now: datetime
    ) -> Campaign:
        stamp = now.isoformat()
        campaign_id = int(
            await self.database.fetch_value(
                "INSERT INTO campaigns (platform, chat_id, spec, state, created_by, created_at,"
                " updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?) RETURNING id",
                (platform, chat_id, spec.model_dump_json(), actor, stamp, stamp),
            )
        )
        campaign = await self.get(campaign_id)
        assert campaign is not None
        return campaign

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await self.database.fetch_one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
        return _campaign(row) if row else None

    async def in_chat(self, platform: str, chat_id: str) -> list[Campaign]:
        rows = await self.database.fetch_all(
            "SELECT * FROM campaigns WHERE platform = ? AND chat_id = ? ORDER BY id",
            (platform, chat_id),
        )
        return [_campaign(row) for row in rows]

    async def active(self) -> list[Campaign]:
        rows = await self.database.fetch_all(
            "SELECT * FROM campaigns WHERE state = 'active' ORDER BY id"
        )
        return [_campaign(row) for row in rows]

    async def set_state(
        self, campaign_id: int, state: State, now: datetime, note: str | None = None
    ) -> None:
        await self.database.execute(
            "UPDATE campaigns SET state = ?, updated_at = ?, note = ? WHERE id = ?",
            (state, now.isoformat(), note, campaign_id),
        )

    async def claim(self, campaign_id: int, slot: datetime, claim_id: str, now: datetime) -> bool:
        """Write down that this process sends the slot; ``False`` if it is already written.

        One conditional insert: of two processes on the same database, only one
        wins a slot, so it is never posted twice.
        """
        inserted = await self.database.execute(
            "INSERT INTO campaign_posts (campaign_id, slot, claim_id, status, updated_at)"
            " VALUES (?, ?, ?, 'sending', ?) ON CONFLICT (campaign_id, slot) DO NOTHING",
            (campaign_id, slot.isoformat(), claim_id, now.isoformat()),
        )
        return inserted == 1

    async def release(self, campaign_id: int, slot: datetime) -> None:
        """Forget a slot claimed but certainly not sent, so it is due again."""
        await self.database.execute(
            "DELETE FROM campaign_posts WHERE campaign_id = ? AND slot = ? AND status = 'sending'",
            (campaign_id, slot.isoformat()),
        )

    async def posts(self, campaign_id: int) -> list[PostRecord]:
        rows = await self.database.fetch_all(
            "SELECT slot, claim_id, status FROM campaign_posts WHERE campaign_id = ? ORDER BY slot",
            (campaign_id,),
        )
        return [PostRecord(datetime.fromisoformat(r[0]), r[1], r[2]) for r in rows]

    async def mark(
        self, campaign_id: int, slot: datetime, status: str, claim_id: str | None, now: datetime
    ) -> None:
        """Write a slot's status; committed before anything is sent for it."""
        await self.database.execute(
            "INSERT INTO campaign_posts (campaign_id, slot, claim_id, status, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, slot)"
            " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            (campaign_id, slot.isoformat(), claim_id, status, now.isoformat()),
        )


def _campaign(row: Row) -> Campaign:
    return Campaign(
        id=int(row["id"]),
        platform=str(row["platform"]),
        chat_id=str(row["chat_id"]),
        spec=CampaignSpec.model_validate_json(row["spec"]),
        state=row["state"],
        created_by=str(row["created_by"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        note=row["note"],
    )


@dataclass(frozen=True, slots=True)
class TickReport:
    posted: list[tuple[int, str]]  # (campaign id, claim id)
    missed: int
    uncertain: int


class CampaignScheduler:
    """Post due campaign facts; ``tick`` is idempotent and takes the time as an argument.

    ``deliver(campaign, claim, info)`` sends a fact (``claim``) or, with ``claim``
    ``None``, a notice of missed or uncertain posts (``info``). It returns True
    when sent, False when nothing was attempted (the platform is not
    connected), and raises when a send failed midway.

    ``serves(campaign)`` says whether this process serves the campaign's chat:
    with several processes on one database, only the one serving a chat looks
    at its campaigns, so a slot "sending" there was left by a process that
    died (and is reported as uncertain), never one another process is sending.
    """

    def __init__(
        self,
        campaigns: CampaignStore,
        claims: Callable[[], Awaitable[Sequence[Claim]]],
        deliver: Callable[[Campaign, Claim | None, dict[str, int]], Awaitable[bool]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        serves: Callable[[Campaign], Awaitable[bool]] | None = None,
    ) -> None:
        self.campaigns = campaigns
        self.serves = serves
        self.claims = claims
        self.deliver = deliver
        self.clock = clock
        # campaign id -> (not before, failures in a row, refusals in a row)
        self._backoff: dict[int, tuple[datetime, int, int]] = {}

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Post what is due at ``now`` (default: the clock); safe to call any number of times."""
        now = now or self.clock()
        report = TickReport([], 0, 0)
        all_claims = await self.claims()
        due = [
            c for c in await self.campaigns.active() if self._backoff.get(c.id, (now,))[0] <= now
        ]
        if self.serves is not None:  # the chats of other processes are theirs to post in
            due = [c for c in due if await self.serves(c)]
        # Side by side: a slow or failing chat never delays another campaign.
        await asyncio.gather(*(self._tick_isolated(c, now, all_claims, report) for c in due))
        return report

    async def _tick_isolated(
        self, campaign: Campaign, now: datetime, all_claims: Sequence[Claim], report: TickReport
    ) -> None:
        """One campaign's tick; its failure is its own: logged with its id, retried later."""
        try:
            await self._tick_one(campaign, now, all_claims, report)
        except ChatRefusedError as error:
            await self._failed(campaign, now, f"the chat refuses the bot's posts ({error})", True)
        except Exception as error:
            await self._failed(campaign, now, f"{type(error).__name__}: {error}", False)
        else:
            self._backoff.pop(campaign.id, None)

    async def _failed(self, campaign: Campaign, now: datetime, why: str, refused: bool) -> None:
        _until, failures, refusals = self._backoff.get(campaign.id, (now, 0, 0))
        failures, refusals = failures + 1, (refusals + 1 if refused else 0)
        if refusals >= REFUSALS_BEFORE_PAUSE:
            self._backoff.pop(campaign.id, None)
            log.warning("campaign %s paused: %s", campaign.id, why)
            await self.campaigns.set_state(campaign.id, "paused", now, note=PAUSED_CHAT_REFUSES)
            return
        wait = min(RETRY_MAX, RETRY_FIRST * 2 ** (failures - 1))
        self._backoff[campaign.id] = (now + wait, failures, refusals)
        log.error("campaign %s: %s; trying again in %s", campaign.id, why, wait)

    async def _tick_one(
        self, campaign: Campaign, now: datetime, all_claims: Sequence[Claim], report: TickReport
    ) -> None:
        records = {record.slot: record for record in await self.campaigns.posts(campaign.id)}
        due = [slot for slot in slots(campaign, now) if slot not in records]
        interrupted = [r for r in records.values() if r.status == "sending"]
        if not due and not interrupted:
            if is_over(campaign, now):
                await self.campaigns.set_state(campaign.id, "finished", now)
            return
        notices = {"missed": len(due) - 1 if due else 0, "uncertain": len(interrupted)}
        if notices["missed"] or notices["uncertain"]:
            # Say so in the chat first; only then mark them, so nothing is skipped silently.
            if not await self.deliver(campaign, None, notices):
                return  # the platform is not reachable now: try again at the next tick
            for record in interrupted:
                await self.campaigns.mark(
                    campaign.id, record.slot, "uncertain", record.claim_id, now
                )
            for slot in due[:-1]:
                await self.campaigns.mark(campaign.id, slot, "missed", None, now)
        if not due:
            return
        slot = due[-1]
        posted_ids = [r.claim_id for r in sorted(records.values(), key=lambda r: r.slot)
                      if r.claim_id and r.status in ("posted", "late", "uncertain")]  # fmt: skip
        claim = next_claim(pool(all_claims, campaign.spec), posted_ids)
        if claim is None:
            log.warning("campaign %s has no fact left to post", campaign.id)
            return
        if not await self.campaigns.claim(campaign.id, slot, claim.id, now):
            return  # another process sends this slot
        number = len(posted_ids) + 1
        try:
            sent = await self.deliver(campaign, claim, {"number": number})
        except ChatRefusedError:
            await self.campaigns.release(campaign.id, slot)  # refused: certainly not posted
            raise
        # Any other failure: it may or may not have gone out, so the slot stays
        # "sending" and the next tick reports it as uncertain instead of posting twice.
        if sent:
            status = "late" if now - slot > LATE_AFTER else "posted"
            await self.campaigns.mark(campaign.id, slot, status, claim.id, now)
            report.posted.append((campaign.id, claim.id))
        else:  # nothing was attempted (platform not connected): the slot stays due
            await self.campaigns.release(campaign.id, slot)

    async def run(self, stop: asyncio.Event, interval: float = 30.0) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("campaign tick failed; retrying at the next one")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)


def describe(campaign: Campaign) -> dict[str, object]:
    """A campaign as plain data (for lists and JSON)."""
    spec = campaign.spec
    return {
        "id": campaign.id,
        "state": campaign.state,
        "chat": f"{campaign.platform}:{campaign.chat_id}",
        "topic": spec.topic.value if spec.topic else None,
        "facts": spec.fact_ids,
        "daily_at": spec.daily_at.strftime("%H:%M") if spec.daily_at else None,
        "every_hours": spec.every_hours,
        "timezone": spec.timezone,
        "start": spec.start.isoformat(),
        "end": spec.end.isoformat() if spec.end else None,
        "note": campaign.note,
    }
