"""Which language a page is read in: ``?lang=``, else the browser's ``Accept-Language``.

No cookie remembers the choice. Every link of a page carries its language
(``?lang=fr``), so a reader who switched stays in that language from page to
page, and each language of a page has its own canonical address; a page asked
without ``?lang=`` follows ``Accept-Language`` (and says so with ``Vary``).
"""

from __future__ import annotations

from aiohttp import web

from bot.foundation.i18n import SUPPORTED_LANGUAGES, negotiate_language


def requested_language(request: web.Request) -> str | None:
    """The language the address names (``?lang=fr``), if it is one Wattson speaks."""
    value = request.query.get("lang", "").strip().casefold()
    return value if value in SUPPORTED_LANGUAGES else None


def accepted_languages(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, most wanted first (``q=0`` left out)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _semicolon, parameters = part.strip().partition(";")
        quality = 1.0
        name, _equals, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if tag.strip() and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _quality, _position, tag in sorted(weighted)]


def page_language(request: web.Request, default: str) -> str:
    """``?lang=``, else the first language of ``Accept-Language`` Wattson speaks, else ``default``."""
    chosen = requested_language(request)
    if chosen is not None:
        return chosen
    for tag in accepted_languages(request.headers.get("Accept-Language", "")):
        language = negotiate_language(tag) if tag != "*" else None
        if language is not None:
            return language
    return default
