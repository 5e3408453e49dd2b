"""Text that every store can keep and every platform can send: no NUL, no lone surrogate.

PostgreSQL refuses a NUL character in text, and SQLite keeps it (so a copy to
PostgreSQL would fail later); a lone UTF-16 surrogate (``\\ud800``, which JSON
can carry from Telegram or Discord) cannot be encoded to UTF-8 at all. Both are
meaningless in a chat message. A lone surrogate becomes U+FFFD, the replacement
character readers already see for unreadable text, where a request enters
Wattson (:func:`readable`); a NUL stays in a text that is only measured (it is a
character ``/tokens`` can show) but never reaches a database: claims drop it
(:func:`storable`), and both drivers drop it from every value they write, so
the two behave the same.
"""

from __future__ import annotations

import re
from typing import Any

NUL = "\x00"
REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` without NUL, its lone surrogates replaced by U+FFFD (unchanged if clean)."""
    if text.isascii():
        return text.replace(NUL, "") if NUL in text else text
    if NUL in text:
        text = text.replace(NUL, "")
    return _SURROGATE.sub(REPLACEMENT, text)


def readable(text: str) -> str:
    """``text`` with its lone surrogates replaced by U+FFFD (unchanged if it has none)."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(REPLACEMENT, text)


def readable_value(value: Any) -> Any:
    """:func:`readable` on a string; anything else as is."""
    return readable(value) if isinstance(value, str) else value


def storable_value(value: Any) -> Any:
    """:func:`storable` on a string, or on each string of a list or tuple; anything else as is."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list | tuple):
        return type(value)(storable_value(item) for item in value)
    return value


def unstorable(text: str) -> str | None:
    """What in ``text`` a store could not keep (``"NUL"``, ``"lone surrogate"``), or ``None``."""
    if NUL in text:
        return "NUL"
    if not text.isascii() and _SURROGATE.search(text):
        return "lone surrogate"
    return None
