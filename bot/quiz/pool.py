"""Which claims make quizzes, in which order, and which do not (with why, for moderators).

Shared by ``/quiz``, quiz campaigns and ``wattson campaign plan --kind quiz``,
so a plan shows exactly what a campaign would ask. A claim that corrects a
figure that circulated comes first: its question offers the wrong figure people
may have read, which is what an awareness quiz is for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.campaigns.rotation import Selection, balanced
from bot.quiz.generate import circulating_figures, may_make_a_quiz, quiz_for
from bot.quiz.model import Quiz, Skip
from facts.models import Claim
from facts.store import ClaimStore

POOL_LANGUAGE = "en"  # a claim makes a quiz in both languages or in neither (bot.quiz.generate)


def quizzes(claims: Sequence[Claim], base: Sequence[Claim] | None = None) -> list[Quiz | Skip]:
    """The quiz (or the skip) of each claim, in order."""
    chains = correction_chains(claims if base is None else base)
    return [quiz_for(c, POOL_LANGUAGE, base=chains.get(c.id, ())) for c in claims]


def correction_chains(claims: Sequence[Claim]) -> dict[str, list[Claim]]:
    """For each claim, the claims whose corrections chain leads to it (most have none).

    Read once for a whole base, so no claim's quiz looks through the base again.
    """
    by_target: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.corrected_by and not claim.retracted:
            by_target.setdefault(claim.corrected_by, []).append(claim)
    chains: dict[str, list[Claim]] = {}
    for target in by_target:
        chain: list[Claim] = []
        frontier = [target]
        while frontier:
            for older in by_target.get(frontier.pop(), []):
                if older not in chain and older.id != target:
                    chain.append(older)
                    frontier.append(older.id)
        chains[target] = chain
    return chains


def candidates(claims: Sequence[Claim], selection: Selection) -> list[Claim]:
    """The claims that may make a quiz (quick checks only), in the order they are asked.

    A topic's trustworthy claims (or the listed ones, in their order); those
    that correct a figure that circulated first; within each group, publishers
    alternate as for facts. No statement is read here.
    """
    wanted = [c for c in claims if may_make_a_quiz(c)]
    if selection.fact_ids:
        order = {claim_id: index for index, claim_id in enumerate(selection.fact_ids)}
        return sorted((c for c in wanted if c.id in order), key=lambda c: order[c.id])
    if selection.topic is not None:
        wanted = [c for c in wanted if c.topic == selection.topic]
    chains = correction_chains(claims)
    first = {c.id for c in wanted if circulating_figures(c, chains.get(c.id, ()))}
    correcting = [c for c in wanted if c.id in first]
    others = [c for c in wanted if c.id not in first]
    return balanced(correcting) + balanced(others)


def quiz_pool(claims: Sequence[Claim], selection: Selection) -> list[Claim]:
    """The claims a quiz campaign or ``/quiz`` asks about, in order: those that make a quiz."""
    chains = correction_chains(claims)
    return [
        c
        for c in candidates(claims, selection)
        if isinstance(quiz_for(c, POOL_LANGUAGE, base=chains.get(c.id, ())), Quiz)
    ]


def skipped(claims: Sequence[Claim]) -> list[Skip]:
    """Why each claim that makes no quiz makes none (retracted claims left out)."""
    live = [c for c in claims if not c.retracted]
    return [q for q in quizzes(live, claims) if isinstance(q, Skip)]


def next_quiz_claim(
    claims: Sequence[Claim], selection: Selection, asked: Sequence[str]
) -> Claim | None:
    """The next claim to ask: the first in order not asked in this round that makes a quiz.

    A round ends when a claim is asked again, so no question repeats before
    every claim that makes one was asked, as with :func:`bot.campaigns.rotation.next_claim`
    on :func:`quiz_pool`; but statements are read only until one makes a quiz,
    not for the whole base.
    """
    order = candidates(claims, selection)
    ids = {c.id for c in order}
    used: set[str] = set()
    for claim_id in asked:
        if claim_id in ids:
            used = {claim_id} if claim_id in used else used | {claim_id}
    chains = correction_chains(claims)
    for round_used in (used, set()):
        for claim in order:
            if claim.id in round_used:
                continue
            if isinstance(quiz_for(claim, POOL_LANGUAGE, base=chains.get(claim.id, ())), Quiz):
                return claim
    return None


async def quiz_base(
    store: ClaimStore, claim: Claim, corrections: Mapping[str, list[str]] | None = None
) -> list[Claim]:
    """The claim and the claims whose corrections chain leads to it: all its quiz reads.

    One claim's quiz (a press, its web page) then reads a handful of claims, not
    the whole base. ``corrections`` is :meth:`ClaimStore.corrections`, if known.
    """
    table = corrections if corrections is not None else await store.corrections()
    ids: list[str] = []
    frontier = [claim.id]
    while frontier:
        for older in table.get(frontier.pop(), []):
            if older not in ids and older != claim.id:
                ids.append(older)
                frontier.append(older)
    return [claim, *(await store.get_many(ids)).values()]
