"""What a quantity measures: a small controlled vocabulary, each with the units it takes.

``/check`` compares a stated figure only with quantities of the same measure:
a share of national electricity (%) is not a rise (%), a "× times" factor is
not a percentage, total parameters are not active ones. Each measure names a
representative unit; a quantity's unit must convert to it (pint, through
``facts.units``), so a measure can never hold a figure of another dimension.
"""

from __future__ import annotations

from enum import StrEnum

from bot.foundation.i18n import N_
from facts.units import unit_kind


class Measure(StrEnum):
    energy = "energy"  # electricity or energy used
    power = "power"  # power drawn, or capacity
    emissions = "emissions"  # greenhouse gases, in CO2 equivalent
    water = "water"  # water used, withdrawn or evaporated
    share = "share"  # part of a whole, in % (the whole is a subject: electricity, copper…)
    change = "change"  # a rise or fall, in %
    factor = "factor"  # how many times more or less
    parameters_total = "parameters-total"
    parameters_active = "parameters-active"  # used for each token
    experts_total = "experts-total"
    experts_active = "experts-active"
    accelerator_time = "accelerator-time"  # GPU-hours
    requests = "requests"  # how many prompts, queries, questions
    households = "households"  # how many households an amount equals
    counted = "count"  # other things counted: servers, flights, charges, cars, images
    cost = "cost"  # money
    mass = "mass"  # tonnes of material
    memory = "memory"  # bytes, GB
    duration = "duration"  # seconds, days
    energy_per_distance = "energy-per-distance"  # Wh/km
    distance = "distance"  # km driven


# A unit each measure is expressed in; any unit that converts to it fits the measure.
_REPRESENTATIVE: dict[Measure, str] = {
    Measure.energy: "Wh",
    Measure.power: "W",
    Measure.emissions: "gCO2e",
    Measure.water: "L",
    Measure.share: "%",
    Measure.change: "%",
    Measure.factor: "times",
    Measure.parameters_total: "billion parameters",
    Measure.parameters_active: "billion parameters",
    Measure.experts_total: "experts",
    Measure.experts_active: "experts",
    Measure.accelerator_time: "GPU-hours",
    Measure.requests: "prompts",
    Measure.households: "households",
    Measure.cost: "USD",
    Measure.mass: "tonnes",
    Measure.memory: "GB",
    Measure.duration: "s",
    Measure.energy_per_distance: "Wh/km",
    Measure.distance: "km",
}
# Counted things that are not otherwise measured.
COUNT_KINDS = frozenset(
    {
        "[flights]",
        "[phone_charges]",
        "[servers]",
        "[cars]",
        "[images]",
        "[videos]",
        "[tokens]",
        "[gpus]",
    }
)

MEASURE_LABELS: dict[Measure, str] = {
    Measure.energy: N_("energy used"),
    Measure.power: N_("power"),
    Measure.emissions: N_("greenhouse-gas emissions"),
    Measure.water: N_("water"),
    Measure.share: N_("share"),
    Measure.change: N_("change"),
    Measure.factor: N_("ratio"),
    Measure.parameters_total: N_("total parameters"),
    Measure.parameters_active: N_("parameters active per token"),
    Measure.experts_total: N_("experts"),
    Measure.experts_active: N_("experts active per token"),
    Measure.accelerator_time: N_("GPU time"),
    Measure.requests: N_("number of requests"),
    Measure.households: N_("households equivalent"),
    Measure.counted: N_("count"),
    Measure.cost: N_("cost"),
    Measure.mass: N_("mass"),
    Measure.memory: N_("memory"),
    Measure.duration: N_("duration"),
    Measure.energy_per_distance: N_("energy per distance"),
    Measure.distance: N_("distance"),
}


def measure_fits_unit(measure: Measure, unit: str) -> bool:
    """Whether a figure in ``unit`` can be a ``measure`` (``GWh`` is energy, not water)."""
    kind = unit_kind(unit)
    if kind is None:
        return False
    if measure is Measure.counted:
        return kind in COUNT_KINDS
    return kind == unit_kind(_REPRESENTATIVE[measure])


def measures_for_unit(unit: str) -> list[Measure]:
    """Every measure a figure in ``unit`` may be, the most usual first."""
    return [measure for measure in Measure if measure_fits_unit(measure, unit)]


def default_measure(unit: str) -> Measure | None:
    """The usual measure for a unit, for claims that do not say (``%`` → share)."""
    fitting = measures_for_unit(unit)
    return fitting[0] if fitting else None
