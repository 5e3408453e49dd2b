"""/fact and /check in the chat: sourced answers, moderation, refusals that write nothing."""

from __future__ import annotations

import pytest

from bot.dispatch import Core
from bot.messages import ChatRef, Request, UserRef
from bot.settings import load_settings

ADD = """add
id: test-water-fact
topic: water
en: A test claim about the water of one prompt.
fr: Une affirmation de test sur l’eau d’une requête.
value: 0,5
unit: mL
per: request
url: https://example.org/water
publisher: Example Lab
title: Water page
status: verified
date: 2025-05-01"""


def request(args: str, moderator: bool = False, user: str = "u1", chat: str = "c1",
            command: str = "fact", locale: str | None = None) -> Request:  # fmt: skip
    return Request(
        command=command,
        args=args,
        user=UserRef(platform="test", id=user),
        chat=ChatRef(platform="test", id=chat),
        is_moderator=moderator,
        locale=locale,
    )


async def audit_rows(core: Core) -> int:
    assert core.services.claims is not None
    return int(await core.services.claims.database.fetch_value("SELECT COUNT(*) FROM claim_audit"))


async def test_fact_shows_a_verified_claim_with_its_source(core: Core) -> None:
    reply = await core.handle(request(""))
    assert reply.text.startswith("[verified]")
    assert "Source:" in reply.text and "https://" in reply.text


async def test_fact_never_repeats_itself_in_a_chat(core: Core) -> None:
    shown = [(await core.handle(request(""))).data.id for _ in range(25)]
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))


async def test_fact_by_id_shows_status_explanation_and_current_figure(core: Core) -> None:
    reply = await core.handle(request("iea-chatgpt-2-9wh"))
    assert "[outdated]" in reply.text
    assert "Why outdated:" in reply.text
    assert "/fact epoch-chatgpt-query" in reply.text
    assert (
        "IEA, “Electricity 2024”, 2024-01 — https://www.iea.org/reports/electricity-2024"
        in reply.text
    )


async def test_fact_in_french_reads_french(core: Core) -> None:
    reply = await core.handle(request("gemini-water-per-prompt", locale="fr"))
    assert "[vérifié] Google indique 0,26 mL" in reply.text
    assert "Chiffre : 0,26 mL par requête" in reply.text


async def test_topic_search_and_sources(core: Core) -> None:
    assert "7 claims on water" in (await core.handle(request("topic water"))).text
    assert "7 claims on water" in (await core.handle(request("topic eau"))).text
    found = await core.handle(request("search eau gouttes"))
    assert "gemini-water-per-prompt" in found.text
    sources = await core.handle(request("sources gemini-median-prompt-energy"))
    assert sources.text.count("Source:") == 2


async def test_unknown_claim_and_topic_get_clear_answers(core: Core) -> None:
    assert "No claim “nope”" in (await core.handle(request("nope"))).text
    assert "Topics:" in (await core.handle(request("topic weather"))).text


async def test_a_moderator_adds_a_sourced_claim_everyone_can_trace(core: Core) -> None:
    reply = await core.handle(request(ADD, moderator=True))
    assert not reply.error, reply.text
    shown = await core.handle(request("test-water-fact", user="someone-else"))
    assert "Example Lab" in shown.text and "https://example.org/water" in shown.text
    history = await core.handle(request("history test-water-fact"))
    assert "added — test:u1" in history.text


async def test_a_member_cannot_add_and_nothing_is_written(core: Core) -> None:
    before = await audit_rows(core)
    for args in (ADD, "edit gemini-water-per-prompt value: 9", "retract gemini-water-per-prompt",
                 "review", "approve 1", "reject 1 no"):  # fmt: skip
        reply = await core.handle(request(args, moderator=False))
        assert reply.error and "moderators" in reply.text, args
    assert await audit_rows(core) == before
    assert (await core.handle(request("gemini-water-per-prompt"))).data.figure.value == 0.26


async def test_the_allow_list_makes_a_moderator() -> None:
    from bot.app import open_core

    settings = load_settings(
        None, storage={"database": ":memory:"}, moderation={"allow": ["test:trusted"]}
    )
    async with open_core(settings) as core:
        reply = await core.handle(request(ADD, moderator=False, user="trusted"))
        assert not reply.error, reply.text


@pytest.mark.parametrize(
    ("missing", "named"), [("url", "url"), ("publisher", "publisher"), ("date", "date")]
)
async def test_adding_needs_url_publisher_and_date(core: Core, missing: str, named: str) -> None:
    args = "\n".join(line for line in ADD.splitlines() if not line.startswith(f"{missing}:"))
    reply = await core.handle(request(args, moderator=True))
    assert reply.error and named in reply.text
    assert (await core.handle(request("test-water-fact"))).error


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "javascript:alert(1)", "not a url", "https://"]
)
async def test_bad_source_urls_are_refused(core: Core, url: str) -> None:
    reply = await core.handle(
        request(ADD.replace("https://example.org/water", url), moderator=True)
    )
    assert reply.error and "url" in reply.text


async def test_validation_errors_are_localized_and_name_the_field(core: Core) -> None:
    args = ADD.replace("value: 0,5", "valeur: beaucoup").replace("topic: water", "sujet: météo")
    reply = await core.handle(request(args, moderator=True, locale="fr"))
    assert reply.error and "n’est pas un nombre" in reply.text
    args = ADD.replace("topic: water", "topic: weather")
    reply = await core.handle(request(args, moderator=True, locale="fr"))
    assert "sujet doit être l’un de : entraînement" in reply.text


async def test_a_claim_that_is_not_verified_needs_an_explanation(core: Core) -> None:
    reply = await core.handle(request(ADD + "\nstatus: disputed", moderator=True))
    assert reply.error and "explanation" in reply.text


async def test_edit_and_retract_by_a_moderator(core: Core) -> None:
    await core.handle(request(ADD, moderator=True))
    edited = await core.handle(request("edit test-water-fact\nvalue: 0.7\nstatus: secondary\n"
                                       "explanation_en: Reported by one lab only.\n"
                                       "explanation_fr: Rapporté par un seul laboratoire.",
                                       moderator=True))  # fmt: skip
    assert not edited.error, edited.text
    assert "[secondary source]" in edited.text and "0.7 mL" in edited.text
    retracted = await core.handle(request("retract test-water-fact duplicate", moderator=True))
    assert "Retracted" in retracted.text
    assert (await core.handle(request("test-water-fact"))).error
    history = (await core.handle(request("history test-water-fact"))).text
    assert "edited" in history and "retracted" in history and "duplicate" in history


async def test_members_propose_and_moderators_review(core: Core) -> None:
    proposal = await core.handle(request(ADD.replace("add", "propose", 1), user="member"))
    assert "proposal #1" in proposal.text
    assert (await core.handle(request("test-water-fact"))).error
    listing = await core.handle(request("review", moderator=True))
    assert "#1 · new claim test-water-fact · proposed by test:member" in listing.text
    assert "Give a reason" in (await core.handle(request("reject 1", moderator=True))).text
    approved = await core.handle(request("approve 1", moderator=True))
    assert "Approved" in approved.text
    assert not (await core.handle(request("test-water-fact"))).error


async def test_check_answers_in_chat_with_the_sourced_figure(core: Core) -> None:
    reply = await core.handle(request("ChatGPT uses 500 mL of water per question", command="check"))
    assert reply.text.startswith("Inconsistent")
    assert "li-water-bottle-per-conversation" in reply.text and "disputed" in reply.text
    french = await core.handle(
        request("une requête ChatGPT consomme 0,3 Wh", command="check", locale="fr")
    )
    assert french.text.startswith("Cohérent")


async def test_check_in_reply_to_a_message(core: Core) -> None:
    message = Request(
        command="check", user=UserRef(platform="test", id="u"), chat=ChatRef(platform="test", id="c"),
        reply_to_text="Training Llama 4 used 21,000 GWh",
    )  # fmt: skip
    reply = await core.handle(message)
    assert reply.text.startswith("Inconsistent")


async def test_numbers_are_read_as_moderators_write_them(core: Core) -> None:
    typed_values = [("21 000", 21000.0), ("0,5", 0.5), ("1,250.5", 1250.5), ("7\u202f832", 7832.0)]
    for number, (typed, stored) in enumerate(typed_values):
        claim_id = f"typed-number-{number}"
        args = ADD.replace("value: 0,5", f"valeur: {typed}").replace("test-water-fact", claim_id)
        reply = await core.handle(request(args, moderator=True, locale="fr"))
        assert not reply.error, (typed, reply.text)
        assert reply.data.figure.value == stored
