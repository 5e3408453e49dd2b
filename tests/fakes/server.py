"""Start an aiohttp application on a free port of 127.0.0.1 (shared by the fakes)."""

from __future__ import annotations

from aiohttp import web


async def serve_locally(
    app: web.Application, host: str = "127.0.0.1", port: int = 0
) -> tuple[web.AppRunner, int]:
    """Run ``app`` on ``host`` and ``port`` (0: one the system picks); return its runner and port."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    assert server is not None and server.sockets
    return runner, int(server.sockets[0].getsockname()[1])
