"""Quizzes on Discord: a native poll, and its answer told once when the poll ends.

``/quiz`` (slash command or text) and quiz campaigns post the quiz as a native
poll open ``[discord] quiz_hours``, within Discord's limits. Discord's polls
have no right answer: when one ends, the bot reads the results (counts only),
stores them and posts the answer, how many answered and the share right, and
the source; exactly once, whether the end is seen on the gateway, at a start
or by the minute's sweep, in one process or two, across restarts. A deleted
poll is closed silently. Where the bot may not send polls, a quiz campaign is
paused with a note in its language and ``/quiz`` asks as text.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord import DiscordAdapter
from adapters.discord.polls import native_poll
from bot.app import open_core
from bot.campaigns.rotation import Selection
from bot.commands.campaign import make_scheduler
from bot.commands.quiz import quiz_reply
from bot.dispatch import Core
from bot.foundation.errors import ConfigError
from bot.foundation.storage import open_database
from bot.messages import ChatRef, Request, UserRef
from bot.quiz.generate import quiz_for
from bot.quiz.model import Quiz
from bot.quiz.pool import quiz_pool
from bot.quiz.store import QuizStore
from bot.settings import load_settings
from facts.models import Claim
from facts.seed import seed_claims
from tests.fakes.discord_api import (
    CHANNEL_ID,
    FakeDiscord,
    Faults,
    Sent,
    option,
    poll_problems,
    sub,
)

pytestmark = pytest.mark.slow

HOURS = 6  # [discord] quiz_hours in these tests
BASE = [Claim.model_validate(content.model_dump()) for content in seed_claims()]
BY_ID = {claim.id: claim for claim in BASE}
MODERATOR = {"moderator": True, "user_id": "1500000000000000099", "name": "mod"}
NO_POLLS = "1300000000000000555"  # a channel where the bot lacks SEND_POLLS
WATTSON = str(Path(sys.executable).parent / "wattson")


def settings_for(fake: FakeDiscord, database: str) -> Any:
    return load_settings(
        None,
        storage={"database": database},
        discord={"api_base_url": fake.base_url, "quiz_hours": HOURS},
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000},
    )


@contextlib.asynccontextmanager
async def serving(fake: FakeDiscord, database: str) -> AsyncIterator[tuple[Core, DiscordAdapter]]:
    """One bot (its own core and database connection) connected to the fake."""
    settings = settings_for(fake, database)
    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, "fake-discord-token", settings.discord)
        identified = len(fake.identified)
        task = asyncio.create_task(adapter.start())
        await until(lambda: len(fake.identified) > identified, timeout=30)
        try:
            yield core, adapter
        finally:
            await adapter.stop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def fake(loopback_only: list[str]) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(pollless_channels={NO_POLLS})
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[tuple[FakeDiscord, Core, Any]]:
    async with serving(fake, str(tmp_path / "quiz.db")) as (core, adapter):
        yield fake, core, adapter


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


def quiz_of(claim_id: str, language: str) -> Quiz:
    quiz = quiz_for(BY_ID[claim_id], language, base=BASE)
    assert isinstance(quiz, Quiz)
    return quiz


def reveals(fake: FakeDiscord, channel: str = CHANNEL_ID) -> list[Sent]:
    heads = ("Quiz answer: ", "Réponse du quiz : ")
    return [s for s in fake.posts_in(channel) if s.poll is None and s.text.startswith(heads)]


async def asked(fake: FakeDiscord, core: Core, **who: Any) -> tuple[Sent, Any]:
    """``/quiz water`` by slash command: the poll sent, and the post the bot wrote down."""
    [sent] = await fake.slash("quiz", [option("topic", "water")], **who)
    assert sent.poll is not None and sent.message is not None
    post = await core.services.quizzes.post("discord", sent.message["id"])
    assert post is not None, "written down under its message id"
    return sent, post


# ---- posting ---------------------------------------------------------------------------


async def test_quiz_posts_a_native_poll_of_the_quiz_open_quiz_hours(bot: Any) -> None:
    fake, core, _adapter = bot
    sent, post = await asked(fake, core)
    quiz = quiz_of(post.claim_id, "en")
    assert sent.poll["question"]["text"] == quiz.question
    assert [a["poll_media"]["text"] for a in sent.poll["answers"]] == list(quiz.options)
    assert sent.poll["duration"] == HOURS and sent.poll["allow_multiselect"] is False
    assert (post.right_option, post.options_count) == (quiz.right, len(quiz.options))
    assert post.language == "en"
    assert post.topic == "water" and not sent.buttons, "no buttons: the poll is the quiz"


async def test_quiz_in_french_posts_the_french_question(bot: Any) -> None:
    fake, core, _adapter = bot
    sent, post = await asked(fake, core, locale="fr")
    quiz = quiz_of(post.claim_id, "fr")
    assert sent.poll["question"]["text"] == quiz.question and "Complétez" in quiz.question
    assert [a["poll_media"]["text"] for a in sent.poll["answers"]] == list(quiz.options)
    assert post.language == "fr"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_poll_the_core_makes_fits_discords_limits(language: str) -> None:
    """Every claim of the base that makes a quiz, as discord.py sends its poll, passes the fake."""
    quizzes = [q for c in BASE if isinstance(q := quiz_for(c, language, base=BASE), Quiz)]
    assert len(quizzes) >= len(quiz_pool(BASE, Selection())) >= 30
    problems = {}
    for quiz in quizzes:
        for hours in (1, 24, 768):
            payload = native_poll(quiz_reply(quiz).poll, hours)._to_dict()  # type: ignore[arg-type]
            if found := poll_problems(dict(payload)):
                problems[(quiz.claim_id, hours)] = found
    assert problems == {}


def test_the_fake_refuses_what_discord_refuses() -> None:
    poll = {"question": {"text": "q" * 301}, "duration": 769,
            "answers": [{"poll_media": {"text": "a" * 56}}] * 11}  # fmt: skip
    assert len(poll_problems(poll)) == 3 + 11


@pytest.mark.parametrize("hours", [0, 769])
def test_quiz_hours_outside_discords_limits_is_a_startup_error(hours: int) -> None:
    with pytest.raises(ConfigError, match="discord.quiz_hours"):
        load_settings(None, discord={"quiz_hours": hours})


# ---- the reveal ----------------------------------------------------------------------


async def test_votes_then_the_end_reveal_the_answer_once_with_counts(bot: Any) -> None:
    fake, core, adapter = bot
    sent, post = await asked(fake, core)
    wrong = (post.right_option + 1) % 4
    fake.vote(sent.message["id"], post.right_option, times=3)
    fake.vote(sent.message["id"], wrong)
    await fake.end_poll(sent.message["id"])  # MESSAGE_UPDATE, finalized
    await until(lambda: len(reveals(fake)) == 1)
    [reveal] = reveals(fake)
    quiz = quiz_of(post.claim_id, "en")
    assert reveal.text.startswith(f"Quiz answer: {quiz.answer}")
    assert "4 answers, 75% right" in reveal.text
    assert f"• {quiz.options[wrong]}: 1" in reveal.text
    assert BY_ID[post.claim_id].statement.en in reveal.text, "then the statement and source"
    counts = await core.services.quizzes.counts("discord", sent.message["id"])
    expected = [0] * 4
    expected[post.right_option], expected[wrong] = 3, 1
    assert counts.counts == tuple(expected)
    await adapter.polls.sweep(datetime.now(UTC) + timedelta(days=40))  # the minute's sweep
    await fake.end_poll(sent.message["id"])  # an update said twice
    [stats] = await fake.slash("stats")
    assert "Quizzes: 1 posted, 4 answers, 75% right (water)" in stats.text
    assert len(reveals(fake)) == 1 and fake.repeated == [], "told once, never sent again"


async def test_the_reveal_is_in_the_quizs_language(bot: Any) -> None:
    fake, core, _adapter = bot
    sent, post = await asked(fake, core, locale="fr")
    fake.vote(sent.message["id"], post.right_option)
    fake.vote(sent.message["id"], (post.right_option + 2) % 4)
    await fake.end_poll(sent.message["id"])
    await until(lambda: len(reveals(fake)) == 1)
    [reveal] = reveals(fake)
    assert reveal.text.startswith("Réponse du quiz : ")
    assert "2 réponses, 50\xa0% de bonnes réponses" in reveal.text


async def test_a_poll_ended_early_with_end_poll_is_revealed_like_one_whose_time_ran_out(
    bot: Any,
) -> None:
    fake, core, adapter = bot
    sent, post = await asked(fake, core)
    fake.vote(sent.message["id"], post.right_option, times=2)
    await adapter.client.http.end_poll(int(CHANNEL_ID), int(sent.message["id"]))  # expire
    await until(lambda: len(reveals(fake)) == 1)
    assert "2 answers, 100% right" in reveals(fake)[0].text
    with pytest.raises(discord.HTTPException) as ended:
        await adapter.client.http.end_poll(int(CHANNEL_ID), int(sent.message["id"]))
    assert ended.value.code == 520001, "an ended poll cannot be ended again"


async def test_a_reveal_whose_answer_is_lost_is_sent_again_and_posted_once(bot: Any) -> None:
    """Discord reads the poll's message with a 5xx, then acts on the reveal but its answer is lost."""
    fake, core, _adapter = bot
    sent, post = await asked(fake, core)
    fake.vote(sent.message["id"], post.right_option)
    fake.faults = Faults(rate_5xx=1.0, paths=(f"/messages/{sent.message['id']}",))
    fake.drop_after_next(f"POST /api/v10/channels/{CHANNEL_ID}/messages")
    await fake.end_poll(sent.message["id"])
    await until(lambda: len(fake.injected) >= 2)
    fake.faults = Faults()  # Discord answers again
    await until(lambda: len(reveals(fake)) >= 1)
    await asyncio.sleep(0.5)  # a resend would be on its way
    assert [kind for kind, _request in fake.injected][-1] == "drop_after"
    assert len(fake.repeated) == 1, "sent again, under the same nonce"
    assert len(reveals(fake)) == 1 and "1 answer, 100% right" in reveals(fake)[0].text


async def test_a_poll_still_open_is_not_revealed_by_the_sweep(bot: Any) -> None:
    fake, core, adapter = bot
    await asked(fake, core)
    await adapter.polls.sweep(datetime.now(UTC) + timedelta(days=40))
    assert reveals(fake) == []
    assert len(await core.services.quizzes.unrevealed("discord", datetime.now(UTC))) == 1


async def test_a_deleted_poll_is_closed_silently(bot: Any) -> None:
    fake, core, adapter = bot
    sent, _post = await asked(fake, core)
    await fake.delete_message(sent.message["id"])
    await adapter.polls.sweep(datetime.now(UTC) + timedelta(days=40))
    assert reveals(fake) == [] and fake.posts_in(CHANNEL_ID) == []
    assert await core.services.quizzes.unrevealed("discord", datetime.now(UTC)) == []


async def test_two_processes_reveal_a_poll_once(fake: FakeDiscord, database_location: str) -> None:
    """Two bots on one database both see the poll end (gateway and sweep): one reveal."""
    async with (
        serving(fake, database_location) as (core, first),
        serving(fake, database_location) as (_other, second),
    ):
        reply = await core.handle(
            Request(
                command="quiz",
                args="water",
                user=UserRef(platform="discord", id="1"),
                chat=ChatRef(platform="discord", id=CHANNEL_ID),
            )  # fmt: skip
        )
        await first.post(CHANNEL_ID, reply)
        [poll] = [s for s in fake.posts_in(CHANNEL_ID) if s.poll is not None]
        fake.vote(poll.message["id"], 0, times=2)
        await fake.end_poll(poll.message["id"])  # both connections get the update
        later = datetime.now(UTC) + timedelta(days=40)
        await asyncio.gather(first.polls.sweep(later), second.polls.sweep(later))
        await until(lambda: len(reveals(fake)) >= 1)
        await asyncio.gather(first.polls.sweep(later), second.polls.sweep(later))
        assert len(reveals(fake)) == 1 and fake.repeated == []
        counts = await core.services.quizzes.counts("discord", poll.message["id"])
        assert counts.answered == 2


# ---- campaigns and refusals ----------------------------------------------------------------


async def test_a_quiz_campaign_posts_a_native_poll_under_its_heading(bot: Any) -> None:
    fake, core, _adapter = bot
    fields = "topic: water; every: 1; from: 2026-01-01; kind: quiz"
    [started] = await fake.slash("campaign", sub("start", option("fields", fields)), **MODERATOR)
    assert "Campaign started" in started.text
    await make_scheduler(core.services).tick()
    await make_scheduler(core.services).tick()  # a second scheduler: the slot is taken
    [poll] = [s for s in fake.posts_in(CHANNEL_ID) if s.poll is not None]
    assert poll.data["content"] == "Campaign #1, question 1:"
    assert poll.poll["duration"] == HOURS
    post = await core.services.quizzes.post("discord", poll.message["id"])
    assert post is not None and post.campaign_id == 1 and post.slot is not None


async def test_without_poll_permission_a_quiz_campaign_is_paused_with_a_french_note(
    bot: Any,
) -> None:
    fake, core, _adapter = bot
    fields = "sujet: eau; chaque: 1; du: 2026-01-01; type: quiz"
    where = {**MODERATOR, "channel_id": NO_POLLS, "locale": "fr"}
    await fake.slash("campaign", sub("start", option("fields", fields)), **where)
    await make_scheduler(core.services).tick()
    assert fake.posts_in(NO_POLLS) == [], "refused: nothing posted"
    [listed] = await fake.slash("campaign", sub("list"), **where)
    assert "[en pause]" in listed.text
    assert "mise en pause par Wattson : cette discussion refuse les sondages du bot" in listed.text


async def test_without_poll_permission_quiz_asks_as_text_and_counts_a_press(bot: Any) -> None:
    fake, core, _adapter = bot
    [sent] = await fake.slash("quiz", [option("topic", "water")], channel_id=NO_POLLS)
    assert sent.poll is None and sent.text.startswith("Quiz: ") and len(sent.buttons) == 4
    [answer] = await fake.press(sent, button=0, channel_id=NO_POLLS)
    assert answer.ephemeral and ("Right!" in answer.text or "Not quite" in answer.text)
    [result] = await core.services.quizzes.results("discord", NO_POLLS)
    assert (result.posted, result.answered) == (1, 1)
    assert await core.services.quizzes.unrevealed("discord", datetime.now(UTC)) == []


async def test_a_403_for_the_poll_falls_back_to_the_text_quiz(bot: Any) -> None:
    """The interaction said the bot may send polls; Discord refuses anyway (50013)."""
    fake, _core, _adapter = bot
    data = {"id": "1", "name": "quiz", "type": 1, "options": [option("topic", "water")]}
    payload = fake.interaction_payload(data, channel_id="1300000000000000666")
    fake.pollless_channels.add("1300000000000000666")
    [sent] = await fake.invoke(payload)
    assert sent.poll is None and sent.text.startswith("Quiz: ") and len(sent.buttons) == 4


async def test_quiz_without_a_topic_asks_on_any_topic(bot: Any) -> None:
    fake, core, _adapter = bot
    [sent] = await fake.slash("quiz")
    assert sent.poll is not None and len(sent.poll["answers"]) >= 3
    assert await core.services.quizzes.post("discord", sent.message["id"]) is not None


# ---- a real process, stopped and started again -----------------------------------------------


class Process:
    """``wattson run`` against the fake, started and stopped (SIGTERM) as a service would be."""

    def __init__(self, fake: FakeDiscord, folder: Path) -> None:
        self.fake = fake
        self.config = folder / "wattson.toml"
        self.config.write_text(
            f'[storage]\ndatabase = "{folder / "run.db"}"\n'
            f'[discord]\napi_base_url = "{fake.base_url}"\nquiz_hours = {HOURS}\n'
            "[limits]\nper_user_per_minute = 1000\nper_chat_per_minute = 1000\n"
        )
        self.database = str(folder / "run.db")
        self.process: asyncio.subprocess.Process | None = None
        self.logs: list[bytes] = []

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
        env.update(DISCORD_TOKEN="fake-discord-token")
        env.pop("TELEGRAM_TOKEN", None)
        identified = len(self.fake.identified)
        self.process = await asyncio.create_subprocess_exec(
            WATTSON, "run", "--config", str(self.config),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await until(lambda: len(self.fake.identified) > identified, timeout=60)

    async def stop(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        log = (await self.process.stderr.read()).decode()
        assert code == 0 and "Traceback" not in log, log[-3000:]
        self.process = None

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def test_a_poll_that_ends_while_the_bot_is_down_is_revealed_once_after_a_restart(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    bot = Process(fake, tmp_path)
    try:
        await bot.start()
        [first] = await fake.slash("quiz", [option("topic", "water")])
        await bot.stop()
        fake.vote(first.message["id"], 0, times=2)
        fake.vote(first.message["id"], 1)
        await fake.end_poll(first.message["id"])  # nobody listening: the update is lost
        await bot.start()
        await until(lambda: len(reveals(fake)) == 1, timeout=60)
        [second] = await fake.slash("quiz", [option("topic", "water")])
        await bot.stop()
        await fake.end_poll(second.message["id"])
        await bot.start()  # the first poll is not told again; the second is, once
        await until(lambda: len(reveals(fake)) == 2, timeout=60)
        await bot.stop()
    finally:
        await bot.kill()
    told = reveals(fake)
    assert fake.repeated == [], "no reveal sent twice, even under its nonce"
    assert "3 answers" in told[0].text and "No one answered." in told[1].text
    async with open_database(bot.database) as database:
        store = QuizStore(database)
        counts = await store.counts("discord", first.message["id"])
        assert counts is not None and counts.counts[:2] == (2, 1) and counts.answered == 3
        assert await store.unrevealed("discord", datetime.now(UTC) + timedelta(days=40)) == []
