"""Quizzes: a claim's figure asked before it is shown, answered, revealed and counted (counts only).

Every claim of the shipped base makes a quiz in both languages or says why not;
no quiz has two options that read the same once rounded; the console asks,
takes the next line as the answer and reveals it; answers are counted per
option, never who, and survive a restart; quiz campaigns post a quiz per slot,
once; /stats shows the results.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.campaigns.rotation import Selection
from bot.commands.campaign import make_scheduler
from bot.dispatch import Core
from bot.foundation.amounts import amount_text
from bot.foundation.i18n import use_language
from bot.foundation.storage import open_database
from bot.foundation.storage.sqlite import SqliteDatabase
from bot.messages import ChatRef, Request, UserRef
from bot.quiz.generate import option_candidates, quiz_for
from bot.quiz.model import EXPLANATION_MAX, OPTION_MAX, QUESTION_MAX, Quiz, Skip, SkipReason
from bot.quiz.pool import quiz_pool
from bot.quiz.store import QuizPost, QuizStore
from bot.settings import load_settings
from facts.models import Claim, Topic
from facts.seed import seed_claims
from tests.test_campaigns import Clock, Outbox, request
from tests.webclient import Web

BASE = [Claim.model_validate(content.model_dump()) for content in seed_claims()]
BY_ID = {claim.id: claim for claim in BASE}


def made(claim_id: str, language: str = "en") -> Quiz:
    quiz = quiz_for(BY_ID[claim_id], language, base=BASE)
    assert isinstance(quiz, Quiz), quiz
    return quiz


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_quiz_of_the_base_has_two_options_that_read_the_same(language: str) -> None:
    problems = []
    for claim in BASE:
        quiz = quiz_for(claim, language, base=BASE)
        if isinstance(quiz, Skip):
            continue
        folded = [option.casefold().replace("\u202f", " ") for option in quiz.options]
        if len(set(folded)) != len(folded):
            problems.append(f"{claim.id}: {quiz.options}")
    assert problems == []


def test_no_two_options_of_a_quiz_share_a_value() -> None:
    """ "9–15 mL" beside "10–25 mL": whichever is wrong, the other holds some of its values."""
    problems = []
    for claim in BASE:
        if not isinstance(quiz_for(claim, "en", base=BASE), Quiz):
            continue
        options = option_candidates(claim, claim.figure, BASE)
        for index, option in enumerate(options):
            problems += [f"{claim.id}: {option.text()} ~ {other.text()}"
                         for other in options[index + 1 :] if option.overlaps(other)]  # fmt: skip
    assert problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_quiz_fits_telegram_and_discord_polls(language: str) -> None:
    quizzes = [q for c in BASE if isinstance(q := quiz_for(c, language, base=BASE), Quiz)]
    assert len(quizzes) >= 30, "most verified figures make a quiz"
    for quiz in quizzes:
        assert 1 <= len(quiz.question) <= QUESTION_MAX
        assert 3 <= len(quiz.options) <= 10
        assert all(1 <= len(option) <= OPTION_MAX for option in quiz.options)
        assert len(quiz.explanation) <= EXPLANATION_MAX


def test_a_claim_asks_the_same_quiz_in_both_languages_with_the_answer_at_the_same_place() -> None:
    for claim in BASE:
        english, french = (quiz_for(claim, lang, base=BASE) for lang in ("en", "fr"))
        assert type(english) is type(french), claim.id
        if isinstance(english, Quiz) and isinstance(french, Quiz):
            assert english.right == french.right
            assert english.circulated == french.circulated
            for mine, theirs in zip(english.wrong_reasons, french.wrong_reasons, strict=True):
                assert mine == theirs or (mine or "").endswith((theirs or "").rsplit("(", 1)[-1])
            assert english.question != french.question


def test_the_right_option_is_the_sourced_value_in_readable_units() -> None:
    quiz = made("iea-dc-2024")
    assert quiz.answer == "415 TWh"
    assert "____" in quiz.question and "415" not in quiz.question
    with use_language("fr"):
        assert made("microsoft-water-2022", "fr").answer == amount_text(6.4e9, "L")


def test_each_wrong_option_says_why_it_is_wrong() -> None:
    quiz = made("iea-dc-2024")
    reasons = [r for r in quiz.wrong_reasons if r is not None]
    assert len(reasons) == len(quiz.options) - 1
    assert quiz.wrong_reasons[quiz.right] is None
    assert all(r.startswith(("÷", "×", "outdated", "false", "disputed")) for r in reasons)


def test_a_figure_that_circulated_and_was_corrected_is_offered_as_a_wrong_option() -> None:
    quiz = made("tmi-unit1-capacity")
    index = next(
        i for i, r in enumerate(quiz.wrong_reasons) if r and "tmi-microsoft-bought-850mw" in r
    )
    assert quiz.options[index] == "850 MW"
    assert quiz.corrects_circulating


def test_options_are_shuffled_the_same_way_every_time() -> None:
    assert made("gemini-water-per-prompt") == made("gemini-water-per-prompt")
    places = {made(c.id).right for c in quiz_pool(BASE, Selection())}
    assert len(places) >= 3, "the right answer is not always at the same place"


def test_a_range_too_wide_for_the_options_to_differ_is_skipped() -> None:
    claim = BY_ID["iea-dc-2024"]
    wide = claim.figure.model_copy(update={"low": 50.0, "high": 900.0})
    skipped = quiz_for(claim.model_copy(update={"quantities": [wide]}), "en")
    assert isinstance(skipped, Skip) and skipped.reason is SkipReason.range_too_wide


def test_disputed_and_false_claims_make_no_quiz() -> None:
    skipped = quiz_for(BY_ID["shift-project-netflix"], "en", base=BASE)
    assert isinstance(skipped, Skip) and skipped.reason is SkipReason.not_trustworthy


def test_the_explanation_fits_and_says_where_the_rest_is() -> None:
    quiz = quiz_for(BY_ID["iea-dc-2024"], "en", base=BASE, page="https://w.example/en/c/x")
    assert isinstance(quiz, Quiz)
    assert quiz.explanation.endswith("https://w.example/en/c/x")
    assert "IEA" in quiz.explanation and "https://w.example/en/c/x" in quiz.details


async def test_the_console_asks_takes_the_next_line_and_reveals_the_answer(
    wattson: ConsoleAdapter,
) -> None:
    [asked] = await wattson.send("/quiz data-centres")
    assert asked.startswith("Quiz: Fill in the blank:")
    assert "A) " in asked and "Type the letter of your answer" in asked
    claim_id = next(c.id for c in quiz_pool(BASE, Selection(topic=Topic.data_centres)))
    right = made(claim_id).right
    [revealed] = await wattson.send("ABCD"[right])
    assert revealed.startswith("Right!") and "Source:" in revealed
    counts = await wattson.core.services.quizzes.results("console", "local")
    assert [(r.posted, r.answered, r.right) for r in counts] == [(1, 1, 1)]


async def test_a_wrong_answer_is_told_the_sourced_figure(wattson: ConsoleAdapter) -> None:
    [asked] = await wattson.send("/quiz water")
    quiz = made(quiz_pool(BASE, Selection(topic=Topic.water))[0].id)
    wrong = (quiz.right + 1) % len(quiz.options)
    [revealed] = await wattson.send(str(wrong + 1))
    assert revealed.startswith("Not quite") and quiz.answer in revealed


async def test_a_line_that_is_no_option_asks_again_and_the_quiz_still_waits(
    wattson: ConsoleAdapter,
) -> None:
    await wattson.send("/quiz water")
    [hint] = await wattson.send("Z")
    assert "Type the letter" in hint
    [revealed] = await wattson.send("A")
    assert revealed.startswith(("Right!", "Not quite"))


async def test_the_quiz_is_asked_in_french(wattson: ConsoleAdapter) -> None:
    wattson.locale = "fr"
    [asked] = await wattson.send("/quiz eau")
    assert asked.startswith("Quiz : Complétez :") and "Tapez la lettre" in asked
    [revealed] = await wattson.send("A")
    assert revealed.startswith(("Bonne réponse", "Pas tout à fait"))


async def test_quiz_never_repeats_a_question_before_the_pool_is_used(
    wattson: ConsoleAdapter,
) -> None:
    candidates = quiz_pool(BASE, Selection(topic=Topic.water))
    asked = []
    for _ in range(len(candidates)):
        [text] = await wattson.send("/quiz water")
        await wattson.send("A")
        asked.append(text)
    assert len(set(asked)) == len(candidates)


async def test_moderators_see_the_skipped_claims_and_why(wattson: ConsoleAdapter) -> None:
    [listing] = await wattson.send("/quiz skipped")
    assert "shift-project-netflix: not a trustworthy figure" in listing
    wattson.locale = "fr"
    [french] = await wattson.send("/quiz skipped")
    assert "affirmations ne donnent pas de quiz" in french


async def test_an_unknown_topic_is_refused_with_the_topics(wattson: ConsoleAdapter) -> None:
    [refusal] = await wattson.send("/quiz nope")
    assert "Unknown topic “nope”" in refusal and "water" in refusal


async def test_stats_show_quizzes_answers_and_the_share_right(
    wattson: ConsoleAdapter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the console saves the chart in its folder
    await wattson.send("/quiz water")
    quiz = made(quiz_pool(BASE, Selection(topic=Topic.water))[0].id)
    await wattson.send("ABCD"[quiz.right])
    [stats] = await wattson.send("/stats")
    assert "Quizzes: 1 posted, 1 answer, 100% right (water)" in stats


def post(poll_ref: str = "poll-1") -> QuizPost:
    return QuizPost(
        platform="telegram", chat_id="-100", poll_ref=poll_ref, claim_id="iea-dc-2024",
        topic="data-centres", language="en", right_option=1, options_count=4,
        posted_at=datetime(2026, 12, 1, tzinfo=UTC),
    )  # fmt: skip


async def test_absolute_counts_are_idempotent_and_one_vote_said_twice_counts_once(
    database_location: str,
) -> None:
    """On each driver: Telegram's poll_answer and poll updates, repeated, late; then a restart."""
    async with open_database(database_location) as database:
        store = QuizStore(database)
        await store.setup()
        assert await store.record_post(post())
        assert not await store.record_post(post()), "the same poll is recorded once"
        await store.add_answer("telegram", "poll-1", 1)  # poll_answer: one voter
        await store.record_counts("telegram", "poll-1", [0, 1, 0, 0])  # poll: the same vote
        await store.record_counts("telegram", "poll-1", [2, 3, 0, 0])
        await store.record_counts("telegram", "poll-1", [2, 3, 0, 0])  # repeated update
        await store.record_counts("telegram", "poll-1", [1, 2, 0, 0])  # a late, older one
        counts = await store.counts("telegram", "poll-1")
        assert counts is not None and counts.counts == (2, 3, 0, 0)
        assert not await store.record_counts("telegram", "unknown", [1])
        assert not await store.add_answer("telegram", "poll-1", 7)
    async with open_database(database_location) as database:  # a restart
        store = QuizStore(database)
        await store.setup()
        [result] = await store.results("telegram", "-100")
        assert (result.posted, result.answered, result.right) == (1, 5, 3)
        assert await store.results("telegram", "-100", datetime(2027, 1, 1, tzinfo=UTC)) == []


async def test_the_quiz_tables_hold_no_one_who_answered(tmp_path: Path) -> None:
    async with SqliteDatabase(str(tmp_path / "quiz.db")) as database:
        await QuizStore(database).setup()
        columns = {
            row[1]
            for table in ("quiz_posts", "quiz_counts")
            for row in await database.fetch_all(f"PRAGMA table_info({table})")
        }
    assert not columns & {"user", "user_id", "voter", "author", "name", "answered_at"}


async def test_a_quiz_campaign_posts_one_quiz_per_slot_once(tmp_path: Path) -> None:
    clock = Clock()
    settings = load_settings(None, storage={"database": str(tmp_path / "c.db")})
    async with open_core(settings) as core:
        object.__setattr__(core.services, "clock", clock)
        outbox = Outbox()
        core.services.outboxes["test"] = outbox
        reply = await core.handle(
            request("start topic: water; every: 1; from: 2026-12-01; kind: quiz")
        )
        assert "Campaign started: #1 [active] quiz: water" in reply.text
        scheduler = make_scheduler(core.services)
        await scheduler.tick(clock.advance(minutes=1))
        await scheduler.tick()
        await make_scheduler(core.services).tick()  # a second process on the same database
        polls = [r.poll for _chat, r in outbox.posts if r.poll is not None]
        assert len(polls) == 1
        assert polls[0].campaign_id == 1 and polls[0].slot is not None
        assert "Campaign #1, question 1:" in outbox.posts[0][1].text
        [result] = await core.services.quizzes.results("test", "club")
        assert result.posted == 1


async def test_a_quiz_campaign_is_started_in_french_with_type_quiz(tmp_path: Path) -> None:
    settings = load_settings(None, storage={"database": str(tmp_path / "c.db")})
    async with open_core(settings) as core:
        reply = await core.handle(
            request("start sujet: eau; chaque: 12; du: 2026-12-01; type: questionnaire")
        )
        assert "quiz" in reply.text
        refused = await core.handle(request("start sujet: eau; chaque: 12; type: sondage"))
        assert refused.error and "fact or quiz" in refused.text


def test_the_campaign_spec_defaults_to_facts() -> None:
    from bot.campaigns.schedule import CampaignSpec

    assert CampaignSpec(topic=Topic.water, every_hours=1, start=date(2026, 12, 1)).kind == "fact"


async def test_the_claim_page_links_its_quiz_a_form_without_script(web: Web) -> None:
    page = await web.get("/claims/iea-dc-2024")
    assert page.status == 200 and "/claims/iea-dc-2024/quiz?lang=en" in page.text
    form = await web.get("/claims/iea-dc-2024/quiz")
    assert form.status == 200 and '<form method="post"' in form.text
    assert 'type="radio" name="answer" value="0"' in form.text
    assert "Fill in the blank: Data centres worldwide used about ____" in form.text
    assert "415 TWh" in form.text, "among the options"
    assert "<script" not in form.text.split("<main")[1].split("</main>")[0]
    french = await web.get("/claims/iea-dc-2024/quiz?lang=fr")
    assert "Complétez" in french.text


async def test_submitting_the_web_quiz_reveals_the_bots_answer(web: Web) -> None:
    quiz = made("iea-dc-2024")
    right = await web.post("/claims/iea-dc-2024/quiz", data={"answer": str(quiz.right)})
    assert right.status == 200 and "Right!" in right.text and "Energy and AI" in right.text
    assert 'name="answer"' not in right.text, "the answer is shown, not asked again"
    wrong = await web.post(
        "/claims/iea-dc-2024/quiz?lang=fr", data={"answer": str((quiz.right + 1) % 4)}
    )
    assert "Pas tout à fait" in wrong.text
    nothing = await web.post("/claims/iea-dc-2024/quiz", data={})
    assert nothing.status == 422 and "Choose one of the answers" in nothing.text


async def test_a_claim_that_makes_no_quiz_shows_no_form(web: Web) -> None:
    page = await web.get("/claims/shift-project-netflix")
    assert page.status == 200 and "/quiz" not in page.text.split("<main")[1]
    direct = await web.get("/claims/shift-project-netflix/quiz")
    assert direct.status == 404 and 'name="answer"' not in direct.text
    assert "Why: not a trustworthy figure" in direct.text


async def test_the_quiz_page_of_a_claim_whose_statement_gives_the_figure_away_says_so(
    web: Web,
) -> None:
    page = await web.get("/claims/altman-water-per-query/quiz?lang=fr")
    assert page.status == 404 and "l’énoncé donne la réponse" in page.text.replace("&#39;", "’")


async def test_stats_export_lists_each_quiz_and_its_counts_never_who(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "wattson.db")
    async with open_database(path) as database:
        store = QuizStore(database)
        await store.setup()
        await store.record_post(post())
        await store.record_counts("telegram", "poll-1", [1, 4, 0, 2])
    monkeypatch.setenv("WATTSON_STORAGE__DATABASE", path)
    from adapters.cli import main

    assert await asyncio.to_thread(main, ["stats", "export", "--quizzes", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["claim_id"], row["answered"], row["right"], row["counts"]) == (
        "iea-dc-2024",
        7,
        4,
        [1, 4, 0, 2],
    )
    assert await asyncio.to_thread(main, ["stats", "export", "--quizzes"]) == 0
    assert "1 4 0 2" in capsys.readouterr().out


def test_campaign_plan_kind_quiz_prints_the_questions_and_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.cli import main

    monkeypatch.setenv("WATTSON_STORAGE__DATABASE", str(tmp_path / "plan.db"))
    assert main(["campaign", "plan", "water", "--kind", "quiz", "--days", "2", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert out.count("Complétez :") == 2 and out.count("[✓]") == 2 and "[✗ ÷10]" in out
    assert "li-water-bottle-per-conversation: chiffre peu fiable (contesté" in out
    assert "[disputed]" not in out  # the generator's English detail is for English readers


def test_a_factor_is_never_offered_below_one_and_a_half_times() -> None:
    quiz = made("iea-largest-dc-20x")
    assert quiz.answer == "20 times"
    assert not any(option.startswith(("0.", "1 ")) for option in quiz.options)


def test_a_factor_said_with_its_verb_makes_no_quiz() -> None:
    for claim_id in ("dc-doubled-2017-2023", "gemini-efficiency-gain"):  # doublé, divisée par
        skipped = quiz_for(BY_ID[claim_id], "en", base=BASE)
        assert isinstance(skipped, Skip) and skipped.reason is SkipReason.no_figure


def test_a_statement_cut_to_its_clause_reads_as_cut() -> None:
    quiz = made("llama4-training-energy-derived")
    assert quiz.question.endswith("at rated power…)")


async def test_a_quiz_campaign_of_claims_that_make_no_quiz_is_refused(tmp_path: Path) -> None:
    settings = load_settings(None, storage={"database": str(tmp_path / "c.db")})
    async with open_core(settings) as core:
        refused = await core.handle(
            request("start facts: shift-project-netflix; every: 12; kind: quiz")
        )
        assert refused.error and "None of these claims makes a quiz" in refused.text
        assert await core.services.campaigns.in_chat("test", "club") == []


async def test_choosing_a_figure_that_circulated_says_which_claim_corrects_it(
    wattson: ConsoleAdapter,
) -> None:
    quiz = made("tmi-unit1-capacity")
    wrong = quiz.circulated.index("tmi-microsoft-bought-850mw")
    await wattson.send("/quiz grid")
    assert quiz_pool(BASE, Selection(topic=Topic.grid))[0].id == "tmi-unit1-capacity"
    [revealed] = await wattson.send("ABCD"[wrong])
    assert "Not quite: you chose" in revealed and "850 MW" in revealed
    assert "That figure circulated, but it is false: /fact tmi-microsoft-bought-850mw" in (revealed)


def test_the_same_amount_restated_in_brackets_goes_blank_with_the_figure() -> None:
    quiz = made("streaming-hour-energy")
    assert "took about ____ in 2019" in quiz.question
    assert "kWh" not in quiz.question and "77" not in quiz.question
    assert made("mit-video-5s", "fr").question.count("____") == 1
    assert "kWh" not in made("mit-video-5s").question


def test_a_figure_said_again_elsewhere_still_skips_the_claim() -> None:
    skipped = quiz_for(BY_ID["altman-water-per-query"], "en", base=BASE)
    assert isinstance(skipped, Skip) and skipped.reason is SkipReason.gives_it_away


def test_a_sentence_too_long_for_a_poll_is_cut_at_a_clause_after_the_blank() -> None:
    quiz = made("gemini-median-prompt-energy", "fr")
    assert len(quiz.question) <= QUESTION_MAX and quiz.question.endswith("…")
    assert quiz.question.index("____") < len(quiz.question) - 1


def chat_request(args: str, platform: str = "test", locale: str = "en") -> Request:
    return Request(
        command="quiz", args=args, user=UserRef(platform=platform, id="reader"),
        chat=ChatRef(platform=platform, id="group"), locale=locale,
    )  # fmt: skip


async def test_a_quiz_reply_carries_a_poll_for_native_platforms_and_presses_for_the_rest(
    core: Core,
) -> None:
    reply = await core.handle(chat_request("water", locale="fr"))
    poll = reply.poll
    assert poll is not None and not reply.error
    quiz = made(poll.claim_id, "fr")
    assert (poll.question, poll.options, poll.right) == (quiz.question, quiz.options, quiz.right)
    assert poll.explanation == quiz.explanation and len(poll.explanation) <= 200
    assert (poll.topic, poll.language, poll.campaign_id) == ("water", "fr", None)
    assert [a.data for a in reply.actions] == [
        f"quiz:{poll.claim_id}.{i}" for i in range(len(poll.options))
    ]
    assert reply.text.startswith("Quiz : Complétez :")


async def test_a_platform_that_posts_native_polls_records_them_itself(core: Core) -> None:
    core.services.poll_platforms.add("test")
    await core.handle(chat_request("water"))
    assert await core.services.quizzes.results("test", "group") == []
    core.services.poll_platforms.discard("test")
    await core.handle(chat_request("water"))
    [result] = await core.services.quizzes.results("test", "group")
    assert result.posted == 1, "a quiz shown as text is written down by the core"


async def test_a_press_naming_no_quiz_is_refused(core: Core) -> None:
    for data in ("quiz:no-such-claim.1", "quiz:iea-dc-2024.9", "quiz:iea-dc-2024"):
        reply = await core.handle(
            Request.pressing(
                data, user=UserRef(platform="test", id="r"), chat=ChatRef(platform="test", id="g")
            )  # fmt: skip
        )
        assert reply.error and "no longer asked" in reply.text, data


def test_quiz_asks_in_the_order_of_the_pool_reading_only_what_it_needs() -> None:
    from bot.campaigns.rotation import next_claim
    from bot.quiz.pool import next_quiz_claim

    pool = quiz_pool(BASE, Selection())
    asked: list[str] = []
    for _ in range(len(pool) * 2 + 3):
        lazy = next_quiz_claim(BASE, Selection(), asked)
        assert lazy is not None and lazy == next_claim(pool, asked)
        asked.append(lazy.id)
    assert asked[: len(pool)] == [c.id for c in pool] == asked[len(pool) : 2 * len(pool)]


async def test_an_ended_poll_is_revealed_once_whichever_process_asks(
    database_location: str,
) -> None:
    posted = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    async with (
        open_database(database_location) as first,
        open_database(database_location) as second,
    ):
        stores = QuizStore(first), QuizStore(second)
        await stores[0].setup()
        for ref, hour in (("early", 9), ("late", 20)):
            at = posted.replace(hour=hour)
            await stores[0].record_post(
                QuizPost("discord", "1", ref, "iea-dc-2024", "data-centres", "en", 2, 4, at)
            )
        day_after = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
        ended = await stores[1].unrevealed("discord", posted_before=posted.replace(hour=12))
        assert [post.poll_ref for post in ended] == ["early"], "a poll still open is not due"
        taken = await asyncio.gather(
            *(store.close("discord", "early", day_after) for store in stores)
        )
        assert sorted(taken) == [False, True]
        later = await stores[0].unrevealed("discord", posted_before=day_after)
        assert [post.poll_ref for post in later] == ["late"], "a poll revealed is not due again"
