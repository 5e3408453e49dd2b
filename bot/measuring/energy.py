"""Energy, greenhouse gases and water of generating text, computed with EcoLogits.

EcoLogits' ``llm_impacts`` rebuilds its whole computation graph on every call.
Its impacts are affine in the number of generated tokens (a per-token cost,
plus a fixed cost where EcoLogits records a time-to-first-token for the model),
so :class:`Estimator` asks EcoLogits once for 0 tokens and once for a million,
per model and electricity zone, and then only multiplies: the result equals a
direct ``llm_impacts`` call to about 1e-15 relative (tests hold it to 1e-9).

The request latency is unknown (Wattson does not call the model), so it is
passed as infinite: EcoLogits then uses its modelled generation time.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.foundation.errors import UnknownZoneError
from bot.measuring.catalog import ModelInfo

WH_PER_KWH = 1000.0
G_PER_KG = 1000.0
ML_PER_L = 1000.0
WORLD_ZONE = "WOR"
_CALIBRATION_TOKENS = 1_000_000


class Range(NamedTuple):
    """An interval ``[low, high]``: EcoLogits' honest uncertainty.

    Range and Impacts are named tuples, not frozen dataclasses: they are built
    for every message, and a tuple is built several times faster.
    """

    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class Impacts(NamedTuple):
    """Impacts of one generation, in the units users read."""

    energy_wh: Range
    gwp_g: Range
    water_ml: Range


@dataclass(frozen=True, slots=True)
class ImpactLine:
    """Impacts as ``fixed + per_token × tokens`` for one model and zone."""

    fixed: tuple[float, ...]
    per_token: tuple[float, ...]
    zone: str
    warnings: tuple[str, ...]

    def at(self, tokens: int) -> Impacts:
        f, p = self.fixed, self.per_token
        return Impacts(
            energy_wh=Range(f[0] + p[0] * tokens, f[1] + p[1] * tokens),
            gwp_g=Range(f[2] + p[2] * tokens, f[3] + p[3] * tokens),
            water_ml=Range(f[4] + p[4] * tokens, f[5] + p[5] * tokens),
        )


def _bounds(value: object) -> tuple[float, float]:
    from ecologits.utils.range_value import RangeValue

    if isinstance(value, RangeValue):
        return float(value.min), float(value.max)
    assert isinstance(value, int | float)
    return float(value), float(value)


@lru_cache(maxsize=1)
def ecologits_version() -> str:
    from importlib.metadata import version

    return version("ecologits")


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Electricity-mix zones of the installed EcoLogits (ISO 3166-1 alpha-3, plus WOR)."""
    from ecologits.electricity_mix_repository import electricity_mixes

    return frozenset(mix.zone for mix in electricity_mixes.list_electricity_mixes())


def check_zone(zone: str) -> str:
    """Return ``zone`` upper-cased if EcoLogits has its electricity mix, else raise."""
    normalized = zone.strip().upper()
    if normalized not in known_zones():
        import difflib

        raise UnknownZoneError(zone, difflib.get_close_matches(normalized, sorted(known_zones())))
    return normalized


def provider_zone(provider: str) -> str:
    """The electricity zone EcoLogits assumes for a provider's data centres."""
    from ecologits.tracers.utils import PROVIDER_CONFIG_MAP

    config = PROVIDER_CONFIG_MAP.get(provider)
    return (config.datacenter_location if config else None) or WORLD_ZONE


@lru_cache(maxsize=1)
def _quiet_ecologits_logger() -> None:
    """EcoLogits logs each model warning; Wattson shows them, localized, in replies."""
    from ecologits.log import logger

    logger.setLevel(logging.ERROR)


def ecologits_impacts(model: ModelInfo, tokens: int, zone: str | None) -> tuple[Impacts, str]:
    """Call EcoLogits directly: the reference every cached figure must equal."""
    from ecologits.tracers.utils import llm_impacts

    _quiet_ecologits_logger()

    used_zone = zone or provider_zone(model.provider)
    result = llm_impacts(model.provider, model.name, tokens, math.inf, used_zone)
    if result.has_errors or result.energy is None or result.gwp is None or result.wcf is None:
        messages = "; ".join(str(error) for error in result.errors or [])
        raise RuntimeError(f"EcoLogits could not estimate {model.key} in {used_zone}: {messages}")
    energy, gwp, water = (
        _bounds(result.energy.value),
        _bounds(result.gwp.value),
        _bounds(result.wcf.value),
    )
    return (
        Impacts(
            energy_wh=Range(energy[0] * WH_PER_KWH, energy[1] * WH_PER_KWH),
            gwp_g=Range(gwp[0] * G_PER_KG, gwp[1] * G_PER_KG),
            water_ml=Range(water[0] * ML_PER_L, water[1] * ML_PER_L),
        ),
        used_zone,
    )


def _flatten(impacts: Impacts) -> tuple[float, ...]:
    return (
        impacts.energy_wh.low,
        impacts.energy_wh.high,
        impacts.gwp_g.low,
        impacts.gwp_g.high,
        impacts.water_ml.low,
        impacts.water_ml.high,
    )


def calibrate(model: ModelInfo, zone: str | None) -> ImpactLine:
    """Ask EcoLogits twice and keep the fixed and per-token parts of every impact."""
    at_zero, used_zone = ecologits_impacts(model, 0, zone)
    at_many, _ = ecologits_impacts(model, _CALIBRATION_TOKENS, zone)
    fixed = _flatten(at_zero)
    per_token = tuple(
        (many - zero) / _CALIBRATION_TOKENS
        for zero, many in zip(fixed, _flatten(at_many), strict=True)
    )
    return ImpactLine(fixed=fixed, per_token=per_token, zone=used_zone, warnings=model.warnings)


class Estimator:
    """Impacts of generating ``tokens`` tokens with a model, cached per model and zone."""

    def __init__(self, zone: str | None = None) -> None:
        self.zone = check_zone(zone) if zone else None
        self._lines: dict[tuple[str, str | None], ImpactLine] = {}

    def line(self, model: ModelInfo, zone: str | None = None) -> ImpactLine:
        """Return the model's calibrated impact line (computed on first use)."""
        key = (model.key, zone or self.zone)
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = calibrate(model, key[1])
        return line

    def estimate(self, model: ModelInfo, tokens: int, zone: str | None = None) -> Impacts:
        """Impacts of ``tokens`` generated tokens, equal to EcoLogits' own result."""
        return self.line(model, zone).at(tokens)
