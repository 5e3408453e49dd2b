"""Physical units for claim checking, through pint.

The claim base writes units as people read them (``Wh``, ``TWh``, ``mL``,
``tCO2e``, ``GPU-hours``, ``billion parameters``); this module maps each to a
pint quantity so that ``7 832 GWh`` and ``7.8 TWh``, or ``0,5 litre`` and
``500 mL``, compare. Greenhouse gases get their own dimension (grams of CO2
equivalent) and counts of things (households, prompts) theirs, so pint never
compares apples with kilowatt-hours. Words in French and English
(``gigawattheures``, ``litres``, ``tonnes de CO2``) map to the same units.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

_DEFINITIONS = """
gram_co2e = [emissions] = gCO2e
kgCO2e = 1000 * gram_co2e
tCO2e = 1e6 * gram_co2e
ktCO2e = 1e9 * gram_co2e
MtCO2e = 1e12 * gram_co2e
gpu_hour = [accelerator_time]
parameter = [parameters]
billion_parameter = 1e9 * parameter
household = [households]
prompt = [prompts]
expert = [experts]
flight = [flights]
phone_charge = [phone_charges]
usd = [money]
ratio = 1
"""

# How the claim base and people write units → a pint expression.
UNIT_ALIASES: dict[str, str] = {
    # energy
    "j": "J",
    "joule": "J",
    "joules": "J",
    "kj": "kJ",
    "mj": "MJ",
    "gj": "GJ",
    "wh": "Wh",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "wattheure": "Wh",
    "wattheures": "Wh",
    "watt-hour": "Wh",
    "watt-hours": "Wh",
    "watt hour": "Wh",
    "watt hours": "Wh",
    "kilowattheure": "kWh",
    "kilowattheures": "kWh",
    "kilowatt-hour": "kWh",
    "kilowatt-hours": "kWh",
    "kilowatt hour": "kWh",
    "kilowatt hours": "kWh",
    "mégawattheure": "MWh",
    "mégawattheures": "MWh",
    "megawatt-hour": "MWh",
    "megawatt-hours": "MWh",
    "megawatt hours": "MWh",
    "gigawattheure": "GWh",
    "gigawattheures": "GWh",
    "gigawatt-hour": "GWh",
    "gigawatt-hours": "GWh",
    "gigawatt hours": "GWh",
    "térawattheure": "TWh",
    "térawattheures": "TWh",
    "terawatt-hour": "TWh",
    "terawatt-hours": "TWh",
    "terawatt hours": "TWh",
    # power
    "w": "W",
    "watt": "W",
    "watts": "W",
    "kw": "kW",
    "mw": "MW",
    "gw": "GW",
    "kilowatt": "kW",
    "kilowatts": "kW",
    "mégawatt": "MW",
    "mégawatts": "MW",
    "megawatt": "MW",
    "megawatts": "MW",
    "gigawatt": "GW",
    "gigawatts": "GW",
    # water
    "ml": "mL",
    "millilitre": "mL",
    "millilitres": "mL",
    "milliliter": "mL",
    "milliliters": "mL",
    "cl": "cL",
    "centilitre": "cL",
    "centilitres": "cL",
    "l": "L",
    "litre": "L",
    "litres": "L",
    "liter": "L",
    "liters": "L",
    "m3": "m**3",
    "m³": "m**3",
    "mètres cubes": "m**3",
    "cubic metres": "m**3",
    "gallon": "gallon",
    "gallons": "gallon",
    # greenhouse gases
    "gco2e": "gCO2e",
    "gco2eq": "gCO2e",
    "gco2": "gCO2e",
    "g co2": "gCO2e",
    "g co2e": "gCO2e",
    "grammes de co2": "gCO2e",
    "grams of co2": "gCO2e",
    "kgco2e": "kgCO2e",
    "kgco2eq": "kgCO2e",
    "kgco2": "kgCO2e",
    "kg co2": "kgCO2e",
    "kilos de co2": "kgCO2e",
    "g de co2": "gCO2e",
    "g of co2": "gCO2e",
    "gco₂": "gCO2e",
    "gco₂e": "gCO2e",
    "g co₂": "gCO2e",
    "g de co₂": "gCO2e",
    "kg de co2": "kgCO2e",
    "kg de co₂": "kgCO2e",
    "kgco₂": "kgCO2e",
    "t de co2": "tCO2e",
    "tco₂": "tCO2e",
    "tonnes de co₂": "tCO2e",
    "kg of co2": "kgCO2e",
    "tco2e": "tCO2e",
    "tco2eq": "tCO2e",
    "tco2": "tCO2e",
    "t co2": "tCO2e",
    "tonnes de co2": "tCO2e",
    "tonnes of co2": "tCO2e",
    "tons of co2": "tCO2e",
    "ktco2e": "ktCO2e",
    "mtco2e": "MtCO2e",
    "mtco2": "MtCO2e",
    # mass, memory, time
    "mt": "megatonne",
    "tonnes": "tonne",
    "tonne": "tonne",
    "gb": "GB",
    "go": "GB",
    "bytes": "byte",
    "octets": "byte",
    "s": "s",
    "seconds": "s",
    "secondes": "s",
    "days": "day",
    "jours": "day",
    # counts
    "gpu-hours": "gpu_hour",
    "gpu hours": "gpu_hour",
    "heures-gpu": "gpu_hour",
    "billion parameters": "billion_parameter",
    "milliards de paramètres": "billion_parameter",
    "households": "household",
    "foyers": "household",
    "ménages": "household",
    "prompts": "prompt",
    "requêtes": "prompt",
    "requests": "prompt",
    "experts": "expert",
    "expert": "expert",
    "flights": "flight",
    "vols": "flight",
    "charges": "phone_charge",
    "recharges": "phone_charge",
    "usd": "usd",
    "dollars": "usd",
    "$": "usd",
    "times": "ratio",
    "fois": "ratio",
    "×": "ratio",
    "x": "ratio",
    "%": "percent",
    "percent": "percent",
    "pour cent": "percent",
    "wh/km": "Wh/km",
}


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The unit registry, built once (importing pint costs a fifth of a second)."""
    import pint

    units: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        units.define(line)
    return units


def unit_expression(unit: str) -> str | None:
    """The pint expression of a unit as written, or ``None`` if unknown."""
    return UNIT_ALIASES.get(unit.strip().casefold())


def quantity(value: float, unit: str) -> pint.Quantity[Any] | None:
    """``value`` in ``unit`` as a pint quantity, or ``None`` for an unknown unit."""
    expression = unit_expression(unit)
    if expression is None:
        return None
    return registry().Quantity(value, expression)


def convert(value: float, unit: str, target: str) -> float | None:
    """Convert ``value`` from ``unit`` to ``target``; ``None`` if they do not compare."""
    import pint

    source = quantity(value, unit)
    target_expression = unit_expression(target)
    if source is None or target_expression is None:
        return None
    try:
        return float(source.to(target_expression).magnitude)
    except pint.DimensionalityError:
        return None


def known_unit_words() -> list[str]:
    """Every unit spelling the checker recognises, longest first (for matching text)."""
    return sorted(UNIT_ALIASES, key=len, reverse=True)
