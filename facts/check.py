"""Check a circulating statement against the claim base: verdicts only on the same quantity.

``check_statement`` reads the figures a statement gives (``facts.statements``),
and compares each only with quantities of the base that measure the same thing
about the same subjects, in the same period and per the same thing
(``facts.matching``). For each figure:

- ``consistent``: a current quantity (claim verified or secondary) agrees,
  within its range widened by a rounding tolerance, and no false or disputed
  quantity matches it more closely; or it repeats an *outdated* figure as it
  was published — consistent with its source, which is outdated, and the
  answer gives the current figure (``FigureCheck.current``);
- ``inconsistent``: it disagrees with the current quantities, or agrees only
  with a false or disputed one (the answer gives the current figure and the
  ratio stated ÷ sourced);
- ``unknown``: no quantity of the base is about the same thing (the answer
  says so and lists the nearest claims to read), or the figure is not a
  finite number.

The statement is inconsistent if any of its figures is, consistent if any is
and none is inconsistent, unknown otherwise: a correct equivalent next to a
wrong figure never makes the statement consistent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

from facts.matching import Mismatch, StatementContext, mismatch, per_factor, specificity
from facts.measures import Measure
from facts.models import Claim, Quantity, Status
from facts.numbers import parse_number, round_significant, significant_digits
from facts.scene import sentence_spans
from facts.search import SearchHit, search_claims
from facts.statements import Derivation, StatedFigure, extract_figures
from facts.store import ClaimStore
from facts.subjects import implied, split_tag
from facts.units import convert
from facts.wording import guess_language

__all__ = [
    "CheckResult",
    "Comparison",
    "FigureCheck",
    "Verdict",
    "check_statement",
    "extract_figures",
    "guess_language",
    "parse_number",
]

ROUNDING_TOLERANCE = 0.15  # "about 0.3 Wh" agrees with 0.34 Wh
AS_PUBLISHED = 0.05  # an outdated figure is repeated as published: its range, or rounded
CLOSER_MARGIN = 0.005  # orders of magnitude: a bad figure must be clearly closer to win
MAX_FIGURES = 20  # a statement is checked on its first figures; the rest are counted, not read
READ_LIMIT = 4_000  # characters: a statement, or a long post's opening; a 100 kB paste is cut
# at the sentence ending before this, so one message cannot hold the bot for seconds
LOAD_ALL_UNDER = 2000
SEARCH_HITS = 200  # claims the words of a statement may bring (candidates in a large base)  # claims: below this, every claim is a candidate; above, search narrows
GOOGLE_SEARCH_CLAIM = "google-search-2009"
PHONE_CHARGE_CLAIM = "smartphone-full-charge"
STREAMING_HOUR_CLAIM = "streaming-hour-energy"
DERIVATION_CLAIMS = {
    Derivation.google_searches: GOOGLE_SEARCH_CLAIM,
    Derivation.phone_charges: PHONE_CHARGE_CLAIM,
    Derivation.streaming_hours: STREAMING_HOUR_CLAIM,
    Derivation.households: None,  # the claim of the homes' country, below
}
UNIT_CLAIMS = {  # what one of a counted thing uses, by its subject
    "fr-household": "fr-household-electricity",
    "us-household": "us-household-electricity",
}
WRITTEN_AS = (Measure.counted, Measure.households)  # a count the base may hold as such


class Verdict(StrEnum):
    consistent = "consistent"
    inconsistent = "inconsistent"
    unknown = "unknown"


@dataclass(frozen=True, slots=True)
class Comparison:
    """A stated figure set against one quantity of one claim."""

    claim: Claim
    index: int  # which quantity of the claim
    stated: StatedFigure
    low: float  # the stated figure in the quantity's unit
    high: float
    agrees: bool
    rank: tuple[float, ...] = ()  # higher first: how well the quantity fits what the statement says

    @property
    def quantity(self) -> Quantity:
        return self.claim.quantities[self.index]

    @property
    def stated_in_claim_unit(self) -> float:
        """The figure as written, in the quantity's unit (a bound's own end, a range's middle)."""
        if self.stated.bound == "upper":
            return self.high
        if self.stated.bound == "lower":
            return self.low
        return (self.low + self.high) / 2

    @property
    def ratio(self) -> float | None:
        """Stated ÷ sourced, or ``None`` where either is zero."""
        sourced = self.quantity.value
        stated = self.stated_in_claim_unit
        if sourced == 0 or stated == 0 or not math.isfinite(stated):
            return None
        ratio = stated / sourced
        return ratio if math.isfinite(ratio) else None

    @property
    def repeats_exactly(self) -> bool:
        """The stated figure is this quantity's own single value ("0.34 Wh" is Altman's).

        Several sources may agree with a figure within rounding; the one that
        published it to the digit is the one the statement repeats.
        """
        quantity = self.quantity
        return (
            quantity.low is None
            and quantity.high is None
            and self.low == self.high
            and (significant_digits(self.stated.text) or 0) >= 2  # "0.3" is anyone's rounding
            and math.isclose(self.low, quantity.value, rel_tol=1e-3)
        )

    @property
    def distance(self) -> float:
        """How far the stated figure is from the quantity's range, in orders of magnitude."""
        low, high = self.quantity.bounds
        if self.high < low:
            value, bound = self.high, low
        elif self.low > high:
            value, bound = self.low, high
        else:
            return 0.0
        if value <= 0 or bound <= 0:
            return math.inf
        return abs(math.log10(value / bound))


@dataclass(frozen=True, slots=True)
class FigureCheck:
    """The verdict on one stated figure, and what it rests on."""

    figure: StatedFigure
    verdict: Verdict
    reference: Comparison | None = None
    agreeing_untrustworthy: Comparison | None = None
    comparisons: tuple[Comparison, ...] = ()
    why_not: Mismatch | str | None = None  # when nothing was comparable: the closest reason
    derived_from: Claim | None = None  # the claim a derived figure's unit amount comes from
    misread: Comparison | None = None  # the same value, counted per something else ("500 mL")
    current: Comparison | None = None  # what replaces the outdated figure it repeats

    @property
    def outdated(self) -> bool:
        """Consistent only with an outdated source: true as published, no longer current."""
        return (
            self.verdict is Verdict.consistent
            and self.reference is not None
            and self.reference.claim.status is Status.outdated
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    verdict: Verdict
    stated: list[StatedFigure]
    matches: list[tuple[Claim, float]]  # nearest claims, for further reading
    figures: list[FigureCheck] = field(default_factory=list)
    deciding: FigureCheck | None = None
    unchecked: int = 0  # figures past MAX_FIGURES
    unread: int = 0  # characters past READ_LIMIT, not read at all

    @property
    def reference(self) -> Comparison | None:
        return self.deciding.reference if self.deciding else None

    @property
    def agreeing_untrustworthy(self) -> Comparison | None:
        return self.deciding.agreeing_untrustworthy if self.deciding else None

    @property
    def outdated(self) -> bool:
        """Consistent, but only with outdated sources: each consistent figure repeats one."""
        consistent = [check for check in self.figures if check.verdict is Verdict.consistent]
        return self.verdict is Verdict.consistent and all(c.outdated for c in consistent)

    @property
    def comparisons(self) -> list[Comparison]:
        return [c for check in self.figures for c in check.comparisons]

    @property
    def ratio(self) -> float | None:
        return self.reference.ratio if self.reference else None


async def _candidates(store: ClaimStore, hits: list[SearchHit]) -> list[Claim]:
    """Every claim of a small base; the claims the words found in a large one."""
    if await store.count() <= LOAD_ALL_UNDER:
        return await store.all_claims()
    return [hit.claim for hit in hits]


def _agrees(
    low: float, high: float, quantity: Quantity, tolerance: float = ROUNDING_TOLERANCE
) -> bool:
    q_low, q_high = quantity.bounds
    return q_low * (1 - tolerance) <= high and low <= q_high * (1 + tolerance)


def _through_unit_amount(figure: StatedFigure, quantity: Quantity) -> bool:
    """Whether ``figure`` meets ``quantity`` as an amount (N × a phone charge's energy), or as
    the count it is written as (3.3 billion charges, where the base counts charges)."""
    return figure.derivation in DERIVATION_CLAIMS and not (
        quantity.measure in WRITTEN_AS and quantity.measure in figure.measures
    )


def _stated_range(
    figure: StatedFigure, quantity: Quantity, per_unit: Quantity | None
) -> tuple[float, float, str] | None:
    """The figure's bounds in the quantity's unit (derived figures through ``per_unit``)."""
    low, high = figure.bounds
    if _through_unit_amount(figure, quantity):
        if per_unit is None:
            return None
        unit_low, unit_high = per_unit.bounds
        low, high, unit = low * unit_low, high * unit_high, per_unit.unit
    else:
        unit = figure.unit
    factor = per_factor(figure.per, quantity.per, figure.per_said) or 1.0
    low, high = low * factor, high * factor
    if figure.shared_by:  # what "asking 10 questions" uses, shared by each question
        low, high = low / figure.shared_by, high / figure.shared_by
    converted_low = convert(low, unit, quantity.unit)
    converted_high = convert(high, unit, quantity.unit)
    if converted_low is None or converted_high is None:
        return None
    return converted_low, converted_high, unit


async def _unit_amount(
    store: ClaimStore, figure: StatedFigure
) -> tuple[Claim | None, Quantity | None]:
    """For a derived figure, the claim and quantity its unit amount comes from."""
    if figure.derivation not in DERIVATION_CLAIMS:
        return None, None
    claim_id = DERIVATION_CLAIMS[figure.derivation] or UNIT_CLAIMS.get(figure.unit_of or "")
    if claim_id is None:
        return None, None
    claim = await store.get(claim_id)
    if claim is None:
        return None, None
    quantity = next((q for q in claim.quantities if q.measure is Measure.energy), None)
    return claim, quantity


async def check_statement(
    store: ClaimStore, text: str, language: str | None = None, limit: int = 15
) -> CheckResult:
    """Compare each figure of ``text`` with the quantities of the base about the same thing."""
    text, unread = _opening(text)
    language = language or guess_language(text)
    stated = extract_figures(text, language)
    unchecked = max(0, len(stated) - MAX_FIGURES)
    stated = stated[:MAX_FIGURES]
    context = StatementContext.of(text, stated)
    # One search serves the candidates of a large base, the ranking and the further reading.
    hits = await search_claims(store, text, limit=SEARCH_HITS, any_term=True)
    claims = await _candidates(store, hits) if stated else []
    best = max((hit.score for hit in hits), default=0.0)
    relevance = {hit.claim.id: hit.score / best for hit in hits if best}
    checks: list[FigureCheck] = []
    for figure in stated:
        checks.append(await _check_figure(store, figure, claims, context, relevance))
    deciding = next(
        (
            check
            for verdict in (Verdict.inconsistent, Verdict.consistent, Verdict.unknown)
            for check in checks
            if check.verdict is verdict
        ),
        None,
    )
    verdict = deciding.verdict if deciding else Verdict.unknown
    matches = _nearest(hits, relevance, stated, context, claims, limit)
    return CheckResult(verdict, stated, matches, checks, deciding, unchecked, unread)


def _opening(text: str) -> tuple[str, int]:
    """The part of ``text`` /check reads, and how many characters it leaves unread."""
    if len(text) <= READ_LIMIT:
        return text, 0
    ends = [span[1] for span in sentence_spans(text[:READ_LIMIT]) if span[1] < READ_LIMIT]
    cut = ends[-1] if ends else READ_LIMIT
    return text[:cut], len(text) - cut


async def _check_figure(
    store: ClaimStore,
    figure: StatedFigure,
    claims: list[Claim],
    context: StatementContext,
    relevance: dict[str, float],
) -> FigureCheck:
    derived_from, per_unit = await _unit_amount(store, figure)
    if figure.derivation in DERIVATION_CLAIMS and per_unit is None:
        return FigureCheck(figure, Verdict.unknown, why_not=Mismatch.unit)
    comparisons: list[Comparison] = []
    reasons: list[Mismatch] = []
    misread: Comparison | None = None
    unchecked_fit = -1.0  # how well the best-fitting quantity that is never compared fits
    for claim in claims:
        if derived_from is not None and claim.id == derived_from.id:
            continue  # "10 Google searches" is not checked against the Google search itself
        for index, quantity in enumerate(claim.quantities):
            derived = per_unit is not None and _through_unit_amount(figure, quantity)
            unit = per_unit.unit if derived and per_unit is not None else figure.unit
            reason = mismatch(figure, quantity, claim, context, unit)
            if reason is Mismatch.per and misread is None:
                misread = _misread(claim, index, figure, per_unit)
            if reason is Mismatch.not_checkable and (
                mismatch(
                    figure, quantity.model_copy(update={"checkable": True}), claim, context, unit
                )
                is None
            ):
                unchecked_fit = max(unchecked_fit, specificity(quantity, context))
            if reason is not None:
                reasons.append(reason)
                continue
            converted = _stated_range(figure, quantity, per_unit)
            if converted is None:
                continue
            low, high, _unit = converted
            agrees = _agrees(low, high, quantity) and not figure.negative and figure.finite
            rank = (
                specificity(quantity, context),
                float(index == 0),
                relevance.get(claim.id, 0.0),
            )
            comparisons.append(Comparison(claim, index, figure, low, high, agrees, rank))
    if not comparisons:
        return FigureCheck(
            figure, Verdict.unknown, why_not=_closest_reason(reasons), derived_from=derived_from
        )
    if unchecked_fit > max(c.rank[0] for c in comparisons):
        # "less than 1 % of copper demand": the quantity it is about is one the base shows but
        # never compares (a bound, a quip); a looser fit elsewhere would judge the wrong thing.
        return FigureCheck(
            figure, Verdict.unknown, why_not=Mismatch.not_checkable, derived_from=derived_from
        )
    check = await _judge(store, figure, comparisons, context, derived_from, per_unit)
    if check.verdict is Verdict.inconsistent and misread is not None:
        return replace(check, misread=misread)
    return check


def _misread(
    claim: Claim, index: int, figure: StatedFigure, per_unit: Quantity | None
) -> Comparison | None:
    """The figure against a quantity of the same value counted per something else, if it agrees.

    "500 mL of water per question" repeats a figure published for every 20 to
    50 questions: worth saying, though it is no verdict.
    """
    quantity = claim.quantities[index]
    converted = _stated_range(figure, quantity, per_unit)
    if converted is None or not quantity.checkable:
        return None
    low, high, _unit = converted
    if not _agrees(low, high, quantity):
        return None
    return Comparison(claim, index, figure, low, high, True)


def _closest_reason(reasons: list[Mismatch]) -> Mismatch | None:
    """The rule that failed last in order: the quantity that came closest to comparable."""
    order = list(Mismatch)
    return max(reasons, key=order.index) if reasons else None


async def _judge(
    store: ClaimStore,
    figure: StatedFigure,
    comparisons: list[Comparison],
    context: StatementContext,
    derived_from: Claim | None,
    per_unit: Quantity | None,
) -> FigureCheck:
    """The verdict for one figure from its comparisons.

    The quantity cited is the one that fits the statement best (the subjects it
    names, a claim's main figure, the words it shares), then the closest.
    """
    comparisons.sort(
        key=lambda c: (
            -c.rank[0],
            -c.rank[1],
            not c.repeats_exactly,
            c.claim.status is not Status.verified,
            c.distance,
            -c.rank[2],
        )
    )  # the subjects it names, a claim's main figure, the very figure, a verified source, the closest
    current = [c for c in comparisons if c.claim.status.trustworthy]
    agreeing_current = [c for c in current if c.agrees]
    agreeing_other = next(
        (c for c in comparisons if c.agrees and not c.claim.status.trustworthy), None
    )
    common = {"comparisons": tuple(comparisons), "derived_from": derived_from}
    if agreeing_current:
        best = agreeing_current[0]
        repeats_bad_figure = (
            agreeing_other is not None and agreeing_other.distance + CLOSER_MARGIN < best.distance
        )
        if not repeats_bad_figure:
            return FigureCheck(figure, Verdict.consistent, best, agreeing_other, **common)  # type: ignore[arg-type]
    reference = current[0] if current else None
    if agreeing_other is not None and agreeing_other.claim.corrected_by:
        corrected = await store.get(agreeing_other.claim.corrected_by)
        if corrected is not None:
            reference = _against_correction(figure, corrected, per_unit) or reference
    if (
        agreeing_other is not None
        and agreeing_other.claim.status is Status.outdated
        # what the bot derived was never published, unless from an outdated unit itself
        # ("ten times a Google search" of 2009 is how the outdated figure was published)
        and (figure.derivation is None or _outdated(derived_from))
        and not figure.shared_by
        and _as_published(agreeing_other)
    ):
        # As it was published: consistent with its source, which is outdated; the answer
        # gives the current figure, never a verdict against a different modern quantity.
        return FigureCheck(figure, Verdict.consistent, agreeing_other, current=reference, **common)  # type: ignore[arg-type]
    if reference is None and agreeing_other is None:
        misquoted = _misquoted_source(figure, comparisons)
        if misquoted is not None:
            # "Google, 2009: a search = 3 g of CO2": the statement dates itself to the outdated
            # source and gets its figure wrong, so it misquotes that source.
            return FigureCheck(figure, Verdict.inconsistent, misquoted, **common)  # type: ignore[arg-type]
        # Only outdated, false or disputed figures, none agreeing: the base does not hold
        # a current figure to judge with.
        return FigureCheck(figure, Verdict.unknown, why_not="only-untrustworthy", **common)  # type: ignore[arg-type]
    return FigureCheck(figure, Verdict.inconsistent, reference, agreeing_other, **common)  # type: ignore[arg-type]


def _misquoted_source(figure: StatedFigure, comparisons: list[Comparison]) -> Comparison | None:
    """An outdated quantity the figure claims to report: said of that quantity's own year.

    An outdated figure is no yardstick for today's ("3 g per search" may be
    true of a search now), but a statement that names the year the source
    published ("Google, 2009: …") reports the source, and the source said
    otherwise. Derived amounts and bounds say too little of what was published.
    """
    if figure.derivation is not None or figure.shared_by or figure.bound or figure.present:
        return None
    return next(
        (
            c
            for c in comparisons
            if c.claim.status is Status.outdated
            and c.quantity.year is not None
            and c.quantity.year in figure.years
        ),
        None,
    )


def _as_published(comparison: Comparison) -> bool:
    """The stated figure is the published one: its range, or rounded; a bound near it.

    "Over half a million servers" repeats 512,821; "more than 10 Wh" repeats no
    figure of 14.9 Wh, though 14.9 is more than 10.
    """
    if comparison.stated.bound is None:
        return _agrees(
            comparison.low, comparison.high, comparison.quantity, AS_PUBLISHED
        ) or _rounded_from(comparison)
    end = comparison.stated_in_claim_unit
    return _agrees(end, end, comparison.quantity, ROUNDING_TOLERANCE)


def _rounded_from(comparison: Comparison) -> bool:
    """The published value, rounded to the digits the statement writes ("about 1 kJ" of 1.08)."""
    stated, quantity = comparison.stated, comparison.quantity
    digits = significant_digits(stated.text)
    if digits is None or stated.low is not None or comparison.low <= 0 or quantity.low is not None:
        return False
    published = stated.value * quantity.value / comparison.low  # in the statement's unit
    return math.isclose(round_significant(published, digits), stated.value, rel_tol=1e-9)


def _outdated(claim: Claim | None) -> bool:
    return claim is not None and claim.status is Status.outdated


def _against_correction(
    figure: StatedFigure, corrected: Claim, per_unit: Quantity | None
) -> Comparison | None:
    """The stated figure against the correcting claim's quantity of the same measure."""
    for index, quantity in enumerate(corrected.quantities):
        if quantity.measure not in figure.measures or not quantity.checkable:
            continue
        converted = _stated_range(figure, quantity, per_unit)
        if converted is None:
            continue
        low, high, _unit = converted
        return Comparison(corrected, index, figure, low, high, _agrees(low, high, quantity))
    return None


def _nearest(
    hits: list[SearchHit],
    relevance: dict[str, float],
    stated: list[StatedFigure],
    context: StatementContext,
    claims: list[Claim],
    limit: int,
) -> list[tuple[Claim, float]]:
    """Claims to read next: about the subjects the statement names, then by words."""
    named = context.all_named()
    measures = {m for figure in stated for m in figure.measures}
    scored: dict[str, tuple[Claim, float]] = {}
    for claim in claims:
        score = 0.0
        for quantity in claim.quantities:
            tags = {t for raw in quantity.subject for t in implied(split_tag(raw)[0])}
            shared = len(tags & named)
            score = max(score, shared + (0.5 if quantity.measure in measures else 0.0))
        if score > 0:
            scored[claim.id] = (claim, score)
    for hit in hits[:limit]:
        if hit.claim.id not in scored and hit.claim.id in relevance:
            scored[hit.claim.id] = (hit.claim, 0.4 * relevance[hit.claim.id])
    ranked = sorted(scored.values(), key=lambda item: item[1], reverse=True)
    top = ranked[0][1] if ranked else 0.0
    return [(claim, score / top) for claim, score in ranked[:limit] if top]
