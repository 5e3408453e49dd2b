"""When a stated figure may be compared with a quantity of the base: only the same thing.

A figure and a quantity compare when they measure the same thing (same
measure, convertible units), about the same subjects, for the same period and
counted per the same thing. Every rule that fails is named, so ``/check`` can
say why nothing was comparable instead of judging against an unrelated claim:

- **measure and unit**: the figure may be the quantity's measure (a share is
  not a change, × is not %) and its unit converts to the quantity's;
- **subjects named in the statement**: a model, organisation, place, sector or
  condition the figure's sentence names must be one the quantity is about
  ("in Ireland" is not "worldwide", Claude is not GPT-4o);
- **subjects of the quantity**: each kind of subject the quantity is about
  must be named by the statement (a Llama 4 figure is not about "a model");
  tags marked optional and the world as a place may go unsaid;
- **period**: a year said next to the figure must be the quantity's; with no
  year, a projection (a year after the source) is compared only when the
  statement speaks of the future, and a past year's figure is not compared;
- **per**: said per request, day, year or hour, it must be the quantity's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from facts.models import Claim, Per, Quantity
from facts.scene import future_tense, sentence_of, sentence_spans
from facts.statements import COUNTED_THINGS, StatedFigure
from facts.subjects import (
    DEFAULT_PLACE,
    EXCLUSIVE_KINDS,
    Mention,
    SubjectKind,
    common_parent,
    composed,
    excluded_by,
    find_subjects,
    implied,
    is_exclusive,
    kind_of,
    split_tag,
)
from facts.units import convert
from facts.wording import CLAUSE_END, NEGATED_BEFORE, QUALIFYING_CLAUSE

OWNER_AFTER = re.compile(r"\s*(?:for|of|by|from|pour|de|du|des|d['’]|chez|par)\s*", re.I)
ANAPHORA = re.compile(r"\b(?:one|ones|celui|celle|ceux|celles)\b", re.I)
HISTORICAL_YEARS = 2  # a figure for a year this far before its source is history, not today


class Mismatch(StrEnum):
    """Why a figure was not compared with a quantity."""

    not_checkable = "not-checkable"
    measure = "measure"
    unit = "unit"
    subject = "subject"
    period = "period"
    per = "per"


@dataclass(frozen=True, slots=True)
class StatementContext:
    """What a statement names, found once for all its figures."""

    text: str
    mentions: tuple[Mention, ...]
    spans: tuple[tuple[int, int], ...]
    future: bool
    figures: tuple[StatedFigure, ...] = ()  # every figure of the statement

    @classmethod
    def of(cls, text: str, figures: Sequence[StatedFigure] = ()) -> StatementContext:
        mentions = [
            m
            for m in find_subjects(text)
            if not NEGATED_BEFORE.search(text[max(0, m.start - 20) : m.start])
        ]  # "(not data centres)", "hors centres de données": set aside, not named
        return cls(
            text=text,
            mentions=tuple(mentions),
            spans=tuple(sentence_spans(text)),
            future=future_tense(text),
            figures=tuple(figures),
        )

    def clause_of(self, figure: StatedFigure) -> tuple[int, int]:
        """The clause of the figure's sentence (between commas, colons, brackets)."""
        start, end = sentence_of(list(self.spans), figure.start)
        before = [m.end() for m in CLAUSE_END.finditer(self.text, start, figure.start)]
        after = CLAUSE_END.search(self.text, figure.end, end)
        return (before[-1] if before else start, after.start() if after else end)

    def named_near(self, figure: StatedFigure) -> list[str]:
        """The exclusive subjects said around the figure (see ``said_near``)."""
        return [tag for tag in self.said_near(figure) if is_exclusive(tag)]

    def said_near(self, figure: StatedFigure) -> list[str]:
        """The subjects said around the figure that may rule a quantity out.

        Per kind, the one nearest the figure in its sentence: "GPT-4o uses 0.3 Wh
        and GPT-4o mini 0.012 Wh" compares each figure with the model named next
        to it; two models of one family named together ("Scout + Maverick") are
        the family. Conditions ("on the GPU alone", "market-based") and things
        that rule a figure out (a server is not a GPU) apply when said in the
        figure's clause or before it in its sentence, or in a clause right after
        it that qualifies it ("0.26 mL, counting power-plant water"), not in a
        clause after it saying something else ("114 J, double the GPU-only number").
        """
        start, end = sentence_of(list(self.spans), figure.start)
        clause = self.clause_of(figure)
        reach = clause[1]  # conditions said up to here are the figure's
        if clause[1] < end and QUALIFYING_CLAUSE.match(self.text, clause[1] + 1):
            after = CLAUSE_END.search(self.text, clause[1] + 1, end)
            reach = after.start() if after else end
        by_kind: dict[SubjectKind, dict[str, int]] = defaultdict(dict)
        always: list[str] = []
        counted = figure.derivation in COUNTED_THINGS
        for mention in self.mentions:
            kind = kind_of(mention.tag)
            if kind is None or not start <= mention.start < end:
                continue
            if counted and figure.start <= mention.start < figure.end:
                continue  # "as much as an hour of Netflix": streaming is the unit, not the subject
            if kind is SubjectKind.condition or (
                kind in (SubjectKind.object, SubjectKind.resource) and is_exclusive(mention.tag)
            ):
                if start <= mention.start < reach:  # its clause, one leading or qualifying it
                    always.append(mention.tag)
                continue
            if kind not in EXCLUSIVE_KINDS or mention.start >= clause[1]:
                continue  # a subject named in a clause after the figure's is about another one
            if any(figure.end <= other.start < mention.start for other in self.figures):
                continue  # "2.5 bn a day, 330 M of them in the US": the US is the next figure's
            if any(
                other.end <= mention.start
                and mention.end <= figure.start
                and OWNER_AFTER.fullmatch(self.text, other.end, mention.start)
                for other in self.figures
            ):
                continue  # "1,354 t for Scout and 645 t for Maverick": Scout is the 1,354's
            distance = (
                figure.start - mention.end
                if mention.end <= figure.start
                else 2 * (mention.start - figure.end)  # names after a figure weigh less
            )
            known = by_kind[kind].get(mention.tag)
            by_kind[kind][mention.tag] = (
                abs(distance) if known is None else min(known, abs(distance))
            )
        named = list(always)
        for kind, tags in by_kind.items():
            family = common_parent(list(tags)) if kind is SubjectKind.model else None
            named.append(family or min(tags, key=lambda tag: tags[tag]))
        return named

    def all_named(self) -> set[str]:
        return composed({tag for mention in self.mentions for tag in implied(mention.tag)})

    def named_for(self, figure: StatedFigure) -> set[str]:
        """What the statement names that may be about ``figure``.

        When the figure's clause stands for another thing of the same kind with a
        pronoun ("a US one", "celui des États-Unis"), a subject said in another
        clause, nearer a figure of the same kind, is that figure's: in "a French home
        uses 4.5 MWh a year, a US one 10.5 MWh", the French home is not what 10.5 MWh
        is about. Without one ("8 GPUs of 80 GB, so 640 GB"), the sentence's subjects
        are every figure's.
        """
        own_clause = self.clause_of(figure)
        if not ANAPHORA.search(self.text, own_clause[0], figure.start):
            return self.all_named()
        kept = []
        for mention in self.mentions:
            if own_clause[0] <= mention.start < own_clause[1]:
                kept.append(mention)
                continue
            distance = _gap(mention, figure)
            if not any(
                other is not figure
                and set(other.measures) & set(figure.measures)
                and _gap(mention, other) < distance
                for other in self.figures
            ):
                kept.append(mention)
        return composed({tag for mention in kept for tag in implied(mention.tag)})

    def nearest_to(self, figure: StatedFigure) -> set[str]:
        """What the statement names nearer ``figure`` than any other figure of its kind.

        "divided by 33 the energy, and by 44 its carbon footprint": carbon is the 44's.
        """
        start, end = sentence_of(list(self.spans), figure.start)
        kept = {
            mention.tag
            for mention in self.mentions
            if start <= mention.start < end
            and not any(
                other is not figure
                and set(other.measures) & set(figure.measures)
                and _gap(mention, other) < _gap(mention, figure)
                for other in self.figures
            )
        }
        return composed(set().union(*(implied(tag) for tag in kept)) if kept else set())


def _gap(mention: Mention, figure: StatedFigure) -> int:
    if mention.end <= figure.start:
        return figure.start - mention.end
    return max(0, mention.start - figure.end)


def _subjects_agree(quantity: Quantity, context: StatementContext, figure: StatedFigure) -> bool:
    tags = {split_tag(tag)[0] for tag in quantity.subject}
    covered = set().union(*(implied(tag) for tag in tags)) if tags else set()
    has_place = any(kind_of(tag) is SubjectKind.place for tag in tags)
    for tag in context.said_near(figure):
        if set(excluded_by(tag)) & tags:
            return False  # "counting the whole data centre" is not the GPUs alone
        if not is_exclusive(tag) or (
            tag == DEFAULT_PLACE and (not has_place or DEFAULT_PLACE in tags)
        ):
            continue
        if tag not in covered:
            return False
    named = context.named_for(figure)
    required: dict[SubjectKind, set[str]] = defaultdict(set)
    for raw in quantity.subject:
        tag, optional = split_tag(raw)
        kind = kind_of(tag)
        if kind is not None and not optional and tag != DEFAULT_PLACE:
            required[kind].add(tag)
    for kind, needed in required.items():
        if kind is SubjectKind.condition:
            if not needed <= named:  # each condition of the figure must be said
                return False
            continue
        of_kind = {tag for tag in tags if kind_of(tag) is kind}
        if not (named & (needed | of_kind)):
            return False
    return True


def _set_apart_by_sibling(
    quantity: Quantity, claim: Claim, context: StatementContext, figure: StatedFigure
) -> bool:
    """Whether the claim keeps this figure apart from another by a tag the statement names.

    Gemini's "33× less energy and 44× less carbon" holds two factors; "its carbon
    footprint fell 33-fold" names carbon, which only the 44× carries, so the 33×
    is about something else even though "carbon" rules nothing out on its own.
    """
    own = set().union(*(implied(split_tag(tag)[0]) for tag in quantity.subject))
    named = {
        tag
        for tag in context.nearest_to(figure) - own
        if kind_of(tag) in (SubjectKind.resource, SubjectKind.condition) and not is_exclusive(tag)
    }
    if not named:
        return False
    for other in claim.quantities:
        if other is quantity or other.measure is not quantity.measure:
            continue
        required = {tag for tag, optional in map(split_tag, other.subject) if not optional}
        if named & required:
            return True
    return False


def _source_year(claim: Claim) -> int | None:
    years = [int(s.date[:4]) for s in claim.sources if s.date]
    return max(years) if years else None


def _period_agrees(
    quantity: Quantity, claim: Claim, context: StatementContext, figure: StatedFigure
) -> bool:
    if quantity.year is None:
        return True
    if figure.span is not None and quantity.since is not None:
        return figure.span == (quantity.since, quantity.year)  # 2019–2024 is not 2019–2023
    if figure.years:
        return quantity.year in figure.years or (
            quantity.since is not None and quantity.since in figure.years
        )
    published = _source_year(claim)
    if published is None:
        return True
    if quantity.year > published:
        return context.future and not figure.present  # today's figure is no projection
    return quantity.year >= published - HISTORICAL_YEARS or quantity.per not in (
        Per.year,
        Per.day,
        Per.total,
    )


CONVERTIBLE_PERS = {(Per.day, Per.year): 365.0, (Per.year, Per.day): 1 / 365.0}


def per_factor(stated: Per | None, claimed: Per, said: bool) -> float | None:
    """What a stated figure is multiplied by to be per the quantity's "per", or ``None``.

    Unsaid, a figure takes the quantity's "per". Said per day, it converts to per
    year (× 365) and back, because the statement said so; a total (an amount, a
    count of households) is what a training run or a year comes to.
    """
    if stated is None or stated == claimed:
        return 1.0
    if claimed is Per.total and stated in (Per.training, Per.year):
        return 1.0
    if said:
        return CONVERTIBLE_PERS.get((stated, claimed))
    return None


def specificity(quantity: Quantity, context: StatementContext) -> float:
    """How much of what the quantity is about the statement names (required tags count double)."""
    named = context.all_named()
    score = 0.0
    for raw in quantity.subject:
        tag, optional = split_tag(raw)
        if tag in named:
            score += 0.5 if optional else 1.0
    return score


def mismatch(
    figure: StatedFigure,
    quantity: Quantity,
    claim: Claim,
    context: StatementContext,
    unit: str,
) -> Mismatch | None:
    """Why ``figure`` (in ``unit``) cannot be compared with ``quantity``, or ``None`` if it can."""
    if not quantity.checkable:
        return Mismatch.not_checkable
    if quantity.measure not in figure.measures:
        return Mismatch.measure
    if convert(1.0, unit, quantity.unit) is None:
        return Mismatch.unit
    if not _subjects_agree(quantity, context, figure) or _set_apart_by_sibling(
        quantity, claim, context, figure
    ):
        return Mismatch.subject
    if not _period_agrees(quantity, claim, context, figure):
        return Mismatch.period
    if per_factor(figure.per, quantity.per, figure.per_said) is None:
        return Mismatch.per
    return None
