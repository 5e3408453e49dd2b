"""For search engines and feed readers: ``sitemap.xml`` (with ``lastmod``), ``robots.txt``, Atom.

The sitemap is an index of smaller sitemaps, so a base of any size stays within
the protocol's 50,000 addresses per file: one for the site's pages, then one
per :data:`CLAIMS_PER_SITEMAP` claims (retracted claims keep their pages), each
claim in both languages with its ``hreflang`` alternates. The feed lists the
latest public changes to the base in the reader's language.
"""

from __future__ import annotations

from aiohttp import web

from adapters.web.cache import Rendered
from adapters.web.present import PUBLIC_ACTIONS, action_label, claim_summary
from adapters.web.site import SITE
from bot.foundation.i18n import SUPPORTED_LANGUAGES, use_language
from facts.models import Topic

CLAIMS_PER_SITEMAP = 10_000
FEED_ENTRIES = 30
XML = "application/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


async def sitemap_index(request: web.Request) -> web.Response:
    """The index: the pages' sitemap, then one sitemap per slice of claims, each with its lastmod."""
    site = request.app[SITE]
    links = site.links(request, "en")

    async def render() -> Rendered:
        total = await site.store.count(include_retracted=True)
        parts = []
        for number in range(1, max(1, -(-total // CLAIMS_PER_SITEMAP)) + 1):
            stamps = await site.store.stamps(CLAIMS_PER_SITEMAP, (number - 1) * CLAIMS_PER_SITEMAP)
            newest = max((stamp for _id, stamp in stamps), default=None)
            parts.append({"loc": links.bare(f"/sitemaps/claims-{number}.xml"), "lastmod": newest})
        return site.renderer.text(
            "sitemap_index.xml", XML, "en", pages=links.bare("/sitemaps/pages.xml"), parts=parts
        )

    return site.respond(request, await site.cached(("sitemap", links.base), render))


async def sitemap_pages(request: web.Request) -> web.Response:
    """The site's own pages, in both languages."""
    site = request.app[SITE]
    links = site.links(request, "en")
    paths = ["/", "/check", "/cost", *(f"/topics/{t.value}" for t in Topic)]

    async def render() -> Rendered:
        urls = [
            {"alternates": links.alternates(path), "x_default": links.bare(path), "lastmod": None}
            for path in paths
        ]
        return site.renderer.text("sitemap.xml", XML, "en", urls=urls)

    return site.respond(request, await site.cached(("sitemap-pages", links.base), render))


async def sitemap_claims(request: web.Request) -> web.Response:
    """One slice of the claims, each in both languages, with the date of its last change."""
    site = request.app[SITE]
    links = site.links(request, "en")
    raw = request.match_info["number"]
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise web.HTTPNotFound()
    number = int(raw)

    async def render() -> Rendered:
        stamps = await site.store.stamps(CLAIMS_PER_SITEMAP, (number - 1) * CLAIMS_PER_SITEMAP)
        urls = [
            {
                "alternates": {lang: links.claim(claim_id, lang) for lang in SUPPORTED_LANGUAGES},
                "x_default": links.bare(f"/claims/{claim_id}"),
                "lastmod": stamp,
            }
            for claim_id, stamp in stamps
        ]
        return site.renderer.text("sitemap.xml", XML, "en", urls=urls)

    found = await site.cached(("sitemap-claims", number, links.base), render)
    if number > 1 and b"<url>" not in found.body:
        raise web.HTTPNotFound()
    return site.respond(request, found)


async def feed(request: web.Request) -> web.Response:
    """Atom: the latest public changes to the claim base, in the reader's language."""
    site = request.app[SITE]
    language = site.language(request)
    links = site.links(request, language)

    async def render() -> Rendered:
        entries = await site.store.recent_changes(FEED_ENTRIES, PUBLIC_ACTIONS)
        claims = await site.store.get_many((e.claim_id for e in entries), include_retracted=True)
        with use_language(language):
            items = [
                {
                    "id": f"{links.base}/claims/{entry.claim_id}#change-{entry.seq}",
                    "updated": entry.at.isoformat(),
                    "action": action_label(entry),
                    "claim": claim_summary(claims[entry.claim_id], links),
                }
                for entry in entries
                if entry.claim_id in claims
            ]
        return site.renderer.text(
            "feed.atom",
            ATOM,
            language,
            items=items,
            feed_language=language,
            self_url=links.to("/feed.atom"),
            home=links.to("/"),
            updated=items[0]["updated"] if items else "1970-01-01T00:00:00+00:00",
        )

    return site.respond(request, await site.cached(("feed", language, links.base), render))


async def robots(request: web.Request) -> web.Response:
    """Every page may be crawled but search results and the API; here is the sitemap."""
    site = request.app[SITE]
    links = site.links(request, "en")
    rendered = site.renderer.text("robots.txt", TEXT, "en", sitemap=links.bare("/sitemap.xml"))
    return site.respond(request, rendered)
