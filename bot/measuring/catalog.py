"""The models Wattson knows: EcoLogits' model repository, looked up by name.

Names follow EcoLogits: ``provider:name`` (``openai:gpt-4o``,
``huggingface_hub:mistralai/Mixtral-8x7B-v0.1``). A bare name is accepted where
only one provider has it, and for Hugging Face models the part after the
organisation (``Mixtral-8x7B-v0.1``) too.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from bot.foundation.errors import AmbiguousModelError, UnknownModelError

MAX_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class ParameterCount:
    """A parameter count in billions; EcoLogits gives a range where it is not disclosed."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What EcoLogits records about one model."""

    provider: str
    name: str
    architecture: str  # "dense" or "moe", as EcoLogits spells them
    total_parameters: ParameterCount
    active_parameters: ParameterCount
    warnings: tuple[str, ...]

    key: str = field(init=False, compare=False)  # provider:name, the unambiguous form

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.provider}:{self.name}")

    @property
    def is_moe(self) -> bool:
        return self.architecture == "moe"

    @property
    def short_name(self) -> str:
        """The name without a Hugging Face organisation prefix."""
        return self.name.rsplit("/", 1)[-1]


def _parameter_count(value: object) -> ParameterCount:
    from ecologits.utils.range_value import RangeValue

    if isinstance(value, RangeValue):
        return ParameterCount(low=float(value.min), high=float(value.max))
    assert isinstance(value, int | float)
    return ParameterCount(low=float(value), high=float(value))


class ModelCatalog:
    """Resolve user-typed model names to EcoLogits models."""

    def __init__(self, models: Iterable[ModelInfo]) -> None:
        self._by_key: dict[str, ModelInfo] = {}
        by_name: dict[str, list[ModelInfo]] = defaultdict(list)
        for model in models:
            self._by_key[model.key.casefold()] = model
            by_name[model.name.casefold()].append(model)
            if model.short_name != model.name:
                by_name[model.short_name.casefold()].append(model)
        self._by_name = dict(by_name)
        self._resolved: dict[str, ModelInfo] = {}
        self.providers = frozenset(model.provider for model in self._by_key.values())

    @classmethod
    def from_ecologits(cls) -> ModelCatalog:
        """Read every model of the installed EcoLogits repository."""
        from ecologits.model_repository import ParametersMoE, models

        infos = []
        for model in models.list_models():
            parameters = model.architecture.parameters
            if isinstance(parameters, ParametersMoE):
                total, active = parameters.total, parameters.active
            else:
                total = active = parameters
            infos.append(
                ModelInfo(
                    provider=model.provider.value,
                    name=model.name,
                    architecture=model.architecture.type.value,
                    total_parameters=_parameter_count(total),
                    active_parameters=_parameter_count(active),
                    warnings=tuple(warning.code for warning in model.warnings),
                )
            )
        return cls(infos)

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(sorted(self._by_key.values(), key=lambda m: m.key.casefold()))

    def resolve(self, query: str) -> ModelInfo:
        """Return the model ``query`` names, or raise with the closest names."""
        cached = self._resolved.get(query)
        if cached is not None:
            return cached
        model = self._lookup(query.strip())
        if len(self._resolved) < 10_000:
            self._resolved[query] = model
        return model

    def find(self, query: str) -> ModelInfo | None:
        """Return the one model ``query`` names, or ``None``; cheap, for probing words."""
        folded = query.strip().casefold()
        model = self._by_key.get(folded)
        if model is not None:
            return model
        candidates = self._by_name.get(folded)
        return candidates[0] if candidates and len(candidates) == 1 else None

    def _lookup(self, query: str) -> ModelInfo:
        folded = query.casefold()
        model = self._by_key.get(folded)
        if model is not None:
            return model
        candidates = self._by_name.get(folded, [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise AmbiguousModelError(query, sorted(m.key for m in candidates))
        provider, colon, name = query.partition(":")
        unknown_provider = bool(colon) and provider.casefold() not in self.providers
        suggestions = (
            self.suggest(query)
            or (self.suggest(name) if colon else [])
            or self.suggest(query, cutoff=LOOSE_CUTOFF)
        )
        providers = sorted(self.providers) if unknown_provider else []
        raise UnknownModelError(query, suggestions, providers)

    def suggest(self, query: str, cutoff: float = 0.5) -> list[str]:
        """Name the known models closest to ``query`` (difflib similarity ≥ ``cutoff``)."""
        folded = query.casefold()
        names = list(self._by_key) + list(self._by_name)
        close = difflib.get_close_matches(folded, names, n=MAX_SUGGESTIONS * 2, cutoff=cutoff)
        suggestions: list[str] = []
        for name in close:
            for model in [self._by_key[name]] if name in self._by_key else self._by_name[name]:
                if model.key not in suggestions:
                    suggestions.append(model.key)
        return suggestions[:MAX_SUGGESTIONS]

    def search(self, words: str) -> list[ModelInfo]:
        """Return models whose ``provider:name`` contains every word, best matches first."""
        terms = words.casefold().split()
        found = [m for m in self if all(term in m.key.casefold() for term in terms)]
        return sorted(found, key=lambda m: (len(m.key), m.key.casefold()))


LOOSE_CUTOFF = 0.3  # when nothing is close, still name a few models rather than none


@lru_cache(maxsize=1)
def default_catalog() -> ModelCatalog:
    """The catalog of the installed EcoLogits, built once per process."""
    return ModelCatalog.from_ecologits()
