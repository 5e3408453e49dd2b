"""Make a quiz of a claim: ask for its figure, offer plausible wrong ones, say why each is wrong.

The question is the claim's own statement with its figure left blank ("Fill in
the blank: Data centres worldwide used about ____ of electricity in 2024…",
:mod:`bot.quiz.question`). The options are amounts in the claim's unit, formatted as /fact shows figures
(:func:`bot.foundation.amounts.amount_text`):

- the right one, the sourced value (or range);
- figures that circulated and were corrected: the outdated or false claims
  whose ``corrected_by`` leads here, converted to this claim's unit;
- orders of magnitude around it (÷10, ×10, ×100…), in a pattern chosen by the
  claim, so the right answer is not always the middle one; a share stays at
  most 100 % (then ÷2, ×2 too).

Options are chosen as values, the same in every language, and any that would
read the same as another once rounded, in either language, is left out; then
they are shuffled by the claim's id. So a claim asks the same quiz, with the
right answer at the same place, in French and English.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.foundation.amounts import amount_text
from bot.foundation.i18n import _, use_language
from bot.quiz.model import (
    EXPLANATION_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    Quiz,
    Skip,
    SkipReason,
)
from bot.quiz.question import question_of
from facts.measures import Measure
from facts.models import Claim, Quantity, Status
from facts.subjects import share_of
from facts.units import convert
from facts.vocabulary import status_label

LANGUAGES = ("en", "fr")
WRONG_OPTIONS = 3  # a right answer among four
FEWEST_WRONG = 2  # fewer than this that read differently: no quiz
FEWEST_TIMES = 1.5  # "0.3 times" is no factor anyone would say: a factor option is at least this
WIDEST_RANGE = 10.0  # a range whose ends are this far apart overlaps its ×10 neighbours
# Which powers of ten the wrong options are, one pattern per claim: the right answer
# is then the second, third, smallest or largest of four as often as not.
PATTERNS = ((-2, -1, 1), (-1, 1, 2), (1, 2, 3), (-3, -2, -1))
SHARE_FACTORS = (Decimal("0.1"), Decimal("0.5"), Decimal(2), Decimal(10), Decimal("0.01"))
PERCENT = "%"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An option as a value: what it is, and why it is wrong (``None``: it is right)."""

    value: Decimal
    low: Decimal | None
    high: Decimal | None
    unit: str
    why: str | None
    circulated: str | None = None  # the claim whose corrected figure this option is

    @property
    def span(self) -> tuple[Decimal, Decimal]:
        """From its lowest to its highest value (a point is its own span)."""
        ends = [v for v in (self.low, self.value, self.high) if v is not None]
        return min(ends), max(ends)

    def overlaps(self, other: Candidate) -> bool:
        """ "9–15 mL" and "10–25 mL" share values: no one could say which is wrong."""
        low, high = self.span
        other_low, other_high = other.span
        return low <= other_high and other_low <= high

    @property
    def smallest(self) -> Decimal:
        return self.value if self.low is None else min(self.low, self.value)

    def text(self) -> str:
        low = float(self.low) if self.low is not None else None
        high = float(self.high) if self.high is not None else None
        return amount_text(float(self.value), self.unit, low, high)

    def scaled(self, factor: Decimal, why: str) -> Candidate:
        def scale(number: Decimal | None) -> Decimal | None:
            return None if number is None else _rounded(number * factor, number)

        value = scale(self.value)
        assert value is not None
        return Candidate(value, scale(self.low), scale(self.high), self.unit, why)


def quiz_for(
    claim: Claim, language: str, *, base: Sequence[Claim] = (), page: str | None = None
) -> Quiz | Skip:
    """The quiz of ``claim`` in ``language``, or why it makes none.

    ``base`` holds the claims whose corrections chain may offer a figure that
    circulated; ``page`` is the claim's public page in ``language``, if any.
    """
    if claim.retracted:
        return Skip(claim_id=claim.id, reason=SkipReason.retracted)
    if not claim.status.trustworthy:
        return Skip(claim_id=claim.id, reason=SkipReason.not_trustworthy, detail=claim.status.value)
    quantity = claim.figure
    refused = _refused(claim, quantity)
    if refused is not None:
        return refused
    questions = {lang: question_of(claim, quantity, lang) for lang in LANGUAGES}
    for question in questions.values():
        if isinstance(question, Skip):
            return question
    candidates = option_candidates(claim, quantity, base)
    if len(candidates) - 1 < FEWEST_WRONG:
        return Skip(
            claim_id=claim.id,
            reason=SkipReason.options_collide,
            detail=f"{len(candidates) - 1} wrong options read differently",
        )
    random.Random(_seed(claim.id)).shuffle(candidates)
    # Imported here: bot.commands imports this module (the /quiz command), not the reverse.
    from bot.commands.claims import claim_text

    with use_language(language):
        options = tuple(c.text() for c in candidates)
        right = next(i for i, c in enumerate(candidates) if c.why is None)
        question = questions[language]
        assert isinstance(question, str)
        return Quiz(
            claim_id=claim.id,
            topic=claim.topic.value,
            language=language,
            question=question,
            options=options,
            right=right,
            wrong_reasons=tuple(_reason(c, base) for c in candidates),
            circulated=tuple(c.circulated for c in candidates),
            explanation=_explanation(claim, options[right], language, page),
            details=claim_text(claim, page=page),
            page=page,
            corrects_circulating=any(c.circulated for c in candidates),
        )


def circulating_figures(claim: Claim, base: Sequence[Claim]) -> bool:
    """Whether a figure of ``base`` that circulated and was corrected by ``claim`` fits its quiz."""
    return any(_circulated(claim, claim.figure, base))


def may_make_a_quiz(claim: Claim) -> bool:
    """Whether ``claim`` passes the quick checks of :func:`quiz_for` (no statement read).

    For pages that link a claim's quiz and must stay fast: reading the
    statement (the slow part) is left to the quiz's own page.
    """
    return (
        not claim.retracted and claim.status.trustworthy and _refused(claim, claim.figure) is None
    )


def _refused(claim: Claim, quantity: Quantity) -> Skip | None:
    """Why the main figure makes a poor question, if it does."""
    low, high = quantity.bounds
    if quantity.value <= 0 or low <= 0:
        return Skip(claim_id=claim.id, reason=SkipReason.not_a_count, detail=f"{quantity.value}")
    if quantity.measure is Measure.change:
        return Skip(claim_id=claim.id, reason=SkipReason.not_a_count, detail="a change")
    if quantity.measure is Measure.share and not all(
        share_of(quantity.subject, lang) for lang in LANGUAGES
    ):
        return Skip(
            claim_id=claim.id,
            reason=SkipReason.unnamed_share,
            detail=f"{quantity.value} {quantity.unit} of what the claim does not name",
        )
    if high / low >= WIDEST_RANGE:
        return Skip(
            claim_id=claim.id,
            reason=SkipReason.range_too_wide,
            detail=f"{low:g}–{high:g} {quantity.unit}",
        )
    return None


def option_candidates(claim: Claim, quantity: Quantity, base: Sequence[Claim]) -> list[Candidate]:
    """The right option and up to three wrong ones that read differently in every language
    and share no value with another option."""
    right = Candidate(
        _decimal(quantity.value),
        _decimal(quantity.low) if quantity.low is not None else None,
        _decimal(quantity.high) if quantity.high is not None else None,
        quantity.unit,
        None,
    )
    chosen = [right]
    shown = [_texts(right)]
    for candidate in (*_circulated(claim, quantity, base), *_magnitudes(claim, right)):
        if len(chosen) > WRONG_OPTIONS or len(chosen) >= OPTIONS_MAX:
            break
        texts = _texts(candidate)
        if any(len(t) > OPTION_MAX for t in texts.values()):
            continue
        if any(texts[lang].casefold() == other[lang].casefold() for other in shown
               for lang in LANGUAGES):  # fmt: skip
            continue
        if any(candidate.overlaps(option) for option in chosen):
            continue
        chosen.append(candidate)
        shown.append(texts)
    return chosen


def _texts(candidate: Candidate) -> dict[str, str]:
    texts = {}
    for lang in LANGUAGES:
        with use_language(lang):
            texts[lang] = candidate.text()
    return texts


def _reason(candidate: Candidate, base: Sequence[Claim]) -> str | None:
    """Why an option is wrong, in the current language (``÷10``; a figure that circulated)."""
    other = next((c for c in base if c.id == candidate.circulated), None)
    if candidate.why is None or other is None:
        return candidate.why
    return _("{status} figure of {id} ({publisher})").format(
        status=status_label(other.status), id=other.id, publisher=other.sources[0].publisher
    )


def _circulated(claim: Claim, quantity: Quantity, base: Sequence[Claim]) -> Iterator[Candidate]:
    """Figures of the claims this one corrects (and those they correct), in its unit."""
    seen = {claim.id}
    frontier = [claim.id]
    while frontier:
        target = frontier.pop(0)
        for other in base:
            if other.corrected_by != target or other.id in seen or other.retracted:
                continue
            seen.add(other.id)
            frontier.append(other.id)
            if other.status in (Status.verified, Status.secondary):
                continue
            for theirs in other.quantities:
                if theirs.measure is not quantity.measure or theirs.per is not quantity.per:
                    continue
                value = convert(theirs.value, theirs.unit, quantity.unit)
                if value is None or value <= 0:
                    continue
                low = convert(theirs.bounds[0], theirs.unit, quantity.unit)
                high = convert(theirs.bounds[1], theirs.unit, quantity.unit)
                ranged = theirs.low is not None and low is not None and high is not None
                yield Candidate(
                    _significant(value),
                    _significant(low) if ranged and low is not None else None,
                    _significant(high) if ranged and high is not None else None,
                    quantity.unit,
                    f"{other.status.value} figure of {other.id} ({other.sources[0].publisher})",
                    other.id,
                )
                break


def _magnitudes(claim: Claim, right: Candidate) -> Iterator[Candidate]:
    """Orders of magnitude around the right value, in the claim's pattern (a share ≤ 100 %)."""
    rng = random.Random(_seed(claim.id))
    if right.unit == PERCENT:
        factors = list(SHARE_FACTORS)
        rng.shuffle(factors)
        for factor in factors:
            candidate = right.scaled(factor, _factor_label(factor))
            if max(candidate.value, candidate.high or 0) <= 100:
                yield candidate
        return
    pattern = PATTERNS[rng.randrange(len(PATTERNS))]
    rest = [k for k in (-3, -2, -1, 1, 2, 3) if k not in pattern]
    for power in (*pattern, *rest):
        factor = Decimal(10) ** power
        candidate = right.scaled(factor, _factor_label(factor))
        if claim.figure.measure is Measure.factor and candidate.smallest < FEWEST_TIMES:
            continue
        yield candidate


def _factor_label(factor: Decimal) -> str:
    """``×10``, ``÷100``, ``×2``: why an option is wrong."""
    if factor >= 1:
        return f"×{factor.normalize():f}"
    return f"÷{(1 / factor).normalize():f}"


def _explanation(claim: Claim, answer: str, language: str, page: str | None) -> str:
    """The answer with its source, and where the rest is, in Telegram's 200 characters."""
    source = claim.sources[0]
    cited = source.publisher + (f", {source.date}" if source.date else "")
    where = page or _("/fact {id}").format(id=claim.id)
    statement = claim.statement.pick(language)
    for text in (
        f"{statement} ({cited}) {where}",
        _("{answer}: {source}. More: {where}").format(answer=answer, source=cited, where=where),
        _("{answer}: {source}.").format(answer=answer, source=cited),
        answer,
    ):
        if len(text) <= EXPLANATION_MAX:
            return text
    return answer[:EXPLANATION_MAX]


def _seed(claim_id: str) -> int:
    """A number of the claim's id, the same in every process (``hash()`` is salted)."""
    return int.from_bytes(hashlib.sha256(claim_id.encode()).digest()[:8], "big")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _rounded(number: Decimal, like: Decimal) -> Decimal:
    """``number`` with at most as many significant digits as ``like`` (a decade shift keeps them)."""
    digits = max(1, len(like.normalize().as_tuple().digits))
    return _significant(float(number), digits)


def _significant(value: float, digits: int = 3) -> Decimal:
    """``value`` to ``digits`` significant digits, as a decimal (no float noise)."""
    return Decimal(f"{value:.{digits - 1}e}").normalize()
