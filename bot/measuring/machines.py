"""Which class of machine can hold a model: the "model size" factor made concrete.

A model must sit whole in memory to answer, even when (mixture of experts) only
part of it computes each token. The memory per parameter and the machine classes
are sourced data (``bot/measuring/data/machines.toml``); the memory rule is EcoLogits' own
(16-bit weights plus 20 %, checked by a test), so the machine class shown next to
an estimate rests on the same assumption as the estimate itself.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.foundation.sources import Bilingual, Sourced
from bot.measuring.catalog import ModelInfo

DATA_FILE = Path(__file__).parent / "data" / "machines.toml"


class MachineClass(Sourced):
    """A class of machine and the memory it offers a model, with its source."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    memory_gb: float = Field(gt=0)
    label: Bilingual[str]

    def label_for(self, language: str) -> str:
        return self.label.pick(language)


class MemoryRule(Sourced):
    """How much memory a model needs per parameter, with its source."""

    bytes_per_parameter: float = Field(gt=0)
    working_memory_factor: float = Field(ge=1)


class MachineFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    memory: MemoryRule
    machine: list[MachineClass] = Field(min_length=1)


@cache
def load_machine_file(path: Path = DATA_FILE) -> MachineFile:
    """Read and validate the machine data once."""
    with path.open("rb") as handle:
        return MachineFile.model_validate(tomllib.load(handle))


def load_machines(path: Path = DATA_FILE) -> tuple[MachineClass, ...]:
    """The machine classes, smallest memory first."""
    return tuple(sorted(load_machine_file(path).machine, key=lambda m: m.memory_gb))


def memory_rule(path: Path = DATA_FILE) -> MemoryRule:
    return load_machine_file(path).memory


@dataclass(frozen=True, slots=True)
class MachineFit:
    """The memory a model needs and the smallest machine class that offers it."""

    required_gb: float
    machine: MachineClass | None  # None: more than the largest class (several servers)


def required_memory_gb(total_parameters_billion: float) -> float:
    """Memory to hold a model: weights plus working memory, in GB."""
    rule = memory_rule()
    return rule.working_memory_factor * total_parameters_billion * rule.bytes_per_parameter


def smallest_machine(model: ModelInfo) -> MachineFit:
    """The smallest machine class whose memory holds the model (upper parameter bound)."""
    required = required_memory_gb(model.total_parameters.high)
    for machine in load_machines():
        if required <= machine.memory_gb:
            return MachineFit(required_gb=required, machine=machine)
    return MachineFit(required_gb=required, machine=None)
