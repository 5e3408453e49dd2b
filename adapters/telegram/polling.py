"""Long polling that confirms an update to Telegram only once it has been answered.

Telegram confirms updates by watermark: ``getUpdates(offset=N)`` forgets every
update below ``N``. python-telegram-bot's ``Updater`` moves the offset as soon
as it has fetched a batch, so whatever was fetched but not yet answered is lost
on a crash. Here the offset only moves past the oldest update still being
answered: the updates above it come back in the next batches, are recognised
(in memory, or in the :class:`~bot.foundation.storage.ledger.DeliveryLedger` after a
restart) and skipped, and the new ones are handed to their chat's lane. A crash
or a stop leaves every unanswered update for Telegram to deliver again.

At most one batch (:data:`BATCH`, Telegram's maximum) is ever in flight, which
is also the back-pressure: nothing more is fetched until the oldest update of
the window is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, TelegramError

from adapters.telegram.sending import backoff
from bot.foundation.storage.ledger import DeliveryLedger

BATCH = 100
POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when nothing is waiting
RECHECK = 0.25  # seconds between polls while updates are being answered
# commands, presses of the buttons under the bot's answers ("Wrong verdict?"), and the
# answers to the bot's quiz polls (totals in ``poll``; ``poll_answer`` for polls not anonymous)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.POLL, Update.POLL_ANSWER]
log = logging.getLogger(__name__)

Answer = Callable[[Update], Awaitable[None]]
Submit = Callable[[str, Callable[[], Awaitable[None]]], None]


class UpdatePoller:
    """Fetch updates, hand each to its chat once, confirm only what is finished."""

    def __init__(self, bot: Bot, submit: Submit, answer: Answer, ledger: DeliveryLedger | None):
        self.bot = bot
        self.submit = submit
        self.answer = answer
        self.ledger = ledger
        self._in_flight: set[int] = set()
        self._finished: set[int] = set()  # finished but not yet below the offset
        self._next = 0  # one past the highest update id seen
        self._progress = asyncio.Event()
        self._fatal: TelegramError | None = None

    @property
    def offset(self) -> int | None:
        """The lowest update not finished: everything below it may be confirmed."""
        if self._in_flight:
            return min(self._in_flight)
        return self._next or None

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; raise :class:`InvalidToken` or :class:`Conflict`."""
        failures = 0
        while not stop.is_set():
            if self._fatal is not None:
                raise self._fatal
            busy = bool(self._in_flight)
            try:
                updates = await self._fetch(stop, timeout=0 if busy else POLL_TIMEOUT)
            except (InvalidToken, Conflict):
                raise
            except TelegramError as error:
                failures += 1
                delay = backoff(min(failures, 6))
                log.warning("getUpdates failed (%s); polling again in %.1f s", error, delay)
                await _sleep_or_stop(stop, delay)
                continue
            failures = 0
            if updates is None:  # stopped while waiting
                return
            fresh = await self._accept(updates)
            if busy and not fresh:
                # Only updates already being answered came back: wait for one to finish.
                self._progress.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._progress.wait(), RECHECK)

    async def confirm(self) -> None:
        """Tell Telegram every finished update below the offset is done (best effort)."""
        offset = self.offset
        if offset is None:
            return
        with contextlib.suppress(TelegramError, TimeoutError):
            await asyncio.wait_for(self.bot.get_updates(offset=offset, limit=1, timeout=0), 5)

    async def _fetch(self, stop: asyncio.Event, timeout: int) -> tuple[Update, ...] | None:
        request = asyncio.ensure_future(
            self.bot.get_updates(
                offset=self.offset,
                limit=BATCH,
                timeout=timeout,
                allowed_updates=ALLOWED_UPDATES,
                read_timeout=timeout + 10,
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait([request, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not request.done():
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await request
            return None
        return request.result()

    async def _accept(self, updates: tuple[Update, ...]) -> int:
        """Hand the updates not seen before to their chats; return how many."""
        candidates = [
            u.update_id
            for u in updates
            if u.update_id not in self._in_flight and u.update_id not in self._finished
        ]
        done_before = await self._answered_before(candidates)
        fresh = 0
        for update in updates:
            uid = update.update_id
            self._next = max(self._next, uid + 1)
            if uid in self._in_flight or uid in self._finished:
                continue
            if uid in done_before:
                log.info("update %d was answered before a restart; not answering it again", uid)
                self._finished.add(uid)
                continue
            self._in_flight.add(uid)
            chat = update.effective_chat
            self.submit(str(chat.id) if chat else "", self._job(update))
            fresh += 1
        self._forget_confirmed()
        return fresh

    async def _answered_before(self, update_ids: list[int]) -> set[int]:
        if self.ledger is None:
            return set()
        try:
            return await self.ledger.answered(update_ids)
        except Exception as error:  # an unreadable ledger must not stop answering
            log.error("cannot read the answered-update ledger: %s", error)
            return set()

    def _job(self, update: Update) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            try:
                await self.answer(update)
            except (InvalidToken, Conflict) as error:  # the bot cannot answer anything
                self._fatal = error
                self._progress.set()
                return  # left unconfirmed for the next run
            except Exception:
                log.exception("giving up on update %d", update.update_id)
            if self.ledger is not None:
                self.ledger.record(update.update_id)  # at once: no await since the send
            self._in_flight.discard(update.update_id)
            self._finished.add(update.update_id)
            self._progress.set()

        return job

    def _forget_confirmed(self) -> None:
        offset = self.offset
        if offset is not None:
            self._finished = {uid for uid in self._finished if uid >= offset}


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
