"""A model is named, not guessed: family words are questions, suggestions look like the typo.

``/cost claude hello`` does not measure "claude hello" on the default model: it
lists the models of that family, from EcoLogits' own list. Suggestions for an
unknown name are ranked by how alike they are to what was typed, and a name
under an unknown provider gets only truly close ones.
"""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.measuring.catalog import default_catalog


@pytest.mark.parametrize(
    ("word", "provider", "family"),
    [("claude", "anthropic", "claude"), ("mistral", "mistralai", "mistral"),
     ("llama", "huggingface_hub", "llama"), ("gpt", "openai", "gpt"),
     ("gemini", "google_genai", "gemini"), ("Claude", "anthropic", "claude")],
)  # fmt: skip
async def test_a_family_word_before_a_text_lists_its_models(
    wattson: ConsoleAdapter, word: str, provider: str, family: str
) -> None:
    [reply] = await wattson.send(f"/cost {word} hello there")
    assert reply.startswith(f"“{word}” names several models, not one")
    listed = reply.split("Its models: ", 1)[1].split(" … ")[0].rstrip(".").split(", ")
    known = {model.key for model in default_catalog()}
    assert listed and set(listed) <= known, "every model listed is one EcoLogits knows"
    assert all(key.startswith(f"{provider}:") for key in listed)
    assert family in listed[0].casefold()
    assert "Wh" not in reply, "nothing was measured"


async def test_a_family_word_in_french_names_the_french_commands(
    wattson: ConsoleAdapter,
) -> None:
    await wattson.send("/langue fr")
    [reply] = await wattson.send("/jetons claude bonjour")
    assert reply.startswith("« claude » désigne plusieurs modèles, pas un seul")
    assert "par exemple /jetons anthropic:" in reply and "/modeles claude" in reply


async def test_a_family_word_alone_is_measured_as_text(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/cost claude")
    assert "gpt-4o (openai)" in reply and "Wh" in reply


async def test_an_ordinary_first_word_is_still_text(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/cost chat with me")
    assert "gpt-4o (openai)" in reply


@pytest.mark.parametrize(
    ("typed", "first"),
    [("gpt-4o-mni", "openai:gpt-4o-mini"), ("claude-opus-45", "anthropic:claude-opus-4-5"),
     ("mistral-larg-latest", "mistralai:mistral-large-latest")],
)  # fmt: skip
def test_suggestions_are_ranked_by_likeness_to_what_was_typed(typed: str, first: str) -> None:
    from bot.foundation.errors import UnknownModelError

    with pytest.raises(UnknownModelError) as caught:
        default_catalog().resolve(typed)
    assert caught.value.suggestions[0] == first


def test_an_unknown_provider_gets_no_far_fetched_suggestions() -> None:
    from bot.foundation.errors import UnknownModelError

    with pytest.raises(UnknownModelError) as caught:
        default_catalog().resolve("unknown:model")
    assert caught.value.suggestions == ()
    assert "openai" in caught.value.providers
    with pytest.raises(UnknownModelError) as close:
        default_catalog().resolve("openia:gpt-4o-mini")
    assert close.value.suggestions[0] == "openai:gpt-4o-mini"
