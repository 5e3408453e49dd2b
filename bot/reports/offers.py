"""Checked statements waiting, in memory only and briefly, for their reader to report them.

Why keep anything at all: "Wrong verdict?" is pressed in a later event than the
``/check`` it is about, and the press does not bring the statement back on
every platform — a Discord button's interaction carries the bot's message, not
the reader's command; the console keeps no history; a web form must not be
trusted to say which verdict was given. So the core keeps the statement, the
verdict, the language, the chat and who asked, here, until the reader presses
(then it is written, because the reader sent it) or until
``[reports] offer_minutes`` have passed (then it is forgotten).

Why so little, so briefly: a reader who disagrees does so while reading the
answer; a statement nobody reports must not linger, even in memory. Nothing
here is ever written anywhere, a restart forgets it all, and the memory is
bounded (:data:`CAPACITY` offers, the oldest forgotten first). A press that
comes too late finds nothing and is refused clearly; it never reports
something else. Each offer has a random, unguessable token (the button's
data), and only the person who asked may report it.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

CAPACITY = 10_000  # offers kept at most; past it, the oldest is forgotten first


@dataclass(frozen=True, slots=True)
class Offer:
    """One checked statement its reader may still report."""

    token: str
    statement: str
    verdict: str
    language: str
    user: str  # platform:id of who asked
    chat: str  # platform:id of where
    expires: float  # on the memory's clock
    report: int | None = None  # its number, once reported


class OfferMemory:
    """The offers of one process, each for ``seconds``; the latest of each person and chat."""

    def __init__(
        self,
        seconds: float = 15 * 60.0,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.capacity = capacity
        self.clock = clock
        self._offers: OrderedDict[str, Offer] = OrderedDict()  # by token, oldest first
        self._latest: dict[tuple[str, str], str] = {}  # (user, chat) -> token

    def __len__(self) -> int:
        self._forget_expired()
        return len(self._offers)

    def remember(self, statement: str, verdict: str, language: str, user: str, chat: str) -> str:
        """Keep a checked statement for its reader; the token a press names it by."""
        self._forget_expired()
        token = secrets.token_urlsafe(12)
        expires = self.clock() + self.seconds
        self._offers[token] = Offer(token, statement, verdict, language, user, chat, expires)
        self._latest[(user, chat)] = token
        while len(self._offers) > self.capacity:
            self._forget(next(iter(self._offers)))
        return token

    def find(self, token: str) -> Offer | None:
        """The offer of this token, unless it is unknown or expired."""
        self._forget_expired()
        return self._offers.get(token)

    def latest(self, user: str, chat: str) -> Offer | None:
        """The last offer made to ``user`` in ``chat``, unless it expired."""
        token = self._latest.get((user, chat))
        return self.find(token) if token is not None else None

    def reported(self, token: str, number: int) -> None:
        """Note that an offer was reported (a second press says so instead of reporting twice)."""
        offer = self._offers.get(token)
        if offer is not None:
            self._offers[token] = replace(offer, report=number)

    def _forget_expired(self) -> None:
        now = self.clock()
        while self._offers:
            token, offer = next(iter(self._offers.items()))
            if offer.expires > now:
                break
            self._forget(token)

    def _forget(self, token: str) -> None:
        offer = self._offers.pop(token)
        key = (offer.user, offer.chat)
        if self._latest.get(key) == token:
            del self._latest[key]
