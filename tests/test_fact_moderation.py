"""Moderators see what they approve, in English and French, on SQLite and PostgreSQL.

Through the real command dispatch: a proposal for an existing id is an edit
shown as a diff; two proposals for one id are both listed with the clash named;
approval applies what was shown or refuses with the new diff; history says
who, when, what was done and the fields before → after, never a stored code;
a retracted claim says when and why; ``/fact add`` needs a status and a title.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import open_core
from bot.dispatch import Core
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import load_settings

SEED_ID = "iea-dc-2024"
README_PROPOSAL = """propose
topic: water
status: verified
en: Google reports 0.26 mL of on-site water for a median Gemini text prompt.
fr: Google indique 0,26 mL d’eau sur site pour une requête texte médiane de Gemini.
value: 0.26
unit: mL
per: request
url: https://arxiv.org/abs/2508.15734
publisher: Google (Elsworth et al.)
title: Measuring the environmental impact of delivering AI at Google Scale
date: 2025-08-21"""
NEW_ID = "google-reports-0-26-ml-of-on-site"
RAW_CODES = re.compile(r"\b(seed-add|seed-upgrade|seed|edit|approve|add|retract|import)\b")


@pytest.fixture
async def core(database_location: str) -> AsyncIterator[Core]:
    settings = load_settings(
        None,
        storage={"database": database_location},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
    )
    async with open_core(settings) as opened:
        yield opened


async def say(core: Core, args: str, user: str = "mod-a", language: str = "en") -> Reply:
    """``/fact ARGS`` (``/fait`` in French) from ``user``; ``mod-…`` users moderate."""
    return await core.handle(
        Request(
            command="fact" if language == "en" else "fait",
            args=args,
            user=UserRef(platform="test", id=user),
            chat=ChatRef(platform="test", id="chat"),
            is_moderator=user.startswith("mod-"),
            locale=language,
        )
    )


async def test_a_proposal_for_an_existing_id_is_an_edit_shown_as_a_diff(core: Core) -> None:
    sent = await say(core, f"propose id: {SEED_ID}; value: 1", user="member")
    assert not sent.error, sent.text
    assert f"proposal #1, a change to {SEED_ID}" in sent.text
    review = (await say(core, "review")).text
    assert f"#1 · edit of {SEED_ID} · proposed by test:member on" in review
    assert "• figure 1, value: 415 → 1" in review
    assert "en: " in review and "fr: " in review and "Figure 1: 1 TWh" in review
    assert "Source 1: IEA" in review and "https://" in review
    french = (await say(core, "revue 1", language="fr")).text
    assert f"n° 1 · modification de {SEED_ID} · proposée par test:member le" in french
    assert "• chiffre 1, valeur : 415 → 1" in french and "Chiffre 1 : 1 TWh" in french
    assert "/fait approuve 1 · /fait rejette 1 RAISON" in french


async def test_approving_the_shown_edit_applies_it_and_history_shows_the_change(
    core: Core,
) -> None:
    await say(core, f"propose id: {SEED_ID}; value: 416", user="member")
    await say(core, "review 1")
    approved = await say(core, "approve 1")
    assert approved.text.startswith(f"Approved: {SEED_ID}"), approved.text
    history = (await say(core, f"history {SEED_ID}")).text
    assert "UTC — added with Wattson’s base\n" in history
    assert "proposal approved — test:mod-a" in history
    assert "• figure 1, value: 415 → 416" in history
    french = (await say(core, f"historique {SEED_ID}", language="fr")).text
    assert "ajoutée avec la base de Wattson" in french and "proposition approuvée" in french
    assert "• chiffre 1, valeur : 415 → 416" in french
    for text in (history, french):
        assert RAW_CODES.findall(text.replace(SEED_ID, "")) == [], text


async def test_an_approval_is_refused_when_the_claim_changed_since_the_review(
    core: Core,
) -> None:
    await say(core, f"propose id: {SEED_ID}; value: 1", user="member")
    await say(core, "review", user="mod-a")
    edited = await say(core, f"edit {SEED_ID} value: 420", user="mod-b")
    assert not edited.error, edited.text
    refused = await say(core, "approve 1", user="mod-a")
    assert refused.error
    assert refused.text.startswith(f"Not approved: {SEED_ID} changed since: review again.")
    assert "• figure 1, value: 420 → 1" in refused.text
    assert (await say(core, SEED_ID)).data.figure.value == 420
    # The refusal showed the new diff: approving now applies what it showed.
    assert (await say(core, "approve 1", user="mod-a")).text.startswith("Approved")
    assert (await say(core, SEED_ID)).data.figure.value == 1


async def test_the_refusal_is_in_french_for_a_french_moderator(core: Core) -> None:
    await say(core, f"propose id: {SEED_ID}; value: 1", user="member")
    await say(core, "revue", user="mod-a", language="fr")
    await say(core, f"edit {SEED_ID} value: 420", user="mod-b")
    refused = await say(core, "approuve 1", user="mod-a", language="fr")
    assert refused.text.startswith(f"Non approuvée : {SEED_ID} a changé depuis : revoyez-la.")
    assert "• chiffre 1, valeur : 420 → 1" in refused.text


async def test_the_same_proposal_twice_is_listed_as_a_clash_and_written_once(
    core: Core,
) -> None:
    first = await say(core, README_PROPOSAL, user="member")
    second = await say(core, README_PROPOSAL, user="member")
    assert "proposal #1" in first.text and "Proposal #1 is also waiting" in second.text
    review = (await say(core, "review")).text
    assert f"#1 · new claim {NEW_ID}" in review and f"#2 · new claim {NEW_ID}" in review
    assert f"⚠ Clash: proposal #2 is also for {NEW_ID}" in review
    assert f"⚠ Clash: proposal #1 is also for {NEW_ID}" in review
    assert "Conflit : la proposition n°" not in review
    french = (await say(core, "revue", language="fr")).text
    assert f"⚠ Conflit : la proposition #2 porte aussi sur {NEW_ID}" in french
    assert (await say(core, "approve 1")).text.startswith("Approved")
    refused = await say(core, "approve 2")
    assert refused.error and "changed since: review again" in refused.text
    assert "No change: it says exactly what the claim says now." in refused.text
    again = await say(core, "approve 2")
    assert again.error and "there is nothing to write" in again.text
    history = (await say(core, f"history {NEW_ID}")).text
    assert history.count("proposal approved") == 1


async def test_a_decided_proposal_says_who_decided_it(core: Core) -> None:
    await say(core, README_PROPOSAL, user="member")
    await say(core, "approve 1", user="mod-a")
    again = await say(core, "approve 1", user="mod-b")
    assert again.error
    assert again.text == "Proposal #1 was already approved by test:mod-a; nothing was changed."
    french = await say(core, "approuve 1", user="mod-b", language="fr")
    assert french.text.startswith("La proposition n° 1 a déjà été approuvée par test:mod-a")


async def test_a_proposal_that_changes_nothing_is_refused(core: Core) -> None:
    reply = await say(core, f"propose id: {SEED_ID}; value: 415", user="member")
    assert reply.error and "there is nothing to review" in reply.text
    assert (await say(core, "review")).text == "No proposal is waiting."


async def test_a_retracted_claim_says_when_and_why(core: Core) -> None:
    await say(core, f"retract {SEED_ID} superseded by the 2025 report")
    reply = await say(core, SEED_ID, user="reader")
    assert reply.error
    assert re.fullmatch(
        rf"{SEED_ID} was retracted on \w+ \d+, 20\d\d: superseded by the 2025 report;"
        rf" see /fact history {SEED_ID}\.",
        reply.text,
    ), reply.text
    french = await say(core, SEED_ID, user="reader", language="fr")
    assert re.fullmatch(
        rf"{SEED_ID} a été retirée le \d+ \w+ 20\d\d : superseded by the 2025 report ;"
        rf" voir /fait historique {SEED_ID}\.",
        french.text,
    ), french.text
    assert "retracted — test:mod-a — superseded" in (await say(core, f"history {SEED_ID}")).text


ADD = (
    "add id: status-test; topic: water; en: A claim to test the status.; "
    "fr: Une affirmation pour tester le statut.; value: 1; unit: mL; "
    "url: https://example.org/s; publisher: Example; title: Page; date: 2025-01-01"
)


async def test_adding_without_a_status_names_the_allowed_values(core: Core) -> None:
    reply = await say(core, ADD)
    assert reply.error and "status is required: one of verified, secondary source" in reply.text
    french = await say(core, ADD.replace("add", "ajoute", 1), language="fr")
    assert "statut est obligatoire : au choix vérifié" in french.text
    assert (await say(core, "status-test")).error
    assert not (await say(core, ADD + "; status: secondary source; explanation_en: One lab.;"
                                      " explanation_fr: Un seul labo.")).error  # fmt: skip


async def test_adding_without_a_title_is_an_error_and_no_field_fills_another(
    core: Core,
) -> None:
    reply = await say(core, ADD.replace("title: Page; ", "") + "; status: verified")
    assert reply.error and "title" in reply.text
    assert (await say(core, "status-test")).error
    edited = await say(core, f"edit {SEED_ID} url: https://example.org/new")
    assert edited.error and "title is required" in edited.text
    assert "https://example.org/new" not in (await say(core, SEED_ID)).text


async def test_a_proposal_for_a_retracted_claim_says_approving_restores_it(core: Core) -> None:
    await say(core, f"retract {SEED_ID} duplicate")
    await say(core, f"propose id: {SEED_ID}; value: 416", user="member")
    review = (await say(core, "review")).text
    assert f"#1 · edit of {SEED_ID}" in review and "is retracted: approving restores it" in review
    assert (await say(core, "approve 1")).text.startswith("Approved")
    assert (await say(core, SEED_ID, user="reader")).data.figure.value == 416


async def test_the_review_says_when_the_claim_changed_after_the_proposal(core: Core) -> None:
    await say(core, f"propose id: {SEED_ID}; value: 1", user="member")
    await say(core, f"edit {SEED_ID} value: 420", user="mod-b")
    review = (await say(core, "review 1")).text
    assert f"⚠ {SEED_ID} changed after this proposal was written" in review
    assert "• figure 1, value: 420 → 1" in review
    # What this review showed is what the approval applies.
    assert (await say(core, "approve 1")).text.startswith("Approved")


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        ("review 9", "No pending proposal #9; /fact review lists them."),
        ("review soon", "Which proposal? Give its number"),
        ("approve 9", "No pending proposal #9; /fact review lists them."),
    ],
)
async def test_unknown_proposals_are_named(core: Core, args: str, answer: str) -> None:
    reply = await say(core, args)
    assert reply.error and reply.text.startswith(answer), reply.text
