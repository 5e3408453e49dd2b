"""Shared fixtures: the real core behind the console adapter, on a throwaway store.

``wattson`` is the console adapter on an in-memory SQLite store with default
settings, like errbot's ``testbot``: ``await wattson.send("/cost hello")``
returns the reply texts.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.foundation.storage.sqlite import SqliteDatabase
from bot.settings import Settings, load_settings
from facts.store import ClaimStore
from tests.webclient import Web, web_on

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's tokens, config file or overrides."""
    for name in list(os.environ):
        if name.startswith("WATTSON_") or name in {"DISCORD_TOKEN", "TELEGRAM_TOKEN"}:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings() -> Settings:
    return load_settings(
        None,
        storage={"database": ":memory:"},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
    )


@pytest.fixture
async def core(settings: Settings) -> AsyncIterator[Core]:
    async with open_core(settings) as opened:
        yield opened


@pytest.fixture
async def wattson(core: Core) -> ConsoleAdapter:
    return ConsoleAdapter(core)


@pytest.fixture
async def web() -> AsyncIterator[Web]:
    """The web pages of a core on the shipped base (in memory), served on 127.0.0.1."""
    async with web_on() as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def claim_base() -> AsyncIterator[ClaimStore]:
    """The shipped claim base in memory, shared by a module's read-only tests."""
    async with SqliteDatabase(":memory:") as database:
        claims = ClaimStore(database)
        await claims.setup()
        yield claims


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail any name lookup that is not loopback, and list the hosts looked up.

    Every TCP connection aiohttp (discord.py) and httpx (python-telegram-bot) open
    starts with ``socket.getaddrinfo``, so this proves no connection leaves
    127.0.0.1 — a public gateway or API host would be refused and recorded.
    """
    import socket

    hosts: list[str] = []
    real = socket.getaddrinfo

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        hosts.append(name)
        if name not in LOOPBACK:
            raise OSError(f"test refused a connection to {name}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return hosts


# ---- PostgreSQL: the second storage driver, on the real server ----------------------------

POSTGRES_URL = os.environ.get(
    "WATTSON_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _with_database(url: str, name: str, schema: str | None = None) -> str:
    from urllib.parse import quote, urlsplit

    parts = urlsplit(url)
    query = f"options={quote(f'-csearch_path={schema},public')}" if schema else ""
    return parts._replace(path=f"/{name}", query=query).geturl()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database created for this test run on the PostgreSQL server, dropped after it.

    No server answering: the tests that need it are skipped with the reason,
    except in CI (``CI=true``), where that is a failure.
    """
    import secrets

    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = f"no PostgreSQL answers at {POSTGRES_URL}: {str(error).strip()}"
        if _in_ci():
            pytest.fail(reason + " (CI=true: the PostgreSQL tests must run)")
        pytest.skip(reason)
    name = f"wattson_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        url = _with_database(POSTGRES_URL, name)
        try:
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_database: str) -> Iterator[str]:
    """A URL to an empty schema of the run's database, dropped after the test."""
    import secrets

    import psycopg

    schema = f"t_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    name = postgres_database.rsplit("/", 1)[1]
    try:
        yield _with_database(postgres_database, name, schema)
    finally:
        with psycopg.connect(postgres_database, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def database_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """``[storage] database`` for each driver: a SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "wattson.db")
    return str(request.getfixturevalue("postgres_url"))
