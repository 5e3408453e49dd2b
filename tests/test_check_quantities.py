"""/check gives verdicts only on the same quantity, and explains each one.

Each test is one of the failures seen with realistic statements: a figure
judged against another model's, another country's or another kind of figure;
a second figure of a claim judged against its first; percentages read as
"× times"; ``mWh`` read as ``MWh``; rates not normalized; a correct
equivalent confirming a wrong figure; zero, negative and huge numbers.
"""

from __future__ import annotations

import pytest

from bot.commands.check import check_json, render_check
from bot.foundation.i18n import use_language
from facts.check import CheckResult, Verdict, check_statement
from facts.measures import Measure
from facts.models import Per
from facts.statements import Derivation, extract_figures
from facts.store import ClaimStore


@pytest.fixture
def store(claim_base: ClaimStore) -> ClaimStore:
    return claim_base


def reference_of(result: CheckResult) -> str | None:
    return result.reference.claim.id if result.reference else None


@pytest.mark.asyncio(loop_scope="module")
async def test_a_models_training_is_judged_against_that_model_only(store: ClaimStore) -> None:
    """5.2 GWh is Llama 4's figure; for GPT-3 it is wrong, not confirmed."""
    result = await check_statement(store, "Training GPT-3 took 5.2 GWh of electricity")
    assert result.verdict is Verdict.inconsistent
    assert reference_of(result) == "gpt3-training"


@pytest.mark.asyncio(loop_scope="module")
async def test_another_models_figure_is_not_a_confirmation(store: ClaimStore) -> None:
    result = await check_statement(store, "Training GPT-3 took about 50 GWh")
    assert result.verdict is Verdict.inconsistent
    assert reference_of(result) == "gpt3-training"


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    "statement",
    [
        "Bitcoin mining uses about 150 TWh a year",
        "German data centres used 20 TWh in 2024",
        "A Claude query uses 1 Wh",
        "Une image générée par Midjourney consomme 3 Wh",
        "Les data centers irlandais ont consommé 29 TWh en 2024",
        "My cat weighs 4 kg",
    ],
)
async def test_what_the_base_does_not_cover_is_unknown(store: ClaimStore, statement: str) -> None:
    result = await check_statement(store, statement)
    assert result.verdict is Verdict.unknown
    assert result.reference is None


@pytest.mark.asyncio(loop_scope="module")
async def test_a_country_is_not_the_world(store: ClaimStore) -> None:
    ireland = await check_statement(store, "Data centres use 18 % of Ireland's electricity")
    world = await check_statement(store, "Data centres use 18 % of the world's electricity")
    assert (ireland.verdict, reference_of(ireland)) == (Verdict.consistent, "ireland-dc-share")
    assert (world.verdict, reference_of(world)) == (Verdict.inconsistent, "iea-dc-2024")


@pytest.mark.asyncio(loop_scope="module")
async def test_every_figure_of_a_claim_is_checked_against_its_own_quantity(
    store: ClaimStore,
) -> None:
    result = await check_statement(
        store, "Data centres used 415 TWh in 2024, 1.5 % of the world's electricity"
    )
    assert result.verdict is Verdict.consistent
    compared = [(c.reference.claim.id, c.reference.index) for c in result.figures if c.reference]
    assert compared == [("iea-dc-2024", 0), ("iea-dc-2024", 1)]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("statement", "verdict"),
    [
        ("Mixtral 8x7B uses 12.9 billion active parameters per token", Verdict.consistent),
        ("Mixtral 8x7B has 46.7 billion parameters in total", Verdict.consistent),
        ("Mixtral 8x7B uses 46.7 billion active parameters per token", Verdict.inconsistent),
        ("US data centres used 4.4 % of the country's electricity in 2023", Verdict.consistent),
        ("Les data centers consommeront 945 TWh en 2030 selon l'AIE", Verdict.consistent),
        ("Data centres use 945 TWh today", Verdict.inconsistent),
    ],
)
async def test_second_figures_and_projections_are_their_own_quantities(
    store: ClaimStore, statement: str, verdict: Verdict
) -> None:
    assert (await check_statement(store, statement)).verdict is verdict


@pytest.mark.asyncio(loop_scope="module")
async def test_a_percentage_is_never_compared_with_a_factor(store: ClaimStore) -> None:
    result = await check_statement(
        store, "A ChatGPT request uses 10 % more energy than a Google search"
    )
    assert result.verdict is Verdict.unknown


@pytest.mark.asyncio(loop_scope="module")
async def test_milliwatt_hours_are_not_megawatt_hours(store: ClaimStore) -> None:
    milli = await check_statement(store, "A ChatGPT query uses 0.3 mWh")
    mega = await check_statement(store, "A ChatGPT query uses 0.3 MWh")
    assert milli.verdict is mega.verdict is Verdict.inconsistent
    assert milli.ratio == pytest.approx(0.001, rel=0.2)
    assert mega.ratio == pytest.approx(1e6, rel=0.2)


def test_an_amount_for_every_n_questions_is_divided() -> None:
    [figure] = extract_figures(
        "ChatGPT drinks a 500 mL bottle of water for every 20 to 50 questions"
    )
    assert figure.derivation is Derivation.per_requests
    assert figure.per is Per.request
    assert figure.bounds == (pytest.approx(10.0), pytest.approx(25.0))


def test_per_request_is_not_guessed_for_a_count_per_day() -> None:
    figures = extract_figures("ChatGPT answers 2.5 billion questions a day and uses 1 GWh per day")
    assert [f.per for f in figures] == [Per.day, Per.day]
    assert figures[0].measures == (Measure.requests,)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_correct_equivalent_does_not_confirm_a_wrong_figure(store: ClaimStore) -> None:
    result = await check_statement(store, "A GPT-4o e-mail takes 30 Wh, two full phone charges")
    assert result.verdict is Verdict.inconsistent
    assert reference_of(result) in ("ecologits-gpt4o-170tok-energy", "epoch-chatgpt-query")


async def test_an_outdated_figure_repeated_as_published_agrees_with_its_source_not_today(
    store: ClaimStore,
) -> None:
    result = await check_statement(store, "A GPT-4o e-mail takes 15 Wh, a full phone charge")
    assert result.verdict is Verdict.consistent and result.outdated
    assert reference_of(result) == "gpt4o-email-14-9wh"
    [figure] = result.figures
    assert figure.current is not None
    assert figure.current.claim.id == "ecologits-gpt4o-170tok-energy"


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("statement", "value", "said"),
    [
        ("A ChatGPT query uses 0 Wh", 0.0, "is zero"),
        ("A ChatGPT query uses -5 Wh", -5.0, "is negative"),
        ("A ChatGPT query uses −5 Wh", -5.0, "is negative"),
        ("A ChatGPT query uses 1e308 Wh", 1e308, "about 10^308 times"),
        ("A ChatGPT query uses 10^400 Wh", float("inf"), "not a finite number"),
    ],
)
async def test_zero_negative_and_huge_figures_get_a_clear_answer(
    store: ClaimStore, statement: str, value: float, said: str
) -> None:
    result = await check_statement(store, statement)
    assert result.stated[0].value == value
    assert result.verdict is Verdict.inconsistent
    with use_language("en"):
        reply = render_check(result, "en")
    assert "epoch-chatgpt-query" in reply or "altman-chatgpt-query" in reply
    assert said in reply
    check_json(result)  # serializable: no infinity leaks into JSON numbers


@pytest.mark.asyncio(loop_scope="module")
async def test_a_derived_figure_shows_its_derivation(store: ClaimStore) -> None:
    result = await check_statement(
        store, "Une requête ChatGPT consomme 10 fois plus qu'une recherche Google"
    )
    with use_language("fr"):
        reply = render_check(result, "fr")
    assert result.figures[0].figure.derivation is Derivation.google_searches
    assert "google-search-2009" in reply
    assert "10 × 0,3 Wh" in reply and "= 3 Wh" in reply


@pytest.mark.asyncio(loop_scope="module")
async def test_a_verdict_names_the_quantity_its_status_and_its_source(store: ClaimStore) -> None:
    result = await check_statement(store, "Training Llama 4 used 21,000 GWh")
    with use_language("en"):
        reply = render_check(result, "en")
    assert result.verdict is Verdict.inconsistent
    assert "energy used · Llama 4" in reply
    assert "verified" in reply and "times higher" in reply
    assert (
        "https://github.com/meta-llama/llama-models/blob/main/models/llama4/MODEL_CARD.md" in reply
    )
    assert "llama4-21000gwh-10000-households" in reply


@pytest.mark.asyncio(loop_scope="module")
async def test_an_uncovered_statement_says_so_and_suggests_reading(store: ClaimStore) -> None:
    result = await check_statement(store, "German data centres used 20 TWh in 2024")
    with use_language("en"):
        reply = render_check(result, "en")
    assert "Not covered" in reply and "/fact " in reply


@pytest.mark.asyncio(loop_scope="module")
async def test_the_json_names_the_quantity_compared_or_why_none_was(store: ClaimStore) -> None:
    covered = check_json(await check_statement(store, "Llama 4 Scout took 5 million GPU-hours"))
    [figure] = covered["stated"]
    assert figure["compared_with"]["claim"] == "llama4-training-gpu-hours"
    assert figure["compared_with"]["quantity"] == 1
    assert figure["compared_with"]["measure"] == "accelerator-time"
    assert "llama-4-scout" in figure["compared_with"]["subject"]
    assert set(figure["compared_with"]["period"]) == {"year", "since"}
    uncovered = check_json(await check_statement(store, "A Claude query uses 1 Wh"))
    assert uncovered["stated"][0]["compared_with"] is None
    assert uncovered["stated"][0]["why_not"] == "subject"


@pytest.mark.asyncio(loop_scope="module")
async def test_the_altman_quip_is_never_a_figure_to_check_against(store: ClaimStore) -> None:
    result = await check_statement(
        store,
        "Saying please and thank you to ChatGPT costs tens of millions of dollars: 10,000,000 $",
    )
    assert result.verdict is Verdict.unknown


@pytest.mark.asyncio(loop_scope="module")
async def test_moderator_notes_are_not_shown_in_chat_replies(store: ClaimStore) -> None:
    result = await check_statement(store, "Data centres used 18 % of Ireland's electricity in 2022")
    with use_language("en"):
        reply = render_check(result, "en")
    assert "not checked" not in reply.casefold()
    assert "Data Centres Metered Electricity Consumption 2022" in reply


@pytest.mark.asyncio(loop_scope="module")
async def test_a_flood_of_figures_is_checked_on_its_first_ones(store: ClaimStore) -> None:
    result = await check_statement(store, "A ChatGPT query uses 3 Wh. " * 100)
    assert len(result.figures) == 20 and result.unchecked == 80
    with use_language("en"):
        assert "96 more figures not shown" in render_check(result, "en")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("statement", "verdict"),
    [
        (
            "Sam Altman says a ChatGPT query uses less than half a millilitre of water",
            Verdict.consistent,
        ),
        ("A ChatGPT query uses less than 0.01 Wh", Verdict.inconsistent),
        ("A ChatGPT query uses more than 10 Wh", Verdict.inconsistent),
        ("L'entraînement de BLOOM a rejeté pas moins de 500 tonnes de CO2", Verdict.inconsistent),
        (
            "An American home uses roughly 2.3 times as much electricity as a French one",
            Verdict.consistent,
        ),
        ("LBNL projects up to 1,200 TWh for US data centres by 2028", Verdict.inconsistent),
        ("In 2022, data centres used nearly a fifth of Ireland's electricity", Verdict.consistent),
        (
            "OpenAI revendique deux milliards et demi de requêtes ChatGPT par jour",
            Verdict.consistent,
        ),
        (
            "A typical AI data centre uses as much electricity as a million households",
            Verdict.inconsistent,
        ),
    ],
)
async def test_bounds_fractions_and_numbers_in_words_are_read(
    store: ClaimStore, statement: str, verdict: Verdict
) -> None:
    assert (await check_statement(store, statement)).verdict is verdict


@pytest.mark.asyncio(loop_scope="module")
async def test_two_models_of_one_family_named_together_are_the_family(store: ClaimStore) -> None:
    result = await check_statement(
        store, "Meta used about 7.4 million H100 GPU-hours to pre-train Llama 4 Scout + Maverick"
    )
    assert result.verdict is Verdict.consistent
    assert result.reference is not None and result.reference.index == 0


@pytest.mark.asyncio(loop_scope="module")
async def test_a_subject_set_aside_is_not_named(store: ClaimStore) -> None:
    result = await check_statement(
        store, "Data networks (not data centres) used about 415 TWh in 2024"
    )
    assert result.verdict is Verdict.unknown


@pytest.mark.asyncio(loop_scope="module")
async def test_a_condition_applies_in_its_own_clause(store: ClaimStore) -> None:
    """ "double the GPU-only number" qualifies the comparison, not the 114 J."""
    result = await check_statement(
        store, "A Llama 3.1 8B answer costs around 114 joules, double the GPU-only number"
    )
    assert result.verdict is Verdict.consistent
    assert result.reference is not None and result.reference.index == 0


@pytest.mark.asyncio(loop_scope="module")
async def test_a_server_is_not_a_gpu(store: ClaimStore) -> None:
    server = await check_statement(store, "Un serveur DGX H100 à 8 GPU consomme 640 W.")
    both = await check_statement(
        store, "An RTX 4090 card has 24 GB of memory, while a DGX H100 server packs 640 GB."
    )
    assert server.verdict is Verdict.unknown
    assert both.verdict is Verdict.consistent


@pytest.mark.asyncio(loop_scope="module")
async def test_an_image_or_a_video_is_not_a_text_prompt(store: ClaimStore) -> None:
    result = await check_statement(store, "Google puts a median Gemini image generation at 0.24 Wh")
    assert result.verdict is Verdict.unknown
