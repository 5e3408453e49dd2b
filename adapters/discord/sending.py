"""Sends to Discord that do not give up early and never post a message twice.

discord.py waits out 429s and retries 500, 502, 504 and 524 a few times on its
own. :func:`send` adds, around one send, retries with bounded backoff for the
failures where resending cannot duplicate anything:

- Discord answered with a refusal: a 5xx after discord.py's own retries (or
  one it does not retry, like 503), or a 429 it would not wait out;
- the connection could not be opened (nothing was sent).

When the request may have reached Discord — no answer in time, or the
connection dropped mid-request — it is resent only where Discord itself makes a
repeat harmless (:data:`SAFE`):

- the first response to an interaction (or its deferral): Discord accepts one
  per interaction and refuses a repeat with code 40060, which proves the first
  got through;
- editing the deferred response into the answer: the same edit twice is one edit;
- channel posts (campaigns, auto mode), sent with a ``nonce`` and
  ``enforce_nonce``: Discord returns the message already created with that nonce
  instead of creating another.

Follow-up messages (the second and later messages of a long reply) go through
Discord's webhook endpoint, which takes no nonce: an uncertain follow-up is not
resent (:data:`ONCE`), since a resend could post it twice.

A send finally given up raises :class:`GaveUp`, which the caller logs once, in
one line. A 401 raises :class:`TokenRefused`: the token was revoked.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TypeVar

import aiohttp
import discord

from bot.foundation.metrics import SENDS_GIVEN_UP, SENDS_RETRIED

MAX_ATTEMPTS = 5
FIRST_DELAY = 0.25
MAX_DELAY = 8.0
SEND_TIMEOUT = 15.0  # seconds without an answer before a send counts as uncertain
ALREADY_ACKNOWLEDGED = 40060  # Discord: "Interaction has already been acknowledged."
log = logging.getLogger(__name__)
T = TypeVar("T")


class Repeat(Enum):
    """Whether Discord makes a repeat of this send harmless."""

    SAFE = "safe"
    ONCE = "once"


SAFE = Repeat.SAFE
ONCE = Repeat.ONCE


class GaveUp(Exception):
    """A send abandoned after its retries, or not resent because it may have arrived."""


class TokenRefused(Exception):
    """Discord answered 401: the bot's token is invalid or was revoked."""


def backoff(attempt: int) -> float:
    """Seconds before retry number ``attempt`` (1, 2, …): doubling, capped, jittered."""
    delay: float = min(MAX_DELAY, FIRST_DELAY * 2 ** (attempt - 1))
    return delay * random.uniform(0.8, 1.2)


def classify(error: BaseException) -> str:
    """``refused`` (nothing done: resend), ``unsure`` (may have arrived) or ``final``."""
    if isinstance(error, discord.HTTPException):
        if error.status >= 500 or error.status == 429:
            return "refused"
        return "final"
    if isinstance(error, aiohttp.ClientConnectorError):  # could not connect
        return "refused"
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
        return "unsure"
    return "final"


async def send(
    operation: Callable[[], Awaitable[T]],
    repeat: Repeat,
    what: str,
    *,
    attempts: int | None = None,
    timeout: float | None = None,
) -> T | None:
    """Run ``operation`` (one Discord call) until it succeeds, as far as it is safe.

    Returns its result, or ``None`` when Discord says an earlier attempt already
    got through (40060). Raises :class:`GaveUp` when the retries are spent or a
    resend could duplicate; :class:`TokenRefused` on a 401; other 4xx as
    discord.py raises them (``Forbidden``, ``NotFound``…).
    """
    attempts = attempts or MAX_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return await asyncio.wait_for(operation(), timeout or SEND_TIMEOUT)
        except discord.HTTPException as error:
            if error.status == 401:
                raise TokenRefused(str(error)) from None
            if error.code == ALREADY_ACKNOWLEDGED and attempt > 1:
                return None  # the earlier, uncertain attempt was received
            if classify(error) == "final":
                raise
            failure: BaseException = error
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            if classify(error) == "unsure" and repeat is ONCE:
                SENDS_GIVEN_UP.labels("discord").inc()
                raise GaveUp(
                    f"{what}: not resent, it may have reached Discord ({describe(error)})"
                ) from None
            failure = error
        if attempt == attempts:
            break
        delay = backoff(attempt)
        SENDS_RETRIED.labels("discord").inc()
        log.info("%s failed (%s); retry %d in %.1f s", what, describe(failure), attempt, delay)
        await asyncio.sleep(delay)
    SENDS_GIVEN_UP.labels("discord").inc()
    raise GaveUp(f"{what}: gave up after {attempts} attempts ({describe(failure)})")


def describe(error: BaseException) -> str:
    """One line for the log: the error's type and message, never a traceback."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
