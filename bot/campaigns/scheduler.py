"""Post what is due, exactly once per slot; report what was missed or interrupted.

A slot that came and went while the bot was down is either posted once, late
(the most recent one), or reported in the chat (older ones), never skipped
silently. A post whose sending was interrupted by a crash is reported as
uncertain rather than sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.campaigns.rotation import next_claim, pool
from bot.campaigns.schedule import Campaign, PostRecord, is_over, post_key, slots
from bot.campaigns.store import CampaignStore
from bot.foundation.errors import DatabaseUnavailableError
from bot.foundation.rounds import in_rounds
from facts.models import Claim

log = logging.getLogger(__name__)
# (campaign, fact or None for a notice, what to say, the post's key): whether it was sent
Deliver = Callable[[Campaign, Claim | None, dict[str, int], str | None], Awaitable[bool]]


class ChatRefusedError(Exception):
    """The platform refuses the bot's posts in this chat (removed, banned): raised by outboxes."""


class PollsRefusedError(ChatRefusedError):
    """The chat takes the bot's messages but not its polls (the chat forbids them, or a
    Discord channel without the permission): raised by outboxes for a native poll.

    Unlike a passing refusal this one lasts until someone changes the chat's
    settings, so the quiz campaign is paused at once, with its note.
    """


# Why Wattson paused a campaign, stored as a code (``campaigns.note``) and worded in
# the reader's language when shown; notes written before codes were English text.
PAUSED_CHAT_REFUSES = "chat-refuses-posts"
PAUSED_POLLS_REFUSED = "chat-refuses-polls"
REFUSALS_BEFORE_PAUSE = 3  # refusals in a row (bot removed from the chat) pause a campaign
RETRY_FIRST = timedelta(minutes=1)  # after a failed post, wait this long, doubling …
RETRY_MAX = timedelta(hours=1)  # … up to this
LATE_AFTER = timedelta(minutes=10)  # a post sent later than this after its slot is "late"


@dataclass(frozen=True, slots=True)
class TickReport:
    posted: list[tuple[int, str]]  # (campaign id, claim id)
    missed: int
    uncertain: int


class CampaignScheduler:
    """Post due campaign facts; ``tick`` is idempotent and takes the time as an argument.

    ``deliver(campaign, claim, info, key)`` sends a fact (``claim``) or, with ``claim``
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
        deliver: Deliver,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        serves: Callable[[Campaign], Awaitable[bool]] | None = None,
        repeat_window: Callable[[Campaign], timedelta] | None = None,
        pool_of: Callable[[Sequence[Claim], Campaign], list[Claim]] | None = None,
    ) -> None:
        self.campaigns = campaigns
        self.serves = serves
        self.claims = claims
        self.deliver = deliver
        self.clock = clock
        self.repeat_window = repeat_window
        # the claims a campaign draws from (a quiz campaign: those that make a quiz)
        self.pool_of = pool_of or (lambda claims, campaign: pool(claims, campaign.spec.selection))
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
        except DatabaseUnavailableError:
            return  # said once by the driver; the next tick tries again
        except PollsRefusedError as error:
            self._backoff.pop(campaign.id, None)
            log.warning("campaign %s paused: the chat refuses polls (%s)", campaign.id, error)
            await self.campaigns.set_state(campaign.id, "paused", now, note=PAUSED_POLLS_REFUSED)
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
        by_id = {claim.id: claim for claim in all_claims}
        window = self.repeat_window(campaign) if self.repeat_window else timedelta(0)
        for record in [r for r in interrupted if _resendable(r, by_id, now, window)]:
            interrupted.remove(record)
            await self._resend(campaign, record, records, by_id[record.claim_id or ""], now, report)
        if not due and not interrupted:
            if is_over(campaign, now):
                await self.campaigns.set_state(campaign.id, "finished", now)
            return
        notices = {"missed": len(due) - 1 if due else 0, "uncertain": len(interrupted)}
        if notices["missed"] or notices["uncertain"]:
            # Say so in the chat first; only then mark them, so nothing is skipped silently.
            if not await self.deliver(campaign, None, notices, None):
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
        claim = next_claim(self.pool_of(all_claims, campaign), posted_ids)
        if claim is None:
            log.warning("campaign %s has no fact left to post", campaign.id)
            return
        if not await self.campaigns.claim(campaign.id, slot, claim.id, now):
            return  # another process sends this slot
        number = len(posted_ids) + 1
        try:
            info = {"number": number, "slot": int(slot.timestamp())}
            sent = await self.deliver(campaign, claim, info, post_key(campaign, slot))
        except ChatRefusedError:
            await self.campaigns.release(campaign.id, slot)  # refused: certainly not posted
            raise
        # Any other failure: it may or may not have gone out, so the slot stays
        # "sending": the next tick sends it again with the same key where the platform
        # recognises a repeat (within its window), else reports it as uncertain.
        if sent:
            status = "late" if now - slot > LATE_AFTER else "posted"
            await self.campaigns.mark(campaign.id, slot, status, claim.id, now)
            report.posted.append((campaign.id, claim.id))
        else:  # nothing was attempted (platform not connected): the slot stays due
            await self.campaigns.release(campaign.id, slot)

    async def _resend(
        self,
        campaign: Campaign,
        record: PostRecord,
        records: dict[datetime, PostRecord],
        claim: Claim,
        now: datetime,
        report: TickReport,
    ) -> None:
        """Send an interrupted post again with its key: the platform posts it at most once."""
        number = 1 + sum(
            1
            for r in records.values()
            if r.slot < record.slot and r.claim_id and r.status in ("posted", "late", "uncertain")
        )
        key = post_key(campaign, record.slot)
        try:
            info = {"number": number, "slot": int(record.slot.timestamp())}
            sent = await self.deliver(campaign, claim, info, key)
        except ChatRefusedError:  # the first attempt may have gone out before the refusal
            await self.campaigns.mark(campaign.id, record.slot, "uncertain", claim.id, now)
            raise
        if sent:
            status = "late" if now - record.slot > LATE_AFTER else "posted"
            await self.campaigns.mark(campaign.id, record.slot, status, claim.id, now)
            report.posted.append((campaign.id, claim.id))

    async def run(self, stop: asyncio.Event, interval: float = 30.0) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set."""
        await in_rounds(self.tick, stop, interval, log, "campaign tick")


def _resendable(
    record: PostRecord, claims: dict[str, Claim], now: datetime, window: timedelta
) -> bool:
    """Whether an interrupted post may be sent again: the platform still knows its key."""
    return (
        window > timedelta(0)
        and record.claim_id in claims
        and record.updated_at is not None
        and now - record.updated_at <= window
    )
