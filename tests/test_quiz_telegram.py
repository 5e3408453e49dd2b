"""Quizzes on Telegram: native anonymous quiz polls, counted without knowing who answered.

``/quiz`` (in English and French) posts a ``sendPoll`` of ``type=quiz``, anonymous, with
the right option and an explanation of at most 200 characters; the statement,
source and page follow in a reply to the poll, under a spoiler. Every quiz the
core makes is one the Bot API accepts (the fake refuses what Telegram refuses).
Votes arrive as ``poll`` updates carrying totals, and are kept as counts per
option, which ``/stats`` shows; a ``poll_answer`` adds its option and forgets
its voter. A chat that forbids polls gets the text quiz for ``/quiz``, and its
quiz campaign is paused with a note in the reader's language. A quiz campaign's
slot is posted once, whichever of two processes ticks; and ``wattson run``
killed mid-stream of votes loses no count once restarted.

The real python-telegram-bot against the fake Bot API (tests/fakes/telegram_api.py).
"""

from __future__ import annotations

import asyncio
import html
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.constants import PollLimit
from telegram.error import BadRequest

from adapters.telegram import TelegramAdapter
from bot.app import open_core
from bot.campaigns.rotation import Selection
from bot.commands.campaign import make_scheduler
from bot.dispatch import Core
from bot.foundation.storage import open_database
from bot.messages import ChatRef, Request, UserRef
from bot.quiz.generate import quiz_for
from bot.quiz.model import Quiz
from bot.quiz.pool import quiz_pool
from bot.quiz.store import QuizStore
from bot.settings import load_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.running import start_telegram_run

pytestmark = pytest.mark.slow
ADMIN = 7
GROUP = -1001
STRICT = -1002  # a group whose permissions forbid polls
WATTSON = str(Path(sys.executable).parent / "wattson")


@dataclass
class Running:
    fake: FakeTelegram
    core: Core
    adapter: TelegramAdapter

    @property
    def store(self) -> QuizStore:
        assert self.core.services.quizzes is not None
        return self.core.services.quizzes


def settings_for(fake: FakeTelegram, database: str) -> Any:
    return load_settings(
        None,
        storage={"database": database},
        # Telegram's caps off: 20 messages a minute in a group would make the test wait minutes
        telegram={
            "api_base_url": fake.base_url,
            "messages_per_second": 0,
            "group_messages_per_minute": 0,
        },
        limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000},
    )


@pytest.fixture
async def telegram(tmp_path: Path, loopback_only: list[str]) -> AsyncIterator[Running]:
    fake = FakeTelegram(admins={ADMIN}, no_polls={STRICT})
    await fake.start()
    settings = settings_for(fake, str(tmp_path / "quiz.db"))
    async with open_core(settings) as core:
        adapter = TelegramAdapter(core, TOKEN, settings.telegram)
        task = asyncio.create_task(adapter.start())
        await fake.wait_polling()
        yield Running(fake, core, adapter)
        await adapter.stop()
        await asyncio.wait_for(task, timeout=20)
    await fake.stop()


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def until_true(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    async def poll() -> None:
        while not await check():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def ask_quiz(fake: FakeTelegram, text: str, **who: Any) -> tuple[dict[str, Any], str]:
    """Send ``/quiz …``; the ``sendPoll`` the bot made and the poll's id."""
    before = len(fake.sent("sendPoll"))
    fake.push(text, **who)
    await until(lambda: len(fake.sent("sendPoll")) > before)
    return fake.sent("sendPoll")[-1], list(fake.polls)[-1]


def poll_message(fake: FakeTelegram, poll_id: str) -> dict[str, Any]:
    [message] = [m for _p, m in fake.bot_messages if m.get("poll", {}).get("id") == poll_id]
    return message


def replies_to(fake: FakeTelegram, message_id: int) -> list[dict[str, Any]]:
    return [
        params
        for params in fake.sent()
        if (params.get("reply_parameters") or {}).get("message_id") == message_id
    ]


async def quiz_of(core: Core, claim_id: str, language: str) -> Quiz:
    assert core.services.claims is not None
    claims = await core.services.claims.all_claims()
    claim = next(c for c in claims if c.id == claim_id)
    quiz = quiz_for(claim, language, base=claims)
    assert isinstance(quiz, Quiz)
    return quiz


def options_of(params: dict[str, Any]) -> list[str]:
    import json

    options = params["options"]
    options = json.loads(options) if isinstance(options, str) else options
    return [o["text"] for o in options]


def right_of(params: dict[str, Any]) -> list[int]:
    import json

    return [int(i) for i in json.loads(str(params["correct_option_ids"]))]


@pytest.mark.parametrize(("language", "question_start", "head"), [
    ("en", "Fill in the blank:", "Answer and source (tap to show):"),
    ("fr", "Complétez :", "Réponse et source (touchez pour l’afficher) :"),
])  # fmt: skip
async def test_quiz_posts_a_native_anonymous_quiz_poll_and_its_source_under_a_spoiler(
    telegram: Running, language: str, question_start: str, head: str
) -> None:
    fake = telegram.fake
    params, poll_id = await ask_quiz(fake, "/quiz water", language=language)
    post = await telegram.store.post("telegram", poll_id)
    assert post is not None and post.chat_id == str(GROUP), "recorded under Telegram's poll id"
    quiz = await quiz_of(telegram.core, post.claim_id, language)
    assert params["type"] == "quiz" and params["is_anonymous"] == "true"
    assert params["question"] == quiz.question and params["question"].startswith(question_start)
    assert options_of(params) == list(quiz.options)
    assert right_of(params) == [quiz.right] and post.right_option == quiz.right
    assert params["explanation"] == quiz.explanation
    assert 0 < len(params["explanation"]) <= PollLimit.MAX_EXPLANATION_LENGTH
    assert post.topic == "water" and post.language == language
    message = poll_message(fake, poll_id)
    await until(lambda: len(replies_to(fake, message["message_id"])) == 1)
    [details] = replies_to(fake, message["message_id"])
    assert details["text"].startswith(f"<b>{head}</b>\n<tg-spoiler>")
    assert quiz.details.split("\n")[0][:60] in html.unescape(details["text"])
    assert "Quiz:" not in str(fake.sent()), "no text quiz beside the native one"


async def test_votes_are_counted_from_poll_updates_and_shown_in_stats(telegram: Running) -> None:
    fake = telegram.fake
    _params, poll_id = await ask_quiz(fake, "/quiz water")
    post = await telegram.store.post("telegram", poll_id)
    assert post is not None
    wrong = (post.right_option + 1) % post.options_count
    for option in (post.right_option, post.right_option, post.right_option, wrong):
        fake.vote(poll_id, option)

    async def counted() -> bool:
        counts = await telegram.store.counts("telegram", poll_id)
        return counts is not None and list(counts.counts) == fake.totals(poll_id)

    await until_true(counted)
    [stats] = await fake.send_text("/stats")
    assert "Quizzes: 1 posted, 4 answers, 75% right" in stats["text"]
    [stats_fr] = await fake.send_text("/stats", language="fr")
    assert "Quiz : 1 posé, 4 réponses, 75" in stats_fr["text"]
    assert "% de bonnes réponses" in stats_fr["text"]


async def test_a_poll_answer_adds_its_option_and_no_vote_is_counted_twice(
    telegram: Running,
) -> None:
    """Telegram sends ``poll_answer`` only for polls that are not anonymous: the fake forces one."""
    fake = telegram.fake
    _params, poll_id = await ask_quiz(fake, "/quiz water")
    fake.vote(poll_id, 0, user_id=501, answer=True)  # a poll update and a poll_answer: one vote
    fake.vote(poll_id, 1, user_id=502, answer=True)

    async def counted() -> bool:
        counts = await telegram.store.counts("telegram", poll_id)
        return counts is not None and counts.answered == 2

    await until_true(counted)
    counts = await telegram.store.counts("telegram", poll_id)
    assert counts is not None and list(counts.counts[:2]) == [1, 1]
    assert telegram.store.database is not None
    rows = await telegram.store.database.fetch_all("SELECT * FROM quiz_counts")
    assert not any("501" in str(value) or "502" in str(value) for row in rows for value in row)


async def test_an_update_about_a_poll_never_recorded_is_dropped_and_answering_goes_on(
    telegram: Running,
) -> None:
    fake = telegram.fake
    fake.polls["777"] = {
        "id": "777", "question": "Not ours?", "total_voter_count": 0, "is_closed": False,
        "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
        "allows_revoting": False, "members_only": False,
        "options": [{"text": t, "voter_count": 0, "persistent_id": t} for t in "ab"],
    }  # fmt: skip
    fake.vote("777", 1)
    [reply] = await fake.send_text("/fact iea-dc-2024")
    assert "415" in reply["text"]
    assert await telegram.store.post("telegram", "777") is None


async def test_every_quiz_the_core_makes_is_accepted_by_the_bot_api_in_both_languages(
    telegram: Running,
) -> None:
    """The fake refuses what Telegram refuses; not one of the core's quizzes is refused."""
    core, fake = telegram.core, telegram.fake
    assert core.services.claims is not None
    claims = await core.services.claims.all_claims()
    pool = quiz_pool(claims, Selection())
    assert len(pool) > 30
    from bot.commands.quiz import quiz_reply

    for language in ("en", "fr"):
        for claim in pool:
            quiz = quiz_for(
                claim, language, base=claims, page=f"https://wattson.example/{claim.id}"
            )
            assert isinstance(quiz, Quiz)
            poll = quiz_reply(quiz).poll
            assert poll is not None
            await telegram.adapter.polls.send(-1003, poll)
    refused = [name for name, _params in fake.calls if name.endswith(":400")]
    assert refused == [] and len(fake.sent("sendPoll")) == 2 * len(pool)


@pytest.mark.parametrize(("change", "description"), [
    ({"question": "x" * (PollLimit.MAX_QUESTION_LENGTH + 1)},
     "poll question length must not exceed 300"),
    ({"question": " "}, "poll question must be non-empty"),
    ({"options": [f"{n} TWh" for n in range(PollLimit.MAX_OPTION_NUMBER + 1)]},
     "poll can't have more than 12 options"),
    ({"options": ["1 TWh", "y" * (PollLimit.MAX_OPTION_LENGTH + 1)]},
     "poll options length must not exceed 100"),
    ({"explanation": "z" * (PollLimit.MAX_EXPLANATION_LENGTH + 1)},
     "poll explanation length must not exceed 200"),
    ({"explanation": "one\ntwo\nthree\nfour"}, "poll explanation must not have more than 2 line feeds"),
    ({"correct_option_ids": [2]}, "wrong correct option ID specified"),
])  # fmt: skip
async def test_the_fake_refuses_a_poll_beyond_the_bot_apis_limits(
    telegram: Running, change: dict[str, Any], description: str
) -> None:
    poll: dict[str, Any] = {
        "question": "How much?", "options": ["1 TWh", "10 TWh"], "type": "quiz",
        "correct_option_ids": [1], "explanation": "10 TWh (IEA, 2025)", "is_anonymous": True,
    }  # fmt: skip
    poll.update(change)
    bot = Bot(TOKEN, base_url=telegram.fake.base_url)
    async with bot:
        with pytest.raises(BadRequest) as refused:
            await bot.send_poll(GROUP, **poll)
        assert str(refused.value).casefold() == description.casefold()  # PTB drops "Bad Request: "
        del poll["explanation"], poll["correct_option_ids"]
        poll.update(type="regular", question="How much?", options=["1 TWh", "10 TWh"])
        await bot.send_poll(GROUP, **poll)  # the same poll within the limits goes out
    assert len(telegram.fake.polls) == 1


async def test_a_chat_forbidding_polls_gets_the_text_quiz_and_a_press_is_counted(
    telegram: Running,
) -> None:
    fake = telegram.fake
    [text] = await fake.send_text("/quiz water", chat_id=STRICT)
    assert [name for name, _p in fake.calls if name.startswith("sendPoll")] == ["sendPoll:400"]
    assert text["text"].startswith("<b>Quiz: Fill in the blank:")
    buttons = fake.buttons(text)
    assert len(buttons) >= 3 and buttons[0]["text"].startswith("A) ")
    answered = await fake.press(text, button=1)
    assert answered["text"].startswith(("Right!", "Not quite"))
    [result] = await telegram.store.results("telegram", str(STRICT))
    assert (result.posted, result.answered) == (1, 1), "the text quiz and its press are counted"


async def test_a_quiz_campaign_in_a_chat_forbidding_polls_is_paused_with_a_french_note(
    telegram: Running,
) -> None:
    fake, core = telegram.fake, telegram.core
    [started] = await fake.send_text(
        "/campagne lance sujet: eau; chaque: 12; type: quiz",
        chat_id=STRICT, user_id=ADMIN, language="fr",
    )  # fmt: skip
    assert "Campagne lancée" in started["text"], started["text"]
    await make_scheduler(core.services).tick(core.services.clock() + timedelta(minutes=1))
    assert [name for name, _p in fake.calls if name.startswith("sendPoll")] == ["sendPoll:400"]
    [listing] = await fake.send_text("/campagne", chat_id=STRICT, language="fr")
    assert "[en pause]" in listing["text"] and "refuse les sondages du bot" in listing["text"]
    assert "Bad Request" not in listing["text"]
    await make_scheduler(core.services).tick(core.services.clock() + timedelta(hours=13))
    assert len([name for name, _p in fake.calls if name.startswith("sendPoll")]) == 1


async def test_a_quiz_campaign_slot_is_posted_once_by_two_processes(
    database_location: str, loopback_only: list[str]
) -> None:
    fake = FakeTelegram()
    await fake.start()
    settings = settings_for(fake, database_location)
    async with open_core(settings) as first, open_core(settings) as second:
        adapters = [TelegramAdapter(core, TOKEN, settings.telegram) for core in (first, second)]
        for adapter in adapters:
            await adapter.bot.initialize()
        started = await first.handle(Request(
            command="campaign", args="start topic: water; every: 12; kind: quiz",
            user=UserRef(platform="telegram", id=str(ADMIN)),
            chat=ChatRef(platform="telegram", id=str(GROUP)), is_moderator=True,
        ))  # fmt: skip
        assert "Campaign started: #1" in started.text
        later = first.services.clock() + timedelta(minutes=1)
        for _round in range(2):
            await asyncio.gather(*(make_scheduler(c.services).tick(later) for c in (first, second)))
        for adapter in adapters:
            await adapter.bot.shutdown()
        assert first.services.quizzes is not None
        [post] = [c.post for c in await first.services.quizzes.all_counts()]
    await fake.stop()
    assert len(fake.sent("sendPoll")) == 1 and list(fake.polls) == [post.poll_ref]
    assert post.campaign_id == 1 and post.slot is not None


def run_config(tmp_path: Path, fake: FakeTelegram) -> Path:
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "run.db"}"\n'
        "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 10000\n"
        f'[telegram]\napi_base_url = "{fake.base_url}"\n'
        "messages_per_second = 0\ngroup_messages_per_minute = 0\n"
    )
    return config


async def start_wattson(config: Path) -> asyncio.subprocess.Process:
    return await start_telegram_run(config, stderr=asyncio.subprocess.DEVNULL)


async def stored_counts(database: Path, poll_id: str) -> list[int]:
    async with open_database(str(database)) as opened:
        counts = await QuizStore(opened).counts("telegram", poll_id)
    assert counts is not None, "the post outlived the process"
    return list(counts.counts)


async def test_wattson_killed_mid_stream_of_votes_loses_no_count_once_restarted(
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    await fake.start()
    config = run_config(tmp_path, fake)
    process = await start_wattson(config)
    try:
        _params, poll_id = await ask_quiz(fake, "/quiz water")
        options = len(fake.totals(poll_id))
        first = fake.vote(poll_id, 0)
        last = first
        for n in range(1, 1500):
            last = fake.vote(poll_id, (n * 7) % options)
        await until(lambda: fake.confirmed > first + 100, timeout=60)
        process.kill()
        await process.wait()
        assert fake.confirmed <= last, "killed while poll updates were still coming"
        before_restart = await stored_counts(tmp_path / "run.db", poll_id)
        assert sum(before_restart) < sum(fake.totals(poll_id))
        process = await start_wattson(config)
        await until(lambda: fake.confirmed > last, timeout=90)
        process.terminate()
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0
        assert await stored_counts(tmp_path / "run.db", poll_id) == fake.totals(poll_id)
        assert sum(fake.totals(poll_id)) == 1500
        print(f"killed with {sum(before_restart)}/1500 votes counted; after restart: all 1500")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()
