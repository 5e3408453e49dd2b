"""The site: what every handler shares — the core, the settings, the renderer, the caches.

A handler names a view (a function computing one :class:`~adapters.web.render.Page`)
and how to render it; :meth:`Site.page` renders it as HTML, :meth:`Site.data`
as JSON, both through the cache of rendered pages when the view depends only
on the claim base.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from aiohttp import web

from adapters.web.cache import Marker, PageCache, Rendered
from adapters.web.language import page_language, requested_language
from adapters.web.render import Page, Renderer
from adapters.web.urls import Links, site_base
from bot.dispatch import WEB_PLATFORM, Core
from bot.foundation.i18n import use_language
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.ratelimit import SlidingWindow
from bot.settings import Settings
from facts.store import ClaimStore

View = Callable[[Links], Awaitable[Page]]
SCRIPT_HASHES = web.RequestKey("script_hashes", tuple)  # inline scripts the CSP allows
# Who a web request is to the core: one anonymous reader in one "chat" (nothing
# identifies a visitor; usage counts add up under platform "web").
READER = UserRef(platform=WEB_PLATFORM, id="reader")
PAGES = ChatRef(platform=WEB_PLATFORM, id="pages")
REPORT_WINDOW = 3600.0  # seconds: [reports] per_person_per_hour, per client address


class Site:
    """One web server's shared state, built once at start."""

    def __init__(self, core: Core, settings: Settings) -> None:
        if core.services.claims is None:
            raise ValueError("the web pages need the claim store")
        self.core = core
        self.settings = settings
        self.store: ClaimStore = core.services.claims
        self.renderer = Renderer()
        self.pages = PageCache()
        self.stopping = False
        self._corrections: tuple[Marker, dict[str, list[str]]] | None = None
        self._reading_corrections = asyncio.Lock()  # one scan, however many pages wait for it
        # reports each client address sent in the last hour (times, in memory only)
        self.reports_window = SlidingWindow(settings.reports.per_person_per_hour, REPORT_WINDOW)

    # ---- request → language, links -------------------------------------------------

    def language(self, request: web.Request) -> str:
        return page_language(request, self.settings.language.default)

    def links(self, request: web.Request, language: str) -> Links:
        return Links(site_base(request, self.settings.web.base_url), language)

    # ---- the claim base's state ------------------------------------------------------

    async def marker(self) -> Marker:
        return await self.store.change_marker()

    async def corrections(self, marker: Marker) -> dict[str, list[str]]:
        """Which claims each claim corrects, read again only when the base changed."""
        async with self._reading_corrections:
            if self._corrections is None or self._corrections[0] != marker:
                self._corrections = (marker, await self.store.corrections())
            return self._corrections[1]

    # ---- the core, as the chat adapters call it ----------------------------------------

    async def ask(self, command: str, args: str, language: str) -> Reply:
        """The bot's answer to ``/command args`` for a reader of ``language``."""
        request = Request(command=command, args=args, user=READER, chat=PAGES, locale=language)
        return await self.core.handle(request)

    async def press(self, data: str, args: str, language: str) -> Reply:
        """The bot's answer to a reader pressing an action a page offered (with what they wrote)."""
        request = Request.pressing(data, args, user=READER, chat=PAGES, locale=language)
        return await self.core.handle(request)  # data no offer has is refused there

    # ---- rendering ---------------------------------------------------------------------

    async def page(self, request: web.Request, view: View, key: Hashable | None) -> web.Response:
        """The view as HTML; kept in the cache under ``key`` while the base does not change."""
        language = self.language(request)
        links = self.links(request, language)

        async def render() -> Rendered:
            with use_language(language):
                page = await view(links)
                return self.renderer.html(page, language, self.context(request, page, links))

        return self.respond(request, await self.cached(("html", key, links), render, key))

    async def data(
        self,
        request: web.Request,
        view: View,
        key: Hashable | None,
        shape: Callable[[Page], Any] = lambda page: page.data,
    ) -> web.Response:
        """The same view as JSON: its data (or ``shape`` of it), with its status."""
        language = self.language(request)
        links = self.links(request, language)

        async def render() -> Rendered:
            with use_language(language):
                page = await view(links)
            return self.renderer.json(shape(page), page.status)

        return self.respond(request, await self.cached(("json", key, links), render, key))

    async def cached(
        self, key: Hashable, render: Callable[[], Awaitable[Rendered]], cacheable: object = True
    ) -> Rendered:
        """What ``render`` made at the base's present state (rendered again once it changed).

        ``cacheable`` ``None``: the page depends on more than the base (a search), always rendered.
        """
        if cacheable is None:
            return await render()
        marker = await self.marker()
        found = self.pages.get(key, marker)
        if found is None:
            found = await render()
            self.pages.put(key, marker, found)
        return found

    def context(self, request: web.Request, page: Page, links: Links) -> dict[str, Any]:
        """What every page shows besides its own data: links, languages, the search box."""
        return {
            "language": links.language,
            "links": links,
            "canonical": links.to(page.path, **page.query),
            "alternates": links.alternates(page.path, **page.query),
            "x_default": links.bare(page.path),
            "query": request.query.get("q", "")[:200] if page.template != "search.html" else "",
        }

    def respond(self, request: web.Request, rendered: Rendered) -> web.Response:
        """Send a rendered page: validators, 304 when the reader has it, and its script hashes."""
        request[SCRIPT_HASHES] = rendered.script_hashes
        headers = {"ETag": rendered.etag, "Cache-Control": "no-cache"}
        if requested_language(request) is None:
            headers["Vary"] = "Accept-Language"
        if rendered.status == 200 and request.headers.get("If-None-Match") == rendered.etag:
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=rendered.body,
            status=rendered.status,
            headers={**headers, "Content-Type": rendered.content_type},
        )


SITE = web.AppKey("site", Site)  # the application's one Site, for every handler
