"""What wraps every request: metrics, security headers and CORS, errors, limits.

From the outside in: each request is counted and timed by route pattern and
status (:func:`observed`); every answer gets the security headers, and the
API's GET answers CORS (:func:`headers`); any failure becomes a page or a JSON
error in the reader's language, never a traceback (:func:`errors`); a client
address over its budget gets 429 with ``Retry-After``, and a body over the
limit 413 before it is read (:func:`limits`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from adapters.web.api import PREFIX, error_body
from adapters.web.pages import error_page
from adapters.web.site import SCRIPT_HASHES, SITE
from bot.foundation.i18n import _, use_language
from bot.foundation.metrics import STORAGE_ERRORS, WEB_REQUESTS, WEB_SECONDS
from bot.foundation.storage import database_errors
from bot.ratelimit import SlidingWindow

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})
UNLIMITED = ("/healthz", "/readyz", "/metrics", "/static/", "/favicon.ico")
POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
log = logging.getLogger(__name__)


def route_of(request: web.Request) -> str:
    """The route's pattern (``/claims/{id}``), never the address as typed."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def observed(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        WEB_REQUESTS.labels(route, method, str(status)).inc()
        WEB_SECONDS.labels(route).observe(time.perf_counter() - started)


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    hashes = "".join(" " + h for h in request.get(SCRIPT_HASHES, ()))
    response.headers["Content-Security-Policy"] = POLICY.format(hashes=hashes)
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith(PREFIX) and request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


def failure(request: web.Request, status: int, message: str) -> web.StreamResponse:
    """The error as the API answers it, or as a page in the reader's language."""
    if request.path.startswith(PREFIX):
        return error_body(status, message)
    site = request.app[SITE]
    language = site.language(request)
    links = site.links(request, language)
    titles = {400: _("Bad request"), 404: _("Page not found"), 413: _("Too large"),
              429: _("Too many requests"), 503: _("Not ready")}  # fmt: skip
    page = error_page(status, titles.get(status, _("Something went wrong")), message)
    rendered = site.renderer.html(page, language, site.context(request, page, links))
    return site.respond(request, rendered)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    site = request.app[SITE]
    with use_language(site.language(request)):
        try:
            return await handler(request)
        except web.HTTPMove as redirect:
            return web.Response(
                status=redirect.status, headers={"Location": str(redirect.location)}
            )
        except web.HTTPException as error:
            if error.status == 413:
                limit = site.settings.web.max_body_bytes
                return failure(request, 413, too_large(limit))
            messages = {404: _("There is no page at this address."),
                        405: _("This address does not take that method.")}  # fmt: skip
            return failure(request, error.status, messages.get(error.status, error.reason))
        except Exception as error:
            if isinstance(error, database_errors()):
                STORAGE_ERRORS.labels("web").inc()
            log.exception("unexpected error on %s %s", request.method, route_of(request))
            return failure(
                request, 500, _("Sorry, something went wrong on our side. Please try again.")
            )


def too_large(limit: int) -> str:
    from bot.foundation.formatting import number_format

    return _("What was sent is too large: at most {size} bytes.").format(
        size=number_format().integer(limit)
    )


def client_address(request: web.Request, trust_forwarded_for: bool) -> str:
    """Who is asking: the peer, or behind a trusted proxy the last address it added."""
    if trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.remote or "unknown"


def limits(window: SlidingWindow) -> Middleware:
    """The middleware holding each address to its budget, and bodies to the size limit."""

    @web.middleware
    async def limited(request: web.Request, handler: Handler) -> web.StreamResponse:
        site = request.app[SITE]
        if request.path.startswith(UNLIMITED):
            return await handler(request)
        address = client_address(request, site.settings.web.trust_forwarded_for)
        if not window.allow(address):
            wait = max(1, math.ceil(window.retry_after(address)))
            response = failure(
                request,
                429,
                _("Too many requests from your address; try again in {seconds} s.").format(
                    seconds=wait
                ),
            )
            response.headers["Retry-After"] = str(wait)
            return response
        size = request.content_length
        if size is not None and size > site.settings.web.max_body_bytes:
            refused = failure(request, 413, too_large(site.settings.web.max_body_bytes))
            refused.force_close()  # the body is not read: the connection cannot serve another
            return refused
        return await handler(request)

    return limited
