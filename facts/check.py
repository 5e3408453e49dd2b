"""Check a circulating statement against the claim base.

``check_statement`` finds the figures a statement gives (``7 832 GWh``,
``2,9 kWh``, ``50 gigawattheures``, ``500 mL par question``, ``10 recherches
Google``), finds the claims it is about (full-text search over statements and
keywords), and compares each figure with every claim it can be compared with:
same physical dimension (pint converts the units) and, when both say, the same
"per" (per request, per year…). The verdict:

- ``consistent``: a current claim (verified or secondary) agrees, within its
  range widened by a rounding tolerance;
- ``inconsistent``: the figure disagrees with the current claims, or agrees
  only with one marked outdated, false or disputed (the answer gives the
  current figure and the ratio stated ÷ sourced);
- ``unknown``: no figure, or no claim of the base it can be compared with.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

from facts.models import Claim, Per
from facts.numbers import NUMBER as _NUMBER
from facts.numbers import parse_number
from facts.search import SearchHit, search_claims
from facts.store import ClaimStore
from facts.units import convert, known_unit_words, unit_expression

ROUNDING_TOLERANCE = 0.15  # "about 0.3 Wh" agrees with 0.34 Wh
MIN_RELEVANCE = 0.3  # share of the best search score a claim needs to be "about" the text
CLOSER_MARGIN = 0.005  # orders of magnitude: a bad figure must be clearly closer to win
GOOGLE_SEARCH_CLAIM = "google-search-2009"


class Verdict(StrEnum):
    consistent = "consistent"
    inconsistent = "inconsistent"
    unknown = "unknown"


@dataclass(frozen=True, slots=True)
class StatedFigure:
    """A figure found in the statement, with the unit as written and what it is per."""

    value: float
    unit: str
    text: str
    per: Per | None


@dataclass(frozen=True, slots=True)
class Comparison:
    claim: Claim
    relevance: float
    stated: StatedFigure
    stated_in_claim_unit: float
    agrees: bool

    @property
    def ratio(self) -> float:
        return self.stated_in_claim_unit / self.claim.figure.value


@dataclass(frozen=True, slots=True)
class CheckResult:
    verdict: Verdict
    stated: list[StatedFigure]
    matches: list[tuple[Claim, float]]  # the claims the text is about, with relevance
    reference: Comparison | None = None  # the current sourced figure compared with
    agreeing_untrustworthy: Comparison | None = None  # an outdated/false/disputed match
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.reference.ratio if self.reference else None


# ---- finding figures ------------------------------------------------------------------

_SCALES_EN = {"thousand": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6,
              "billion": 1e9, "billions": 1e9, "bn": 1e9, "trillion": 1e12, "trillions": 1e12}  # fmt: skip
_SCALES_FR = {"mille": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9,
              "milliards": 1e9, "md": 1e9, "billion": 1e12, "billions": 1e12}  # fmt: skip
_SEARCH_UNITS = ("recherches google", "recherche google", "google searches", "google search")
_PER_WORDS: dict[Per, tuple[str, ...]] = {
    Per.request: ("request", "requests", "query", "queries", "question", "questions", "prompt",
                  "prompts", "answer", "response", "reply", "e-mail", "email", "requête",
                  "requêtes", "réponse", "réponses", "message", "courriel"),
    Per.year: ("year", "yearly", "annual", "annually", "an", "année", "annuel", "annuelle", "par an"),
    Per.day: ("day", "daily", "jour", "quotidien", "quotidienne"),
    Per.hour: ("hour", "heure"),
    Per.training: ("training", "train", "trained", "entraînement", "entraîner", "entraîné"),
}  # fmt: skip


def _figure_pattern() -> re.Pattern[str]:
    units = [re.escape(u) for u in (*_SEARCH_UNITS, *known_unit_words())]
    scales = sorted({*_SCALES_EN, *_SCALES_FR}, key=len, reverse=True)
    return re.compile(
        rf"(?<![\w.,])(?P<number>{_NUMBER})"
        rf"(?:\s*(?P<scale>{'|'.join(scales)})\b)?"
        rf"(?:\s*(?:de |d’|d'|of )?)?"
        rf"\s*(?P<unit>{'|'.join(units)})(?![\w])",
        re.IGNORECASE,
    )


_FIGURE = _figure_pattern()
_SINGLE = re.compile(
    r"\b(?:un seul|une seule|only one|a single|just one|one single)\s+(?P<unit>[\w-]+)", re.I
)
_RATIO = re.compile(rf"×\s*(?P<b>{_NUMBER})", re.I)  # "×10"; "10×" and "10 fois" are units


_GOOGLE_AFTER = re.compile(
    r"[^.;]{0,30}?(?:recherches? google|google search(?:es)?)", re.IGNORECASE
)


def guess_language(text: str) -> str:
    """``fr`` or ``en``, from the small words of the text (for reading numbers)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.casefold())
    french = sum(w in {"le", "la", "les", "une", "des", "du", "est", "par", "pour", "et", "de"}
                 for w in words)  # fmt: skip
    english = sum(w in {"the", "a", "an", "is", "per", "for", "and", "of", "uses", "to"}
                  for w in words)  # fmt: skip
    return "fr" if french > english else "en"


def _per_of(text: str, start: int, end: int) -> Per | None:
    """What the figure at ``start:end`` is counted per, from the words around it."""
    after = text[end : end + 40].casefold()
    for per, words in _PER_WORDS.items():
        for word in words:
            if re.match(rf"\s*(?:per|par|a|an|by|each|chaque|pour|/)\s+(?:\w+\s+)?{word}\b", after):
                return per
    sentence = text.casefold()
    for per in (Per.training, Per.request):
        if any(re.search(rf"\b{re.escape(w)}\b", sentence) for w in _PER_WORDS[per]):
            return per
    return None


def extract_figures(text: str, language: str | None = None) -> list[StatedFigure]:
    """The figures with a unit that ``text`` states, in order."""
    language = language or guess_language(text)
    scales = _SCALES_FR if language == "fr" else _SCALES_EN
    found: list[StatedFigure] = []
    spans: list[tuple[int, int]] = []
    for match in _FIGURE.finditer(text):
        value = parse_number(match["number"], language)
        if match["scale"]:
            value *= scales.get(match["scale"].casefold(), 1.0)
        unit = match["unit"].casefold()
        per = _per_of(text, match.start(), match.end())
        if unit in _SEARCH_UNITS:
            unit = "google searches"
        elif unit_expression(unit) is None:
            continue
        elif unit_expression(unit) == "ratio" and _GOOGLE_AFTER.match(text, match.end()):
            unit, per = "google searches", Per.request  # "10 fois une recherche Google"
        found.append(StatedFigure(value, unit, match.group(0), per))
        spans.append((match.start(), match.end()))
    for match in _SINGLE.finditer(text):
        unit = match["unit"].casefold()
        if unit_expression(unit) is not None:
            per = _per_of(text, match.start(), match.end())
            found.append(StatedFigure(1.0, unit, match.group(0), per))
    for match in _RATIO.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in spans):
            continue
        value = parse_number(match["b"], language)
        if _GOOGLE_AFTER.match(text, match.end()):
            # "10 fois une recherche Google": ten Google searches per request
            found.append(StatedFigure(value, "google searches", match.group(0), Per.request))
        else:
            found.append(StatedFigure(value, "times", match.group(0), None))
    return found


# ---- comparing ------------------------------------------------------------------------


_YEAR = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")


def years_in(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def _same_period(stated_years: set[str], claim: Claim) -> bool:
    """A figure for 2024 is not compared with a claim about 2030 (or 2020)."""
    if not stated_years:
        return True
    claim_years = years_in(claim.statement.en)
    return not claim_years or bool(stated_years & claim_years)


def _comparable_per(stated: Per | None, claimed: Per) -> bool:
    return stated is None or claimed is Per.total or stated == claimed


async def _in_claim_unit(store: ClaimStore, figure: StatedFigure, claim: Claim) -> float | None:
    if figure.unit == "google searches":
        search = await store.get(GOOGLE_SEARCH_CLAIM, include_retracted=True)
        if search is None:
            return None
        per_search = convert(search.figure.value, search.figure.unit, claim.figure.unit)
        return None if per_search is None else figure.value * per_search
    return convert(figure.value, figure.unit, claim.figure.unit)


def _agrees(value: float, claim: Claim) -> bool:
    low, high = claim.figure.bounds
    return low * (1 - ROUNDING_TOLERANCE) <= value <= high * (1 + ROUNDING_TOLERANCE)


async def check_statement(
    store: ClaimStore, text: str, language: str | None = None, limit: int = 15
) -> CheckResult:
    """Compare the figures of ``text`` with the claims it is about."""
    stated = extract_figures(text, language)
    hits: list[SearchHit] = await search_claims(store, text, limit=limit, any_term=True)
    best = max((hit.score for hit in hits), default=0.0)
    relevant = [
        (hit.claim, hit.score / best) for hit in hits if best and hit.score >= best * MIN_RELEVANCE
    ]
    comparisons: list[Comparison] = []
    stated_years = years_in(text)
    for figure in stated:
        for claim, relevance in relevant:
            if not _comparable_per(figure.per, claim.figure.per):
                continue
            if not _same_period(stated_years, claim):
                continue
            value = await _in_claim_unit(store, figure, claim)
            if value is None:
                continue
            comparisons.append(Comparison(claim, relevance, figure, value, _agrees(value, claim)))
    if not stated or not comparisons:
        return CheckResult(Verdict.unknown, stated, relevant, comparisons=comparisons)
    comparisons.sort(key=_rank, reverse=True)
    verdicts = []
    for figure in stated:
        mine = [c for c in comparisons if c.stated is figure]
        if mine:
            verdicts.append(await _judge(store, stated, relevant, mine, comparisons))
    # One wrong figure makes the statement wrong; otherwise the best-supported verdict.
    for verdict in (Verdict.inconsistent, Verdict.consistent):
        for result in verdicts:
            if result.verdict is verdict:
                return result
    return verdicts[0]


def _rank(item: Comparison) -> tuple[bool, float]:
    per_match = item.stated.per is not None and item.stated.per == item.claim.figure.per
    return (per_match, item.relevance)


def _distance(item: Comparison) -> float:
    """How far the stated figure is from the claim's range, in orders of magnitude."""
    low, high = item.claim.figure.bounds
    value = item.stated_in_claim_unit
    if value <= 0 or low <= 0:
        return math.inf
    if low <= value <= high:
        return 0.0
    return abs(math.log10(value / (low if value < low else high)))


async def _judge(
    store: ClaimStore,
    stated: list[StatedFigure],
    relevant: list[tuple[Claim, float]],
    mine: list[Comparison],
    comparisons: list[Comparison],
) -> CheckResult:
    """The verdict for one stated figure, from its comparisons (best ranked first)."""
    current = [c for c in mine if c.claim.status.trustworthy]
    agreeing_current = [c for c in current if c.agrees]
    agreeing_other = next((c for c in mine if c.agrees and not c.claim.status.trustworthy), None)
    if agreeing_current:
        best = agreeing_current[0]
        repeats_bad_figure = (
            agreeing_other is not None
            and _distance(agreeing_other) + CLOSER_MARGIN < _distance(best)
            and agreeing_other.relevance >= best.relevance * 0.8
        )
        if not repeats_bad_figure:
            return CheckResult(
                Verdict.consistent, stated, relevant, best, agreeing_other, comparisons
            )
    reference = current[0] if current else None
    if agreeing_other is not None and agreeing_other.claim.corrected_by:
        corrected = await store.get(agreeing_other.claim.corrected_by)
        if corrected is not None and _comparable_per(
            agreeing_other.stated.per, corrected.figure.per
        ):
            value = await _in_claim_unit(store, agreeing_other.stated, corrected)
            if value is not None:
                reference = Comparison(
                    corrected, agreeing_other.relevance, agreeing_other.stated, value,
                    _agrees(value, corrected),
                )  # fmt: skip
    if reference is None and agreeing_other is None:
        return CheckResult(Verdict.unknown, stated, relevant, None, None, comparisons)
    return CheckResult(
        Verdict.inconsistent, stated, relevant, reference, agreeing_other, comparisons
    )
