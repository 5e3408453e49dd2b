"""Chats served concurrently, each in the order its messages arrived.

Every chat has a lane: a queue of jobs and, while the queue is not empty, one
worker task draining it. A flood in one chat fills that chat's lane only; the
others keep their own pace. Closing stops starting new jobs, lets the running
ones finish within a deadline, and reports the ones never started (the caller
leaves them unacknowledged, so the platform delivers them again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable

from bot.foundation.metrics import LANE_JOBS

Job = Callable[[], Awaitable[None]]
log = logging.getLogger(__name__)
_LIVE: weakref.WeakSet[ChatLanes] = weakref.WeakSet()  # every lane set of this process


class ChatLanes:
    """One worker per busy chat; jobs of a chat run one after the other."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._closing = False
        _LIVE.add(self)

    def __len__(self) -> int:
        """Jobs waiting or running."""
        return sum(len(queue) for queue in self._queues.values()) + len(self._workers)

    @property
    def busy_chats(self) -> int:
        return len(self._workers)

    def submit(self, chat: str, job: Job) -> None:
        """Queue ``job`` behind the chat's earlier jobs; start the chat's worker if idle."""
        if self._closing:
            raise RuntimeError("lanes are closing; no new job is accepted")
        self._queues.setdefault(chat, deque()).append(job)
        if chat not in self._workers:
            self._workers[chat] = asyncio.create_task(self._drain(chat), name=f"lane {chat}")

    async def _drain(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue and not self._closing:
                job = queue.popleft()
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception:  # a job handles its own failures; this is a last resort
                    log.exception("a job in chat %s failed", chat)
        finally:
            del self._workers[chat]
            if not queue:
                del self._queues[chat]

    async def close(self, timeout: float) -> int:
        """Start nothing new; give running jobs ``timeout`` seconds; return jobs not done."""
        self._closing = True
        workers = list(self._workers.values())
        if workers:
            _done, late = await asyncio.wait(workers, timeout=timeout)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if late:
                log.warning("stopped %d answer(s) still running after %.0f s", len(late), timeout)
        left = sum(len(queue) for queue in self._queues.values())
        self._queues.clear()
        return left


# Read when /metrics is scraped: the jobs of every lane set alive in this process.
LANE_JOBS.set_function(lambda: sum(len(lanes) for lanes in list(_LIVE)))
