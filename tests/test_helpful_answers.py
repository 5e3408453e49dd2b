"""Answers people can use: numbers they can read, errors that say what is missing and how to write it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.charts import decimals_for
from bot.foundation.amounts import amount_text
from bot.foundation.i18n import use_language

WATTSON = str(Path(sys.executable).with_name("wattson"))


@pytest.mark.parametrize(
    ("language", "value", "unit", "expected"),
    [
        ("en", 9.3e12, "L", "9.3 trillion L"),
        ("fr", 9.3e12, "L", "9,3 billions de litres"),
        ("en", 3.3e9, "charges", "3.3 billion charges"),
        ("fr", 3.3e9, "charges", "3,3 milliards de recharges"),
        ("en", 1, "experts", "1 expert"),
        ("fr", 20, "times", "20 fois"),
        ("fr", 100_000, "households", "100\u202f000 foyers"),
        ("en", 10_715, "kWh", "10,715 kWh"),
        ("en", 0.00003, "Wh", "0.00003 Wh"),
    ],
)
def test_figures_read_as_words_with_translated_units(
    language: str, value: float, unit: str, expected: str
) -> None:
    with use_language(language):
        assert amount_text(value, unit) == expected


def test_a_range_whose_ends_read_alike_is_one_figure_never_zero_to_zero() -> None:
    with use_language("en"):
        assert amount_text(0.00002, "Wh", 0.00001, 0.00003) == "0.00001–0.00003 Wh"
        assert amount_text(2.0, "Wh", 2.0, 2.0) == "2 Wh"


@pytest.mark.parametrize(("step", "decimals"), [(0.0005, 4), (0.00025, 5), (2.5, 1), (20, 0)])
def test_chart_ticks_get_the_decimals_their_step_needs(step: float, decimals: int) -> None:
    assert decimals_for(step) == decimals


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/fact sources", "Which claim? Give its id. Usage: /fact sources ID"),
        ("/fact approve", "Which proposal? Give its number"),
        ("/fact reject 3", "Give a reason after the number"),
        ("/fact search", "Usage: /fact search WORDS"),
        ("/campaign pause", "Usage: /campaign pause N"),
    ],
)
async def test_a_missing_argument_says_what_is_missing_with_usage_and_example(
    wattson: ConsoleAdapter, line: str, says: str
) -> None:
    [answer] = await wattson.send(line)
    assert says in answer and "for example:" in answer


async def test_a_negative_value_is_explained_not_called_a_non_number(
    wattson: ConsoleAdapter,
) -> None:
    [answer] = await wattson.send(
        "/fact add id: negative-test; topic: water; en: A negative test value.; "
        "fr: Une valeur de test négative.; value: -5; unit: mL; url: https://example.org; "
        "publisher: Example; title: Page; status: verified; date: 2025-01-01"
    )
    assert "value cannot be negative (“-5”)" in answer and "not a number" not in answer


async def test_a_member_is_told_to_propose_instead_of_adding(core: object) -> None:
    from bot.messages import ChatRef, Request, UserRef

    reply = await core.handle(  # type: ignore[attr-defined]
        Request(command="fact", args="add id: x", user=UserRef(platform="t", id="m"),
                chat=ChatRef(platform="t", id="c"))
    )  # fmt: skip
    assert reply.error and "/fact propose with the same fields" in reply.text


async def test_an_unknown_provider_is_an_error_naming_the_closest_models(
    wattson: ConsoleAdapter,
) -> None:
    [answer] = await wattson.send("/cost unknown:gpt-4o some text")
    assert answer.startswith("Unknown model “unknown:gpt-4o”.")
    assert "openai:gpt-4o" in answer and "Known providers:" in answer


async def test_resuming_a_stopped_campaign_says_it_is_stopped(wattson: ConsoleAdapter) -> None:
    await wattson.send("/campaign start topic: water; every: 12")
    await wattson.send("/campaign stop 1")
    [answer] = await wattson.send("/campaign resume 1")
    assert "Campaign #1 is stopped; stopped campaigns cannot be resumed." in answer
    assert "/campaign start" in answer


async def test_campaign_errors_name_the_campaign_and_the_field_in_french(
    wattson: ConsoleAdapter,
) -> None:
    await wattson.send("/langue fr")
    [answer] = await wattson.send(
        "/campagne lance sujet: eau; tous les jours: 09:00; du: 2026-12-05; au: 2026-12-01"
    )
    assert answer.startswith("La campagne n’a pas été lancée :")
    assert "la date de fin (au) précède la date de début (du)" in answer
    [answer] = await wattson.send("/campagne lance sujet: eau; tous les jours: 9 heures et demie")
    assert "tous les jours : « 9 heures et demie » n’est pas une heure" in answer
    assert "affirmation" not in answer and "Input should" not in answer


async def test_french_values_are_read_in_claims(wattson: ConsoleAdapter) -> None:
    [answer] = await wattson.send(
        "/fact add id: french-values-test; sujet: eau; statut: vérifié; par: an; "
        "en: A test of French values.; fr: Un test de valeurs françaises.; valeur: 1,5; "
        "unité: L; lien: https://example.org; éditeur: Example; titre: Page; date: 2025-01-01"
    )
    assert answer.startswith("Added french-values-test."), answer
    assert "1.5 L per year" in answer and "· water" in answer


async def test_stats_of_a_single_day_have_a_chart_and_say_day_not_days(
    wattson: ConsoleAdapter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the chart is saved under ./wattson-charts
    await wattson.send("/cost hello")
    [answer] = await wattson.send("/stats today")
    assert "over the last day:" in answer and "/cost: 1 text," in answer
    assert "Chart saved:" in answer


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WATTSON, *args], capture_output=True, text=True, timeout=120,
                          env={"WATTSON_STORAGE__DATABASE": ":memory:", "PATH": ""})  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("facts", "import", "/missing.json"), "wattson: cannot import /missing.json: the file does not exist\n"),
        (("cost", "--json", ""), "wattson: no text to measure: give it as arguments (wattson cost TEXT) or on standard input\n"),
    ],
)  # fmt: skip
def test_command_line_mistakes_end_with_one_line_and_exit_2(
    args: tuple[str, ...], line: str
) -> None:
    result = run(*args)
    assert (result.returncode, result.stderr) == (2, line)


def test_campaign_plan_reads_a_french_topic() -> None:
    result = run("campaign", "plan", "eau", "--days", "2", "--json")
    assert result.returncode == 0, result.stderr
    assert '"fact_id"' in result.stdout
