"""Moderators read and resolve readers' reports: in ``/fact review``, and ``/fact report N …``.

``/fact review`` lists the open reports after the proposals: number, verdict
given, the statement (on one line, quoted: it cannot pass for another line of
the list), language, who reported it (``platform:id``), where, when, and their
reason. ``/fact report N`` shows one whole, with its log. A moderator resolves
it one of three ways, each logged with who and when:

- ``/fact report N right [NOTE]``: the verdict was right;
- ``/fact report N claim [NOTE]``: a claim is to be added or corrected;
- ``/fact report N eval VERDICT [CLAIM_ID …]``: the statement and its right
  verdict join the ``reports`` evaluation set that ``wattson check --eval``
  scores, with the claims a right answer may cite.

French words work too (``/fait signalement N juste|affirmation|eval``,
``cohérent|incohérent|non-couvert``).
"""

from __future__ import annotations

import re
from datetime import UTC

from bot.commands.text import first_word
from bot.dispatch import Context
from bot.foundation.errors import MissingArgumentError, PermissionDeniedError, UserInputError
from bot.foundation.i18n import N_, _, ngettext
from bot.messages import Reply
from facts.check import Verdict
from facts.reports import ReportNotFoundError, ReportStore, Resolution, VerdictReport
from facts.search import fold

SHOWN_IN_REVIEW = 20
STATEMENT_CHARS = 300  # of a statement in the review list; /fact report N shows it whole
RESOLUTION_WORDS = {
    "right": Resolution.right, "juste": Resolution.right, "correct": Resolution.right,
    "claim": Resolution.claim, "affirmation": Resolution.claim,
    "eval": Resolution.eval, "evaluation": Resolution.eval,
}  # fmt: skip
VERDICT_WORDS = {
    "consistent": Verdict.consistent, "coherent": Verdict.consistent,
    "inconsistent": Verdict.inconsistent, "incoherent": Verdict.inconsistent,
    "unknown": Verdict.unknown, "uncovered": Verdict.unknown, "not-covered": Verdict.unknown,
    "inconnu": Verdict.unknown, "non-couvert": Verdict.unknown,
}  # fmt: skip
VERDICT_LABELS = {
    Verdict.consistent: N_("consistent"),
    Verdict.inconsistent: N_("inconsistent"),
    Verdict.unknown: N_("not covered"),
}
STATE_LABELS = {
    "open": N_("open"),
    Resolution.right.value: N_("closed: the verdict was right"),
    Resolution.claim.value: N_("closed: a claim to add or correct"),
    Resolution.eval.value: N_("closed: added to the evaluation set"),
}
USAGE = N_("/fact report N right|claim|eval VERDICT")
EXAMPLE = N_("/fact report 3 eval inconsistent gemini-water-per-prompt")
_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class UnknownReportError(UserInputError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no open report {number}")
        self.number = number

    def localized(self) -> str:
        return _("No open report #{number}; /fact review lists them.").format(number=self.number)


class UnknownReferenceError(UserInputError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(f"no claim {claim_id!r} to cite")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _(
            "No claim “{id}”: after the verdict, give the ids of the claims a right answer"
            " may cite, or nothing. Nothing was changed."
        ).format(id=self.claim_id)


def one_line(text: str, limit: int | None = None) -> str:
    """A reader's text shown inside a moderator's list: one line, quoted, at most ``limit``."""
    flat = " ".join(_UNSEEN.sub(" ", text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"“{flat}”"


def verdict_label(verdict: Verdict) -> str:
    return _(VERDICT_LABELS[verdict])


def report_lines(report: VerdictReport, whole: bool = False) -> list[str]:
    """A report as moderators read it: number, verdict, language, who, where, when, reason."""
    head = " · ".join(
        (
            f"#{report.id}",
            verdict_label(report.verdict),
            report.language,
            _("from {who} in {chat}").format(who=report.reporter, chat=report.chat),
            f"{report.reported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        )
    )
    lines = [head, "  " + one_line(report.statement, None if whole else STATEMENT_CHARS)]
    if report.reason:
        lines.append("  " + _("Reason: {reason}").format(reason=one_line(report.reason)))
    return lines


async def review_lines(context: Context) -> list[str]:
    """The open reports, for ``/fact review`` (nothing when none is open)."""
    store = context.services.reports
    if store is None:
        return []
    scope = reports_scope(context)
    total = await store.count(chat=scope)
    if not total:
        return []
    lines = [_("Reports of a wrong verdict (/fact report N right|claim|eval VERDICT):")]
    for report in await store.listing(limit=SHOWN_IN_REVIEW, chat=scope):
        lines += report_lines(report)
    if total > SHOWN_IN_REVIEW:
        more = total - SHOWN_IN_REVIEW
        lines.append(
            ngettext("… and {count} more report.", "… and {count} more reports.", more).format(
                count=more
            )
        )
    return lines


def reports_scope(context: Context) -> tuple[str, str] | None:
    """The chat whose reports a moderator reads: their own, or every chat for an operator.

    A report holds what a reader chose to send in one chat; a moderator of another
    chat has no business reading it. Operators (``[moderation] allow``, the console
    of the machine running Wattson) read them all.
    """
    user, chat = context.request.user, context.request.chat
    if (
        f"{user.platform}:{user.id}" in context.settings.moderation.allow
        or chat.platform == "console"
    ):
        return None
    return (chat.platform, chat.id)


def _store(context: Context) -> ReportStore:
    store = context.services.reports
    if store is None:
        raise UserInputError("reports are not kept here")
    return store


async def report_command(context: Context, args: str) -> Reply:
    """``/fact report N [right|claim|eval …]``: show one report, or resolve it (moderators)."""
    if not context.is_moderator:
        raise PermissionDeniedError("resolve reports")
    number_text, rest = first_word(args)
    number = number_text.lstrip("#")
    if not number.isdigit():
        raise MissingArgumentError(
            N_("Which report? Give its number (/fact review lists them)."), USAGE, EXAMPLE
        )
    store = _store(context)
    scope = reports_scope(context)
    found = await store.get(int(number))
    if found is None or (scope is not None and (found.platform, found.chat_id) != scope):
        raise UnknownReportError(number)  # another chat's report is not this moderator's to see
    word, rest = first_word(rest)
    if not word:
        return await _show(store, int(number))
    resolution = RESOLUTION_WORDS.get(fold(word))
    if resolution is None:
        raise MissingArgumentError(
            N_("How is it resolved? right, claim, or eval with the right verdict."), USAGE, EXAMPLE
        )
    expected: Verdict | None = None
    refs: list[str] = []
    note = rest.strip() or None
    if resolution is Resolution.eval:
        expected, refs = await _expected(context, rest)
        note = None
    try:
        report = await store.resolve(
            int(number), resolution, context.actor, context.services.clock(),
            note=note, expected=expected, refs=refs,
        )  # fmt: skip
    except ReportNotFoundError:
        raise UnknownReportError(number) from None
    return Reply(text=_resolved(report, expected), data=report)


async def _show(store: ReportStore, number: int) -> Reply:
    report = await store.get(number)
    if report is None:
        raise UnknownReportError(str(number))
    lines = report_lines(report, whole=True)
    lines.append(_("State: {state}").format(state=_(STATE_LABELS[report.state])))
    for entry in await store.history(number):
        line = f"• {entry.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC — {entry.action} — {entry.actor}"
        lines.append(line + (f" — {one_line(entry.note)}" if entry.note else ""))
    return Reply(text="\n".join(lines), data=report)


async def _expected(context: Context, rest: str) -> tuple[Verdict, list[str]]:
    """The right verdict and the claims it may cite, from ``VERDICT [CLAIM_ID …]``."""
    word, ids_text = first_word(rest)
    verdict = VERDICT_WORDS.get(fold(word))
    if verdict is None:
        raise MissingArgumentError(
            N_("Which verdict is right? consistent, inconsistent or not-covered."), USAGE, EXAMPLE
        )
    refs = [i.strip().casefold() for i in ids_text.replace(",", " ").split() if i.strip()]
    claims = context.services.claims
    known = await claims.get_many(refs, include_retracted=True) if claims and refs else {}
    for claim_id in refs:
        if claim_id not in known:
            raise UnknownReferenceError(claim_id)
    return verdict, list(dict.fromkeys(refs))


def _resolved(report: VerdictReport, expected: Verdict | None) -> str:
    if report.state == Resolution.right.value:
        return _("Report #{number} closed: the verdict was right.").format(number=report.id)
    if report.state == Resolution.claim.value:
        return _(
            "Report #{number} closed: a claim is to be added or corrected (/fact add, /fact edit)."
        ).format(number=report.id)
    assert expected is not None
    return _(
        "Report #{number} closed: its statement joins the “reports” evaluation set as"
        " {verdict}; wattson check --eval reports scores it."
    ).format(number=report.id, verdict=verdict_label(expected))
