"""/check on the evaluation sets: no true statement accused, no false one confirmed, ≥ 95 % right.

The sets in ``facts/eval`` were written from the reference list by people who
did not read the checker; ``holdout`` and ``holdout2`` were held out while it
was tuned. A verdict counts only with a right reference.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.foundation.storage.sqlite import SqliteDatabase
from facts.evaluation import ACCURACY_TARGET, available_sets, evaluate, load_statements
from facts.store import ClaimStore


def test_the_sets_hold_enough_statements_in_both_languages() -> None:
    statements = [s for name in available_sets() for s in load_statements(name)]
    languages = Counter(s.lang for s in statements)
    assert len(statements) >= 150
    assert min(languages.values()) >= 0.4 * len(statements)
    assert {"tune", "holdout"} <= set(available_sets())
    assert len({s.id for s in statements}) == len(statements)


def test_every_kind_of_statement_is_covered() -> None:
    kinds = Counter(s.kind for name in available_sets() for s in load_statements(name))
    for kind in ("true-rephrased", "second-figure", "exaggerated", "outdated-or-false",
                 "uncovered", "related-different", "edge"):  # fmt: skip
        assert kinds[kind] >= 10, kind


# Sets whose first unseen score is below the targets, with the work that answers them.
# strict: the day the checker meets the targets on one, the test says so (and fails).
NOT_YET_MET: dict[str, str] = {}  # a set scored below its targets when first unseen, until met


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=NOT_YET_MET[name], strict=True))
        if name in NOT_YET_MET
        else name
        for name in available_sets()
    ],
)
async def test_the_checker_meets_its_targets_on_each_set(name: str) -> None:
    async with SqliteDatabase(":memory:") as database:
        store = ClaimStore(database)
        await store.setup()
        report = await evaluate(store, name)
    misses = [(o.statement.id, o.verdict.value, sorted(o.cited)) for o in report.wrong]
    assert report.true_called_inconsistent == [], misses
    assert report.false_or_uncovered_called_consistent == [], misses
    assert report.accuracy >= ACCURACY_TARGET, misses
