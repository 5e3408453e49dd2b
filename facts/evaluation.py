"""Score ``/check`` on the evaluation set kept in ``facts/eval/``.

The statements were written from the sources (the reference list), not from
the checker's output, with the verdict a careful fact-checker gives and the
claims it may cite. ``tune.toml`` is the part the checker was tuned on;
``holdout.toml`` was held out while tuning, so its figures say how the checker
does on statements it has not seen. A verdict counts as right only with a
right reference: for ``consistent`` and ``inconsistent`` the reply must cite
one of the acceptable claims.

A further set, ``reports``, lives in the database rather than in a file: the
statements readers reported as wrongly judged, each with the verdict a
moderator gave it (:mod:`facts.reports`). ``wattson check --eval`` scores it
beside the files, on the configured claim base.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from facts.check import CheckResult, Verdict, check_statement
from facts.store import ClaimStore

EVAL_DIR = Path(__file__).with_name("eval")
REPORTS_SET = "reports"  # kept in the database (facts.reports), not in EVAL_DIR
VERDICTS = tuple(Verdict)
ACCURACY_TARGET = 0.95


def available_sets(folder: Path = EVAL_DIR) -> list[str]:
    """The sets kept in ``folder``: ``tune`` first, then the held-out ones."""
    names = sorted(path.stem for path in folder.glob("*.toml"))
    return sorted(names, key=lambda name: name != "tune")


class Statement(BaseModel):
    """One labelled statement of the evaluation set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    lang: Literal["en", "fr"]
    text: str = Field(min_length=1)
    verdict: Verdict
    refs: list[str] = Field(default_factory=list)
    kind: str
    why: str = ""


def load_statements(name: str, folder: Path = EVAL_DIR) -> list[Statement]:
    with (folder / f"{name}.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    return [Statement.model_validate(entry) for entry in raw["statement"]]


def cited(result: CheckResult) -> set[str]:
    """The claims the reply cites for its verdict: the reference, a repeated bad figure, the
    current figure replacing an outdated one, and the unit amount of a derived figure."""
    ids = {c.claim.id for c in (result.reference, result.agreeing_untrustworthy) if c}
    for check in result.figures:
        ids |= {c.claim.id for c in (check.reference, check.agreeing_untrustworthy) if c}
        if check.reference is not None and check.derived_from is not None:
            ids.add(check.derived_from.id)
    return ids


@dataclass
class Outcome:
    statement: Statement
    verdict: Verdict
    cited: set[str]

    @property
    def right_reference(self) -> bool:
        if self.statement.verdict is Verdict.unknown:
            return True
        return not self.statement.refs or bool(self.cited & set(self.statement.refs))

    @property
    def right(self) -> bool:
        return self.verdict is self.statement.verdict and self.right_reference


@dataclass
class Report:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def confusion(self) -> Counter[tuple[Verdict, Verdict]]:
        """(expected, given) → count."""
        return Counter((o.statement.verdict, o.verdict) for o in self.outcomes)

    @property
    def accuracy(self) -> float:
        return sum(o.right for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def true_called_inconsistent(self) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if o.statement.verdict is Verdict.consistent and o.verdict is Verdict.inconsistent
        ]

    @property
    def false_or_uncovered_called_consistent(self) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if o.statement.verdict is not Verdict.consistent and o.verdict is Verdict.consistent
        ]

    @property
    def met(self) -> bool:
        """The targets: no true statement accused, no false one confirmed, ≥ 95 % right."""
        return (
            not self.true_called_inconsistent
            and not self.false_or_uncovered_called_consistent
            and self.accuracy >= ACCURACY_TARGET
        )

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.right]

    def rate(self, outcomes: list[Outcome], expected: set[Verdict]) -> float:
        total = sum(o.statement.verdict in expected for o in self.outcomes)
        return len(outcomes) / total if total else 0.0

    def lines(self) -> list[str]:
        """The report as text: confusion matrix, the two error rates, accuracy."""
        width = max(len(v.value) for v in VERDICTS) + 2
        out = [f"{self.name}: {len(self.outcomes)} statements"]
        out.append("expected \\ given".ljust(18) + "".join(v.value.rjust(width) for v in VERDICTS))
        for expected in VERDICTS:
            row = "".join(str(self.confusion[(expected, given)]).rjust(width) for given in VERDICTS)
            out.append(f"  {expected.value}".ljust(18) + row)
        inconsistent = self.true_called_inconsistent
        consistent = self.false_or_uncovered_called_consistent
        out.append(
            f"  true statements called inconsistent: {len(inconsistent)}"
            f" ({self.rate(inconsistent, {Verdict.consistent}):.1%})"
        )
        out.append(
            f"  false or uncovered statements called consistent: {len(consistent)}"
            f" ({self.rate(consistent, {Verdict.inconsistent, Verdict.unknown}):.1%})"
        )
        out.append(
            f"  right verdict with a right reference: {sum(o.right for o in self.outcomes)}"
            f"/{len(self.outcomes)} ({self.accuracy:.1%})"
        )
        return out


async def evaluate(store: ClaimStore, name: str, folder: Path = EVAL_DIR) -> Report:
    """Check every statement of one set of ``folder`` and compare with its label."""
    return await evaluate_statements(store, name, load_statements(name, folder))


async def evaluate_statements(
    store: ClaimStore, name: str, statements: Iterable[Statement]
) -> Report:
    """Check every statement given (a file's, or the ``reports`` set) against its label."""
    report = Report(name)
    for statement in statements:
        result = await check_statement(store, statement.text, statement.lang)
        report.outcomes.append(Outcome(statement, result.verdict, cited(result)))
    return report
