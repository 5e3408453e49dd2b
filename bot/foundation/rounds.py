"""Work done in rounds until a stop: campaign ticks, the desk's notices, Discord's poll sweep.

Every such loop wants the same policy: a database that is away is said once by
its driver and not logged again each round; any other failure is logged and
the next round tries again, so one bad round never ends the loop; a stop is
taken at once, not after the rest of a wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.foundation.errors import DatabaseUnavailableError


async def in_rounds(
    work: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    interval: float,
    log: logging.Logger,
    what: str,
) -> None:
    """Run ``work`` now, then every ``interval`` seconds, until ``stop`` is set."""
    while not stop.is_set():
        try:
            await work()
        except DatabaseUnavailableError:
            pass  # said once by the driver; the next round tries again
        except Exception:
            log.exception("%s failed; trying again at the next round", what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
