"""Calls to the Bot API that wait for the platform's caps and do not give up early.

:class:`PatientLimiter` is python-telegram-bot's :class:`AIORateLimiter` (30
messages per second overall, 20 per minute per group, 429 waited out) with
retries for the failures where resending cannot duplicate a message:

- the server answered with an error status other than 400/401/403/404/409
  (a 5xx): it refused the request;
- the connection could not be opened, or no connection was free (connect
  error or timeout, pool timeout): nothing was sent;
- the connection was closed before any byte of an answer (the server or a
  proxy in front of it dropped it before handling the request).

A read timeout is not retried: the request may have reached Telegram and been
acted on, and Telegram has no idempotency key, so a resend could post twice.
Retries back off exponentially, within :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

from bot.foundation.metrics import SENDS_RETRIED

MAX_ATTEMPTS = 6
FIRST_DELAY = 0.25
MAX_DELAY = 8.0
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.RemoteProtocolError)
log = logging.getLogger(__name__)

Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


def is_safe_to_resend(error: BaseException) -> bool:
    """Whether ``error`` proves Telegram did not act on the request."""
    if isinstance(error, BadRequest) or not isinstance(error, NetworkError):
        return False
    cause = error.__cause__
    if isinstance(cause, httpx.HTTPError):
        return isinstance(cause, NOT_SENT)
    # No transport error behind it: Telegram answered with an error status (5xx).
    return not isinstance(error, TimedOut)


def backoff(attempt: int) -> float:
    """Seconds before retry number ``attempt`` (1, 2, …): doubling, capped, jittered."""
    delay: float = min(MAX_DELAY, FIRST_DELAY * 2 ** (attempt - 1))
    return delay * random.uniform(0.8, 1.2)


class PatientLimiter(AIORateLimiter):
    """Telegram's caps (0 turns a cap off), 429 waited out, safe failures retried."""

    def __init__(
        self,
        *,
        overall_per_second: float = 30.0,
        group_per_minute: float = 20.0,
        retries_after_429: int = 5,
        attempts: int = MAX_ATTEMPTS,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_per_second,
            overall_time_period=1,
            group_max_rate=group_per_minute,
            group_time_period=60,
            max_retries=retries_after_429,
        )
        self.attempts = attempts

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                if attempt == self.attempts or not is_safe_to_resend(error):
                    raise
                delay = backoff(attempt)
                SENDS_RETRIED.labels("telegram").inc()
                log.info("%s failed (%s); retry %d in %.1f s", endpoint, error, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
