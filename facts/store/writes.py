"""Changing the claim base one claim at a time: add, edit, retract, propose, review.

Every change is one transaction that writes the claim, its search-index row and
an audit entry (who, when, which claim, the content before and after) together,
so a process killed mid-write leaves either the whole change or none of it.
Retracted claims stay, with their history, but are no longer shown or found.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from bot.foundation.storage import Queries, Row
from facts.models import SEED_AUTHOR, Claim, ClaimContent
from facts.seed import content_hash
from facts.store.reads import ClaimReads
from facts.store.records import (
    Action,
    ClaimExistsError,
    ClaimNotFoundError,
    ProposalNotFoundError,
    UnknownCorrectionError,
    content_json,
    index_text,
    timestamp,
)


class ClaimWrites(ClaimReads):
    """The reads, and every change to one claim; each public method is one transaction."""

    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        """One write transaction; rolled back whole on any error."""
        return self.database.transaction()

    async def add(self, content: ClaimContent, actor: str, action: Action = "add") -> Claim:
        """Add a new claim; refuse an id that exists (even retracted)."""
        async with self.transaction() as connection:
            await self._check_correction(connection, content)
            await self._insert(connection, content, actor, action)
        claim = await self.get(content.id)
        assert claim is not None
        return claim

    async def replace(
        self, content: ClaimContent, actor: str, reason: str | None = None,
        action: Action = "edit",
    ) -> Claim:  # fmt: skip
        """Replace a claim's content (an edit); the id stays."""
        async with self.transaction() as connection:
            await self._check_correction(connection, content)
            await self._update(connection, content, actor, action, reason)
        claim = await self.get(content.id)
        assert claim is not None
        return claim

    async def retract(self, claim_id: str, actor: str, reason: str | None) -> Claim:
        """Hide a claim from answers and search; it stays in the store and its history."""
        async with self.transaction() as connection:
            await self._retract(connection, claim_id, actor, reason)
        claim = await self.get(claim_id, include_retracted=True)
        assert claim is not None
        return claim

    async def propose(self, content: ClaimContent, actor: str) -> int:
        """Record a member's proposal for moderators to review; returns its number."""
        async with self.transaction() as connection:
            await self._check_correction(connection, content)
            number = await connection.fetch_value(
                "INSERT INTO claim_proposals (claim_id, content, proposed_by, proposed_at)"
                " VALUES (?, ?, ?, ?) RETURNING id",
                (content.id, content_json(content), actor, timestamp()),
            )
            return int(number)

    async def review(
        self, proposal_id: int, actor: str, approve: bool, reason: str | None = None
    ) -> Claim | None:
        """Approve (the claim is added or replaces the existing one) or reject, atomically."""
        async with self.transaction() as connection:
            row = await connection.fetch_one(
                "SELECT * FROM claim_proposals WHERE id = ? AND state = 'pending'",
                (proposal_id,),
            )
            if row is None:
                raise ProposalNotFoundError(proposal_id)
            content = ClaimContent.model_validate_json(row["content"])
            if approve:
                await self._check_correction(connection, content)
                if await self._row(connection, content.id) is None:
                    await self._insert(connection, content, actor, "approve", row["proposed_by"])
                else:
                    await self._update(connection, content, actor, "approve", reason)
            await connection.execute(
                "UPDATE claim_proposals SET state = ?, reviewed_by = ?, reviewed_at = ?,"
                " reason = ? WHERE id = ?",
                ("approved" if approve else "rejected", actor, timestamp(), reason, proposal_id),
            )
        return await self.get(content.id) if approve else None

    # ---- internals (run inside a transaction) -----------------------------------

    async def _check_correction(self, connection: Queries, content: ClaimContent) -> None:
        """Refuse a ``corrected_by`` that names no claim of the base (retracted ones count)."""
        if content.corrected_by and await self._row(connection, content.corrected_by) is None:
            raise UnknownCorrectionError(content.id, content.corrected_by)

    async def _row(self, connection: Queries, claim_id: str) -> Row | None:
        return await connection.fetch_one("SELECT * FROM claims WHERE id = ?", (claim_id,))

    async def _insert(
        self, connection: Queries, content: ClaimContent, actor: str,
        action: Action, creator: str | None = None,
    ) -> None:  # fmt: skip
        if await self._row(connection, content.id) is not None:
            raise ClaimExistsError(content.id)
        now = timestamp()
        seed_hash = content_hash(content) if actor == SEED_AUTHOR else None
        await connection.execute(
            "INSERT INTO claims (id, topic, status, content, seed_hash, created_by, created_at,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                content.id, content.topic.value, content.status.value, content_json(content),
                seed_hash, creator or actor, now, actor, now,
            ),
        )  # fmt: skip
        await self._index(connection, content)
        await self._audit(
            connection, content.id, action, actor, now, None, content_json(content), None
        )

    async def _update(
        self, connection: Queries, content: ClaimContent, actor: str,
        action: Action, reason: str | None,
    ) -> None:  # fmt: skip
        before = await self._row(connection, content.id)
        if before is None:
            raise ClaimNotFoundError(content.id)
        now = timestamp()
        await connection.execute(
            "UPDATE claims SET topic = ?, status = ?, content = ?, retracted = 0,"
            " updated_by = ?, updated_at = ? WHERE id = ?",
            (
                content.topic.value,
                content.status.value,
                content_json(content),
                actor,
                now,
                content.id,
            ),
        )
        await self.database.unindex_claim(connection, content.id)
        await self._index(connection, content)
        await self._audit(
            connection,
            content.id,
            action,
            actor,
            now,
            before["content"],
            content_json(content),
            reason,
        )

    async def _retract(
        self, connection: Queries, claim_id: str, actor: str, reason: str | None
    ) -> None:
        before = await self._row(connection, claim_id)
        if before is None or before["retracted"]:
            raise ClaimNotFoundError(claim_id)
        now = timestamp()
        await connection.execute(
            "UPDATE claims SET retracted = 1, updated_by = ?, updated_at = ? WHERE id = ?",
            (actor, now, claim_id),
        )
        await self.database.unindex_claim(connection, claim_id)
        await self._audit(
            connection, claim_id, "retract", actor, now, before["content"], None, reason
        )

    async def _index(self, connection: Queries, content: ClaimContent) -> None:
        await self.database.index_claims(connection, [index_text(content)])

    async def _audit(
        self, connection: Queries, claim_id: str, action: Action, actor: str,
        at: str, before: str | None, after: str | None, reason: str | None,
    ) -> None:  # fmt: skip
        await connection.execute(
            "INSERT INTO claim_audit (claim_id, action, actor, at, before, after, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (claim_id, action, actor, at, before, after, reason),
        )
