"""One view's dict, two renderings: HTML through Jinja (autoescaped), or JSON.

Templates live in ``adapters/web/templates/`` and take their words from the
same gettext catalog as the bot (``_``, ``ngettext``), in the language of the
request being rendered. Structured data for search engines (JSON-LD) is
written into the page as a data block whose hash the page's Content Security
Policy names, so no inline script runs without being listed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from adapters.web.cache import Rendered
from adapters.web.urls import Links
from bot.foundation.i18n import _, ngettext, use_language

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
# What the bot's replies write that a page can link: an address, or ``/fact ID``.
LINKABLE = re.compile(r"(https?://[^\s<>\"“”]+)|/fact\s+([a-z0-9][a-z0-9-]{1,62}[a-z0-9])\b")
TRAILING = ".,;:!?)]»…’"


@dataclass(frozen=True, slots=True)
class Page:
    """What a view computed: the data, the template showing it, and the page's place on the site."""

    template: str
    data: dict[str, Any]
    title: str
    path: str  # the canonical path, without the language
    query: dict[str, str] = field(default_factory=dict)  # canonical query, besides the language
    status: int = 200
    description: str = ""
    json_ld: dict[str, Any] | None = None
    indexed: bool = True  # search engines may index it (not search results, not errors)


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, no markup, whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script_hash(text: str) -> str:
    """The CSP source allowing exactly this inline script content."""
    digest = hashlib.sha256(text.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def linkify(text: str, links: Links) -> Markup:
    """Escape a reply line and link what it cites: addresses, and ``/fact ID`` to the claim's page."""
    parts: list[str] = []
    position = 0
    for match in LINKABLE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        if match.group(1):
            url = match.group(1)
            kept = url.rstrip(TRAILING)
            parts.append(Markup('<a href="{0}">{0}</a>').format(kept) + escape(url[len(kept) :]))
        else:
            claim_id = match.group(2)
            parts.append(
                Markup('<a href="{}">{}</a>').format(links.claim(claim_id), match.group(0))
            )
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def json_body(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


class Renderer:
    """The Jinja environment of the site, and the two renderings of a page."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(("html", "xml", "atom")),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.globals.update(_=_, ngettext=ngettext)
        self.env.filters["linkify"] = linkify

    def html(self, page: Page, language: str, site: dict[str, Any]) -> Rendered:
        """The page as HTML in ``language``; ``site`` holds what every page shows (links, search)."""
        json_ld = script_json(page.json_ld) if page.json_ld is not None else None
        with use_language(language):
            body = self.env.get_template(page.template).render(
                **page.data, page=page, site=site, json_ld=Markup(json_ld) if json_ld else None
            )
        hashes = (script_hash(json_ld),) if json_ld else ()
        return Rendered.of(body.encode(), HTML, hashes, page.status)

    def text(self, template: str, content_type: str, language: str, **data: Any) -> Rendered:
        """A feed, a sitemap or robots.txt from its template."""
        with use_language(language):
            body = self.env.get_template(template).render(**data)
        return Rendered.of(body.encode(), content_type)

    @staticmethod
    def json(data: Any, status: int = 200) -> Rendered:
        return Rendered.of(json_body(data), JSON, status=status)
