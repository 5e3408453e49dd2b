"""Model names are resolved as EcoLogits spells them, with helpful errors."""

from __future__ import annotations

import pytest

from bot.foundation.errors import AmbiguousModelError, UnknownModelError
from bot.measuring.catalog import default_catalog


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("openai:gpt-4o", "openai:gpt-4o"),
        ("OpenAI:GPT-4o", "openai:gpt-4o"),
        ("gpt-4o-mini", "openai:gpt-4o-mini"),
        (
            "huggingface_hub:mistralai/Mixtral-8x7B-v0.1",
            "huggingface_hub:mistralai/Mixtral-8x7B-v0.1",
        ),
        (
            "mistralai/Mixtral-8x7B-Instruct-v0.1",
            "huggingface_hub:mistralai/Mixtral-8x7B-Instruct-v0.1",
        ),
        ("claude-sonnet-4-5", "anthropic:claude-sonnet-4-5"),
    ],
)
def test_names_resolve_to_one_model(query: str, key: str) -> None:
    assert default_catalog().resolve(query).key == key


def test_unknown_name_suggests_the_closest_models() -> None:
    with pytest.raises(UnknownModelError) as raised:
        default_catalog().resolve("gpt-4p")
    assert "openai:gpt-4o" in raised.value.suggestions


def test_a_short_name_two_organisations_share_must_be_qualified() -> None:
    with pytest.raises(AmbiguousModelError) as raised:
        default_catalog().resolve("Mixtral-8x22B-v0.1")
    assert "huggingface_hub:mistralai/Mixtral-8x22B-v0.1" in raised.value.candidates
    assert "huggingface_hub:mistral-community/Mixtral-8x22B-v0.1" in raised.value.candidates


def test_moe_models_record_total_and_active_parameters() -> None:
    mixtral = default_catalog().resolve("mistralai/Mixtral-8x7B-v0.1")
    assert mixtral.is_moe
    assert (mixtral.total_parameters.low, mixtral.active_parameters.low) == (46.7, 12.9)


def test_search_needs_every_word() -> None:
    found = default_catalog().search("llama 70b instruct")
    assert found
    assert all(all(w in m.key.casefold() for w in ("llama", "70b", "instruct")) for m in found)
