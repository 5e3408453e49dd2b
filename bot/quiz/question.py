"""The question of a quiz: the claim's statement with its figure blank.

The statement exists in both languages and says exactly what was measured, so
the question never asks what the source does not answer. The figure is found
as ``/check`` finds figures (:func:`facts.statements.extract_figures`); the
same amount restated in brackets beside it goes blank with it ("0.08 kWh
(77 Wh)"); a statement that says it again elsewhere (within 10 %), or a factor
said with its verb ("doubled"), makes no question. A statement too long for a
poll is cut to its sentence, then at a clause after the blank. Reading a
statement is the slow part of a quiz, so each is read once (an LRU).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.foundation.i18n import _, use_language
from bot.quiz.model import QUESTION_MAX, Skip, SkipReason
from facts.measures import Measure
from facts.models import Claim, Quantity
from facts.scene import sentence_of, sentence_spans
from facts.statements import StatedFigure, extract_figures
from facts.units import convert

BLANK = "____"
SAME = 0.01  # a stated figure within 1 % of the claim's is the claim's
NEAR = 0.1  # another figure of the question within 10 % of the answer gives it away
QUESTIONS_KEPT = 4096  # statements read and blanked, kept (a base of thousands, two languages)
RESTATED = re.compile(r"\s*\(([^()]*)\)")  # "(77 Wh)", "(about 0.03 Wh)" right after a figure
CLAUSE_BREAK = re.compile(r"[,;]\s")


def question_of(claim: Claim, quantity: Quantity, language: str) -> str | Skip:
    """The statement with its figure blank (read once per statement and figure: reading is slow)."""
    return _cached_question(
        claim.id, claim.statement.pick(language), quantity.model_dump_json(), language
    )


@lru_cache(maxsize=QUESTIONS_KEPT)
def _cached_question(claim_id: str, statement: str, quantity: str, language: str) -> str | Skip:
    return _blanked(claim_id, statement, Quantity.model_validate_json(quantity), language)


def _blanked(claim_id: str, statement: str, quantity: Quantity, language: str) -> str | Skip:
    """The statement with its figure blank, in ``language``; cut to its sentence if too long.

    The same amount restated in brackets right after the figure ("0.08 kWh (77 Wh)")
    goes with it; said anywhere else, it gives the answer away and the claim is skipped.
    """
    figures = extract_figures(statement, language)
    found = next((f for f in figures if _is_the_figure(f, quantity)), None)
    if found is None:
        return Skip(
            claim_id=claim_id,
            reason=SkipReason.no_figure,
            detail=f"{language}: {quantity.value:g} {quantity.unit} not found in the statement",
        )
    if quantity.measure is Measure.factor and not statement[found.start].isdigit():
        # "doubled", "divisée par 33": the verb would go blank with it, and "2 times" is no verb
        return Skip(
            claim_id=claim_id,
            reason=SkipReason.no_figure,
            detail=f"{language}: the factor is said with its verb",
        )
    blank_start, blank_end = found.start, found.end
    near = [f for f in figures if f is not found and _is_the_figure(f, quantity, NEAR)]
    for first in (found, *near):  # the figure, then its restatement in brackets
        restated = RESTATED.match(statement, first.end)
        inside = [f for f in (found, *near)
                  if restated is not None and restated.start(1) <= f.start < restated.end(1)]  # fmt: skip
        if restated is not None and inside:
            blank_start, blank_end = first.start, restated.end()
            near = [f for f in near if f is not first and f not in inside]
            break
    if near:
        return Skip(
            claim_id=claim_id,
            reason=SkipReason.gives_it_away,
            detail=f"{language}: the statement gives the figure twice",
        )
    with use_language(language):
        template = _("Fill in the blank: {sentence}")
    text = statement[:blank_start] + BLANK + statement[blank_end:]
    question = template.format(sentence=text)
    if len(question) > QUESTION_MAX:
        start, end = sentence_of(sentence_spans(statement), blank_start)
        sentence = statement[start:blank_start] + BLANK + statement[blank_end:end]
        question = template.format(sentence=_closed(sentence.strip()))
    if len(question) > QUESTION_MAX:
        head = template.format(sentence="")
        sentence = statement[start:blank_start] + BLANK + statement[blank_end:end]
        clause = _clause(sentence.strip(), QUESTION_MAX - len(head), blank_start - start)
        if clause is not None:
            question = head + clause
    if len(question) > QUESTION_MAX:
        return Skip(
            claim_id=claim_id,
            reason=SkipReason.too_long,
            detail=f"{language}: {len(question)} characters with its sentence alone",
        )
    return question


def _clause(sentence: str, room: int, blank_at: int) -> str | None:
    """The sentence cut at the last clause break (comma, semicolon) that fits ``room``."""
    for match in reversed(list(CLAUSE_BREAK.finditer(sentence))):
        cut = _closed(sentence[: match.start()] + ",")
        if match.start() > blank_at + len(BLANK) and len(cut) <= room:
            return cut
    return None


def _closed(clause: str) -> str:
    """A statement cut after a clause, so it reads as cut: "…", and its brackets closed."""
    if clause.endswith((";", ",", ":")):
        clause = clause[:-1].rstrip() + "…"
    return clause + ")" * max(0, clause.count("(") - clause.count(")"))


def _is_the_figure(figure: StatedFigure, quantity: Quantity, within: float = SAME) -> bool:
    """Whether a figure of the statement is the claim's (its value, in the claim's unit)."""
    value = convert(figure.value, figure.unit, quantity.unit)
    stated = [figure.value] if value is None else [value]
    if value is None and figure.low is not None and figure.high is not None:
        stated += [figure.low, figure.high]
    elif value is not None and figure.low is not None and figure.high is not None:
        low = convert(figure.low, figure.unit, quantity.unit)
        high = convert(figure.high, figure.unit, quantity.unit)
        stated += [v for v in (low, high) if v is not None]
    wanted = {quantity.value, *quantity.bounds}
    return any(abs(s - w) <= within * abs(w) for s in stated for w in wanted if w)
