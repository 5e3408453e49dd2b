"""The web server as an adapter: ``start`` serves until ``stop``, like the chat adapters.

``wattson web`` runs it alone; ``wattson run`` runs it beside the bots when
``[web] enabled`` is set. Stopping first makes ``/readyz`` answer 503, then
lets requests being answered finish within :data:`STOP_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from adapters.web.app import build_app
from adapters.web.site import Site
from bot import __version__
from bot.dispatch import Core
from bot.foundation.metrics import BUILD_INFO
from bot.settings import Settings, split_listen

STOP_SECONDS = 10.0
log = logging.getLogger(__name__)


def runner_options(settings: Settings) -> dict[str, Any]:
    """How the HTTP server reads requests: no access log, a GET as large as a POST may be."""
    return {
        "access_log": None,  # no addresses or searches in the logs
        "max_line_size": settings.web.max_body_bytes,
        "max_field_size": 16_384,
    }


class WebServer:
    """The site on a real socket at ``[web] listen``."""

    def __init__(
        self, core: Core, settings: Settings, announce: Callable[[str], None] | None = None
    ) -> None:
        self.site = Site(core, settings)
        self.app = build_app(self.site)
        self.settings = settings
        self.announce = announce
        self.url: str | None = None  # where it listens, once started
        self._stop = asyncio.Event()
        self._stopped = asyncio.Event()
        BUILD_INFO.labels(__version__).set(1)

    async def start(self) -> None:
        """Listen, say where, and serve until :meth:`stop`."""
        runner = web.AppRunner(
            self.app, handle_signals=False, shutdown_timeout=STOP_SECONDS,
            **runner_options(self.settings),
        )  # fmt: skip
        await runner.setup()
        try:
            host, port = split_listen(self.settings.web.listen)
            site = web.TCPSite(runner, host, int(port), reuse_address=True)
            await site.start()
            bound = runner.addresses[0]
            shown = f"[{bound[0]}]" if ":" in str(bound[0]) else str(bound[0])
            self.url = f"http://{shown}:{bound[1]}/"
            if self.announce is not None:
                self.announce(f"web pages at {self.url}")
            await self._stop.wait()
        finally:
            self.site.stopping = True
            await runner.cleanup()
            self._stopped.set()

    async def stop(self) -> None:
        """Answer 503 to /readyz, finish what is being answered, close."""
        self.site.stopping = True
        self._stop.set()
        await self._stopped.wait()
