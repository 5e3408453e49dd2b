"""Where a figure of a statement stands: its sentence, years and tense, its "per", its measures.

:mod:`facts.statements` finds the figures (numbers, units, ranges, words for
numbers); this module reads the scene around each one, which decides what the
figure is about: the sentence it sits in (for subjects and years), whether it
speaks of a year or of today or of a projection, what it is counted per (only
when said next to it, or for an amount, by its sentence), and which measures
its unit can be once the neighbouring words are read ("a 30 % rise" is a
change, "30 % of" a share; "37B active" is active parameters).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from functools import lru_cache

from facts.accents import compile_loose
from facts.measures import Measure, measures_for_unit
from facts.models import Per
from facts.wording import (
    ACTIVE_CUES,
    CHANGE_CUES,
    CLAUSE_END,
    FROM_BEFORE,
    FUTURE_CUES,
    FUTURE_FR,
    NOT_FUTURE_FR,
    PER_PATTERNS,
    PLURAL_REQUESTS,
    PRESENT_CUES,
    REQUEST_SUBJECT,
    SENTENCE_END,
    SHARE_CUES,
    TRAINING,
    YEAR,
    guess_language,
)

YEAR_AFTER_CHARS = 30  # "5 % of the country's electricity in 2015": a few words at most


class Scene:
    """The sentences and years of one statement, to place each of its figures in them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self.years = years_in(text)

    def sentence(self, position: int) -> str:
        """The sentence a position of the statement falls in."""
        return self.text[slice(*sentence_of(self.spans, position))]

    def is_present(self, start: int) -> bool:
        """Whether the figure at ``start`` speaks of today ("aujourd'hui") rather than a year."""
        sentence = sentence_of(self.spans, start)
        cues = [pos + sentence[0] for pos in present_cues(self.text[slice(*sentence)])]
        if not cues:
            return False
        inside = [pos for _year, pos in self.years if sentence[0] <= pos < sentence[1]]
        nearest_cue = min(abs(pos - start) for pos in cues)
        return not inside or nearest_cue < min(abs(pos - start) for pos in inside)

    def year_after(self, end: int, limit: int) -> int | None:
        """Where a year said right after a figure stands ("76 TWh in 2018"), or ``None``.

        Right after: in the figure's clause, before ``limit`` (the next figure),
        within a few words. Such a year is that figure's, and no other's.
        """
        window = self.text[end : min(limit, end + YEAR_AFTER_CHARS)]
        for _year, position in self.years:
            offset = position - end
            if 0 <= offset < len(window) and not CLAUSE_END.search(window[:offset]):
                return position
        return None

    def years_at(self, start: int, taken: frozenset[int] = frozenset()) -> frozenset[int]:
        """The year said nearest the figure in its sentence (or the statement's only year).

        Years at the positions ``taken`` belong to other figures (said right after them).
        """
        if self.is_present(start):
            return frozenset()
        sentence = sentence_of(self.spans, start)
        inside = [
            (year, pos)
            for year, pos in self.years
            if sentence[0] <= pos < sentence[1] and pos not in taken
        ]
        if len({year for year, _pos in inside}) > 1:
            inside = [min(inside, key=lambda item: abs(item[1] - start))]
        if not inside and len({year for year, _pos in self.years}) == 1:
            inside = self.years
        return frozenset(year for year, _pos in inside)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends (``U.S.`` and ``0.3`` do not split)."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def sentence_of(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The span holding ``position`` (the last one past the end), found by halving: a long
    message has thousands of sentences and every figure asks."""
    index = bisect_right(spans, (position, math.inf)) - 1
    if 0 <= index < len(spans) and spans[index][0] <= position < spans[index][1]:
        return spans[index]
    return spans[-1]


def years_in(text: str) -> list[tuple[int, int]]:
    """The years a text names, with their positions."""
    return [(int(m.group(0)), m.start()) for m in YEAR.finditer(text)]


def future_tense(text: str) -> bool:
    """Whether the text speaks of a projection ("will", "by 2030", "d'ici", "fournira")."""
    if FUTURE_CUES.search(text) is not None:
        return True
    return (
        any(match.group(0).casefold() not in NOT_FUTURE_FR for match in FUTURE_FR.finditer(text))
        and guess_language(text) == "fr"
    )


AMOUNTS = frozenset({Measure.energy, Measure.water, Measure.emissions})


WHAT_FILLER = compile_loose(
    r"^\s*(?:of|d['’]|de l['’]|de|du)\s*(?:electricity|energy|power|fresh water|water|CO2\w*|"
    r"électricité|énergie|eau douce|eau|CO2\w*)\b",
    re.I,
)


def said_per(text: str, end: int) -> Per | None:
    """What the figure ending at ``end`` is counted per, if the words right after it say."""
    filler = WHAT_FILLER.match(text[end : end + 40])
    if filler is not None:
        end += filler.end()  # "0.34 Wh of electricity per day"
    after = text[end : end + 60]
    for per, pattern in PER_PATTERNS:
        if pattern.match(after):
            return per
    return None


def per_at(text: str, end: int, sentence: str, measures: tuple[Measure, ...]) -> Per | None:
    """What the figure ending at ``end`` is counted per: said next to it, or by its sentence.

    Only an amount (energy, water, emissions) takes its "per" from the sentence:
    "a Gemini prompt" makes 0.24 Wh per request, but not a 33-fold gain.
    """
    said = said_per(text, end)
    if said is Per.token and not AMOUNTS.intersection(measures):
        return None  # "17B active per token": which parameters, not what a figure is per
    if said is not None or not AMOUNTS.intersection(measures):
        return said
    return sentence_per(sentence)


@lru_cache(maxsize=256)
def sentence_per(sentence: str) -> Per | None:
    """What a sentence's amounts are counted per when it does not say so next to them."""
    if PLURAL_REQUESTS.search(sentence):
        return None  # "2.5 billion prompts a day": a count, not an amount per prompt
    if REQUEST_SUBJECT.search(sentence):
        return Per.request
    if TRAINING.search(sentence):
        return Per.training
    return None


@lru_cache(maxsize=256)
def present_cues(sentence: str) -> tuple[int, ...]:
    return tuple(m.start() for m in PRESENT_CUES.finditer(sentence))


def measures_near(unit: str, text: str, start: int, end: int) -> tuple[Measure, ...]:
    """The measures a figure in ``unit`` can be, narrowed by the words around it."""
    measures = measures_for_unit(unit)
    before, after = text[max(0, start - 40) : start], text[end : end + 50]
    nearby_before = from_last_number(before[-20:])
    if Measure.share in measures:
        signed = re.search(r"[+−-]\s*$", before) is not None
        change = signed or CHANGE_CUES.search(before[-25:] + " " + after[:30]) is not None
        share = (
            SHARE_CUES.search(after[:12]) is not None or FROM_BEFORE.search(before) is not None
        ) and not signed
        measures = [Measure.change] if change and not share else [Measure.share]
    if Measure.parameters_total in measures or Measure.experts_total in measures:
        cue = ACTIVE_CUES.search(nearby_before + " " + text[start:end] + to_next_number(after))
        if cue is not None and cue.start() > len(nearby_before) + 1 + (end - start):
            rest = after[cue.end() - len(nearby_before) - 1 - (end - start) :]
            if LEADS_TO_NUMBER.match(rest):
                cue = None  # "671B parameters that activate 37B": the next figure's word
        active = cue is not None or ACTIVE_CUES.match(after) is not None
        measures = [
            m
            for m in measures
            if (m in (Measure.parameters_active, Measure.experts_active)) == active
        ]
    return tuple(measures)


LEADS_TO_NUMBER = re.compile(r"\w*[\s,]+(?:[^\W\d]+\s+){0,2}~?\d")


def to_next_number(after: str, limit: int = 40) -> str:
    """The words after a figure up to the next number: "671B parameters but only 37B are active"."""
    digit = re.search(r"\d", after)
    return after[: min(limit, digit.start() if digit else limit)]


def from_last_number(before: str) -> str:
    """The words before a figure back to the previous figure's end: "17 B active and 16 experts"."""
    ends = [m.end() for m in re.finditer(r"\d[\w.,]*(?:\s+\w+)?", before)]
    return before[ends[-1] :] if ends else before
