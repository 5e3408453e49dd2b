"""The addresses of the pages, absolute, each in one language: canonical links and alternates.

The site's base is ``[web] public_url`` when set (what readers, search engines
and the chats see); without it, the address the request came to, which is
right on a developer's machine and behind a proxy that passes ``Host`` on.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from bot.foundation.i18n import SUPPORTED_LANGUAGES
from facts.exchange import claim_url


def site_base(request: web.Request, public_url: str | None) -> str:
    """``https://wattson.example.org`` with no trailing slash."""
    return public_url.rstrip("/") if public_url else f"{request.scheme}://{request.host}"


@dataclass(frozen=True, slots=True)
class Links:
    """Absolute links of one site, written in one language."""

    base: str
    language: str

    def to(self, path: str, language: str | None = None, **query: str | int) -> str:
        """``{base}{path}?lang=…&…``: a page of this site, in ``language`` (default: this one)."""
        params = {"lang": language or self.language, **{k: str(v) for k, v in query.items()}}
        return f"{self.base}{path}?{urlencode(params)}"

    def bare(self, path: str) -> str:
        """The address without a language: the server picks it from ``Accept-Language``."""
        return f"{self.base}{path}"

    def claim(self, claim_id: str, language: str | None = None) -> str:
        return claim_url(self.base, claim_id, language or self.language)

    def alternates(self, path: str, **query: str | int) -> dict[str, str]:
        """The same page in every language, for ``hreflang`` links and the language switch."""
        return {language: self.to(path, language, **query) for language in SUPPORTED_LANGUAGES}
