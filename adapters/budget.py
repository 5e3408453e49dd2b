"""A chat's share of the platform's message budget: answer, warn once, or stay quiet.

Telegram lets a bot post about 20 messages a minute in a group. A chat asking
more than its budget gets one "slow down" notice per window, and the commands
past it are dropped unanswered; answering each with its own refusal would
spend the group's budget on refusals and delay the answers that fit.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

from bot.ratelimit import WINDOW_SECONDS, SlidingWindow


class Admission(enum.Enum):
    ANSWER = "answer"
    NOTICE = "notice"  # over budget: say so, once in the window
    DROP = "drop"  # over budget and already told


class ChatBudget:
    """At most ``per_window`` answers per chat and window, then one notice."""

    def __init__(
        self,
        per_window: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.clock = clock
        self._answers = SlidingWindow(per_window, window, clock)
        self._noticed: dict[str, float] = {}

    def admit(self, chat: str) -> Admission:
        """Decide what the next command in ``chat`` gets."""
        if self._answers.allow(chat):
            return Admission.ANSWER
        now = self.clock()
        told = self._noticed.get(chat)
        if told is not None and now - told < self.window:
            return Admission.DROP
        self._noticed[chat] = now
        if len(self._noticed) > 10_000:  # forget old notices now and then
            self._noticed = {k: t for k, t in self._noticed.items() if now - t < self.window}
        return Admission.NOTICE

    def retry_after(self, chat: str) -> float:
        """Seconds until ``chat`` is answered again."""
        return self._answers.retry_after(chat)
