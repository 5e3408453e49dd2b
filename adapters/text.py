"""Cut a reply into messages a platform accepts, at line breaks where possible."""

from __future__ import annotations


def split_message(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks, else at spaces.

    Nothing is dropped: the pieces joined by line breaks give the text back
    (except the line break or space each cut replaces).
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
            pieces.append(rest[:cut])
            rest = rest[cut:]
            continue
        pieces.append(rest[:cut])
        rest = rest[cut + 1 :]
    if rest or not pieces:
        pieces.append(rest)
    return pieces
