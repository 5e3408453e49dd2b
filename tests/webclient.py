"""The web server of the tests: the real application on a real socket at 127.0.0.1.

``serving(core, settings)`` starts the site on a free port of the loopback
interface and yields a :class:`Web` whose ``get``/``post`` return the status,
headers and text of each answer, as a browser or ``curl`` would see them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from multidict import CIMultiDictProxy

from adapters.web.app import build_app
from adapters.web.server import runner_options
from adapters.web.site import Site
from bot.app import open_core
from bot.dispatch import Core
from bot.settings import Settings, load_settings

PUBLIC_URL = "https://wattson.example.org"


def web_settings(database: str = ":memory:", **web: Any) -> Settings:
    return load_settings(
        None,
        storage={"database": database},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
        web={"public_url": PUBLIC_URL, "requests_per_minute": 100_000, **web},
    )


@dataclass
class Answer:
    status: int
    headers: CIMultiDictProxy[str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Web:
    site: Site
    session: ClientSession
    base: str

    @property
    def core(self) -> Core:
        return self.site.core

    async def get(self, path: str, **kwargs: Any) -> Answer:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Answer:
        return await self.request("POST", path, **kwargs)

    async def request(self, method: str, path: str, **kwargs: Any) -> Answer:
        kwargs.setdefault("allow_redirects", False)
        async with self.session.request(method, self.base + path, **kwargs) as response:
            text = await response.text(errors="replace")
            return Answer(response.status, response.headers, text)


@asynccontextmanager
async def serving(core: Core, settings: Settings) -> AsyncIterator[Web]:
    site = Site(core, settings)
    server = TestServer(build_app(site), host="127.0.0.1")
    await server.start_server(**runner_options(settings))
    try:
        async with ClientSession() as session:
            yield Web(site, session, str(server.make_url("")).rstrip("/"))
    finally:
        await server.close()


@asynccontextmanager
async def web_on(database: str = ":memory:", **web: Any) -> AsyncIterator[Web]:
    """A core on ``database`` (the shipped base) and its site, served."""
    settings = web_settings(database, **web)
    async with open_core(settings) as core, serving(core, settings) as running:
        yield running


@contextmanager
def wattson_web(
    *args: str, cwd: Path, command: str = "web", env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[tuple[subprocess.Popen[str], str]]:  # fmt: skip
    """``wattson web ARGS`` (or ``command``) as a process; yields it and the address of its pages.

    Its standard input is a pipe left open (the console of ``wattson run`` waits on it).
    """
    wattson = str(Path(sys.executable).parent / "wattson")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    for name in ("DISCORD_TOKEN", "TELEGRAM_TOKEN"):
        clean.pop(name, None)
    process = subprocess.Popen(
        [wattson, command, *args], cwd=cwd, env={**clean, **(env or {})},
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        address = ""
        deadline = time.monotonic() + timeout
        while not address and time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"web pages at (http://\S+)/", process.stderr.readline())
            address = found.group(1) if found else ""
        assert address, f"wattson {command} never said where its pages are"
        yield process, address
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
