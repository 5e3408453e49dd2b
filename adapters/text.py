"""Cut a reply into pieces a platform accepts, measured as the platform measures them.

Platforms limit what they *receive*: Discord counts the escaped markdown it is
sent, Telegram the text left after parsing the HTML entities. So the pieces are
cut from the raw text but measured after ``transform`` (the escaping), and a
piece never ends inside an escape: each piece is escaped on its own. Lengths are
UTF-16 code units (:func:`utf16_len`), what Telegram counts; an emoji or any
character outside the Basic Multilingual Plane counts two. For Discord, which
counts characters, that is the safe side.
"""

from __future__ import annotations

from collections.abc import Callable

Transform = Callable[[str], str]
SMALLEST_LIMIT = 8  # room for any one escaped character (``&quot;``, ``\*``, an emoji)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters above U+FFFF count two."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _same(text: str) -> str:
    return text


def fits(text: str, limit: int, transform: Transform = _same) -> bool:
    """Whether ``text``, once transformed, is at most ``limit`` UTF-16 units."""
    return utf16_len(transform(text)) <= limit


def longest_prefix(text: str, limit: int, transform: Transform = _same) -> int:
    """The most characters of ``text`` whose transform fits ``limit`` (binary search).

    Escaping only grows a text, and grows a longer prefix at least as much, so
    whether a prefix fits is monotonic in its length.
    """
    low, high = 0, min(len(text), limit)  # each character is at least one unit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle], limit, transform):
            low = middle
        else:
            high = middle - 1
    return low


def truncate(text: str, limit: int, transform: Transform = _same, mark: str = "…") -> str:
    """``text`` transformed, within ``limit``; when cut, ``mark`` ends it (also within)."""
    if fits(text, limit, transform):
        return transform(text)
    keep = longest_prefix(text, limit - utf16_len(mark), transform)
    return transform(text[:keep].rstrip()) + mark


def split_message(text: str, limit: int, transform: Transform = _same) -> list[str]:
    """Pieces of ``text`` each within ``limit`` once transformed, returned transformed.

    Cuts fall at line breaks where possible, else at spaces, else anywhere.
    Nothing is dropped: the raw pieces joined give the text back, except the
    line break or space each cut replaces.
    """
    if limit < SMALLEST_LIMIT:
        raise ValueError(f"a limit of {limit} cannot hold every escaped character")
    pieces: list[str] = []
    rest = text
    while not fits(rest, limit, transform):
        hard = max(1, longest_prefix(rest, limit, transform))
        cut = rest.rfind("\n", 0, hard + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, hard + 1)
        if cut <= 0 or not fits(rest[:cut], limit, transform):
            pieces.append(rest[:hard])
            rest = rest[hard:]
            continue
        pieces.append(rest[:cut])
        rest = rest[cut + 1 :]
    if rest or not pieces:
        pieces.append(rest)
    return [transform(piece) for piece in pieces]
