"""The aiohttp application: every route of the site, the API and the operators' endpoints."""

from __future__ import annotations

from aiohttp import web

from adapters.web import api, desk, feeds, forms, operations, pages, quiz
from adapters.web.middleware import errors, headers, limits, observed
from adapters.web.render import STATIC
from adapters.web.site import SITE, Site
from bot.ratelimit import SlidingWindow


def build_app(site: Site) -> web.Application:
    """The routes, in the order a reader meets them; middlewares from the outside in."""
    window = SlidingWindow(site.settings.web.requests_per_minute)
    app = web.Application(
        middlewares=[observed, headers, errors, limits(window)],
        client_max_size=site.settings.web.max_body_bytes,
    )
    app[SITE] = site
    app.router.add_get("/", pages.home)
    app.router.add_route("GET", "/search", pages.search)
    app.router.add_route("POST", "/search", pages.search)
    app.router.add_get("/topics/{topic}", pages.topic)
    app.router.add_get("/claims/{id}", pages.claim)
    app.router.add_get("/claims/{id}/quiz", quiz.quiz)
    app.router.add_post("/claims/{id}/quiz", quiz.quiz)
    for path, handler in (("/check", forms.check), ("/cost", forms.cost)):
        app.router.add_get(path, handler)
        app.router.add_post(path, handler)
    app.router.add_post("/check/report", forms.report)
    app.router.add_get("/sitemap.xml", feeds.sitemap_index)
    app.router.add_get("/sitemaps/pages.xml", feeds.sitemap_pages)
    app.router.add_get("/sitemaps/claims-{number}.xml", feeds.sitemap_claims)
    app.router.add_get("/feed.atom", feeds.feed)
    app.router.add_get("/robots.txt", feeds.robots)
    app.router.add_get(f"{api.PREFIX}/claims", api.claims)
    app.router.add_get(f"{api.PREFIX}/claims/{{id}}", api.claim)
    for path, handler in (("/check", api.check), ("/cost", api.cost)):
        app.router.add_get(f"{api.PREFIX}{path}", handler)
        app.router.add_post(f"{api.PREFIX}{path}", handler)
    app.router.add_get(f"{api.PREFIX}/openapi.json", api.openapi)
    for path in ("/claims", "/claims/{id}", "/check", "/cost", "/openapi.json"):
        app.router.add_route("OPTIONS", f"{api.PREFIX}{path}", api.preflight)
    desk.add_routes(app)
    app.router.add_get("/healthz", operations.healthz)
    app.router.add_get("/readyz", operations.readyz)
    app.router.add_get("/metrics", operations.metrics)
    app.router.add_static("/static/", STATIC, append_version=False)
    return app
