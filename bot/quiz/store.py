"""Quizzes posted and how many chose each option: counts only, never who (component ``quiz``).

A post is one quiz shown in one chat: a native poll (its ``poll_ref`` is the
platform's poll id: Telegram's ``poll.id``, Discord's message id) or a text
quiz (the console's, the web form's: a ``poll_ref`` the core makes up).
Answers are kept per option in two columns, because the platforms say them two
ways and may say both for one vote:

- ``counted``: absolute counts (Telegram's ``poll`` update, Discord's results
  when the poll ends), merged by keeping the larger, so a repeated or
  out-of-order update changes nothing (:meth:`QuizStore.record_counts`);
- ``added``: one answer at a time (Telegram's ``poll_answer``, a press in the
  console or on the web), each adding one (:meth:`QuizStore.add_answer`; the
  caller skips a redelivered update, :mod:`bot.foundation.storage.ledger`).

An option's count is the larger of the two: both count the same votes, so
neither is added to the other. Quiz answers cannot be taken back on either
platform, so counts only grow. Nothing names who answered: not the user, not
the answer's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.foundation.storage import Database, Row

COMPONENT = "quiz"


@dataclass(frozen=True, slots=True)
class QuizPost:
    """One quiz shown in one chat, and where it came from."""

    platform: str
    chat_id: str
    poll_ref: str  # the platform's poll id (Telegram poll.id, Discord message id), or a made-up one
    claim_id: str
    topic: str
    language: str
    right_option: int
    options_count: int
    posted_at: datetime
    campaign_id: int | None = None
    slot: datetime | None = None


class Shown(Protocol):
    """A quiz as shown: the core's :class:`~bot.quiz.model.Quiz` or a platform's poll."""

    @property
    def claim_id(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def right(self) -> int: ...
    @property
    def options(self) -> tuple[str, ...]: ...


def post_of(
    shown: Shown,
    platform: str,
    chat_id: str,
    poll_ref: str,
    posted_at: datetime,
    campaign_id: int | None = None,
    slot: datetime | None = None,
) -> QuizPost:
    """What the store keeps of a quiz shown in a chat: no text, no one who answered."""
    return QuizPost(
        platform=platform,
        chat_id=chat_id,
        poll_ref=poll_ref,
        claim_id=shown.claim_id,
        topic=shown.topic,
        language=shown.language,
        right_option=shown.right,
        options_count=len(shown.options),
        posted_at=posted_at,
        campaign_id=campaign_id,
        slot=slot,
    )


def text_ref(claim_id: str, posted_at: datetime) -> str:
    """The ``poll_ref`` of a quiz shown as text, which has no platform poll id."""
    return f"{claim_id}@{posted_at.isoformat()}"


@dataclass(frozen=True, slots=True)
class QuizCounts:
    """How many chose each option of one post."""

    post: QuizPost
    counts: tuple[int, ...]

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def right(self) -> int:
        return self.counts[self.post.right_option] if self.counts else 0


@dataclass(frozen=True, slots=True)
class TopicResult:
    """A topic's quizzes in a chat over a period: posted, answers, right answers."""

    topic: str
    posted: int
    answered: int
    right: int

    @property
    def right_share(self) -> float | None:
        """The share of right answers, ``None`` before anyone answered."""
        return self.right / self.answered if self.answered else None


class QuizStore:
    """Quiz posts and their answer counts, in the configured database (either driver)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    async def record_text(
        self,
        shown: Shown,
        platform: str,
        chat_id: str,
        posted_at: datetime,
        campaign_id: int | None = None,
        slot: datetime | None = None,
    ) -> str:
        """Write down a quiz shown as text (a chat refusing polls): a press counts in it.

        Returns its ``poll_ref`` (:func:`text_ref`).
        """
        ref = text_ref(shown.claim_id, posted_at)
        await self.record_post(post_of(shown, platform, chat_id, ref, posted_at, campaign_id, slot))
        return ref

    async def record_post(self, post: QuizPost) -> bool:
        """Write down a quiz just posted; ``False`` if this poll was already recorded."""
        inserted = await self.database.execute(
            "INSERT INTO quiz_posts (platform, chat_id, poll_ref, claim_id, topic, language,"
            " right_option, options_count, posted_at, campaign_id, slot)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (platform, poll_ref) DO NOTHING",
            (
                post.platform,
                post.chat_id,
                post.poll_ref,
                post.claim_id,
                post.topic,
                post.language,
                post.right_option,
                post.options_count,
                post.posted_at.isoformat(),
                post.campaign_id,
                post.slot.isoformat() if post.slot else None,
            ),
        )
        return inserted == 1

    async def post(self, platform: str, poll_ref: str) -> QuizPost | None:
        """The quiz a platform's poll is (to reveal its answer when it ends), if recorded."""
        row = await self.database.fetch_one(
            f"SELECT {POST_COLUMNS} FROM quiz_posts WHERE platform = ? AND poll_ref = ?",
            (platform, poll_ref),
        )
        return _post(row) if row else None

    async def latest_post(self, platform: str, chat_id: str, claim_id: str) -> QuizPost | None:
        """The last time this claim's quiz was shown in this chat (a text quiz's press counts there)."""
        row = await self.database.fetch_one(
            f"SELECT {POST_COLUMNS} FROM quiz_posts WHERE platform = ? AND chat_id = ?"
            " AND claim_id = ? ORDER BY posted_at DESC, id DESC LIMIT 1",
            (platform, chat_id, claim_id),
        )
        return _post(row) if row else None

    async def record_counts(self, platform: str, poll_ref: str, counts: Sequence[int]) -> bool:
        """Merge absolute counts per option (idempotent); ``False`` for a poll never recorded.

        Telegram's ``poll`` update and Discord's final results say how many chose
        each option so far; keeping the larger of the stored and the given count
        makes a repeated or late update harmless.
        """
        post_id = await self._post_id(platform, poll_ref)
        if post_id is None:
            return False
        async with self.database.transaction() as transaction:
            for option, count in enumerate(counts):
                await transaction.execute(
                    "INSERT INTO quiz_counts (post_id, option, counted, added) VALUES (?, ?, ?, 0)"
                    " ON CONFLICT (post_id, option) DO UPDATE SET counted = CASE"
                    " WHEN excluded.counted > quiz_counts.counted THEN excluded.counted"
                    " ELSE quiz_counts.counted END",
                    (post_id, option, max(0, int(count))),
                )
        return True

    async def add_answer(self, platform: str, poll_ref: str, option: int) -> bool:
        """Count one answer to ``option`` (one voter's choice; who is not kept).

        ``False`` for a poll never recorded or an option it does not have.
        """
        row = await self.database.fetch_one(
            "SELECT id, options_count FROM quiz_posts WHERE platform = ? AND poll_ref = ?",
            (platform, poll_ref),
        )
        if row is None or not 0 <= option < int(row[1]):
            return False
        await self.database.execute(
            "INSERT INTO quiz_counts (post_id, option, counted, added) VALUES (?, ?, 0, 1)"
            " ON CONFLICT (post_id, option) DO UPDATE SET added = quiz_counts.added + 1",
            (int(row[0]), option),
        )
        return True

    async def counts(self, platform: str, poll_ref: str) -> QuizCounts | None:
        """How many chose each option of one post (the larger of its two counts)."""
        post = await self.post(platform, poll_ref)
        post_id = await self._post_id(platform, poll_ref)
        if post is None or post_id is None:
            return None
        rows = await self.database.fetch_all(
            "SELECT option, counted, added FROM quiz_counts WHERE post_id = ?", (post_id,)
        )
        counts = [0] * post.options_count
        for row in rows:
            if 0 <= int(row[0]) < post.options_count:
                counts[int(row[0])] = max(int(row[1]), int(row[2]))
        return QuizCounts(post, tuple(counts))

    async def posted_claims(self, platform: str, chat_id: str) -> list[str]:
        """The claims quizzed in a chat, oldest first (so /quiz does not repeat itself)."""
        rows = await self.database.fetch_all(
            "SELECT claim_id FROM quiz_posts WHERE platform = ? AND chat_id = ?"
            " ORDER BY posted_at, id",
            (platform, chat_id),
        )
        return [str(row[0]) for row in rows]

    async def results(
        self, platform: str | None, chat_id: str | None, since: datetime | None = None
    ) -> list[TopicResult]:
        """Quizzes posted, answers and right answers per topic (a chat's, or all with ``None``)."""
        where, params = ["1 = 1"], []
        if platform is not None:
            where.append("p.platform = ?")
            params.append(platform)
        if chat_id is not None:
            where.append("p.chat_id = ?")
            params.append(chat_id)
        if since is not None:
            where.append("p.posted_at >= ?")
            params.append(since.isoformat())
        rows = await self.database.fetch_all(
            "SELECT p.topic, COUNT(DISTINCT p.id),"
            " COALESCE(SUM(CASE WHEN c.counted > c.added THEN c.counted ELSE c.added END), 0),"
            " COALESCE(SUM(CASE WHEN c.option = p.right_option THEN"
            " (CASE WHEN c.counted > c.added THEN c.counted ELSE c.added END) ELSE 0 END), 0)"
            " FROM quiz_posts p LEFT JOIN quiz_counts c ON c.post_id = p.id"
            f" WHERE {' AND '.join(where)} GROUP BY p.topic ORDER BY p.topic",
            params,
        )
        return [TopicResult(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]

    async def all_counts(self) -> list[QuizCounts]:
        """Every post with its counts, oldest first (``wattson stats export --quizzes``)."""
        posts = await self.database.fetch_all(
            f"SELECT id, {POST_COLUMNS} FROM quiz_posts ORDER BY posted_at, id"
        )
        rows = await self.database.fetch_all(
            "SELECT post_id, option, counted, added FROM quiz_counts"
        )
        by_post: dict[int, dict[int, int]] = {}
        for row in rows:
            by_post.setdefault(int(row[0]), {})[int(row[1])] = max(int(row[2]), int(row[3]))
        found = []
        for row in posts:
            post = _post(row, offset=1)
            options = by_post.get(int(row[0]), {})
            counts = tuple(options.get(i, 0) for i in range(post.options_count))
            found.append(QuizCounts(post, counts))
        return found

    async def unrevealed(self, platform: str, posted_before: datetime) -> list[QuizPost]:
        """Native polls posted before ``posted_before`` whose answer is not told yet, oldest first.

        Discord tells a poll's results only when it ends: its adapter asks, at start and
        then regularly, for the polls whose end has passed, also while it was offline.
        """
        rows = await self.database.fetch_all(
            f"SELECT {POST_COLUMNS} FROM quiz_posts WHERE platform = ? AND closed_at IS NULL"
            " AND posted_at < ? ORDER BY posted_at, id",
            (platform, posted_before.isoformat()),
        )
        return [_post(row) for row in rows]

    async def close(self, platform: str, poll_ref: str, now: datetime) -> bool:
        """Take the telling of a poll's answer: ``True`` for exactly one caller, in any process.

        Marked before the answer is posted, as campaign slots are: a crash between
        the two loses one reveal rather than posting it twice.
        """
        changed = await self.database.execute(
            "UPDATE quiz_posts SET closed_at = ? WHERE platform = ? AND poll_ref = ?"
            " AND closed_at IS NULL",
            (now.isoformat(), platform, poll_ref),
        )
        return changed == 1

    async def _post_id(self, platform: str, poll_ref: str) -> int | None:
        value = await self.database.fetch_value(
            "SELECT id FROM quiz_posts WHERE platform = ? AND poll_ref = ?", (platform, poll_ref)
        )
        return int(value) if value is not None else None


POST_COLUMNS = (
    "platform, chat_id, poll_ref, claim_id, topic, language, right_option, options_count,"
    " posted_at, campaign_id, slot"
)


def _post(row: Row, offset: int = 0) -> QuizPost:
    """A post from a row read in :data:`POST_COLUMNS` order (from column ``offset``)."""
    r = [row[offset + i] for i in range(11)]
    return QuizPost(
        platform=str(r[0]),
        chat_id=str(r[1]),
        poll_ref=str(r[2]),
        claim_id=str(r[3]),
        topic=str(r[4]),
        language=str(r[5]),
        right_option=int(r[6]),
        options_count=int(r[7]),
        posted_at=datetime.fromisoformat(r[8]),
        campaign_id=int(r[9]) if r[9] is not None else None,
        slot=datetime.fromisoformat(r[10]) if r[10] else None,
    )
