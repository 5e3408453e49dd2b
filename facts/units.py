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

from facts.accents import without_accents

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
server = [servers]
car = [cars]
image = [images]
video = [videos]
token = [tokens]
gpu = [gpus]
kwh_per_100km = 10 * Wh / km
wh_per_100km = 0.01 * Wh / km
usd = [money]
ratio = 1
ten_years = 10 * year
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
    "us gallon": "gallon",
    "us gallons": "gallon",
    "u.s. gallons": "gallon",
    "gallon américain": "gallon",
    "gallons américains": "gallon",
    "tb": "TB",
    "terabytes": "TB",
    "téraoctets": "TB",
    "gigabytes": "GB",
    "gigaoctets": "GB",
    "mb": "MB",
    "megabytes": "MB",
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
    "t": "tonne",
    "kt": "kilotonne",
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
    "parameters": "parameter",
    "paramètres": "parameter",
    "params": "parameter",
    "active parameters": "parameter",
    "paramètres actifs": "parameter",
    "paramètres activés": "parameter",
    "billion active parameters": "billion_parameter",
    "milliards de paramètres actifs": "billion_parameter",
    "milliards de paramètres": "billion_parameter",
    "households": "household",
    "foyers": "household",
    "ménages": "household",
    "prompts": "prompt",
    "requêtes": "prompt",
    "requests": "prompt",
    "prompt": "prompt",
    "request": "prompt",
    "queries": "prompt",
    "query": "prompt",
    "questions": "prompt",
    "question": "prompt",
    "requête": "prompt",
    "servers": "server",
    "serveurs": "server",
    "ai servers": "server",
    "cars": "car",
    "voitures": "car",
    "electric cars": "car",
    "voitures électriques": "car",
    "images": "image",
    "videos": "video",
    "vidéos": "video",
    "milliwatt-hours": "mWh",
    "milliwattheures": "mWh",
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
    "kwh/100 km": "kwh_per_100km",
    "kwh/100km": "kwh_per_100km",
    "kwh per 100 km": "kwh_per_100km",
    "kwh aux 100 km": "kwh_per_100km",
    "km": "km",
    "kilometres": "km",
    "kilomètres": "km",
    "kilometers": "km",
    "miles": "mile",
    "years": "year",
    "year": "year",
    "ans": "year",
    "années": "year",
    "decade": "ten_years",
    "decades": "ten_years",
    "décennie": "ten_years",
    "décennies": "ten_years",
    "minutes": "minute",
    "minute": "minute",
    "min": "minute",
    "mins": "minute",
    "mn": "minute",
    "hours": "hour",
    "heures": "hour",
    "tokens": "token",
    "jetons": "token",
    "gpus": "gpu",
    "bits": "bit",
    "bit": "bit",
    "byte": "byte",
    "octet": "byte",
}


# Spellings where case tells the prefix apart: milli (m) is not mega (M). Looked up
# before the case-insensitive aliases, so ``0.3 mWh`` is never read as megawatt-hours.
EXACT_UNITS: dict[str, str] = {
    "mWh": "mWh",
    "mW": "mW",
    "mJ": "mJ",
    "ML": "ML",
    "Ml": "ML",
    "B": "billion_parameter",  # "671B", "37B active"
    "To": "TB",  # téraoctet ("to" in lower case is an English word)
    "Mo": "MB",
}
PERCENT_UNITS = frozenset({"percent"})
RATIO_UNITS = frozenset({"ratio"})


def _spellings() -> dict[str, str]:
    """Unit spellings built from parts: every way people write CO2 masses, GPU-hours, homes."""
    aliases: dict[str, str] = {}
    gases = ("co2", "co2e", "co2eq", "co2-eq", "co2 eq", "co₂", "co₂e", "co₂eq", "eqco2",
             "éq. co2", "équivalent co2", "d'équivalent co2", "d’équivalent co2", "ges",
             "co2 equivalent", "co2-equivalent", "co2 équivalent", "carbon dioxide")  # fmt: skip
    masses = {
        "gCO2e": ("g", "gram", "grams", "gramme", "grammes"),
        "kgCO2e": ("kg", "kilogram", "kilograms", "kilo", "kilos", "kilogramme", "kilogrammes"),
        "tCO2e": ("t", "tonne", "tonnes", "ton", "tons", "metric tons"),
        "ktCO2e": ("kt", "kilotonne", "kilotonnes", "kilotons", "thousand tonnes"),
        "MtCO2e": ("mt", "megatonne", "megatonnes", "mégatonne", "mégatonnes", "million tonnes",
                   "millions de tonnes", "million tons"),
    }  # fmt: skip
    for unit, words in masses.items():
        for word in words:
            for gas in gases:
                for joint in ("", " ", " de ", " d'", " d’", " of "):
                    aliases[f"{word}{joint}{gas}"] = unit
    for word in ("gpu-hours", "gpu hours", "gpu-hour", "gpu hour", "heures-gpu", "heures gpu",
                 "heures de gpu", "heures-gpu h100", "heures gpu h100", "heures de gpu h100",
                 "gpu-heures", "h100 gpu-hours", "h100 gpu hours", "h800 gpu-hours",
                 "heures-gpu h800", "heures de calcul gpu", "h gpu"):  # fmt: skip
        aliases[word] = "gpu_hour"
    for place in ("", "french ", "american ", "us ", "u.s. ", "irish "):
        for home in ("households", "homes", "houses", "household", "home"):
            aliases[f"{place}{home}"] = "household"
    for home in ("foyers", "ménages", "logements", "maisons", "foyer", "ménage"):
        for place in ("", " français", " américains", " en france", " irlandais"):
            aliases[f"{home}{place}"] = "household"
    for prefix, symbol in (("", ""), ("kilo", "k"), ("méga", "M"), ("mega", "M"), ("giga", "G"),
                           ("téra", "T"), ("tera", "T"), ("milli", "m")):  # fmt: skip
        for spelling in ("joule", "joules"):
            aliases[f"{prefix}{spelling}"] = f"{symbol}J"
        for spelling in ("wattheure", "wattheures", "watt-heure", "watts-heures", "watt-heures",
                         "watt-hour", "watt-hours", "watt hour", "watt hours", "wattheures"):  # fmt: skip
            aliases[f"{prefix}{spelling}"] = f"{symbol}Wh"
    for energy, symbol in (("wh", "Wh"), ("kwh", "kWh")):
        for joint in ("/", " per ", " par ", " a ", " au ", " / "):
            for distance in ("km", "kilometre", "kilometer", "kilomètre"):
                aliases[f"{energy}{joint}{distance}"] = f"{symbol}/km"
        for joint in (" per 100 ", " aux 100 ", " pour 100 ", "/100 ", "/100"):
            for distance in ("km", "kilometres", "kilometers", "kilomètres"):
                aliases[f"{energy}{joint}{distance}"] = f"{energy}_per_100km"
    return aliases


UNIT_ALIASES.update({k: v for k, v in _spellings().items() if k not in UNIT_ALIASES})
UNIT_ALIASES.update(
    {
        "active": "parameter",
        "actifs": "parameter",
        "activés": "parameter",
        "activated": "parameter",
        "of its parameters": "parameter",
        "de ses paramètres": "parameter",
        "demi-litre": "L",
        "demi-litres": "L",
        "litre d'eau": "L",
        "litres d'eau": "L",
        "tons": "tonne",
        "million tonnes": "megatonne",
        "millions de tonnes": "megatonne",
        "cars": "car",
        "terawatt-heures": "TWh",
        "twh/an": "TWh",
        "vols paris–new york": "flight",
        "vols paris-new york": "flight",
        "paris–new york flights": "flight",
        "paris-new york flights": "flight",
    }
)


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The unit registry, built once (importing pint costs a fifth of a second)."""
    import pint

    units: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        units.define(line)
    return units


def unit_expression(unit: str) -> str | None:
    """The pint expression of a unit as written (accents or not), or ``None`` if unknown."""
    unit = unit.strip()
    return (
        EXACT_UNITS.get(unit)
        or UNIT_ALIASES.get(unit.casefold())
        or _plain_aliases().get(without_accents(unit.casefold()))
    )


@cache
def _plain_aliases() -> dict[str, str]:
    return {without_accents(word): expression for word, expression in UNIT_ALIASES.items()}


@cache
def unit_kind(unit: str) -> str | None:
    """What a unit measures: ``percent``, ``ratio`` (× times) or its pint dimensionality.

    Percentages and "× times" are both pure numbers to pint, but never the same
    thing to a reader: "10 % more" is not "10 times more".
    """
    expression = unit_expression(unit)
    if expression is None:
        return None
    if expression in PERCENT_UNITS:
        return "percent"
    if expression in RATIO_UNITS:
        return "ratio"
    return str(registry().Quantity(1, expression).dimensionality)


def quantity(value: float, unit: str) -> pint.Quantity[Any] | None:
    """``value`` in ``unit`` as a pint quantity, or ``None`` for an unknown unit."""
    expression = unit_expression(unit)
    if expression is None:
        return None
    return registry().Quantity(value, expression)


def convert(value: float, unit: str, target: str) -> float | None:
    """Convert ``value`` from ``unit`` to ``target``; ``None`` if they do not compare."""
    factor = conversion_factor(unit, target)
    return None if factor is None else value * factor


@cache
def conversion_factor(unit: str, target: str) -> float | None:
    """How many ``target`` one ``unit`` is, worked out by pint once per pair.

    Every unit here is proportional (no offset, like degrees Celsius, has a
    spelling), so a factor is the whole conversion; /check converts each
    stated figure against hundreds of quantities, and pint takes about 0.2 ms
    a conversion.
    """
    import pint

    source = quantity(1.0, unit)
    target_expression = unit_expression(target)
    if source is None or target_expression is None or unit_kind(unit) != unit_kind(target):
        return None
    try:
        return float(source.to(target_expression).magnitude)
    except pint.DimensionalityError:
        return None


def known_unit_words() -> list[str]:
    """Every unit spelling the checker recognises, longest first (for matching text)."""
    plain = {without_accents(word) for word in UNIT_ALIASES}
    return sorted({*UNIT_ALIASES, *plain, *EXACT_UNITS}, key=len, reverse=True)
