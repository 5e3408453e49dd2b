"""Moving to PostgreSQL: ``wattson storage migrate`` copies everything, ``storage check`` reports.

The source is a populated SQLite file: the seed base, moderators' edits and a
retraction, a proposal, a campaign with its post log, usage counts, a
language preference, and a reader's report resolved into the evaluation set. After the copy every table has the same number of rows
and the exports (claims, statistics) are identical; a target that already
holds data is refused unless ``--replace`` is given.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.cli import main
from bot.app import open_core
from bot.foundation.storage import open_database
from bot.foundation.storage.transfer import row_counts
from bot.messages import ChatRef, Request, UserRef
from bot.settings import load_settings
from tests.test_claim_store import MODERATOR, new_claim

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def moderator(command: str, args: str) -> Request:
    return Request(command=command, args=args, user=UserRef(platform="test", id="mod"),
                   chat=ChatRef(platform="test", id="club"), is_moderator=True)  # fmt: skip


async def populate(path: Path) -> None:
    settings = load_settings(None, storage={"database": path},
                             limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000})  # fmt: skip
    async with open_core(settings) as core:
        claims = core.services.claims
        assert claims is not None and core.services.campaigns is not None
        await claims.add(new_claim("moderator-claim"), MODERATOR)
        first = (await claims.all_claims())[0]
        await claims.replace(first.content().model_copy(update={"keywords": ["edited"]}), MODERATOR)
        await claims.retract("moderator-claim", MODERATOR, "test")
        await claims.propose(new_claim("proposed-claim"), "test:member")
        await core.handle(moderator("lang", "chat fr"))
        await core.handle(moderator("cost", "Bonjour à tous"))
        await core.handle(moderator("check", "ChatGPT uses 500 mL of water per question"))
        await core.handle(moderator("check", "report per bottle"))
        await core.handle(moderator("fact", "report 1 eval inconsistent"))
        object.__setattr__(core.services, "clock", lambda: NOW)
        await core.handle(moderator("campaign", "start topic: water; every: 1"))
        campaign = (await core.services.campaigns.active())[0]
        await core.services.campaigns.mark(campaign.id, NOW, "posted", first.id, NOW)
        await core.services.campaigns.mark(
            campaign.id, NOW + timedelta(hours=1), "missed", None, NOW
        )


def run(*argv: str) -> int:
    return main(list(argv))


async def run_beside(*argv: str) -> int:
    """The command line from an async test (it runs its own event loop, in a thread)."""
    return await asyncio.to_thread(main, list(argv))


@pytest.fixture
async def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "wattson.db"
    await populate(path)
    monkeypatch.setenv("WATTSON_STORAGE__DATABASE", str(path))
    return path


def exports(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    capsys.readouterr()
    assert run("facts", "export", "--format", "json") == 0
    claims = capsys.readouterr().out
    assert run("stats", "export", "--format", "csv") == 0
    return claims, capsys.readouterr().out


def test_migrate_copies_every_table_with_equal_counts_and_identical_exports(
    source: Path, postgres_url: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    before = exports(capsys)
    assert run("storage", "migrate", "--to", postgres_url) == 0
    report = capsys.readouterr().out
    assert "every count matches" in report
    for table in ("claims", "claim_audit", "claim_proposals", "language_preferences",
                  "campaigns", "campaign_posts", "usage_daily", "check_reports",
                  "report_audit", "eval_statements"):  # fmt: skip
        assert table in report
    monkeypatch.setenv("WATTSON_STORAGE__DATABASE", postgres_url)
    assert exports(capsys) == before


async def test_the_copy_serves_on_postgresql_as_it_did_on_sqlite(
    source: Path, postgres_url: str
) -> None:
    assert await run_beside("storage", "migrate", "--to", postgres_url) == 0
    settings = load_settings(None, storage={"database": postgres_url})
    async with open_core(settings) as core:
        assert core.services.claims is not None and core.services.campaigns is not None
        reply = await core.handle(moderator("fact", "search edited"))
        assert not reply.error
        assert await core.services.claims.get("moderator-claim") is None, "still retracted"
        assert len(await core.services.claims.pending_proposals()) == 1
        history = await core.services.claims.history("moderator-claim")
        assert [entry.action for entry in history] == ["add", "retract"]
        [campaign] = await core.services.campaigns.active()
        assert [p.status for p in await core.services.campaigns.posts(campaign.id)] == [
            "posted", "missed",
        ]  # fmt: skip
        assert core.services.reports is not None
        [report] = await core.services.reports.listing(None)
        assert (report.statement, report.reason, report.state) == (
            "ChatGPT uses 500 mL of water per question", "per bottle", "eval",
        )  # fmt: skip
        [statement] = await core.services.reports.evaluation_set()
        assert statement.id == "report-1"
        # New rows continue after the copied numbers.
        number = await core.services.claims.propose(new_claim("another-proposal"), "test:member")
        assert number == 2
        await core.handle(moderator("check", "Training GPT-3 used 1,287 MWh"))
        await core.handle(moderator("check", "report"))
        assert [r.id for r in await core.services.reports.listing()] == [2]


async def test_a_target_holding_data_is_refused_unless_replace_is_given(
    source: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_beside("storage", "migrate", "--to", postgres_url) == 0
    assert await run_beside("storage", "migrate", "--to", postgres_url) == 2
    assert "not empty" in capsys.readouterr().err
    assert await run_beside("storage", "migrate", "--to", postgres_url, "--replace") == 0
    async with open_database(source) as sqlite, open_database(postgres_url) as postgres:
        assert await row_counts(sqlite) == await row_counts(postgres)


def test_check_reports_versions_and_integrity_on_both_drivers(
    source: Path, postgres_url: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    assert run("storage", "check") == 0
    out = capsys.readouterr().out
    assert "SQLite" in out and "campaigns  schema version 2 (latest 2)" in out
    assert "integrity: ok" in out
    assert run("storage", "migrate", "--to", postgres_url) == 0
    monkeypatch.setenv("WATTSON_STORAGE__DATABASE", postgres_url)
    capsys.readouterr()
    assert run("storage", "check") == 0
    out = capsys.readouterr().out
    assert "PostgreSQL" in out and "facts      schema version 2 (latest 2)" in out
    assert "integrity: ok" in out


async def test_check_finds_a_claim_missing_from_the_search_index(postgres_url: str) -> None:
    from bot.foundation.storage.transfer import check_database, migrate_all
    from facts.store import ClaimStore

    async with open_database(postgres_url) as database:
        store = ClaimStore(database)
        await store.setup()
        await migrate_all(database)
        first = (await store.all_claims())[0]
        await database.execute("DELETE FROM claim_search WHERE id = ?", (first.id,))
        health = await check_database(database)
    assert not health.ok
    assert any("search index" in problem for problem in health.problems)


def put_a_nul_in_the_audit_log(path: Path) -> int:
    """Text from before NUL was dropped at the boundary: SQLite kept it, PostgreSQL cannot."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        seq = connection.execute("SELECT MAX(seq) FROM claim_audit").fetchone()[0]
        connection.execute(
            "UPDATE claim_audit SET reason = ? WHERE seq = ?", ("bad\x00reason", seq)
        )
    connection.close()
    return int(seq)


async def test_text_postgresql_cannot_store_is_named_row_by_row_and_nothing_is_copied(
    source: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seq = put_a_nul_in_the_audit_log(source)
    assert await run_beside("storage", "check") == 1
    out = capsys.readouterr().out
    assert f"claim_audit seq={seq}: reason holds a NUL character" in out
    assert await run_beside("storage", "migrate", "--to", postgres_url) == 2
    err = capsys.readouterr().err
    assert f"claim_audit seq={seq}: reason holds a NUL character" in err
    assert "nothing was written" in err and "--clean-text" in err and "Traceback" not in err
    async with open_database(postgres_url) as postgres:
        assert not any((await row_counts(postgres)).values()), "nothing copied"

    assert await run_beside("storage", "migrate", "--to", postgres_url, "--clean-text") == 0
    async with open_database(postgres_url) as postgres:
        reason = await postgres.fetch_value("SELECT reason FROM claim_audit WHERE seq = ?", (seq,))
    assert reason == "badreason"


async def test_the_file_of_a_running_bot_is_not_migrated(
    source: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.foundation.storage import serving_lock

    with serving_lock(source):  # as `wattson run` holds it
        assert await run_beside("storage", "migrate", "--to", postgres_url) == 2
    err = capsys.readouterr().err
    assert "in use by another running Wattson" in err and "stop it" in err


async def test_the_answered_update_ids_beside_the_file_are_copied(
    source: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.foundation.storage.ledger import DeliveryLedger

    ledger = DeliveryLedger(source, "telegram")
    await ledger.setup()
    for update_id in (501, 502, 503):
        ledger.record(update_id)
    await ledger.close()
    assert await run_beside("storage", "migrate", "--to", postgres_url) == 0
    assert "answered update ids: 3 from the delivery file" in capsys.readouterr().out
    successor = DeliveryLedger(postgres_url, "telegram")
    await successor.setup()
    try:
        assert await successor.answered([500, 501, 502, 503]) == {501, 502, 503}
    finally:
        await successor.close()
