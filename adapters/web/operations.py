"""For operators: ``/healthz`` (the process answers), ``/readyz`` (it can serve), ``/metrics``.

``/readyz`` answers 503 while the database does not answer (the driver bounds
the wait by ``[storage] query_timeout_seconds``, and answers at once while it
knows the database is away), or once the process is stopping, so a load
balancer sends readers elsewhere first. ``/metrics`` is Prometheus' text
format from prometheus_client: counts and timings only.
"""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from adapters.web.site import SITE
from bot.foundation.metrics import STORAGE_ERRORS

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok\n")


async def readyz(request: web.Request) -> web.Response:
    site = request.app[SITE]
    database = "ok"
    try:
        # Not cancelled from here: a cancelled PostgreSQL call waits on the server to cancel.
        await site.store.database.fetch_value("SELECT 1")
    except Exception as error:  # any fault means: not ready; the driver logged it once
        STORAGE_ERRORS.labels("web").inc()
        log.debug("not ready: the database does not answer (%s)", type(error).__name__)
        database = "unreachable"
    ready = database == "ok" and not site.stopping
    body = {"ready": ready, "database": database, "stopping": site.stopping}
    return web.json_response(body, status=200 if ready else 503)


async def metrics(request: web.Request) -> web.Response:
    response = web.Response(body=generate_latest(REGISTRY))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response
