"""Count a text's tokens and estimate what generating it costs: the /cost computation.

This is the hot path of the bot. It does the work once per message and nothing
else: the encoding and the model's impact line are cached, so past the token
count an estimate is a handful of multiplications.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.measuring.catalog import ModelInfo
from bot.measuring.energy import Estimator, Impacts
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
