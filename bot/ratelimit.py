"""Per-user and per-chat rate limits, in memory: a sliding window of recent requests.

Limits protect a community's chat from floods (and the bot's host from load);
the console's local user is never limited. Nothing about the requests is kept
but their times, for a minute.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record an event for ``key`` if it is within the limit; say whether it was."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._events) > 50_000:  # forget idle keys now and then
            self._events = {
                k: v for k, v in self._events.items() if v and now - v[-1] < self.window
            }
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may send again."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, self.window - (self.clock() - events[0]))
