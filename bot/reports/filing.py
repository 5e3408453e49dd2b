"""Readers report a wrong /check verdict: the offer under the answer, and the report itself.

Every /check verdict comes with "Wrong verdict?" (:func:`offer_report`): the
statement waits in memory (:mod:`bot.reports.offers`) and nothing is written.
Pressing it, or typing ``/check report [REASON]`` (the last /check of that
person in that chat), files a report (:func:`report_verdict`): the statement
the reader sent, the verdict given, the language and the chat — and their
reason, if they give one. That is the only message text Wattson keeps, and
only because the reader sent it. Only the person who asked may report a
check, once; ``per_person_per_hour`` reports at most (counted in the database).
"""

from __future__ import annotations

from bot.commands.text import first_word
from bot.dispatch import UNLIMITED_PLATFORMS, Context
from bot.foundation.errors import UserInputError
from bot.foundation.formatting import number_format
from bot.foundation.i18n import _, ngettext
from bot.messages import Action, Reply
from facts.check import Verdict
from facts.reports import NewReport, ReportStore, TooManyReportsError

COMMAND = "check"  # the command whose answers are reported, and which files the reports
KEY = "report"  # what a press of "Wrong verdict?" names, before the offer's token
REPORT_WORDS = frozenset({"report", "signale", "signaler"})  # /check report, /verifie signale


class ReportUnavailableError(UserInputError):
    def __init__(self) -> None:
        super().__init__("reports are not kept here")

    def localized(self) -> str:
        return _("Reports cannot be sent here.")


class OfferExpiredError(UserInputError):
    """The press names a check this process no longer remembers (too old, or a restart)."""

    def __init__(self, minutes: int) -> None:
        super().__init__("the check to report is no longer in memory")
        self.minutes = minutes

    def localized(self) -> str:
        return ngettext(
            "This verdict can no longer be reported: a checked statement is kept only"
            " {minutes} minute, in memory. Send /check again, then report the new verdict.",
            "This verdict can no longer be reported: a checked statement is kept only"
            " {minutes} minutes, in memory. Send /check again, then report the new verdict.",
            self.minutes,
        ).format(minutes=self.minutes)


class NothingToReportError(UserInputError):
    """``/check report`` with no recent /check of this person in this chat."""

    def __init__(self, minutes: int) -> None:
        super().__init__("no recent check to report")
        self.minutes = minutes

    def localized(self) -> str:
        return ngettext(
            "You have no /check of the last {minutes} minute to report here."
            " Send /check TEXT first, then /check report [reason].",
            "You have no /check of the last {minutes} minutes to report here."
            " Send /check TEXT first, then /check report [reason].",
            self.minutes,
        ).format(minutes=self.minutes)


class NotYourCheckError(UserInputError):
    def __init__(self) -> None:
        super().__init__("only the person who asked may report a check")

    def localized(self) -> str:
        return _(
            "Only the person who asked for this check can report it. To report a verdict,"
            " send /check with the statement yourself."
        )


class ReasonTooLongError(UserInputError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"a reason of {length} characters exceeds {limit}")
        self.length = length
        self.limit = limit

    def localized(self) -> str:
        return _(
            "The reason has {length} characters; keep it under {limit}. Nothing was sent."
        ).format(
            length=number_format().integer(self.length),
            limit=number_format().integer(self.limit),
        )


class ReportLimitError(UserInputError):
    def __init__(self, limit: int, retry_after: float) -> None:
        super().__init__(f"at most {limit} reports an hour")
        self.limit = limit
        self.retry_after = retry_after

    def localized(self) -> str:
        minutes = max(1, round(self.retry_after / 60))
        return ngettext(
            "You have sent {limit} reports in the last hour, the most one person may."
            " Try again in {minutes} minute; nothing was sent.",
            "You have sent {limit} reports in the last hour, the most one person may."
            " Try again in {minutes} minutes; nothing was sent.",
            minutes,
        ).format(limit=self.limit, minutes=minutes)


def chat_of(context: Context) -> str:
    chat = context.request.chat
    return f"{chat.platform}:{chat.id}"


def offer_report(context: Context, reply: Reply, statement: str, verdict: Verdict) -> Reply:
    """``reply`` with "Wrong verdict?" under it; the statement waits in memory for the press."""
    if context.services.reports is None or reply.error:
        return reply
    token = context.services.offers.remember(
        statement, verdict.value, context.language, context.actor, chat_of(context)
    )
    action = Action(
        data=f"{COMMAND}:{KEY}:{token}",
        label=_("Wrong verdict?"),
        typed=_("/check report [reason]"),
    )
    return reply.model_copy(update={"actions": (*reply.actions, action)})


def is_report(context: Context) -> bool:
    """Whether a typed /check reports the last verdict (``/check report``) rather than checks."""
    return first_word(context.request.args)[0].casefold() in REPORT_WORDS


async def report_verdict(context: Context) -> Reply:
    """File the reader's report of a /check verdict (a press, or ``/check report [REASON]``)."""
    store = context.services.reports
    if store is None:
        raise ReportUnavailableError()
    settings = context.settings.reports
    minutes = round(context.services.offers.seconds / 60)
    request = context.request
    if request.pressed is not None:
        reason = request.args.strip()
        key, _colon, token = Action.key_of(request.pressed).partition(":")
        offer = context.services.offers.find(token) if key == KEY else None
        if offer is None:
            raise OfferExpiredError(minutes)
    else:
        reason = first_word(request.args)[1].strip()
        offer = context.services.offers.latest(context.actor, chat_of(context))
        if offer is None:
            raise NothingToReportError(minutes)
    if offer.user != context.actor:
        raise NotYourCheckError()
    if len(reason) > settings.reason_chars:
        raise ReasonTooLongError(len(reason), settings.reason_chars)
    if offer.report is not None:
        return await _again(context, store, offer.report, reason)
    platform, _colon, chat_id = offer.chat.partition(":")
    report = NewReport(
        statement=offer.statement,
        verdict=Verdict(offer.verdict),
        language=offer.language,
        platform=platform,
        chat_id=chat_id,
        reporter=context.actor,
        reason=reason or None,
    )
    limited = request.user.platform not in UNLIMITED_PLATFORMS
    try:
        number = await store.file(
            report,
            context.services.clock(),
            limit=settings.per_person_per_hour if limited else None,
        )
    except TooManyReportsError as error:
        raise ReportLimitError(error.limit, error.retry_after) from None
    context.services.offers.reported(offer.token, number)
    return Reply(text=_thanks(number, reason))


def _thanks(number: int, reason: str) -> str:
    text = _(
        "Thank you: report #{number} is with the moderators. Kept: the statement, its verdict,"
        " the language, the chat and your user id."
    ).format(number=number)
    if not reason:
        text += " " + _("To tell them why: /check report REASON")
    return text


async def _again(context: Context, store: ReportStore, number: int, reason: str) -> Reply:
    """A second report of one check: the reason is added if the first had none."""
    if reason and await store.add_reason(number, context.actor, reason, context.services.clock()):
        return Reply(text=_("Thank you: your reason was added to report #{number}.").format(
            number=number
        ))  # fmt: skip
    return Reply(
        text=_("You already reported this verdict: report #{number}.").format(number=number)
    )
