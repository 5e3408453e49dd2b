"""The models Wattson knows: EcoLogits' model repository, looked up by name.

Names follow EcoLogits: ``provider:name`` (``openai:gpt-4o``,
``huggingface_hub:mistralai/Mixtral-8x7B-v0.1``). A bare name is accepted where
only one provider has it, and for Hugging Face models the part after the
organisation (``Mixtral-8x7B-v0.1``) too.
"""

from __future__ import annotations

import difflib
import re
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
        if colon and provider.casefold() not in self.providers:
            # An unknown provider: only a name that is truly close is worth suggesting.
            suggestions = self.suggest(name, cutoff=CLOSE_CUTOFF)
            raise UnknownModelError(query, suggestions, sorted(self.providers))
        within = provider.casefold() if colon else None
        # within a named provider, a looser likeness still helps (anthropic:opus → its opus models)
        suggestions = self.suggest(query, provider=within) or (
            self.suggest(query, cutoff=LOOSE_CUTOFF, provider=within) if within else []
        )
        raise UnknownModelError(query, suggestions)

    def suggest(self, query: str, cutoff: float = 0.5, provider: str | None = None) -> list[str]:
        """Name the known models closest to ``query``, the most similar first.

        A model's similarity is the best difflib ratio of what was typed against
        its ``provider:name``, its name or its short name (with the provider
        left off what was typed when the model's name is compared), so
        ``gpt-4o-mni`` ranks ``openai:gpt-4o-mini`` first.
        """
        folded = query.strip().casefold()
        bare = folded.partition(":")[2] or folded
        scored: list[tuple[float, str]] = []
        for model in self._by_key.values():
            if provider is not None and model.provider != provider:
                continue
            score = max(
                similarity(folded, model.key.casefold()),
                similarity(bare, model.name.casefold()),
                similarity(bare, model.short_name.casefold()),
            )
            if score >= cutoff:
                scored.append((score, model.key))
        scored.sort(key=lambda item: (-item[0], len(item[1]), item[1]))
        return [key for _score, key in scored[:MAX_SUGGESTIONS]]

    def family(self, word: str) -> list[ModelInfo]:
        """The models a bare family or provider word names (``claude``, ``mistral``, ``gpt``),
        or none when ``word`` is no such word (or names one model itself)."""
        folded = word.strip().casefold()
        if not FAMILY_WORD.match(folded) or self.find(folded) is not None:
            return []
        provider = PROVIDER_WORDS.get(folded, folded)
        if provider in self.providers and provider != "huggingface_hub":
            found = [model for model in self if model.provider == provider]
        elif folded in NOT_FAMILIES:
            return []
        else:
            found = [model for model in self if family_of(model) == folded]
            if len(found) < 2:
                return []
        # the family's own models first (mistral-large before codestral), shortest names first
        return sorted(found, key=lambda m: (family_of(m) != folded, len(m.key), m.key))

    def search(self, words: str) -> list[ModelInfo]:
        """Return models whose ``provider:name`` contains every word, best matches first."""
        terms = words.casefold().split()
        found = [m for m in self if all(term in m.key.casefold() for term in terms)]
        return sorted(found, key=lambda m: (len(m.key), m.key.casefold()))


LOOSE_CUTOFF = 0.3  # when nothing is close, still name a few models rather than none
CLOSE_CUTOFF = 0.75  # what an unknown provider's model name must reach to be suggested
FAMILY_WORD = re.compile(r"^[a-z][a-z_]{2,}$")  # a word, no digit: claude, not gpt-4o
# Words people use for a provider, mapped to EcoLogits' provider names.
PROVIDER_WORDS = {"google": "google_genai", "mistral": "mistralai", "claude": "anthropic"}
# First words of model names that are everyday words, not families people name.
NOT_FAMILIES = frozenset({"chat", "prompt", "labs", "meta", "text"})


def family_of(model: ModelInfo) -> str:
    """The first word of a model's short name: ``gpt`` for gpt-4o, ``llama`` for Llama-2-7b."""
    return re.split(r"[-_.:/ ]", model.short_name.casefold(), maxsplit=1)[0]


def similarity(typed: str, known: str) -> float:
    """How alike two names are, 0 to 1 (difflib's ratio)."""
    return difflib.SequenceMatcher(None, typed, known).ratio()


@lru_cache(maxsize=1)
def default_catalog() -> ModelCatalog:
    """The catalog of the installed EcoLogits, built once per process."""
    return ModelCatalog.from_ecologits()
