"""Which fact a campaign posts next: the pool of a topic, sources alternating, no repeats.

Shared by running campaigns (:mod:`bot.campaigns.scheduler`) and the campaign
kit (``wattson campaign plan``), so a plan shows exactly what a campaign would
post. The rotation owns :class:`Selection`, the part of a campaign it reads, so
it needs nothing else of a campaign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from facts.models import Claim, Status, Topic


@dataclass(frozen=True, slots=True)
class Selection:
    """Which claims a pool is drawn from: a topic's, or a list of claims in order."""

    topic: Topic | None = None
    fact_ids: tuple[str, ...] = ()
    include_disputed: bool = False


def pool(claims: Sequence[Claim], selection: Selection) -> list[Claim]:
    """The claims a campaign draws from, alternating between publishers.

    Disputed and false claims are left out unless the campaign asks for them
    (they are then shown with their status and correction). Outdated ones are
    left out too unless asked: a campaign spreads current figures.
    """
    wanted = [c for c in claims if not c.retracted]
    if selection.fact_ids:
        order = {claim_id: index for index, claim_id in enumerate(selection.fact_ids)}
        return sorted((c for c in wanted if c.id in order), key=lambda c: order[c.id])
    wanted = [c for c in wanted if c.topic == selection.topic]
    if not selection.include_disputed:
        wanted = [c for c in wanted if c.status.trustworthy]
    return balanced(wanted)


def balanced(claims: Sequence[Claim]) -> list[Claim]:
    """Round-robin across first publishers, so no single source dominates a week."""
    by_publisher: dict[str, list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: (c.status != Status.verified, c.id)):
        by_publisher.setdefault(claim.sources[0].publisher, []).append(claim)
    queues = sorted(
        by_publisher.values(),
        key=lambda group: (group[0].status != Status.verified, -len(group), group[0].id),
    )
    ordered: list[Claim] = []
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def next_claim(candidates: Sequence[Claim], posted: Sequence[str]) -> Claim | None:
    """The first claim not yet posted in the current round of the pool."""
    if not candidates:
        return None
    ids = {c.id for c in candidates}
    history = [claim_id for claim_id in posted if claim_id in ids]
    round_length = len(history) % len(candidates)
    used = set(history[len(history) - round_length :]) if round_length else set()
    return next(c for c in candidates if c.id not in used)


@dataclass(frozen=True, slots=True)
class PlannedDay:
    day: int
    claim: Claim


def plan(
    claims: Sequence[Claim], topic: Topic, days: int, include_disputed: bool = False
) -> list[PlannedDay]:
    """Which fact on which day for a campaign of ``days`` days on ``topic``.

    The same pool and rotation as a running campaign: sources alternate, no
    fact repeats before the pool is used up.
    """
    candidates = pool(claims, Selection(topic=topic, include_disputed=include_disputed))
    planned: list[PlannedDay] = []
    posted: list[str] = []
    for day in range(1, days + 1):
        claim = next_claim(candidates, posted)
        if claim is None:
            break
        planned.append(PlannedDay(day, claim))
        posted.append(claim.id)
    return planned
