"""Every estimate equals what EcoLogits computes for the same model, tokens and zone."""

from __future__ import annotations

import math

import pytest
from ecologits.tracers.utils import llm_impacts

from bot.foundation.errors import UnknownZoneError
from bot.measuring.catalog import default_catalog
from bot.measuring.energy import Estimator, Impacts, check_zone, provider_zone

TOKEN_COUNTS = (0, 1, 7, 170, 1_000, 54_321)
RELATIVE_TOLERANCE = 1e-9
ALL_MODELS = list(default_catalog())


def ecologits_reference(provider: str, name: str, tokens: int, zone: str | None) -> Impacts:
    from bot.measuring.energy import Range

    result = llm_impacts(provider, name, tokens, math.inf, zone)
    assert result.energy is not None and result.gwp is not None and result.wcf is not None

    def bounds(value: object, scale: float) -> Range:
        low = getattr(value, "min", value)
        high = getattr(value, "max", value)
        return Range(float(low) * scale, float(high) * scale)  # type: ignore[arg-type]

    return Impacts(
        energy_wh=bounds(result.energy.value, 1000),
        gwp_g=bounds(result.gwp.value, 1000),
        water_ml=bounds(result.wcf.value, 1000),
    )


def assert_same(ours: Impacts, theirs: Impacts) -> None:
    for field in ("energy_wh", "gwp_g", "water_ml"):
        for bound in ("low", "high"):
            a = getattr(getattr(ours, field), bound)
            b = getattr(getattr(theirs, field), bound)
            assert a == pytest.approx(b, rel=RELATIVE_TOLERANCE, abs=1e-300), (field, bound)


def test_the_equality_check_covers_at_least_fifty_models() -> None:
    assert len(ALL_MODELS) >= 50


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.key)
def test_cached_estimate_equals_a_direct_ecologits_call(model: object) -> None:
    from bot.measuring.catalog import ModelInfo

    assert isinstance(model, ModelInfo)
    estimator = Estimator()
    for tokens in TOKEN_COUNTS:
        assert_same(
            estimator.estimate(model, tokens),
            ecologits_reference(model.provider, model.name, tokens, None),
        )


@pytest.mark.parametrize("zone", ["FRA", "WOR", "SWE", "CHN"])
def test_a_configured_zone_is_passed_to_ecologits(zone: str) -> None:
    model = default_catalog().resolve("openai:gpt-4o")
    estimator = Estimator(zone)
    assert estimator.line(model).zone == zone
    assert_same(estimator.estimate(model, 170), ecologits_reference("openai", "gpt-4o", 170, zone))


def test_models_with_a_time_to_first_token_keep_their_fixed_part() -> None:
    model = default_catalog().resolve("cohere:command-a-03-2025")
    line = Estimator().line(model)
    assert line.fixed[0] > 0, "EcoLogits charges the time to first token even for 0 tokens"
    assert_same(line.at(3), ecologits_reference("cohere", "command-a-03-2025", 3, None))


def test_default_zone_is_the_providers_own() -> None:
    assert provider_zone("openai") == "USA"
    assert provider_zone("mistralai") == "SWE"
    model = default_catalog().resolve("openai:gpt-4o")
    assert Estimator().line(model).zone == "USA"


def test_gpt4o_short_email_matches_the_reference_figure() -> None:
    """figures.md: 0.25–0.41 Wh for 170 tokens of GPT-4o (EcoLogits 0.11.3)."""
    impacts = Estimator().estimate(default_catalog().resolve("gpt-4o"), 170)
    assert round(impacts.energy_wh.low, 3) == 0.250
    assert round(impacts.energy_wh.high, 3) == 0.414
    assert impacts.energy_wh.high < 1, "well under the outdated 14.9 Wh"


def test_unknown_zone_names_the_expected_form() -> None:
    with pytest.raises(UnknownZoneError) as raised:
        check_zone("FRX")
    assert "FRA" in raised.value.suggestions


def test_zone_codes_are_case_insensitive() -> None:
    assert check_zone(" fra ") == "FRA"
