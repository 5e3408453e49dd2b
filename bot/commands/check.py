"""/check TEXT: does a circulating figure agree with the sourced claims about the same thing?

Every verdict is explained: for each figure of the statement, the quantity it
was compared with (what is measured, about what, when), the sourced value with
its status and source, the ratio, and how the bot derived a figure the
statement did not write in a unit ("10 × a Google search", "a phone charge",
"for every 20 to 50 questions"). When the base holds nothing about the same
thing, the reply says so and lists the nearest claims to read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from bot.commands.claims import (
    figure_text,
    page_of,
    quantity_details,
    source_text,
)
from bot.commands.fact_access import store_of
from bot.commands.text import target_text
from bot.dispatch import Command, Context
from bot.foundation.amounts import LARGE, MAX_DECIMALS, amount_text, plain_number
from bot.foundation.formatting import number_format
from bot.foundation.i18n import N_, _, command_name, ngettext, npgettext
from bot.messages import Reply
from bot.reports.filing import is_report, offer_report, report_verdict
from facts.check import CheckResult, Comparison, FigureCheck, Verdict, check_statement
from facts.matching import Mismatch
from facts.measures import Measure
from facts.models import Claim, Quantity
from facts.statements import Derivation, StatedFigure
from facts.units import quantity, unit_expression
from facts.vocabulary import status_label

MAX_FIGURES_SHOWN = 4
FURTHER_READING = 3

_WHY_NOT = {
    Mismatch.not_checkable: N_("the base quotes it but does not use it as a figure"),
    Mismatch.measure: N_("the base holds no figure of that kind"),
    Mismatch.unit: N_("the base holds no figure in a comparable unit"),
    Mismatch.subject: N_("the base holds no figure about the same subject"),
    Mismatch.period: N_("the base holds no figure for that period"),
    Mismatch.per: N_("the base holds no figure counted per the same thing"),
    "not-finite": N_("it is not a finite number"),
    "only-untrustworthy": N_("the base holds only outdated, false or disputed figures about it"),
}
_VERDICT_HEADLINES = {
    Verdict.consistent: N_("Consistent with the sourced figures."),
    Verdict.inconsistent: N_("Inconsistent with the sourced figures."),
    Verdict.unknown: N_(
        "Not covered: the claim base holds no sourced figure about the same thing."
    ),
}


ORDERS_IN_WORDS = 1_000  # past this, a ratio is an order of magnitude, said in words
NOWHERE_NEAR = 1e9  # past this, no ratio: the figure is likely in another unit than meant


def factor_text(ratio: float | None) -> str:
    """``10 times higher`` / ``3.2 times lower``; past 1,000, ``about 3 billion times lower``."""
    fmt = number_format()
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return _("not comparable as a ratio")
    factor = ratio if ratio >= 1 else 1 / ratio
    if factor < ORDERS_IN_WORDS:
        if ratio >= 1:
            return _("{factor} times higher").format(factor=fmt.significant(factor))
        return _("{factor} times lower").format(factor=fmt.significant(factor))
    rounded = float(f"{factor:.1g}")  # one significant digit: an order of magnitude
    words = plain_number(rounded, fmt)
    large = rounded >= LARGE  # "3 milliards de fois": French needs "de" after a word number
    if ratio >= 1:
        if large:
            return npgettext(
                "large number", "about {factor} times higher", "about {factor} times higher", 2
            ).format(factor=words)
        return _("about {factor} times higher").format(factor=words)
    if large:
        return npgettext(
            "large number", "about {factor} times lower", "about {factor} times lower", 2
        ).format(factor=words)
    return _("about {factor} times lower").format(factor=words)


def quantity_text(quantity: Quantity) -> str:
    """``0.3 Wh per request — energy used · ChatGPT · 2024``: the figure and what it is."""
    measure, about, period = quantity_details(quantity)
    details = " · ".join(part for part in (measure, *about, period) if part)
    return f"{figure_text(quantity)} ({details})"


def _rounded(value: float) -> float:
    """Three significant digits: what the reader needs of a converted or derived value."""
    return float(f"{value:.3g}") if math.isfinite(value) else value


def _plain(value: float) -> str:
    return plain_number(_rounded(value))


def _value_text(value: float, unit: str) -> str:
    return amount_text(_rounded(value), unit)


def derivation_text(figure: StatedFigure, derived_from: Claim | None) -> str | None:
    """How the bot turned the statement's words into a figure, or ``None``."""
    if figure.derivation is Derivation.google_searches and derived_from is not None:
        search = derived_from.figure
        return _("{count} × {per_search} per Google search ({status}, {source}) = {total}").format(
            count=_plain(figure.value),
            per_search=_value_text(search.value, search.unit),
            status=status_label(derived_from.status),
            source=_short_source(derived_from),
            total=_value_text(figure.value * search.value, search.unit),
        )
    if figure.derivation is Derivation.phone_charges and derived_from is not None:
        charge = derived_from.figure
        low, high = charge.bounds
        return _("a full smartphone charge ≈ {value} ({low}–{high} {unit}; {source})").format(
            value=_value_text(charge.value, charge.unit),
            low=_plain(low),
            high=_plain(high),
            unit=charge.unit,
            source=_short_source(derived_from),
        )
    if figure.derivation is Derivation.streaming_hours and derived_from is not None:
        hour = next(q for q in derived_from.quantities if q.measure is Measure.energy)
        return _("{count} × {per_hour} per hour of video streaming ({source}) = {total}").format(
            count=_plain(figure.value),
            per_hour=_value_text(hour.value, hour.unit),
            source=_short_source(derived_from),
            total=_value_text(figure.value * hour.value, hour.unit),
        )
    if figure.derivation is Derivation.households and derived_from is not None:
        home = next(q for q in derived_from.quantities if q.measure is Measure.energy)
        return _("{count} × {per_home} a year per home ({source}) = {total}").format(
            count=_plain(figure.value),
            per_home=_value_text(home.value, home.unit),
            source=_short_source(derived_from),
            total=_value_text(figure.value * home.value, home.unit),
        )
    if figure.derivation is Derivation.power_time:
        return _("{power_and_time} = {energy}").format(
            power_and_time=figure.text, energy=_value_text(figure.value, figure.unit)
        )
    if figure.derivation is Derivation.per_requests and figure.factor is not None:
        low, high = figure.bounds
        count = _plain(figure.factor)
        if figure.factor_high is not None and figure.factor_high != figure.factor:
            count = f"{_plain(figure.factor)}–{_plain(figure.factor_high)}"
        return _("{amount} for every {count} questions = {each} per question").format(
            amount=_value_text(high * figure.factor, figure.unit),
            count=count,
            each=amount_text(
                _rounded((low + high) / 2), figure.unit, _rounded(low), _rounded(high)
            ),
        )
    return None


def _short_source(claim: Claim) -> str:
    source = claim.sources[0]
    return f"{source.byline}, {source.date}" if source.date else source.byline


BEYOND_WORDS = 1e15  # Babel writes numbers in words up to trillions; past that, as stated


def _stated_in_claim_unit(comparison: Comparison) -> str:
    """The reader's figure as they wrote it, and in the sourced figure's unit when that differs.

    Never rounded again: "1,999 tCO2e" stays 1,999, "1 287 MWh" stays 1 287. A
    figure the bot derived (phone charges, a share of questions) is shown as the
    amount it makes; the derivation line says how.
    """
    figure = comparison.stated
    low, high, unit = comparison.low, comparison.high, comparison.quantity.unit
    if figure.bound is not None:
        return figure.text  # "less than 0.5 mL", as the statement bounds it
    if not all(math.isfinite(v) and abs(v) < BEYOND_WORDS for v in (low, high)):
        return figure.text
    converted = readable_amount(low, high, unit)
    if figure.derivation is not None or figure.shared_by:
        return converted
    same = unit_expression(figure.unit) == unit_expression(unit) and (low, high) == figure.bounds
    if same or _shows_as_zero((low + high) / 2):  # "(0 GWh)" would say nothing
        return figure.text
    return f"{figure.text} ({converted})"


def _shows_as_zero(value: float) -> bool:
    """Whether ``value`` would be written ``0`` (amounts keep at most six decimals)."""
    return value != 0 and abs(value) < 0.5 * 10.0**-MAX_DECIMALS


def readable_amount(low: float, high: float, unit: str) -> str:
    """``low``–``high`` in ``unit``, or in a smaller one where it would round to 0.

    "0 GWh" tells a reader nothing: 1e-16 GWh reads as 100 nWh.
    """
    middle = (low + high) / 2
    if _shows_as_zero(middle):
        measured = quantity(middle, unit) if middle > 0 else None
        if measured is not None:
            compact = measured.to_compact()
            scale = float(compact.magnitude) / middle
            unit, low, high, middle = (
                f"{compact.units:~}",
                low * scale,
                high * scale,
                middle * scale,
            )
    return amount_text(_rounded(middle), unit, _rounded(low), _rounded(high))


def _comparison_line(comparison: Comparison, agrees: bool) -> str:
    sourced = quantity_text(comparison.quantity)
    status = status_label(comparison.claim.status)
    stated = _stated_in_claim_unit(comparison)
    figure = comparison.stated
    if agrees:
        return _("{stated} agrees with the sourced figure {sourced}, {status}.").format(
            stated=stated, sourced=sourced, status=status
        )
    if not figure.finite:
        return _(
            "{stated} is not a finite number; the sourced figure is {sourced}, {status}."
        ).format(stated=figure.text, sourced=sourced, status=status)
    if figure.negative:
        return _(
            "{stated} is negative, which this cannot be; the sourced figure is {sourced}, {status}."
        ).format(stated=stated, sourced=sourced, status=status)
    if comparison.stated_in_claim_unit == 0:
        return _("{stated} is zero; the sourced figure is {sourced}, {status}.").format(
            stated=stated, sourced=sourced, status=status
        )
    ratio = comparison.ratio
    counted = Measure.counted in figure.measures  # "3 phone charges": its unit is the thing
    if ratio is not None and not 1 / NOWHERE_NEAR < ratio < NOWHERE_NEAR and not counted:
        return _(
            "{stated} is nowhere near the sourced figure {sourced}, {status}: is its unit right?"
        ).format(stated=stated, sourced=sourced, status=status)
    if comparison.ratio is None and comparison.quantity.value > 0:
        stated_log = math.log10(max(comparison.low, comparison.high))
        orders = math.floor(stated_log - math.log10(comparison.quantity.value))  # its order
        return _(
            "{stated} is about 10^{orders} times the sourced figure {sourced}, {status}."
        ).format(stated=stated, orders=orders, sourced=sourced, status=status)
    return _("{stated} is {factor} than the sourced figure {sourced}, {status}.").format(
        stated=stated, factor=factor_text(comparison.ratio), sourced=sourced, status=status
    )


def figure_lines(check: FigureCheck, language: str) -> list[str]:
    """What the bot made of one stated figure, and why."""
    figure = check.figure
    lines = [f"• {figure.text}"]
    derivation = derivation_text(figure, check.derived_from)
    if derivation:
        lines.append("  " + _("Derived: {derivation}").format(derivation=derivation))
    if figure.shared_by and check.reference is not None:
        lines.append(
            "  "
            + ngettext(
                "For {count} question: {each} per question",
                "For {count} questions: {each} per question",
                int(figure.shared_by),
            ).format(
                count=_plain(figure.shared_by),
                each=readable_amount(
                    check.reference.low, check.reference.high, check.reference.quantity.unit
                ),
            )  # fmt: skip
        )
    if check.reference is not None:
        agrees = check.verdict is Verdict.consistent
        lines.append("  " + _comparison_line(check.reference, agrees))
    if check.outdated and check.current is not None:
        lines.append(
            "  "
            + _("The current figure: {sourced}, {status}.").format(
                sourced=quantity_text(check.current.quantity),
                status=status_label(check.current.claim.status),
            )
        )
    untrusted = check.agreeing_untrustworthy
    if untrusted is not None and check.verdict is Verdict.inconsistent:
        explanation = (
            untrusted.claim.explanation.pick(language) if untrusted.claim.explanation else ""
        )
        lines.append(
            "  "
            + _("It repeats {id}, a figure marked {status}: {explanation}").format(
                id=untrusted.claim.id,
                status=status_label(untrusted.claim.status),
                explanation=explanation,
            )
        )
    if check.misread is not None:
        lines.append(
            "  "
            + _("It looks like a misreading of {id} ({status}): {statement}").format(
                id=check.misread.claim.id,
                status=status_label(check.misread.claim.status),
                statement=check.misread.claim.statement.pick(language),
            )
        )
    if check.reference is None and check.verdict is Verdict.unknown:
        reason = _WHY_NOT.get(check.why_not) if check.why_not else None
        lines.append(
            "  "
            + _("Not checked: {reason}.").format(reason=_(reason or _WHY_NOT[Mismatch.subject]))
        )
    return lines


def render_check(
    result: CheckResult, language: str, page: Callable[[str], str | None] | None = None
) -> str:
    """The /check reply: the verdict, then each figure with what it was compared with and why.

    ``page`` gives a cited claim's public page (by id), linked after its source.
    """
    if not result.stated:
        lines = [_("I found no figure with a unit to check in that text.")]
        lines += _further_reading(result)
        return "\n".join(lines)
    lines = [_headline(result)]
    for check in result.figures[:MAX_FIGURES_SHOWN]:
        lines += figure_lines(check, language)
    hidden = len(result.figures) - MAX_FIGURES_SHOWN + result.unchecked
    if hidden > 0:
        lines.append(
            ngettext(
                "{count} more figure not shown.", "{count} more figures not shown.", hidden
            ).format(count=hidden)
        )
    if result.unread:
        lines.append(
            ngettext(
                "Only the opening was read; {count} more character was not.",
                "Only the opening was read; {count} more characters were not.",
                result.unread,
            ).format(count=plain_number(result.unread))
        )
    cited = _cited_claims(result)
    for claim in cited:
        url = page(claim.id) if page else None
        lines.append(
            _("Source: {source}").format(source=source_text(claim.sources[0]))
            + f" · {claim_command(claim.id)}"
            + (f" · {url}" if url else "")
        )
    if result.verdict is Verdict.unknown:
        lines += _further_reading(result)
    return "\n".join(lines)


def _headline(result: CheckResult) -> str:
    """The verdict in one line; an outdated figure repeated as published, with today's."""
    if not result.outdated:
        return _(_VERDICT_HEADLINES[result.verdict])
    current = next(
        (c.current for c in result.figures if c.outdated and c.current is not None), None
    )
    if current is None:
        return _("Consistent with its source, which is outdated.")
    return _(
        "Consistent with its source, which is outdated; the current figure is {figure}."
    ).format(figure=figure_text(current.quantity))


def _cited_claims(result: CheckResult) -> list[Claim]:
    claims: dict[str, Claim] = {}
    for check in result.figures[:MAX_FIGURES_SHOWN]:
        for comparison in (
            check.reference,
            check.agreeing_untrustworthy,
            check.misread,
            check.current if check.outdated else None,
        ):
            if comparison is not None:
                claims.setdefault(comparison.claim.id, comparison.claim)
        if check.derived_from is not None and check.reference is not None:
            claims.setdefault(check.derived_from.id, check.derived_from)
    return list(claims.values())


def claim_command(claim_id: str) -> str:
    """``/fact ID`` in the reader's words (``/fait ID``); the id alone on the command line."""
    fact = command_name("fact")
    return f"{fact} {claim_id}" if fact else claim_id


def _further_reading(result: CheckResult) -> list[str]:
    nearest = [claim.id for claim, _score in result.matches[:FURTHER_READING]]
    if not nearest:
        return []
    return [
        _("Nearest claims to read: {ids}.").format(ids=", ".join(claim_command(i) for i in nearest))
    ]


def _quantity_json(comparison: Comparison) -> dict[str, Any]:
    quantity = comparison.quantity
    claim = comparison.claim
    return {
        "claim": claim.id,
        "quantity": comparison.index,
        "measure": quantity.measure.value,
        "subject": list(quantity.subject),
        "period": {"year": quantity.year, "since": quantity.since},
        "value": quantity.value,
        "low": quantity.low,
        "high": quantity.high,
        "unit": quantity.unit,
        "per": quantity.per.value,
        "status": claim.status.value,
        "source_url": _source_url(claim),
        "stated_in_unit": {"low": _finite(comparison.low), "high": _finite(comparison.high)},
        "ratio": comparison.ratio,
        "agrees": comparison.agrees,
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _source_url(claim: Claim) -> str | None:
    return next((str(s.url) for s in claim.sources if s.url is not None), None)


def _figure_json(check: FigureCheck) -> dict[str, Any]:
    figure = check.figure
    low, high = figure.bounds
    why_not = check.why_not.value if isinstance(check.why_not, Mismatch) else check.why_not
    return {
        "value": _finite(figure.value),
        "low": _finite(low) if figure.low is not None else None,
        "high": _finite(high) if figure.high is not None else None,
        "finite": figure.finite,
        "unit": figure.unit,
        "text": figure.text,
        "per": figure.per.value if figure.per else None,
        "measures": [m.value for m in figure.measures],
        "derivation": figure.derivation.value if figure.derivation else None,
        "derived_from": check.derived_from.id if check.derived_from else None,
        "verdict": check.verdict.value,
        "compared_with": _quantity_json(check.reference) if check.reference else None,
        "agrees_only_with": (
            check.agreeing_untrustworthy.claim.id
            if check.agreeing_untrustworthy and check.verdict is Verdict.inconsistent
            else None
        ),
        "why_not": None if check.reference else why_not,
        "misreads": check.misread.claim.id if check.misread else None,
        "outdated": check.outdated,
        "current": _quantity_json(check.current) if check.outdated and check.current else None,
    }


def check_json(result: CheckResult) -> dict[str, Any]:
    """The JSON contract of ``wattson check --json``."""
    return {
        "verdict": result.verdict.value,
        "outdated": result.outdated,
        "unread_characters": result.unread,
        "stated": [_figure_json(check) for check in result.figures],
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
                "source_url": _source_url(claim),
            }
            for claim, relevance in result.matches
        ],
    }


async def check(context: Context) -> Reply:
    """Compare the figures of a circulating statement with the sourced claims."""
    if is_report(context):  # /check report [reason]; a press of "Wrong verdict?" is COMMAND.press
        return await report_verdict(context)
    text = target_text(context, context.request.args, "check")
    result = await check_statement(store_of(context), text, context.language)
    settings, language = context.settings, context.language
    answer = render_check(result, language, lambda claim_id: page_of(settings, claim_id, language))
    return offer_report(context, Reply(text=answer, data=result), text, result.verdict)


COMMAND = Command(
    name="check",
    aliases=("verifie", "vérifie", "verifier", "vérifier"),
    handler=check,
    press=report_verdict,
    summary=N_("check a circulating figure against the sourced claims"),
    usage=N_("/check TEXT · or in reply to a message"),
)

__all__ = ["COMMAND", "check_json", "render_check"]
