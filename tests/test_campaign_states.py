"""Campaign commands say what happened for every state and action, in either language.

Pausing, resuming or stopping a stopped or finished campaign says why nothing
changed (never "cannot be resumed" for a pause); a campaign wholly in the past,
a value out of its range or a value that is no choice is refused with the limit
or the choices named; the list shows every setting; French subcommands work and
an unknown one is an error with the usage, never the list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.commands.campaign import make_scheduler
from bot.dispatch import Core
from bot.messages import ChatRef, Request, UserRef
from tests.test_campaigns import WEEK_ON_WATER, Clock, Outbox, open_test_core


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def club(database_location: str, clock: Clock) -> AsyncIterator[tuple[Core, Outbox]]:
    """A chat with campaigns, on each storage driver (SQLite, PostgreSQL)."""
    async for opened in open_test_core(database_location, clock):
        yield opened


def request(args: str, locale: str = "en") -> Request:
    return Request(
        command="campaign", args=args, user=UserRef(platform="test", id="mod"),
        chat=ChatRef(platform="test", id="club"), is_moderator=True, locale=locale,
    )  # fmt: skip


async def send(core: Core, args: str, locale: str = "en") -> str:
    return (await core.handle(request(args, locale))).text


@pytest.mark.parametrize(
    ("action", "answer"),
    [
        ("pause 1", "Campaign #1 is stopped: there is nothing to pause."),
        ("resume 1", "Campaign #1 is stopped; stopped campaigns cannot be resumed."),
        ("stop 1", "Campaign #1 is already stopped."),
    ],
)
async def test_a_stopped_campaign_says_why_each_action_changes_nothing(
    club: tuple[Core, Outbox], action: str, answer: str
) -> None:
    core, _outbox = club
    await send(core, WEEK_ON_WATER)
    await send(core, "stop 1")
    assert (await send(core, action)).startswith(answer)
    assert (await core.services.campaigns.get(1)).state == "stopped"


@pytest.mark.parametrize(
    ("action", "answer"),
    [
        ("pause 1", "is finished (its last day has passed): there is nothing to pause."),
        ("resume 1", "is finished: its last day has passed, so it cannot be resumed."),
        ("stop 1", "is already finished: its last day has passed, so there is nothing to stop."),
    ],
)
async def test_a_finished_campaign_says_why_each_action_changes_nothing(
    club: tuple[Core, Outbox], clock: Clock, action: str, answer: str
) -> None:
    core, _outbox = club
    await send(core, WEEK_ON_WATER)
    clock.advance(days=8)  # past its last day, before the scheduler has marked it
    assert answer in await send(core, action)
    assert "#1 [finished]" in await send(core, "list")
    await make_scheduler(core.services).tick()
    assert answer in await send(core, action)


async def test_running_and_paused_campaigns_answer_each_action(
    club: tuple[Core, Outbox],
) -> None:
    core, _outbox = club
    await send(core, WEEK_ON_WATER)
    assert await send(core, "resume 1") == "Campaign #1 is already running."
    assert await send(core, "pause 1") == "Campaign #1 paused."
    assert await send(core, "pause 1") == "Campaign #1 is already paused."
    assert await send(core, "resume 1") == "Campaign #1 resumed."
    assert await send(core, "stop 1") == "Campaign #1 stopped."


@pytest.mark.parametrize(
    ("words", "state"),
    [("pause 1", "paused"), ("arrête 1", "stopped"), ("arrete 1", "stopped"),
     ("Arrêter 1", "stopped"), ("stoppe 1", "stopped")],
)  # fmt: skip
async def test_french_subcommands_change_the_campaign(
    club: tuple[Core, Outbox], words: str, state: str
) -> None:
    core, _outbox = club
    await send(core, "lance sujet: eau; quotidien: 09:00", locale="fr")
    await send(core, words, locale="fr")
    assert (await core.services.campaigns.get(1)).state == state


async def test_reprends_resumes_a_paused_campaign(club: tuple[Core, Outbox]) -> None:
    core, _outbox = club
    await send(core, "lance sujet: eau; quotidien: 09:00", locale="fr")
    await send(core, "pause 1", locale="fr")
    assert await send(core, "reprends 1", locale="fr") == "Campagne n° 1 reprise."
    assert (await core.services.campaigns.get(1)).state == "active"


@pytest.mark.parametrize("locale", ["en", "fr"])
async def test_an_unknown_subcommand_is_an_error_with_the_usage(
    club: tuple[Core, Outbox], locale: str
) -> None:
    core, _outbox = club
    await send(core, WEEK_ON_WATER)
    reply = await core.handle(request("halt 1", locale))
    assert reply.error
    usage = "Usage: /campaign list" if locale == "en" else "Usage : /campagne liste"
    assert "“halt”" in reply.text or "« halt »" in reply.text
    assert usage in reply.text and "#1" not in reply.text, "the usage, not the list"
    assert (await core.services.campaigns.get(1)).state == "active"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ("topic: water; daily: 09:00; from: 2025-01-01; to: 2025-01-10",
         "to: the campaign would end on 2025-01-10, and its last post time has passed"),
        ("topic: water; daily: 05:00; from: 2026-11-20; to: 2026-12-01",
         "its last post time has passed (today is 2026-12-01 in UTC)"),
        ("topic: water; every: 1000", "every: 1000 h is outside the allowed range, 1 to 720 h"),
        ("topic: water; every: 0", "every: 0 h is outside the allowed range, 1 to 720 h"),
        ("topic: water; daily: 09:00; include: yes", "include: “yes” is not a choice"),
        ("facts: " + ", ".join(f"x{n}" for n in range(201)) + "; daily: 09:00",
         "facts has too many entries (at most 200)"),
    ],
)  # fmt: skip
async def test_campaigns_that_cannot_be_as_written_are_refused_with_the_limit(
    club: tuple[Core, Outbox], fields: str, problem: str
) -> None:
    core, _outbox = club
    reply = await core.handle(request(f"start {fields}"))
    assert reply.error and problem in reply.text
    assert await core.services.campaigns.in_chat("test", "club") == []


async def test_a_campaign_ending_today_with_a_post_to_come_is_accepted(
    club: tuple[Core, Outbox],
) -> None:
    core, _outbox = club  # the clock reads 06:00 UTC on 2026-12-01
    reply = await core.handle(request("start topic: water; daily: 09:00; to: 2026-12-01"))
    assert not reply.error and "Campaign started: #1" in reply.text


async def test_the_list_shows_every_setting(club: tuple[Core, Outbox]) -> None:
    core, _outbox = club
    await send(core, WEEK_ON_WATER)
    await send(core, "start topic: water; every: 6; include: disputed; from: 2026-12-01")
    listing = await send(core, "list")
    assert (
        "#1 [active] water — daily at 09:00 (Europe/Paris) — 2026-12-01 → 2026-12-07"
        " — trustworthy claims only — posts in English"
    ) in listing
    assert (
        "#2 [active] water — every 6 h — 2026-12-01 → … — disputed, outdated and false claims"
        " included — posts in English"
    ) in listing
    french = await send(core, "liste", locale="fr")
    assert "affirmations fiables seulement — publie en anglais" in french
