"""French read with or without its accents: people type "requete", "electricite", "divise par".

The wording of statements is written with its accents (``requête``); chat
messages often drop them. :func:`loose` turns a pattern into one that takes
each accented letter or its plain form, so every pattern is written once,
correctly, and reads both.
"""

from __future__ import annotations

import re
import unicodedata

PLAIN = {
    "é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "â": "a", "î": "i", "ï": "i",
    "ô": "o", "û": "u", "ù": "u", "ü": "u", "ç": "c", "œ": "oe",
}  # fmt: skip


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
