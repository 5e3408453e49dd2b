"""Count a text's tokens and estimate what generating it costs: the /cost computation.

This is the hot path of the bot. It does the work once per message and nothing
else: the encoding and the model's impact line are cached, so past the token
count an estimate is a handful of multiplications.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from bot.measuring.catalog import ModelInfo
from bot.measuring.energy import Estimator, Impacts, Range, ecologits_version
from bot.measuring.equivalents import human_scale
from bot.measuring.tokens import Tokenizer, count_tokens, tokenizer_for


class CostEstimate(NamedTuple):
    """The tokens of a text and the impacts of a model generating it."""

    model: ModelInfo
    tokenizer: Tokenizer
    tokens: int
    impacts: Impacts
    zone: str

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.model.warnings


def estimate_text(
    text: str, model: ModelInfo, estimator: Estimator, zone: str | None = None
) -> CostEstimate:
    """Count ``text`` with the model's tokenizer and estimate its generation."""
    tokenizer = tokenizer_for(model.provider, model.name)
    tokens = count_tokens(text, tokenizer.encoding_name)
    return estimate_tokens(tokens, model, estimator, tokenizer, zone)


def estimate_tokens(
    tokens: int,
    model: ModelInfo,
    estimator: Estimator,
    tokenizer: Tokenizer,
    zone: str | None = None,
) -> CostEstimate:
    """Estimate the generation of an already counted number of tokens."""
    line = estimator.line(model, zone)
    return CostEstimate(
        model=model, tokenizer=tokenizer, tokens=tokens, impacts=line.at(tokens), zone=line.zone
    )


def estimate_json(estimate: CostEstimate) -> dict[str, Any]:
    """The JSON contract of ``wattson cost --json`` and of the web API's ``cost`` (see README)."""

    def bounds(value: Range) -> dict[str, float]:
        return {"min": value.low, "max": value.high}

    model = estimate.model
    return {
        "tokens": estimate.tokens,
        "encoding": estimate.tokenizer.encoding_name,
        "tokens_exact": estimate.tokenizer.exact,
        "provider": model.provider,
        "model": model.name,
        "architecture": model.architecture,
        "parameters_billion": {
            "total": {"min": model.total_parameters.low, "max": model.total_parameters.high},
            "active": {"min": model.active_parameters.low, "max": model.active_parameters.high},
        },
        "zone": estimate.zone,
        "energy_wh": bounds(estimate.impacts.energy_wh),
        "gwp_g": bounds(estimate.impacts.gwp_g),
        "water_ml": bounds(estimate.impacts.water_ml),
        "ecologits_version": ecologits_version(),
        "warnings": list(estimate.warnings),
        "equivalents": [
            {
                "id": item.equivalent.id,
                "value": item.value.mean,
                "min": item.value.low,
                "max": item.value.high,
                "impact": item.equivalent.impact,
                "source_url": str(item.equivalent.url),
                "source_publisher": item.equivalent.publisher,
                "claim": item.equivalent.claim,
            }
            for item in human_scale(estimate.impacts)
        ],
    }
