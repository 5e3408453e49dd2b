"""A moderator at a console, as a process of its own: the real core on the given database.

``python -m tests.moderator_process DATABASE USER`` answers each line of stdin
as the console user ``USER`` (a moderator) and prints the reply, then
:data:`END`, so a test driving several such processes knows when each answered.
"""

from __future__ import annotations

import asyncio
import sys

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.settings import load_settings

END = "<<end of reply>>"
READY = "<<ready>>"


async def main(database: str, user: str) -> None:
    settings = load_settings(
        None,
        storage={"database": database},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
    )
    async with open_core(settings) as core:
        console = ConsoleAdapter(core, user_id=user)
        loop = asyncio.get_running_loop()
        print(READY, flush=True)
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            for text in await console.paste(line.rstrip("\n")):
                print(text)
            print(END, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
