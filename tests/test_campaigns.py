"""Campaigns: facts on schedule, exactly once per slot, across restarts; with a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.app import open_core
from bot.campaigns.rotation import pool
from bot.campaigns.schedule import Campaign, CampaignSpec, slots
from bot.commands.campaign import make_scheduler
from bot.dispatch import Core
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import load_settings
from facts.models import Status, Topic
from facts.seed import seed_claims

PARIS = "Europe/Paris"
START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 07:00 in Paris


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Outbox:
    posts: list[tuple[str, Reply]] = field(default_factory=list)
    fail: bool = False

    async def __call__(self, chat_id: str, reply: Reply) -> None:
        if self.fail:
            raise ConnectionError("platform went away mid-send")
        self.posts.append((chat_id, reply))

    @property
    def facts(self) -> list[str]:
        return [reply.data.id for _chat, reply in self.posts if reply.data is not None]

    @property
    def notices(self) -> list[str]:
        return [reply.text for _chat, reply in self.posts if reply.data is None]


def request(args: str, moderator: bool = True) -> Request:
    return Request(
        command="campaign", args=args, user=UserRef(platform="test", id="mod"),
        chat=ChatRef(platform="test", id="club"), is_moderator=moderator,
    )  # fmt: skip


async def open_test_core(path: Path | str, clock: Clock) -> AsyncIterator[tuple[Core, Outbox]]:
    settings = load_settings(None, storage={"database": path},
                             limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000})  # fmt: skip
    async with open_core(settings) as core:
        object.__setattr__(core.services, "clock", clock)
        outbox = Outbox()
        core.services.outboxes["test"] = outbox
        yield core, outbox


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def club(database_location: str, clock: Clock) -> AsyncIterator[tuple[Core, Outbox]]:
    """A chat with campaigns, on each storage driver (SQLite, PostgreSQL)."""
    async for opened in open_test_core(database_location, clock):
        yield opened


WEEK_ON_WATER = (
    "start topic: water; daily: 09:00; tz: Europe/Paris; from: 2026-12-01; to: 2026-12-07"
)


async def test_daily_posts_come_at_the_local_time_once_each(
    club: tuple[Core, Outbox], clock: Clock
) -> None:
    core, outbox = club
    reply = await core.handle(request(WEEK_ON_WATER))
    assert "Campaign started: #1" in reply.text
    scheduler = make_scheduler(core.services)
    await scheduler.tick(clock.advance(hours=1, minutes=59))  # 08:59 Paris
    assert outbox.posts == []
    await scheduler.tick(clock.advance(minutes=1))  # 09:00 Paris
    await scheduler.tick(clock.advance(seconds=30))
    await scheduler.tick()
    assert len(outbox.facts) == 1, "a slot is posted once, however often the clock ticks"
    assert outbox.posts[0][0] == "club"
    assert "Campaign #1, fact 1:" in outbox.posts[0][1].text
    await scheduler.tick(clock.advance(days=1))
    assert len(outbox.facts) == 2


async def test_facts_rotate_without_repetition_until_the_pool_is_used_up(
    club: tuple[Core, Outbox], clock: Clock
) -> None:
    core, outbox = club
    await core.handle(request("start topic: water; every: 1; from: 2026-12-01"))
    scheduler = make_scheduler(core.services)
    spec = CampaignSpec(topic=Topic.water, every_hours=1, start=date(2026, 12, 1))
    candidates = pool(await core.services.claims.all_claims(), spec.selection)
    for _ in range(len(candidates) * 2):
        await scheduler.tick(clock.advance(hours=1))
    first, second = outbox.facts[: len(candidates)], outbox.facts[len(candidates) :]
    assert sorted(first) == sorted(c.id for c in candidates), "each fact once per round"
    assert sorted(second) == sorted(first), "then a new round"
    assert all(c.status in (Status.verified, Status.secondary) for c in candidates)


async def test_a_campaign_ends_on_its_last_day(club: tuple[Core, Outbox], clock: Clock) -> None:
    core, outbox = club
    await core.handle(request(WEEK_ON_WATER))
    scheduler = make_scheduler(core.services)
    for _ in range(10):
        await scheduler.tick(clock.advance(days=1))
    campaign = await core.services.campaigns.get(1)
    assert campaign is not None and campaign.state == "finished"
    assert len(outbox.facts) + sum(1 for _ in outbox.notices) >= 1
    records = await core.services.campaigns.posts(1)
    assert len(records) == 7, "one record per day of the week, posted or reported"


async def test_a_restart_mid_campaign_neither_repeats_nor_skips_silently(
    database_location: str, clock: Clock
) -> None:
    database = database_location
    async for core, outbox in open_test_core(database, clock):
        await core.handle(request(WEEK_ON_WATER))
        await make_scheduler(core.services).tick(clock.advance(hours=2))  # Dec 1, 09:00 Paris
        assert len(outbox.facts) == 1
    # the process is gone for two and a half days
    async for core, outbox in open_test_core(database, clock):
        scheduler = make_scheduler(core.services)
        await scheduler.tick()  # same instant as before the restart
        assert outbox.posts == [], "the slot posted before the restart is not posted again"
        await scheduler.tick(clock.advance(days=2, hours=7))  # Dec 3, 16:00 Paris
        assert len(outbox.facts) == 1, "the latest missed slot is posted once, late"
        assert len(outbox.notices) == 1 and "1 scheduled post" in outbox.notices[0]
        await scheduler.tick(clock.advance(minutes=5))
        assert len(outbox.posts) == 2, "and nothing more"
        statuses = [r.status for r in await core.services.campaigns.posts(1)]
        assert statuses == ["posted", "missed", "late"]


async def test_an_interrupted_send_is_reported_not_repeated(
    club: tuple[Core, Outbox], clock: Clock
) -> None:
    core, outbox = club
    await core.handle(request("start topic: water; every: 6; from: 2026-12-01"))
    scheduler = make_scheduler(core.services)
    outbox.fail = True
    await scheduler.tick(clock.advance(minutes=1))
    outbox.fail = False
    await scheduler.tick(clock.advance(minutes=1))
    assert outbox.facts == [], "the interrupted slot is not sent again"
    assert len(outbox.notices) == 1 and "may not have gone out" in outbox.notices[0]
    await scheduler.tick(clock.advance(hours=6))
    assert len(outbox.facts) == 1


async def test_a_platform_that_is_not_connected_delays_posts_without_losing_them(
    club: tuple[Core, Outbox], clock: Clock
) -> None:
    core, outbox = club
    await core.handle(request("start topic: water; every: 6; from: 2026-12-01"))
    del core.services.outboxes["test"]
    scheduler = make_scheduler(core.services)
    await scheduler.tick(clock.advance(minutes=1))
    assert await core.services.campaigns.posts(1) == []
    core.services.outboxes["test"] = outbox
    await scheduler.tick(clock.advance(minutes=1))
    assert len(outbox.facts) == 1


async def test_pause_resume_stop_and_moderators_only(
    club: tuple[Core, Outbox], clock: Clock
) -> None:
    core, outbox = club
    refused = await core.handle(request(WEEK_ON_WATER, moderator=False))
    assert refused.error and "moderators" in refused.text
    assert await core.services.campaigns.in_chat("test", "club") == []
    await core.handle(request(WEEK_ON_WATER))
    scheduler = make_scheduler(core.services)
    assert "paused" in (await core.handle(request("pause 1"))).text
    await scheduler.tick(clock.advance(hours=3))
    assert outbox.posts == []
    assert "resumed" in (await core.handle(request("resume 1"))).text
    await scheduler.tick(clock.advance(minutes=1))
    assert len(outbox.facts) == 1
    assert "stopped" in (await core.handle(request("stop 1"))).text
    await scheduler.tick(clock.advance(days=1))
    assert len(outbox.facts) == 1
    assert (await core.handle(request("pause 1", moderator=False))).error
    listing = await core.handle(request("list", moderator=False))
    assert "#1 [stopped] water" in listing.text


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("start daily: 09:00", "topic or a list of facts"),
        ("start topic: water", "daily time"),
        ("start topic: water; daily: 09:00; tz: Mars/Olympus", "time zone"),
        ("start topic: water; daily: 25:00", "daily: “25:00” is not a time of day"),
        ("start topic: water; daily: 09:00; from: 2026-12-05; to: 2026-12-01", "end date"),
        ("start topic: weather; daily: 09:00", "topic"),
        ("start topic: water; every: often", "number of hours"),
    ],
)
async def test_bad_campaigns_are_refused_with_the_reason(
    club: tuple[Core, Outbox], args: str, problem: str
) -> None:
    core, _outbox = club
    reply = await core.handle(request(args))
    assert reply.error and problem in reply.text


def test_slots_follow_daylight_saving_time() -> None:
    campaign = Campaign(
        id=1, platform="t", chat_id="c", state="active", created_by="m",
        created_at=datetime(2026, 3, 27, tzinfo=UTC),
        spec=CampaignSpec(topic=Topic.water, daily_at=time(9, 0), timezone=PARIS,
                          start=date(2026, 3, 28), end=date(2026, 3, 30)),
    )  # fmt: skip
    found = slots(campaign, datetime(2026, 4, 1, tzinfo=UTC))
    assert [s.hour for s in found] == [8, 7, 7], (
        "09:00 in Paris is 08:00 UTC, then 07:00 from March 29"
    )


def test_disputed_and_false_claims_only_when_asked() -> None:
    claims = list(seed_claims())
    from facts.models import Claim

    stored = [Claim.model_validate(c.model_dump()) for c in claims]
    spec = CampaignSpec(topic=Topic.water, daily_at=time(9), start=date(2026, 1, 1))
    assert all(c.status.trustworthy for c in pool(stored, spec.selection))
    with_disputed = pool(stored, spec.model_copy(update={"include_disputed": True}).selection)
    assert "li-water-bottle-per-conversation" in [c.id for c in with_disputed]


async def test_a_campaign_runs_through_the_console(tmp_path: Path, clock: Clock) -> None:
    import io

    from adapters.console import ConsoleAdapter

    async for core, _outbox in open_test_core(tmp_path / "console.db", clock):
        output = io.StringIO()
        console = ConsoleAdapter(core, output=output)
        [started] = await console.send("/campaign start topic: models; every: 24")
        assert "Campaign started: #1" in started
        await make_scheduler(core.services).tick(clock.advance(minutes=1))
        assert "Campaign #1, fact 1:" in output.getvalue()
        assert "Source:" in output.getvalue()


def test_the_console_process_posts_due_campaign_facts_in_the_background(tmp_path: Path) -> None:
    import os
    import selectors
    import subprocess
    import sys
    import time

    wattson = str(Path(sys.executable).parent / "wattson")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")},
           "WATTSON_STORAGE__DATABASE": str(tmp_path / "bg.db"),
           "WATTSON_CAMPAIGNS__TICK_SECONDS": "1"}  # fmt: skip
    process = subprocess.Popen(
        [wattson, "console"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("/campaign start topic: water; every: 24\n")
    process.stdin.flush()
    # Input stays open until the background scheduler has posted (or a minute has passed),
    # however slowly the process starts on a loaded machine.
    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("Campaign #1, fact 1:" in x for x in lines):
        if selector.select(timeout=1):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
    process.stdin.close()
    process.wait(timeout=60)
    rest = process.stdout.read()
    stderr = process.stderr.read() if process.stderr else ""
    stdout = "".join(lines) + rest
    assert process.returncode == 0, stderr
    assert "Campaign started: #1" in stdout
    assert stdout.count("Campaign #1, fact 1:") == 1
