"""Everyday equivalents of an estimate, each a factor with its own source.

The factors live in ``bot/measuring/data/equivalents.toml``; this module validates them,
converts an impact range into each equivalent, and picks the one or two whose
number a person can picture (a few seconds or minutes, not 0.0004 charges).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.foundation.sources import Bilingual, Sourced
from bot.measuring.energy import Impacts, Range

DATA_FILE = Path(__file__).parent / "data" / "equivalents.toml"
ImpactName = Literal["energy_wh", "gwp_g", "water_ml"]

# The range of values people picture best; outside it an equivalent is a last resort.
HUMAN_SCALE = (1.0, 100.0)


class PluralLabel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    one: str = Field(pattern=r"\{value\}")
    other: str = Field(pattern=r"\{value\}")


class Equivalent(Sourced):
    """One everyday unit: how much of an impact it takes, and who says so."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    impact: ImpactName
    amount_low: float = Field(gt=0)
    amount_high: float = Field(gt=0)
    units: float = Field(gt=0)
    label: Bilingual[PluralLabel]

    @model_validator(mode="after")
    def _ordered(self) -> Equivalent:
        if self.amount_low > self.amount_high:
            raise ValueError("amount_low must not exceed amount_high")
        return self

    def convert(self, impact: Range) -> Range:
        """Express an impact range in this unit (wider when the factor is a range)."""
        return Range(
            impact.low * self.units / self.amount_high,
            impact.high * self.units / self.amount_low,
        )

    def label_for(self, language: str, plural_category: str) -> str:
        plural = self.label.pick(language)
        return plural.one if plural_category == "one" else plural.other


class EquivalentFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    equivalent: list[Equivalent] = Field(min_length=1)


@cache
def load_equivalents(path: Path = DATA_FILE) -> tuple[Equivalent, ...]:
    """Read and validate the factors once per process."""
    with path.open("rb") as handle:
        data = EquivalentFile.model_validate(tomllib.load(handle))
    ids = [e.id for e in data.equivalent]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate equivalent ids: {', '.join(duplicates)}")
    return tuple(data.equivalent)


@dataclass(frozen=True, slots=True)
class EquivalentValue:
    """An impact expressed in one everyday unit."""

    equivalent: Equivalent
    value: Range


def _distance_from_human_scale(value: float) -> float:
    if value <= 0:
        return math.inf
    low, high = HUMAN_SCALE
    if low <= value <= high:
        return 0.0
    return abs(math.log10(value / (low if value < low else high)))


@cache
def _ranking_table() -> tuple[tuple[int, str, float, float, Equivalent], ...]:
    """Per equivalent: its order, impact, and the factors giving its range's middle."""
    return tuple(
        (index, e.impact, e.units / e.amount_high / 2, e.units / e.amount_low / 2, e)
        for index, e in enumerate(load_equivalents())
    )


def human_scale(impacts: Impacts, count: int = 2) -> list[EquivalentValue]:
    """The ``count`` equivalents whose values are easiest to picture, best first.

    At most one per everyday object (two units of the same phone or car say the
    same thing twice); ties keep the order of the data file. This runs for every
    /cost reply, so it ranks from precomputed factors and builds only the winners.
    """
    ranked = []
    for index, impact, low_factor, high_factor, equivalent in _ranking_table():
        value = getattr(impacts, impact)
        middle = value.low * low_factor + value.high * high_factor
        ranked.append((_distance_from_human_scale(middle), index, equivalent))
    ranked.sort()
    chosen: list[EquivalentValue] = []
    claims: set[str] = set()
    for _distance, _index, equivalent in ranked:
        if equivalent.claim in claims:
            continue
        chosen.append(
            EquivalentValue(equivalent, equivalent.convert(getattr(impacts, equivalent.impact)))
        )
        claims.add(equivalent.claim)
        if len(chosen) == count:
            break
    return chosen
