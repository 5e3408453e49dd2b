"""Claim checking: reading figures in French and English, and the outdated-figure rule.

The verdicts on circulating statements are specified by the evaluation set
(``facts/eval``, scored in ``test_check_evaluation.py``) and the same-quantity
rules by ``test_check_quantities.py``.
"""

from __future__ import annotations

import pytest

from facts.check import Verdict, check_statement, extract_figures, parse_number
from facts.models import Per
from facts.store import ClaimStore


@pytest.fixture
def store(claim_base: ClaimStore) -> ClaimStore:
    return claim_base


@pytest.mark.asyncio(loop_scope="module")
async def test_an_outdated_figure_as_published_is_consistent_with_its_outdated_source(
    store: ClaimStore,
) -> None:
    """Consistent with its source, which is outdated; the answer gives today's figure."""
    result = await check_statement(store, "Une requête ChatGPT consomme 2,9 Wh")
    assert result.verdict is Verdict.consistent and result.outdated
    assert result.reference is not None and result.reference.claim.status.value == "outdated"
    [figure] = result.figures
    assert figure.current is not None and figure.current.claim.status.trustworthy


async def test_an_outdated_figure_misquoted_is_inconsistent_with_today(store: ClaimStore) -> None:
    result = await check_statement(store, "Une requête ChatGPT consomme 3,5 Wh")
    assert result.verdict is Verdict.inconsistent and not result.outdated
    assert result.reference is not None and result.reference.claim.status.trustworthy
    assert result.ratio == pytest.approx(3.5 / result.reference.quantity.value)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("7 832 GWh", 7832, "gwh"),
        ("7\u202f832 GWh", 7832, "gwh"),
        ("2,9 kWh", 2.9, "kwh"),
        ("50 gigawattheures", 50, "gigawattheures"),
        ("0.34 Wh", 0.34, "wh"),
        ("1,287 MWh", 1287, "mwh"),
        ("2,5 milliards de requêtes", 2.5e9, "requêtes"),
        ("2.5 billion prompts", 2.5e9, "prompts"),
        ("700,000 litres", 700_000, "litres"),
        ("36 g de CO2", 36, "g de co2"),
        ("1.6 kgCO2", 1.6, "kgco2"),
        ("835 MW", 835, "mw"),
    ],
)
def test_figures_are_read_in_french_and_english_formats(text: str, value: float, unit: str) -> None:
    [figure] = extract_figures(text)
    assert figure.value == pytest.approx(value) and figure.unit.casefold() == unit


def test_per_request_is_read_from_the_words_around() -> None:
    [figure] = extract_figures("about 0.3 Wh per query")
    assert figure.per is Per.request
    [figure] = extract_figures("7 832 GWh par an")
    assert figure.per is Per.year


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [("7,832", "en", 7832), ("7,832", "fr", 7.832), ("1.5", "fr", 1.5), ("1.250,5", "fr", 1250.5)],
)
def test_ambiguous_separators_follow_the_language(text: str, language: str, value: float) -> None:
    assert parse_number(text, language) == pytest.approx(value)


@pytest.mark.asyncio(loop_scope="module")
async def test_fts_operators_in_the_statement_are_just_words(store: ClaimStore) -> None:
    result = await check_statement(store, 'NEAR("energy" AND) OR * "ChatGPT" 0.3 Wh per query')
    assert result.verdict in (Verdict.consistent, Verdict.unknown, Verdict.inconsistent)
