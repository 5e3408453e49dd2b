"""The claim store: atomic audited changes, seed upgrades, search, proposals, exchange."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.foundation.storage import open_database
from bot.foundation.storage.sqlite import SqliteDatabase
from facts.exchange import FORMATS, export_claims, read_claims
from facts.models import ClaimContent, Status
from facts.search import search_claims
from facts.seed import seed_claims
from facts.store import ClaimExistsError, ClaimNotFoundError, ClaimStore

MODERATOR = "test:moderator"


def new_claim(claim_id: str = "test-claim", value: float = 1.0, **changes: object) -> ClaimContent:
    data: dict[str, object] = {
        "id": claim_id,
        "topic": "water",
        "status": "verified",
        "statement": {"en": "A test statement about water.", "fr": "Un énoncé de test sur l’eau."},
        "figure": {"value": value, "unit": "mL", "per": "request"},
        "sources": [{"publisher": "Test publisher", "title": "Test page",
                     "url": "https://example.org/page", "date": "2025-01-02"}],
    }  # fmt: skip
    data.update(changes)
    return ClaimContent.model_validate(data)


@pytest.fixture
async def store(database_location: str) -> AsyncIterator[ClaimStore]:
    """The store on each driver: every test of this module runs on SQLite and PostgreSQL."""
    async with open_database(database_location) as database:
        claims = ClaimStore(database)
        await claims.setup()
        yield claims


async def test_first_start_loads_the_seed_and_the_second_changes_nothing(store: ClaimStore) -> None:
    assert await store.count() == len(seed_claims())
    report = await store.setup()
    assert (report.added, report.upgraded, report.kept) == (0, 0, 0)


async def test_a_new_release_upgrades_untouched_seed_claims_only(store: ClaimStore) -> None:
    seed = list(seed_claims())
    edited = seed[0].model_copy(update={"keywords": [*seed[0].keywords, "moderator"]})
    await store.replace(edited, MODERATOR)
    release = [
        claim.model_copy(update={"keywords": [*claim.keywords, "release-2"]})
        if i in (0, 1) else claim
        for i, claim in enumerate(seed)
    ]  # fmt: skip
    report = await store.setup(release)
    assert (report.upgraded, report.kept) == (1, 1)
    kept = await store.get(seed[0].id)
    upgraded = await store.get(seed[1].id)
    assert kept is not None and "moderator" in kept.keywords and "release-2" not in kept.keywords
    assert upgraded is not None and "release-2" in upgraded.keywords
    actions = [entry.action for entry in await store.history(seed[0].id)]
    assert actions[-1] == "seed-upgrade-skipped"


async def test_add_edit_retract_are_audited_with_before_and_after(store: ClaimStore) -> None:
    await store.add(new_claim(), MODERATOR)
    await store.replace(new_claim(value=2.0), MODERATOR, reason="typo")
    await store.retract("test-claim", MODERATOR, "duplicate")
    history = await store.history("test-claim")
    assert [e.action for e in history] == ["add", "edit", "retract"]
    assert history[1].before is not None and history[1].before["quantities"][0]["value"] == 1.0
    assert history[1].after is not None and history[1].after["quantities"][0]["value"] == 2.0
    assert {e.actor for e in history} == {MODERATOR} and history[2].reason == "duplicate"


async def test_a_retracted_claim_is_neither_shown_nor_found_but_kept(store: ClaimStore) -> None:
    await store.add(new_claim(keywords=["zygomorphic"]), MODERATOR)
    assert await search_claims(store, "zygomorphic")
    await store.retract("test-claim", MODERATOR, None)
    assert await store.get("test-claim") is None
    assert await search_claims(store, "zygomorphic") == []
    kept = await store.get("test-claim", include_retracted=True)
    assert kept is not None and kept.retracted


async def test_ids_are_never_reused(store: ClaimStore) -> None:
    await store.add(new_claim(), MODERATOR)
    await store.retract("test-claim", MODERATOR, None)
    with pytest.raises(ClaimExistsError):
        await store.add(new_claim(), MODERATOR)


async def test_a_failing_import_writes_nothing(store: ClaimStore) -> None:
    before = await store.count()
    with pytest.raises(ClaimExistsError):
        async with store.transaction() as connection:
            await store._insert(connection, new_claim("first-new"), MODERATOR, "add")
            await store._insert(connection, new_claim("first-new"), MODERATOR, "add")
    assert await store.count() == before
    assert await store.history("first-new") == []


async def test_retracting_an_unknown_claim_says_so(store: ClaimStore) -> None:
    with pytest.raises(ClaimNotFoundError):
        await store.retract("no-such-claim", MODERATOR, None)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("energie requete ChatGPT", "altman-chatgpt-query"),
        ("donnees 2030", "iea-dc-2030"),
        ("cuivre", "bhp-copper-global"),
        ("Three Mile Island", "tmi-unit1-capacity"),
        ("eau gouttes Gemini", "gemini-water-per-prompt"),
        ("water drops", "gemini-water-per-prompt"),
    ],
)
async def test_search_folds_accents_and_finds_french_and_english(
    store: ClaimStore, words: str, expected: str
) -> None:
    hits = await search_claims(store, words, limit=5)
    assert expected in [hit.claim.id for hit in hits]


async def test_search_ranks_the_best_match_first(store: ClaimStore) -> None:
    hits = await search_claims(store, "Mixtral 8x7B parameters", limit=5)
    assert hits[0].claim.id == "mixtral-8x7b-params"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("words", ['"', "AND OR NOT", "NEAR(", "*", "a:b", "' OR 1=1 --", ""])
async def test_search_syntax_in_user_words_is_harmless(store: ClaimStore, words: str) -> None:
    await search_claims(store, words)


async def test_random_claim_avoids_the_one_just_shown(store: ClaimStore) -> None:
    previous = None
    for _ in range(30):
        claim = await store.random_claim(Status.verified, exclude=previous)
        assert claim is not None and claim.id != previous and claim.status is Status.verified
        previous = claim.id


async def test_proposals_are_reviewed_before_they_count(store: ClaimStore) -> None:
    number = await store.propose(new_claim("proposed-claim"), "test:member")
    assert await store.get("proposed-claim") is None
    [pending] = await store.pending_proposals()
    assert pending.id == number and pending.proposed_by == "test:member"
    claim = await store.approve(number, MODERATOR, pending.base_version or "")
    assert claim.created_by == "test:member"
    assert await store.pending_proposals() == []
    other = await store.propose(new_claim("other-claim"), "test:member")
    rejected = await store.reject(other, MODERATOR, reason="no source")
    assert (rejected.state, rejected.reason) == ("rejected", "no source")
    assert await store.get("other-claim") is None


@pytest.mark.parametrize("fmt", FORMATS)
async def test_export_then_import_into_an_empty_store_gives_the_same_base(
    store: ClaimStore, tmp_path: Path, fmt: str
) -> None:
    await store.add(new_claim(), MODERATOR)
    await store.replace(new_claim(value=3.5, keywords=["edited"]), MODERATOR)
    await store.retract("gemini-tv-seconds", MODERATOR, "test")
    original = await store.all_claims(include_retracted=True)
    path = tmp_path / f"export.{fmt}"
    path.write_text(export_claims(original, fmt))  # type: ignore[arg-type]
    async with SqliteDatabase(tmp_path / f"empty-{fmt}.db") as database:
        empty = ClaimStore(database)
        await empty.setup(seed=[])
        report = await empty.import_claims(read_claims(path), "test:import")
        assert len(report.added) == len(original)
        copy = await empty.all_claims(include_retracted=True)
    assert [(c.content(), c.retracted) for c in copy] == [
        (c.content(), c.retracted) for c in original
    ]


async def test_a_dry_run_reports_and_changes_nothing(store: ClaimStore, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(export_claims([await store.add(new_claim(), MODERATOR)], "json"))
    async with SqliteDatabase(tmp_path / "other.db") as database:
        other = ClaimStore(database)
        await other.setup()
        report = await other.import_claims(read_claims(path), "test:import", dry_run=True)
        assert report.added == ["test-claim"] and report.dry_run
        assert await other.get("test-claim") is None


async def test_an_invalid_import_file_lists_every_problem(tmp_path: Path) -> None:
    from facts.exchange import ImportFileError

    path = tmp_path / "bad.json"
    path.write_text('[{"id": "Bad Id"}, {"id": "ok-id", "topic": "nowhere"}]')
    with pytest.raises(ImportFileError) as raised:
        read_claims(path)
    text = "\n".join(raised.value.problems)
    assert "Bad Id" in text and "ok-id" in text and "topic" in text


async def test_migrations_are_recorded(store: ClaimStore) -> None:
    assert await store.database.schema_version("facts") == 2
