"""The moderators' desk: the same site, behind a sign-in by one-time link.

The modules, by what each owns:

- :mod:`~adapters.web.desk.sessions`: the link, the session cookie, the form token;
- :mod:`~adapters.web.desk.queue`: proposals in full with their diffs, approve, reject;
- :mod:`~adapters.web.desk.claims`: the claim form, retraction, history with diffs;
- :mod:`~adapters.web.desk.campaigns`: the campaigns of the moderator's chats, stats, chart.
"""

from __future__ import annotations

from aiohttp import web

from adapters.web.desk import campaigns, claims, queue, sessions


def add_routes(app: web.Application) -> None:
    """The desk's routes, all under ``/desk`` (where its cookie lives, and only there)."""
    router = app.router
    router.add_get("/desk/login/{token}", sessions.login_page)
    router.add_post("/desk/login/{token}", sessions.login)
    router.add_post("/desk/logout", sessions.logout)
    router.add_get("/desk", queue.queue)
    router.add_post("/desk/proposals/{number}/approve", queue.approve)
    router.add_post("/desk/proposals/{number}/reject", queue.reject)
    router.add_get("/desk/claims/go", claims.go_to_claim)
    router.add_route("GET", "/desk/claims/new", claims.new_claim)
    router.add_route("POST", "/desk/claims/new", claims.new_claim)
    router.add_route("GET", "/desk/claims/{id}/edit", claims.edit_claim)
    router.add_route("POST", "/desk/claims/{id}/edit", claims.edit_claim)
    router.add_post("/desk/claims/{id}/retract", claims.retract_claim)
    router.add_get("/desk/claims/{id}/history", claims.history)
    router.add_get("/desk/campaigns", campaigns.campaigns)
    router.add_get("/desk/chats/{chat}/chart.png", campaigns.chart)
    router.add_post("/desk/campaigns/{number}/{action}", campaigns.change)
