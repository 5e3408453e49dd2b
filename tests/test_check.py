"""Claim checking: circulating statements, French and English, against the sourced base.

The table holds paraphrases of figures that circulate (several from the French
awareness material) with the verdict a careful fact-checker would give.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.database import Database
from facts.check import Verdict, check_statement, extract_figures, parse_number
from facts.models import Per
from facts.store import ClaimStore

CIRCULATING = [
    # statement, expected verdict, claim the answer must cite (reference or the bad figure)
    ("ChatGPT uses 500 mL of water per question", "inconsistent", "li-water-bottle-per-conversation"),
    ("Chaque question posée à ChatGPT consomme une bouteille d'eau de 500 mL", "inconsistent", "li-water-bottle-per-conversation"),
    ("A ChatGPT query uses about 0.3 Wh of electricity", "consistent", None),
    ("Une requête ChatGPT consomme environ 0,34 Wh", "consistent", "altman-chatgpt-query"),
    ("Une requête ChatGPT consomme 2,9 Wh", "inconsistent", "iea-chatgpt-2-9wh"),
    ("A single ChatGPT request needs 3 Wh, ten times a Google search", "inconsistent", "iea-chatgpt-2-9wh"),
    ("une requête ChatGPT = 10 recherches Google", "inconsistent", "iea-chatgpt-2-9wh"),
    ("ChatGPT consomme 10 fois plus qu'une recherche Google", "inconsistent", "iea-chatgpt-2-9wh"),
    ("Un e-mail de 170 tokens écrit par GPT-4o consomme 14,9 Wh, autant qu'une recharge de smartphone", "inconsistent", "seed-gpt4o-email-14-9wh"),
    ("Writing a short e-mail with GPT-4o takes about 0.3 Wh according to EcoLogits", "consistent", "ecologits-gpt4o-170tok-energy"),
    ("Entraîner Llama 4 a consommé 21 000 GWh", "inconsistent", "seed-llama4-21000gwh-10000-households"),
    ("Training Llama 4 used about 5 GWh of electricity", "consistent", "llama4-training-energy-derived"),
    ("L'entraînement de GPT-4 a demandé environ 50 gigawattheures", "consistent", "gpt4-training-50gwh"),
    ("Training GPT-3 took 1,287 MWh", "consistent", "gpt3-training"),
    ("Les centres de données ont consommé 415 TWh en 2024 dans le monde", "consistent", "iea-dc-2024"),
    ("Data centres worldwide used 1,000 TWh of electricity in 2024", "inconsistent", "iea-dc-2024"),
    ("Les data centers consommeront 945 TWh en 2030 selon l'AIE", "consistent", "iea-dc-2030"),
    ("US data centers used 176 TWh in 2023", "consistent", "lbnl-us-dc-2023"),
    ("2,5 milliards de requêtes par jour représentent 7 832 GWh par an", "inconsistent", "seed-lesnumeriques-7832gwh"),
    ("Google says a median Gemini prompt uses 0.24 Wh", "consistent", "gemini-median-prompt-energy"),
    ("Une requête Gemini utilise 0,26 mL d'eau", "consistent", "gemini-water-per-prompt"),
    ("A Gemini prompt uses 5 mL of water", "inconsistent", "gemini-water-per-prompt"),
    ("Microsoft a acheté Three Mile Island, une centrale de 850 MW", "inconsistent", "seed-tmi-microsoft-bought-850mw"),
    ("Three Mile Island Unit 1 will deliver about 835 MW to Microsoft", "consistent", "tmi-unit1-capacity"),
    ("One hour of Netflix streaming uses 6.1 kWh", "inconsistent", "shift-project-netflix"),
    ("Une heure de streaming vidéo émet 36 g de CO2", "consistent", "streaming-hour-co2"),
    ("Charging a smartphone takes about 12 Wh", "consistent", "smartphone-full-charge"),
    ("Un foyer français consomme environ 4,5 MWh d'électricité par an", "consistent", "fr-household-electricity"),
    ("Training GPT-3 evaporated 700,000 litres of fresh water", "consistent", "li-gpt3-training-water"),
    ("Training GPT-3 evaporated 7 million litres of water", "inconsistent", "li-gpt3-training-water"),
    ("Les centres de données représentent 18 % de l'électricité de l'Irlande", "consistent", "ireland-dc-share"),
    ("Mixtral 8x7B has 46.7 billion parameters", "consistent", "mixtral-8x7b-params"),
    ("Un modèle MoE n'active qu'un seul expert par token", "inconsistent", "seed-moe-one-expert-per-token"),
    ("Generating a 5-second AI video takes about 3.4 MJ", "consistent", "mit-video-5s"),
    ("Le cuivre des data centers passera à 6 % de la demande mondiale en 2050", "consistent", "seed-bhp-copper-share"),
    ("My cat weighs 4 kg", "unknown", None),
    ("L'IA va sauver le climat", "unknown", None),
]  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def store() -> AsyncIterator[ClaimStore]:
    async with Database(":memory:") as database:
        claims = ClaimStore(database)
        await claims.setup()
        yield claims


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("statement", "verdict", "cited"), CIRCULATING)
async def test_circulating_statement_gets_the_expected_verdict(
    store: ClaimStore, statement: str, verdict: str, cited: str | None
) -> None:
    result = await check_statement(store, statement)
    assert result.verdict.value == verdict
    if cited is not None:
        named = {c.claim.id for c in (result.reference, result.agreeing_untrustworthy) if c}
        assert cited in named


def test_the_table_covers_enough_statements_in_both_languages() -> None:
    from facts.check import guess_language

    languages = [guess_language(statement) for statement, _v, _c in CIRCULATING]
    assert len(CIRCULATING) >= 30
    assert languages.count("fr") >= 10 and languages.count("en") >= 10


@pytest.mark.asyncio(loop_scope="module")
async def test_agreeing_only_with_an_outdated_figure_is_not_consistent(store: ClaimStore) -> None:
    result = await check_statement(store, "Une requête ChatGPT consomme 2,9 Wh")
    assert result.verdict is Verdict.inconsistent
    assert result.agreeing_untrustworthy is not None
    assert result.agreeing_untrustworthy.claim.status.value == "outdated"
    assert result.reference is not None and result.reference.claim.status.trustworthy
    assert result.ratio == pytest.approx(2.9 / 0.3)


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
    assert figure.value == pytest.approx(value) and figure.unit == unit


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
