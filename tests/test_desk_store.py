"""The desk's store on both drivers: links and sessions kept only as hashes, used once, expiring.

A sign-in link is a secret the bot hands one moderator: the database must hold
nothing that signs anyone in (only SHA-256 hashes), a link must sign in once
(two redemptions at once included), and neither a link past its ten minutes
nor a session past its twelve hours may open the desk.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from bot.desk.store import LINK_MINUTES, SESSION_HOURS, DeskStore, LinkRefusal, token_hash
from bot.foundation.storage import open_database

MODERATOR = "telegram:4242"
CHATS = ("telegram:-1001",)
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
async def desk(database_location: str) -> DeskStore:  # type: ignore[misc]
    async with open_database(database_location) as database:
        store = DeskStore(database)
        await store.setup()
        yield store


async def test_the_database_keeps_only_the_sha256_of_a_link_and_of_a_session(
    desk: DeskStore,
) -> None:
    link = await desk.issue_link(MODERATOR, CHATS, "fr", NOW)
    redeemed = await desk.redeem(link.token, NOW)
    assert not isinstance(redeemed, LinkRefusal)
    secret, _session = redeemed
    links = await desk.database.fetch_all("SELECT * FROM desk_links")
    sessions = await desk.database.fetch_all("SELECT * FROM desk_sessions")
    stored = " ".join(str(row[i]) for row in [*links, *sessions] for i in range(len(row.keys())))
    assert link.token not in stored and secret not in stored
    assert links[0]["token_hash"] == hashlib.sha256(link.token.encode()).hexdigest()
    assert sessions[0]["id_hash"] == token_hash(secret)
    assert len(link.token) >= 43  # 256 random bits, URL-safe


async def test_a_link_signs_in_once_as_its_moderator_for_its_chats(desk: DeskStore) -> None:
    link = await desk.issue_link(MODERATOR, CHATS, "fr", NOW)
    assert await desk.check_link(link.token, NOW) is None  # looking does not use it
    redeemed = await desk.redeem(link.token, NOW + timedelta(minutes=1))
    assert not isinstance(redeemed, LinkRefusal)
    secret, session = redeemed
    assert (session.actor, session.chats, session.language) == (MODERATOR, CHATS, "fr")
    assert session.moderates("telegram", "-1001") and not session.moderates("telegram", "-1002")
    assert await desk.redeem(link.token, NOW + timedelta(minutes=2)) is LinkRefusal.used
    assert await desk.check_link(link.token, NOW + timedelta(minutes=2)) is LinkRefusal.used
    assert await desk.session(secret, NOW + timedelta(minutes=2)) == session


async def test_a_link_expires_after_ten_minutes(desk: DeskStore) -> None:
    link = await desk.issue_link(MODERATOR, CHATS, "en", NOW)
    late = NOW + timedelta(minutes=LINK_MINUTES)
    assert await desk.redeem(link.token, late) is LinkRefusal.expired
    assert await desk.database.fetch_value("SELECT COUNT(*) FROM desk_sessions") == 0


async def test_an_unknown_or_truncated_link_is_refused(desk: DeskStore) -> None:
    link = await desk.issue_link(MODERATOR, CHATS, "en", NOW)
    assert await desk.redeem(link.token[:-1], NOW) is LinkRefusal.unknown
    assert await desk.redeem("made-up", NOW) is LinkRefusal.unknown
    assert await desk.check_link(link.token, NOW) is None  # the real one is untouched


async def test_two_redemptions_at_once_open_one_session(desk: DeskStore) -> None:
    link = await desk.issue_link(MODERATOR, CHATS, "en", NOW)
    results = await asyncio.gather(*(desk.redeem(link.token, NOW) for _ in range(5)))
    opened = [r for r in results if not isinstance(r, LinkRefusal)]
    assert len(opened) == 1 and results.count(LinkRefusal.used) == 4
    assert await desk.database.fetch_value("SELECT COUNT(*) FROM desk_sessions") == 1


async def test_a_session_ends_after_twelve_hours_or_when_signed_out(desk: DeskStore) -> None:
    first = await desk.issue_link(MODERATOR, CHATS, "en", NOW)
    second = await desk.issue_link(MODERATOR, CHATS, "en", NOW)
    one = await desk.redeem(first.token, NOW)
    two = await desk.redeem(second.token, NOW)
    assert not isinstance(one, LinkRefusal) and not isinstance(two, LinkRefusal)
    almost = NOW + timedelta(hours=SESSION_HOURS) - timedelta(seconds=1)
    assert await desk.session(one[0], almost) is not None
    assert await desk.session(one[0], NOW + timedelta(hours=SESSION_HOURS)) is None
    await desk.end_session(two[0])
    assert await desk.session(two[0], NOW) is None
    assert await desk.forget_expired(NOW + timedelta(days=2)) == 3  # one session, two links


async def test_a_decision_is_queued_for_the_chat_of_the_proposal_and_taken_once(
    desk: DeskStore,
) -> None:
    await desk.note_origin(7, "telegram", "-1001", "fr")
    assert await desk.queue_notice(7, "my-claim", "rejected", "no source", NOW)
    assert not await desk.queue_notice(8, "other", "approved", None, NOW)  # no chat known
    [notice] = await desk.pending_notices(("telegram", "discord"))
    assert (notice.chat_id, notice.language, notice.reason) == ("-1001", "fr", "no source")
    assert await desk.pending_notices(("discord",)) == []
    assert await desk.take_notice(notice.id, NOW)
    assert not await desk.take_notice(notice.id, NOW)  # another process cannot send it again
    assert await desk.pending_notices(("telegram",)) == []


async def test_a_link_asked_in_a_second_chat_adds_it_to_the_moderators_session(
    desk: DeskStore,
) -> None:
    first = await desk.redeem((await desk.issue_link(MODERATOR, CHATS, "en", NOW)).token, NOW)
    assert not isinstance(first, LinkRefusal)
    second = await desk.issue_link(MODERATOR, ("telegram:-1002",), "en", NOW)
    joined = await desk.redeem(second.token, NOW, joining=first[1])
    assert not isinstance(joined, LinkRefusal)
    assert joined[1].chats == ("telegram:-1001", "telegram:-1002")
    other = await desk.issue_link("discord:1", ("discord:9",), "en", NOW)
    alone = await desk.redeem(other.token, NOW, joining=joined[1])  # never another's chats
    assert not isinstance(alone, LinkRefusal) and alone[1].chats == ("discord:9",)
