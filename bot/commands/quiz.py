"""/quiz [topic]: one sourced figure asked as a question; ``/quiz skipped`` for moderators.

The reply carries the quiz as a :class:`~bot.messages.Poll` (native polls on
Telegram and Discord) and, for adapters without polls, as text with one
action per option: a press (``quiz:<claim>.<n>``) is answered with the reveal
(right or wrong, the answer, the statement and its source) and counted, the
count only, in the post it answers (:mod:`bot.quiz.store`).
"""

from __future__ import annotations

import hashlib
import string
from datetime import datetime

from bot.campaigns.rotation import Selection
from bot.commands.text import first_word
from bot.dispatch import Command, Context, Services
from bot.foundation.errors import PermissionDeniedError, UserInputError
from bot.foundation.i18n import N_, _, ngettext
from bot.messages import Action, Poll, Reply
from bot.quiz.generate import quiz_for
from bot.quiz.model import Quiz, Skip, SkipReason
from bot.quiz.pool import next_quiz_claim, quiz_base, skipped
from bot.quiz.store import post_of, text_ref
from facts.models import Claim, Topic
from facts.store import ClaimStore
from facts.vocabulary import read_topic, status_label, topic_label

KEY = "quiz"  # what a press names: quiz:<claim or its digest>.<option>
LETTERS = string.ascii_uppercase
DIGEST_PREFIX = "~"  # a claim id too long for a press is named by its digest
SKIPPED_WORDS = frozenset({"skipped", "skips", "écartées", "ecartees", "écartés", "ecartes"})
SKIP_LABELS = {
    SkipReason.not_trustworthy: N_("not a trustworthy figure (disputed, outdated or false)"),
    SkipReason.retracted: N_("retracted"),
    SkipReason.no_figure: N_(
        "the statement writes its figure in a way the quiz cannot blank (not found, or with its verb)"
    ),
    SkipReason.unnamed_share: N_("a share of something the claim does not name"),
    SkipReason.range_too_wide: N_("a range too wide for the options to differ"),
    SkipReason.gives_it_away: N_("the statement gives the answer away (the figure twice)"),
    SkipReason.too_long: N_("the question would be too long for a poll"),
    SkipReason.options_collide: N_("too few options that read differently"),
    SkipReason.not_a_count: N_("no amount to guess (a change, or zero)"),
}


class NoQuizError(UserInputError):
    """No claim of the topic makes a quiz."""

    def __init__(self, topic: Topic | None, listed: bool = False) -> None:
        super().__init__(f"no quiz on {topic}")
        self.topic = topic
        self.listed = listed  # the claims were named one by one

    def localized(self) -> str:
        if self.listed:
            return _("None of these claims makes a quiz; /quiz skipped says why.")
        if self.topic is None:
            return _("No claim of the base makes a quiz yet.")
        return _("No claim on {topic} makes a quiz yet; try /quiz without a topic.").format(
            topic=topic_label(self.topic)
        )


class UnknownQuizError(UserInputError):
    """A press names no claim that makes a quiz now (edited or retracted since)."""

    def localized(self) -> str:
        return _("This quiz is no longer asked (its claim changed). Try /quiz for another.")


def store_of(context: Context) -> ClaimStore:
    store = context.services.claims
    if store is None:
        raise UserInputError("the claim base is not available")
    return store


def press_key(claim_id: str, option: int) -> str:
    """The data of a press of ``option``: ``quiz:<claim>.<n>``, within 64 bytes."""
    data = f"{KEY}:{claim_id}.{option}"
    if len(data) <= 64:
        return data
    return f"{KEY}:{DIGEST_PREFIX}{_digest(claim_id)}.{option}"


def _digest(claim_id: str) -> str:
    return hashlib.sha256(claim_id.encode()).hexdigest()[:16]


def quiz_reply(
    quiz: Quiz, heading: str = "", campaign_id: int | None = None, slot: datetime | None = None
) -> Reply:
    """A quiz as a reply: a poll for native platforms, text and one press per option elsewhere."""
    lines = [heading] if heading else []
    lines += [_("Quiz: {question}").format(question=quiz.question)]
    actions = tuple(
        Action(data=press_key(quiz.claim_id, i), label=f"{LETTERS[i]}) {option}")
        for i, option in enumerate(quiz.options)
    )
    poll = Poll(
        question=quiz.question,
        options=quiz.options,
        right=quiz.right,
        explanation=quiz.explanation,
        details=quiz.details,
        heading=heading,
        claim_id=quiz.claim_id,
        topic=quiz.topic,
        language=quiz.language,
        campaign_id=campaign_id,
        slot=slot,
    )
    return Reply(text="\n".join(lines), data=quiz, actions=actions, poll=poll)


async def record_text_post(
    services: Services, platform: str, chat_id: str, quiz: Quiz, ref: str, now: datetime
) -> None:
    """Write down a quiz shown as text (no platform poll id): a press counts in it.

    A platform that posts native polls (:attr:`Services.poll_platforms`) records
    its posts itself, with the poll's id, once sent.
    """
    if services.quizzes is None or platform in services.poll_platforms:
        return
    await services.quizzes.record_post(post_of(quiz, platform, chat_id, ref, now))


def chosen_topic(word: str) -> Topic:
    try:
        return Topic(read_topic(word))
    except ValueError:
        raise UnknownTopicError(word) from None


class UnknownTopicError(UserInputError):
    def __init__(self, word: str) -> None:
        super().__init__(f"unknown topic {word!r}")
        self.word = word

    def localized(self) -> str:
        topics = ", ".join(topic_label(t) for t in Topic)
        return _("Unknown topic “{name}”. Topics: {topics}. Example: /quiz water").format(
            name=self.word[:40], topics=topics
        )


async def ask(context: Context, topic: Topic | None) -> Reply:
    """One question now: the next claim of the pool this chat has not been asked yet."""
    claims = await store_of(context).all_claims()
    chat = context.request.chat
    store = context.services.quizzes
    asked = await store.posted_claims(chat.platform, chat.id) if store is not None else []
    claim = next_quiz_claim(claims, Selection(topic=topic), asked)
    if claim is None:
        raise NoQuizError(topic)
    quiz = make_quiz(context, claim, claims)
    now = context.services.clock()
    await record_text_post(
        context.services, chat.platform, chat.id, quiz, text_ref(claim.id, now), now
    )
    return quiz_reply(quiz)


def make_quiz(context: Context, claim: Claim, claims: list[Claim]) -> Quiz:
    """The claim's quiz in the reader's language, with its page when the web is public."""
    from bot.commands.claims import page_of

    page = page_of(context.settings, claim.id, context.language)
    made = quiz_for(claim, context.language, base=claims, page=page)
    if isinstance(made, Skip):
        raise UnknownQuizError(made.reason.value)
    return made


async def reveal(context: Context) -> Reply:
    """Answer a press of an option: right or wrong, the answer and its source; count it."""
    key = Action.key_of(context.request.pressed or "")
    name, _dot, option_text = key.rpartition(".")
    if not option_text.isdigit() or not name:
        raise UnknownQuizError("unreadable press")
    store = store_of(context)
    claim = await store.get(name) if not name.startswith(DIGEST_PREFIX) else None
    if claim is None and name.startswith(DIGEST_PREFIX):  # an id too long for a press: rare
        claim = next(
            (c for c in await store.all_claims() if f"{DIGEST_PREFIX}{_digest(c.id)}" == name),
            None,
        )
    if claim is None:
        raise UnknownQuizError(name)
    claims = await quiz_base(store, claim)  # a press reads a handful of claims, not the base
    quiz = make_quiz(context, claim, claims)
    option = int(option_text)
    if option >= len(quiz.options):
        raise UnknownQuizError(key)
    await count_answer(context, quiz, option)
    answer = f"{LETTERS[quiz.right]}) {quiz.answer}"
    if option == quiz.right:
        verdict = _("Right! {answer}.").format(answer=answer)
    else:
        verdict = _("Not quite: you chose {chosen}; the sourced figure is {answer}.").format(
            chosen=f"{LETTERS[option]}) {quiz.options[option]}", answer=answer
        )
        verdict += circulated_note(quiz, option, claims)
    return Reply(text=verdict + "\n" + quiz.details, data=quiz)


def circulated_note(quiz: Quiz, option: int, claims: list[Claim]) -> str:
    """For a wrong answer that is a figure that circulated: which claim says why it is wrong."""
    claim_id = quiz.circulated[option] if option < len(quiz.circulated) else None
    wrong = next((c for c in claims if c.id == claim_id), None)
    if wrong is None:
        return ""
    return "\n" + _("That figure circulated, but it is {status}: /fact {id} says why.").format(
        status=status_label(wrong.status), id=wrong.id
    )


async def count_answer(context: Context, quiz: Quiz, option: int) -> None:
    """Add one to the option chosen, in the last time this quiz was shown in this chat."""
    store = context.services.quizzes
    if store is None:
        return
    chat = context.request.chat
    post = await store.latest_post(chat.platform, chat.id, quiz.claim_id)
    if post is not None:
        await store.add_answer(chat.platform, post.poll_ref, option)


async def skipped_list(context: Context) -> Reply:
    """For moderators: the claims that make no quiz, and why."""
    if not context.is_moderator:
        raise PermissionDeniedError("list skipped quizzes", N_("Ask a moderator of this chat."))
    skips = skipped(await store_of(context).all_claims())
    lines = [
        ngettext("{count} claim makes no quiz:", "{count} claims make no quiz:", len(skips)).format(
            count=len(skips)
        )
    ]
    lines += [f"• {skip.claim_id}: {_(SKIP_LABELS[skip.reason])}" for skip in skips]
    return Reply(text="\n".join(lines), data=skips)


async def quiz(context: Context) -> Reply:
    """Route /quiz: a question now (of a topic), or the skipped claims."""
    word, _rest = first_word(context.request.args)
    if word.casefold() in SKIPPED_WORDS:
        return await skipped_list(context)
    return await ask(context, chosen_topic(word) if word else None)


COMMAND = Command(
    name="quiz",
    aliases=("questionnaire",),
    handler=quiz,
    summary=N_("a question on a sourced figure; answer, then see the source"),
    usage=N_("/quiz [topic] · /quiz skipped (moderators)"),
    press=reveal,
)
