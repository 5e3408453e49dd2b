"""Sources are named as published; what links them is said in the reader's language.

A publisher is a name (``Axios``), never a note in English around it ("(citing
OpenAI)", "(as quoted in the seed material)"); whom it cites is its own field,
shown as "Axios, citing OpenAI" or « Axios, citant OpenAI ». Nothing a reader
sees names the team's own material ("seed", "deck"), in either language.
"""

from __future__ import annotations

import re

import pytest

from adapters.console import ConsoleAdapter
from facts.seed import seed_claims

# Words of a note about a source, not of a publisher's name.
ANNOTATION = re.compile(
    r"\b(citing|cited|quoted|quoting|calculation|derived|reported|via|building on|analysed"
    r"|arithmetic|earlier|methodology|awareness|material)\b",
    re.IGNORECASE,
)
INTERNAL = re.compile(r"\b(seed|deck)\b|supports? de sensibilisation", re.IGNORECASE)


def reader_texts() -> list[tuple[str, str]]:
    """(claim id, text) of everything a reader is shown of the shipped claims."""
    texts = []
    for claim in seed_claims():
        texts += [(claim.id, claim.statement.en), (claim.id, claim.statement.fr)]
        if claim.explanation:
            texts += [(claim.id, claim.explanation.en), (claim.id, claim.explanation.fr)]
        for source in claim.sources:
            texts += [(claim.id, source.publisher), (claim.id, source.title)]
            texts += [(claim.id, source.cites)] if source.cites else []
    return texts


def test_publishers_are_names_without_notes() -> None:
    notes = {
        (claim.id, source.publisher)
        for claim in seed_claims()
        for source in claim.sources
        if ANNOTATION.search(source.publisher) or ANNOTATION.search(source.cites or "")
    }
    assert notes == set()


def test_no_reader_sees_the_teams_own_vocabulary() -> None:
    assert [(i, text) for i, text in reader_texts() if INTERNAL.search(text)] == []


def test_the_check_would_catch_the_old_annotations() -> None:
    for publisher in ["Axios (citing OpenAI)", "Meta (calculation from the model card)",
                      "Les Numériques (as quoted in the seed material)",
                      "Seed awareness deck (three factors of consumption)"]:  # fmt: skip
        assert ANNOTATION.search(publisher) or INTERNAL.search(publisher)


@pytest.mark.parametrize(
    ("line", "shown"),
    [("/fact chatgpt-prompts-per-day", "Source: Axios, citing OpenAI, “Altman plans"),
     ("/fait chatgpt-prompts-per-day", "Source : Axios, citant OpenAI, “Altman plans"),
     ("/fait sujet materiaux", "Mining Digital, citant BHP (Vandita Pant) / Financial Times")],
)  # fmt: skip
async def test_whom_a_publisher_cites_is_said_in_the_readers_language(
    wattson: ConsoleAdapter, line: str, shown: str
) -> None:
    if line.startswith("/fait"):
        await wattson.send("/langue fr")
    [reply] = await wattson.send(line)
    assert shown in reply
