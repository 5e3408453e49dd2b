"""Which class of machine can hold a model: the "model size" factor made concrete.

A model must sit whole in memory to answer, even when (mixture of experts) only
part of it computes each token. The memory a model needs is EcoLogits' own
``model_required_memory`` (16-bit weights plus 20 %), so the machine class shown
next to an estimate rests on the same assumption as the estimate itself.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from bot.catalog import ModelInfo
from bot.sources import Source

DATA_FILE = Path(__file__).parent / "data" / "machines.toml"


class MachineLabels(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    en: str
    fr: str


class MachineClass(BaseModel):
    """A class of machine and the memory it offers a model, with its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    memory_gb: float = Field(gt=0)
    claim: str
    publisher: str
    title: str
    url: HttpUrl
    date: str | None = None
    label: MachineLabels

    @property
    def source(self) -> Source:
        return Source(
            publisher=self.publisher,
            title=self.title,
            url=self.url,
            date=self.date,
            claim=self.claim,
        )

    def label_for(self, language: str) -> str:
        return str(getattr(self.label, language, self.label.en))


class MachineFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    machine: list[MachineClass] = Field(min_length=1)


@cache
def load_machines(path: Path = DATA_FILE) -> tuple[MachineClass, ...]:
    """Read the machine classes once, smallest memory first."""
    with path.open("rb") as handle:
        data = MachineFile.model_validate(tomllib.load(handle))
    return tuple(sorted(data.machine, key=lambda m: m.memory_gb))


@dataclass(frozen=True, slots=True)
class MachineFit:
    """The memory a model needs and the smallest machine class that offers it."""

    required_gb: float
    machine: MachineClass | None  # None: more than the largest class (several servers)


def required_memory_gb(total_parameters_billion: float) -> float:
    """Memory to hold a model, exactly as EcoLogits computes it."""
    from ecologits.impacts.llm import MODEL_QUANTIZATION_BITS, model_required_memory

    return float(
        model_required_memory(
            model_total_parameter_count=total_parameters_billion,
            model_quantization_bits=MODEL_QUANTIZATION_BITS,
        )
    )


def smallest_machine(model: ModelInfo) -> MachineFit:
    """The smallest machine class whose memory holds the model (upper parameter bound)."""
    required = required_memory_gb(model.total_parameters.high)
    for machine in load_machines():
        if required <= machine.memory_gb:
            return MachineFit(required_gb=required, machine=machine)
    return MachineFit(required_gb=required, machine=None)
