"""A moderator's decision, told in the chat where the proposal was made.

The desk may run in a process that serves no chat (``wattson web``), so a
decision is queued in the database (:meth:`~bot.desk.store.DeskStore.queue_notice`)
and the process that serves the proposer's chat posts it through the same
outbox campaigns use. Each notice is marked sent before it is posted: a crash
between the two loses one notice rather than posting it twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from bot.desk.store import DeskStore, Notice
from bot.dispatch import Services
from bot.foundation.i18n import _, use_language
from bot.foundation.rounds import in_rounds
from bot.messages import Reply

log = logging.getLogger(__name__)


def notice_text(notice: Notice) -> str:
    """What the proposer's chat reads, in the language the proposal was written in."""
    with use_language(notice.language):
        if notice.decision == "rejected":
            return _("A moderator rejected proposal #{number} ({id}): {reason}").format(
                number=notice.proposal_id, id=notice.claim_id, reason=notice.reason or "—"
            )
        return _("A moderator approved proposal #{number}: {id} is in the claim base.").format(
            number=notice.proposal_id, id=notice.claim_id
        )


async def deliver_notices(services: Services, desk: DeskStore) -> int:
    """Post the pending notices of the chats this process serves; how many went out."""
    platforms = tuple(services.outboxes)
    sent = 0
    for notice in await desk.pending_notices(platforms):
        chat_filter = services.serves.get(notice.platform)
        if chat_filter is not None and not await chat_filter(notice.chat_id):
            continue  # another process serves that chat
        if not await desk.take_notice(notice.id, datetime.now(UTC)):
            continue
        try:
            await services.outboxes[notice.platform](
                notice.chat_id, Reply(text=notice_text(notice))
            )
            sent += 1
        except Exception as error:  # the chat refuses the bot, or the platform failed: logged
            log.error("notice %s to %s:%s not delivered: %s",
                      notice.id, notice.platform, notice.chat_id, error)  # fmt: skip
    return sent


async def run_notices(
    services: Services, desk: DeskStore, stop: asyncio.Event, interval: float
) -> None:
    """Deliver notices every ``interval`` seconds until ``stop`` is set."""
    await in_rounds(
        lambda: deliver_notices(services, desk),
        stop,
        interval,
        log,
        "delivering the desk's notices",
    )
