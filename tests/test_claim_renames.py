"""A claim whose id changed keeps its history, its moderator's edits and every reference to it.

On SQLite and PostgreSQL: a database written by the previous release holds
claims under their former ids (``seed-…``), with a moderator's edit, a
campaign listing them, a post, a pending proposal, a claim corrected by one
and an evaluation statement citing one. Starting the new release renames them
everywhere in one go, the claim's history says so in the reader's language,
and a former id still leads to the claim in the chat.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.app import open_core
from bot.campaigns.schedule import CampaignSpec
from bot.campaigns.store import CampaignStore
from bot.dispatch import Core
from bot.foundation.storage import open_database
from bot.messages import ChatRef, Request, UserRef
from bot.quiz.store import QuizPost, QuizStore
from bot.settings import load_settings
from facts.check import Verdict
from facts.models import SEED_AUTHOR, ClaimContent, LocalizedText
from facts.reports import ReportStore
from facts.reports.records import NewReport, Resolution
from facts.search import search_claims
from facts.seed import seed_claims, seed_renames
from facts.store import ClaimStore

MOE, MOE_FORMER = "moe-one-expert-per-token", "seed-moe-one-expert-per-token"
COPPER, COPPER_FORMER = "bhp-copper-share", "seed-bhp-copper-share"
DOUBLED, DOUBLED_FORMER = "dc-doubled-2017-2023", "seed-dc-doubled-2017-2023"
MODERATOR = "telegram:42"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MODERATED = LocalizedText(
    en="A moderator's explanation: Mixtral 8x7B uses 2 of its 8 experts for each token.",
    fr="Explication d’un modérateur : Mixtral 8x7B utilise 2 de ses 8 experts par jeton.",
)


def former_seed() -> list[ClaimContent]:
    """The shipped base as the previous release shipped it: the renamed claims under former ids."""
    back = {current: former for former, current in seed_renames().items()}
    return [
        claim.model_copy(
            update={
                "id": back.get(claim.id, claim.id),
                "corrected_by": back.get(claim.corrected_by or "", claim.corrected_by),
            }
        )
        for claim in seed_claims()
    ]


def settings_for(location: str):  # type: ignore[no-untyped-def]
    return load_settings(
        None,
        storage={"database": location},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
    )


async def write_previous_release(location: str) -> None:
    """The database as the previous release left it, with a moderator's work on it."""
    async with open_database(location) as database:
        claims = ClaimStore(database)
        await claims.setup(seed=former_seed(), renames={})
        moe = await claims.get(MOE_FORMER)
        assert moe is not None
        await claims.replace(
            moe.content().model_copy(update={"explanation": MODERATED}), MODERATOR, "clearer"
        )
        copper = await claims.get(COPPER_FORMER)
        assert copper is not None
        await claims.add(
            copper.content().model_copy(
                update={"id": "copper-share-moderated", "corrected_by": DOUBLED_FORMER}
            ),
            MODERATOR,
        )
        await claims.propose(copper.content(), "telegram:7", str(copper.updated_at))
        campaigns = CampaignStore(database)
        await campaigns.setup()
        spec = CampaignSpec(
            fact_ids=[MOE_FORMER, "iea-dc-2024", COPPER_FORMER],
            daily_at=time(9, 0),
            start=date(2026, 12, 1),
            language="fr",
        )
        campaign = await campaigns.create("telegram", "-100", spec, MODERATOR, NOW)
        assert await campaigns.claim(campaign.id, NOW, MOE_FORMER, NOW)
        reports = ReportStore(database)
        await reports.setup()
        number = await reports.file(
            NewReport("MoE uses one expert per token", Verdict.consistent, "en", "telegram",
                      "-100", "telegram:7"),
            NOW,
        )  # fmt: skip
        await reports.resolve(
            number, Resolution.eval, MODERATOR, NOW, "wrong", Verdict.inconsistent, [MOE_FORMER]
        )
        quizzes = QuizStore(database)
        await quizzes.setup()
        await quizzes.record_post(
            QuizPost("telegram", "-100", "poll-1", COPPER_FORMER, "materials", "fr", 0, 4, NOW)
        )


async def fact(core: Core, args: str, language: str = "en") -> str:
    reply = await core.handle(
        Request(
            command="fact" if language == "en" else "fait",
            args=args,
            user=UserRef(platform="test", id="reader"),
            chat=ChatRef(platform="test", id="chat"),
            locale=language,
        )
    )
    return reply.text


async def audit_count(claims: ClaimStore) -> int:
    return int(await claims.database.fetch_value("SELECT COUNT(*) FROM claim_audit"))


async def test_a_former_id_is_renamed_everywhere_on_start_up(database_location: str) -> None:
    await write_previous_release(database_location)
    async with open_core(settings_for(database_location)) as core:
        claims = core.services.claims
        assert claims is not None
        assert await claims.get(MOE_FORMER, include_retracted=True) is None
        moe = await claims.get(MOE)
        assert moe is not None
        assert (moe.updated_by, moe.explanation) == (MODERATOR, MODERATED)
        copper = await claims.get(COPPER)
        assert copper is not None and copper.updated_by == SEED_AUTHOR
        assert copper.content() == next(c for c in seed_claims() if c.id == COPPER)
        moderated = await claims.get("copper-share-moderated")
        assert moderated is not None and moderated.corrected_by == DOUBLED
        found = await search_claims(claims, "mixture of experts one expert per token")
        assert MOE in [hit.claim.id for hit in found]

        database = claims.database
        leftovers = {
            table: await database.fetch_all(sql, ["%seed-%"] * sql.count("?"))
            for table, sql in {
                "claims": "SELECT id FROM claims WHERE id LIKE ? OR content LIKE ?",
                "claim_audit": "SELECT seq FROM claim_audit WHERE claim_id LIKE ?",
                "claim_proposals": "SELECT id FROM claim_proposals WHERE claim_id LIKE ?"
                " OR content LIKE ?",
                "campaigns": "SELECT id FROM campaigns WHERE spec LIKE ?",
                "campaign_posts": "SELECT slot FROM campaign_posts WHERE claim_id LIKE ?",
                "eval_statements": "SELECT id FROM eval_statements WHERE refs LIKE ?",
                "quiz_posts": "SELECT id FROM quiz_posts WHERE claim_id LIKE ?",
            }.items()
        }
        assert {table: len(rows) for table, rows in leftovers.items() if rows} == {}
        campaign = (await core.services.campaigns.in_chat("telegram", "-100"))[0]  # type: ignore[union-attr]
        assert campaign.spec.fact_ids == [MOE, "iea-dc-2024", COPPER]
        posts = await core.services.campaigns.posts(campaign.id)  # type: ignore[union-attr]
        assert [post.claim_id for post in posts] == [MOE]
        pending = await claims.pending_proposals()
        assert [(p.claim_id, p.content.id) for p in pending] == [(COPPER, COPPER)]
        quiz = await database.fetch_value("SELECT claim_id FROM quiz_posts")
        assert quiz == COPPER
        evaluation = await core.services.reports.evaluation_set()  # type: ignore[union-attr]
        assert [s.refs for s in evaluation] == [[MOE]]

        actions = [entry.action for entry in await claims.history(MOE)]
        assert actions[:2] == ["seed-add", "edit"] and "rename" in actions
        assert [e.action for e in await claims.history(COPPER)][-1] == "rename"
        assert "rename-reference" in [
            e.action for e in await claims.history("copper-share-moderated")
        ]
        entries = await audit_count(claims)

    async with open_core(settings_for(database_location)) as core:
        assert core.services.claims is not None
        assert await audit_count(core.services.claims) == entries  # a second start: nothing to do


async def test_the_history_says_the_id_changed_in_the_readers_language(
    database_location: str,
) -> None:
    await write_previous_release(database_location)
    async with open_core(settings_for(database_location)) as core:
        english = await fact(core, f"history {MOE}")
        french = await fact(core, f"historique {MOE}", "fr")
    assert f"id changed, formerly {MOE_FORMER}" in english
    assert f"identifiant changé, anciennement {MOE_FORMER}" in french
    assert f"{MOE_FORMER} →" not in english  # said once, not again as a changed field
    assert "clearer" in english  # the moderator's edit is in the history still


async def test_a_former_id_leads_to_the_claim_in_the_chat(core: Core) -> None:
    shown = await fact(core, MOE_FORMER)
    assert shown.startswith(f"Its id is now {MOE} (formerly {MOE_FORMER}).")
    assert "Mixtral" in shown
    sources = await fact(core, f"sources {COPPER_FORMER}", "fr")
    assert sources.startswith(
        f"Son identifiant est désormais {COPPER} (anciennement {COPPER_FORMER})."
    )
    history = await fact(core, f"history {COPPER_FORMER}")
    assert f"History of {COPPER}:" in history
    assert "No claim" in await fact(core, "seed-no-such-claim")


def test_a_claims_page_says_its_id_changed_in_the_readers_language() -> None:
    from adapters.web.present import history_items
    from bot.foundation.i18n import use_language
    from facts.store import AuditEntry

    rename = AuditEntry(1, MOE, "rename", SEED_AUTHOR, NOW, {"id": MOE_FORMER}, {"id": MOE}, None)
    with use_language("fr"):
        (french,), _earlier = history_items([rename], "fr")
    with use_language("en"):
        (english,), _earlier = history_items([rename], "en")
    assert french["action_label"] == f"identifiant changé, anciennement {MOE_FORMER}"
    assert english["action_label"] == f"id changed, formerly {MOE_FORMER}"


async def test_a_moderator_naming_a_former_id_is_told_the_id_now(core: Core) -> None:
    request = Request(
        command="fact",
        args=f"edit {MOE_FORMER} value: 2",
        user=UserRef(platform="test", id="mod"),
        chat=ChatRef(platform="test", id="chat"),
        locale="fr",
        is_moderator=True,
    )
    reply = await core.handle(request)
    assert reply.error
    assert reply.text.startswith(
        f"Plus d’affirmation « {MOE_FORMER} » : son identifiant est désormais {MOE}."
    )
    campaign = await core.handle(
        request.model_copy(
            update={
                "command": "campaign",
                "args": f"start facts: {COPPER_FORMER}; daily: 09:00",
                "locale": "en",
            }
        )
    )
    assert f"No claim “{COPPER_FORMER}” any more: its id is now {COPPER}." in campaign.text
