"""What a quiz is: a question on one claim's figure, its options, and why each wrong one is wrong.

Pure data; :mod:`bot.quiz.generate` makes quizzes, adapters render them (as a
:class:`bot.messages.Poll`). The limits are the strictest of the platforms a
quiz is posted on, so a quiz that exists can be posted everywhere:
Telegram's ``sendPoll`` (question 1–300 characters, 2–10 options of 1–100,
explanation 0–200) and Discord's polls (question 300, answers 55, at most 10).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

QUESTION_MAX = 300  # Telegram and Discord
OPTION_MAX = 55  # Discord's answers (Telegram's options: 100)
OPTIONS_MIN = 2
OPTIONS_MAX = 10  # both platforms
EXPLANATION_MAX = 200  # Telegram's quiz explanation


class SkipReason(StrEnum):
    """Why a claim makes no quiz, as moderators read it (``/quiz skipped``)."""

    not_trustworthy = "not-trustworthy"  # disputed, outdated, false: no right answer to ask for
    retracted = "retracted"
    no_figure = "no-figure"  # the statement writes its figure in no way the reader finds
    unnamed_share = "unnamed-share"  # "40 %" of what the claim does not name
    range_too_wide = "range-too-wide"  # the options would overlap the range's own ends
    gives_it_away = "gives-it-away"  # the question still shows the answer
    too_long = "too-long"  # the question exceeds the platforms' limit even cut to its sentence
    options_collide = "options-collide"  # fewer than 3 options that read differently
    not_a_count = "not-a-count"  # a zero, a year, a figure that is no amount to guess


class Skip(BaseModel):
    """A claim that makes no quiz, and why (``detail``: what was found, in English, for logs)."""

    model_config = ConfigDict(frozen=True)

    claim_id: str
    reason: SkipReason
    detail: str = ""


class Quiz(BaseModel):
    """One claim's figure, asked in one language.

    ``options`` are what people read; ``right`` is the index of the sourced
    value; ``wrong_reasons[i]`` says why option ``i`` is wrong (``"÷10"``,
    ``"×10"``, ``"outdated figure of <claim> (<publisher>)"``), ``None`` for the
    right one: for moderators and the reveal, never shown before the answer.
    ``explanation`` fits Telegram's quiz explanation (200 characters) and ends
    with where the rest is (the claim's page when ``[web] public_url`` is set,
    else ``/fact ID``); ``details`` is the whole of it: the statement, the
    figure, the source and the page, posted after the poll closes or with the
    reveal.
    """

    model_config = ConfigDict(frozen=True)

    claim_id: str
    topic: str
    language: str
    question: str = Field(min_length=1, max_length=QUESTION_MAX)
    options: tuple[str, ...] = Field(min_length=OPTIONS_MIN, max_length=OPTIONS_MAX)
    right: int = Field(ge=0)
    wrong_reasons: tuple[str | None, ...]
    # per option, the claim whose corrected figure it is (a figure that circulated), if any
    circulated: tuple[str | None, ...] = ()
    explanation: str = Field(max_length=EXPLANATION_MAX)
    details: str
    page: str | None = None  # the claim's page, when the web is public
    corrects_circulating: bool = False  # a wrong option is a figure that circulated

    @model_validator(mode="after")
    def _coherent(self) -> Quiz:
        if self.right >= len(self.options):
            raise ValueError("the right option is not among the options")
        if len(self.wrong_reasons) != len(self.options):
            raise ValueError("one reason per option")
        if any(not 1 <= len(option) <= OPTION_MAX for option in self.options):
            raise ValueError(f"options are 1 to {OPTION_MAX} characters")
        if len({option.casefold() for option in self.options}) != len(self.options):
            raise ValueError("two options read the same")
        if (self.wrong_reasons[self.right] is None) is False or any(
            reason is None for i, reason in enumerate(self.wrong_reasons) if i != self.right
        ):
            raise ValueError("every wrong option, and only they, has a reason")
        return self

    @property
    def answer(self) -> str:
        """The right option as read."""
        return self.options[self.right]

    @property
    def key(self) -> str:
        """What names this quiz in a press or a post: its claim (the options follow from it)."""
        return self.claim_id
