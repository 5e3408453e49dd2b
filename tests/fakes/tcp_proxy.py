"""A TCP proxy in a process of its own, to put a network fault between Wattson and PostgreSQL.

``python -m tests.fakes.tcp_proxy TARGET_HOST TARGET_PORT [--port N]`` listens on
127.0.0.1 (a free port unless ``--port``), prints ``listening PORT`` and pipes
every connection to the target. Being a process, it makes the faults real:

- a **partition**: ``SIGSTOP`` it. Connections stay open and nothing flows; the
  kernel still acknowledges what is sent (and answers keepalives), as a silent
  network does. ``SIGCONT`` resumes it.
- an **outage**: ``SIGKILL`` it. Every connection is reset and new ones are
  refused until a new proxy listens on the same port.

:class:`Proxy` drives it from a test; :func:`through` points a database URL at
it; :func:`terminate_backends` is the other fault, a failover: every session of
the bot ended by the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from urllib.parse import urlsplit


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _serve(target_host: str, target_port: int, port: int) -> None:
    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    server = await asyncio.start_server(connection, "127.0.0.1", port, reuse_address=True)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def through(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return parts._replace(netloc=f"{user}127.0.0.1:{port}").geturl()


def terminate_backends(url: str) -> int:
    """End every session of every Wattson process on ``url``'s database, as a failover does."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name LIKE 'wattson:%%' AND pid <> pg_backend_pid()"
            " AND datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


class Proxy:
    """The proxy as a child process: start, partition (SIGSTOP), heal, cut (SIGKILL), restart."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> int:
        """Listen (on the same port as before, after a cut); return the port."""
        args = [sys.executable, "-m", "tests.fakes.tcp_proxy", self.target[0], str(self.target[1])]
        if self.port:
            args += ["--port", str(self.port)]
        self.process = await asyncio.create_subprocess_exec(
            *args, stdout=asyncio.subprocess.PIPE, cwd=os.path.dirname(os.path.dirname(
                os.path.dirname(os.path.abspath(__file__))))
        )  # fmt: skip
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 20)
        self.port = int(line.split()[1])
        return self.port

    def partition(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def heal(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    async def cut(self) -> None:
        """Kill the proxy: every connection through it is reset."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            await self.process.wait()

    async def stop(self) -> None:
        await self.cut()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("target_port", type=int)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.target_port, args.port))


if __name__ == "__main__":
    main()
