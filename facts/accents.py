"""French read with or without its accents: people type "requete", "electricite", "divise par".

The wording of statements is written with its accents (``requête``); chat
messages often drop them. :func:`loose` turns a pattern into one that takes
each accented letter or its plain form, so every pattern is written once,
correctly, and reads both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import TypeVar

PLAIN = {
    "é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "â": "a", "î": "i", "ï": "i",
    "ô": "o", "û": "u", "ù": "u", "ü": "u", "ç": "c", "œ": "oe",
}  # fmt: skip
V = TypeVar("V")


def loose(pattern: str) -> str:
    """``pattern`` taking each accented letter as written or plain (``é`` → ``[ée]``)."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            if char == "]":
                in_class = False
            elif char in PLAIN and len(PLAIN[char]) == 1:
                out.append(PLAIN[char])
        elif char == "[":
            out.append(char)
            in_class = True
        elif char in PLAIN:
            out.append(f"(?:{char}|{PLAIN[char]})")
        else:
            out.append(char)
    return "".join(out)


def compile_loose(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(loose(pattern), flags)


def without_accents(text: str) -> str:
    """``électricité`` → ``electricite`` (for looking words up)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def word_key(words: str) -> str:
    """How a table of words is looked up: any case, spacing and accents (``La  Moitie`` → ``la moitie``)."""
    return without_accents(" ".join(words.casefold().split()))


class LooseWords(Mapping[str, V]):
    """A table of words kept as written, for patterns, and looked up as people type them.

    The patterns built from its keys are loosened (:func:`loose`), so they match
    ``la moitie`` for ``la moitié``; the lookup of what they matched must be as
    loose, or a message without accents finds a figure and then no value for it.
    """

    def __init__(self, table: Mapping[str, V]) -> None:
        self._written = dict(table)
        self._folded = {word_key(word): value for word, value in table.items()}

    def __getitem__(self, words: str) -> V:
        return self._folded[word_key(words)]

    def __contains__(self, words: object) -> bool:
        return isinstance(words, str) and word_key(words) in self._folded

    def __iter__(self) -> Iterator[str]:
        return iter(self._written)

    def __len__(self) -> int:
        return len(self._written)
