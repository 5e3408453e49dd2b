"""/check TEXT: does a circulating figure agree with the sourced claims?"""

from __future__ import annotations

from typing import Any

from bot.commands.claims import figure_text, source_text, status_label
from bot.commands.fact import store_of
from bot.commands.text import target_text
from bot.dispatch import Command, Context
from bot.formatting import number_format
from bot.i18n import N_, _
from bot.messages import Reply
from facts.check import CheckResult, Comparison, Verdict, check_statement


def factor_text(ratio: float) -> str:
    """``10 times too high`` / ``3.2 times too low``."""
    fmt = number_format()
    if ratio >= 1:
        return _("{factor} times higher").format(factor=fmt.significant(ratio))
    return _("{factor} times lower").format(factor=fmt.significant(1 / ratio))


def stated_text(comparison: Comparison) -> str:
    """The figure as the statement wrote it, with its value in the claim's unit if different."""
    text = comparison.stated.text
    converted = f"{number_format().significant(comparison.stated_in_claim_unit)} {comparison.claim.figure.unit}"
    if converted.replace(" ", "").casefold() != text.replace(" ", "").casefold():
        text += f" (≈ {converted})"
    return text


def render_check(result: CheckResult, language: str) -> str:
    lines: list[str] = []
    if result.verdict is Verdict.unknown:
        if not result.stated:
            lines.append(_("I found no figure with a unit to check in that text."))
        else:
            lines.append(
                _(
                    "Not covered: no sourced claim of the base can be compared with {figures}."
                ).format(figures=", ".join(f.text for f in result.stated))
            )
        if result.matches:
            lines.append(
                _("Related claims: {ids}.").format(
                    ids=", ".join(c.id for c, _r in result.matches[:3])
                )
            )
        return "\n".join(lines)
    reference = result.reference
    if result.verdict is Verdict.consistent and reference is not None:
        lines.append(
            _("Consistent: {stated} agrees with the sourced figure {figure} ({status}).").format(
                stated=stated_text(reference),
                figure=figure_text(reference.claim.figure),
                status=status_label(reference.claim.status),
            )
        )
    elif reference is not None:
        lines.append(
            _(
                "Inconsistent: {stated} is {factor} than the sourced figure {figure} ({status})."
            ).format(
                stated=stated_text(reference),
                factor=factor_text(reference.ratio),
                figure=figure_text(reference.claim.figure),
                status=status_label(reference.claim.status),
            )
        )
    else:
        lines.append(_("Inconsistent with the sourced claims."))
    untrusted = result.agreeing_untrustworthy
    if untrusted is not None:
        lines.append(
            _("It matches {id}, a figure marked {status}: {explanation}").format(
                id=untrusted.claim.id,
                status=status_label(untrusted.claim.status),
                explanation=(
                    untrusted.claim.explanation.pick(language)
                    if untrusted.claim.explanation
                    else ""
                ),
            )
        )
    if reference is not None:
        lines.append(reference.claim.statement.pick(language))
        lines.append(_("Source: {source}").format(source=source_text(reference.claim.sources[0])))
        lines.append(f"/fact {reference.claim.id}")
    return "\n".join(lines)


def check_json(result: CheckResult) -> dict[str, Any]:
    """The JSON contract of ``wattson check --json``."""

    def source_url(claim: Any) -> str | None:
        return next((str(s.url) for s in claim.sources if s.url is not None), None)

    return {
        "verdict": result.verdict.value,
        "stated": [
            {
                "value": f.value,
                "unit": f.unit,
                "text": f.text,
                "per": f.per.value if f.per else None,
            }
            for f in result.stated
        ],  # fmt: skip
        "ratio": result.ratio,
        "reference": result.reference.claim.id if result.reference else None,
        "agrees_only_with": (
            result.agreeing_untrustworthy.claim.id
            if result.agreeing_untrustworthy and result.verdict is not Verdict.consistent
            else None
        ),
        "matches": [
            {
                "id": claim.id,
                "score": round(relevance, 4),
                "status": claim.status.value,
                "figure": claim.figure.value,
                "low": claim.figure.low,
                "high": claim.figure.high,
                "unit": claim.figure.unit,
                "per": claim.figure.per.value,
                "source_url": source_url(claim),
            }
            for claim, relevance in result.matches
        ],
    }


async def check(context: Context) -> Reply:
    """Compare the figures of a circulating statement with the sourced claims."""
    text = target_text(context, context.request.args, "check")
    result = await check_statement(store_of(context), text, context.language)
    return Reply(text=render_check(result, context.language), data=result)


COMMAND = Command(
    name="check",
    aliases=("verifie", "vérifie", "verifier", "vérifier"),
    handler=check,
    summary=N_("check a circulating figure against the sourced claims"),
    usage=N_("/check TEXT · or in reply to a message"),
)
