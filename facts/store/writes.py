"""Changing the claim base one claim at a time: add, edit, retract, propose, approve, reject.

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
    NO_CLAIM,
    Action,
    ClaimChangedError,
    ClaimExistsError,
    ClaimNotFoundError,
    NothingToChangeError,
    Proposal,
    ProposalDecidedError,
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
        action: Action = "edit", expected: str | None = None,
    ) -> Claim:  # fmt: skip
        """Replace a claim's content (an edit); the id stays.

        With ``expected`` (the version the edit was written over), a claim changed
        meanwhile is :class:`ClaimChangedError` and nothing is written: no lost update.
        """
        async with self.transaction() as connection:
            await self._check_correction(connection, content)
            await self._update(connection, content, actor, action, reason, expected)
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

    async def propose(self, content: ClaimContent, actor: str, base_version: str = NO_CLAIM) -> int:
        """Record a member's proposal for moderators to review; returns its number.

        ``base_version`` is the version of the claim the proposal was written over
        (:data:`NO_CLAIM` for a new claim): approval applies it only over that version,
        or over the one a moderator was shown.
        """
        async with self.transaction() as connection:
            await self._check_correction(connection, content)
            number = await connection.fetch_value(
                "INSERT INTO claim_proposals (claim_id, content, proposed_by, proposed_at,"
                " base_version) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (content.id, content_json(content), actor, timestamp(), base_version),
            )
            return int(number)

    async def approve(
        self, proposal_id: int, actor: str, expected_version: str, reason: str | None = None
    ) -> Claim:
        """Apply a pending proposal if the claim is still at ``expected_version``, atomically.

        One transaction: the proposal is marked approved only while still pending
        (a second approval, even from another process, finds it decided), and the
        claim is inserted only if absent (``expected_version`` is :data:`NO_CLAIM`)
        or updated only while at ``expected_version``. Otherwise nothing is written:
        :class:`ProposalDecidedError`, :class:`ClaimChangedError`, or
        :class:`NothingToChangeError` when the proposal says what the claim says.
        """
        async with self.transaction() as connection:
            row = await self._pending(connection, proposal_id)
            content = ClaimContent.model_validate_json(row["content"])
            marked = await connection.execute(
                "UPDATE claim_proposals SET state = 'approved', reviewed_by = ?,"
                " reviewed_at = ?, reason = ? WHERE id = ? AND state = 'pending'",
                (actor, timestamp(), reason, proposal_id),
            )
            if marked != 1:
                await self._pending(connection, proposal_id)  # raises: decided meanwhile
            await self._check_correction(connection, content)
            current = await self._row(connection, content.id)
            version = NO_CLAIM if current is None else str(current["updated_at"])
            if version != expected_version:
                raise ClaimChangedError(content.id, expected_version, version)
            unchanged = current is not None and current["content"] == content_json(content)
            if unchanged and current is not None and not current["retracted"]:
                raise NothingToChangeError(content.id)
            if current is None:
                await self._insert(
                    connection, content, actor, "approve", row["proposed_by"], conditional=True
                )
            else:
                await self._update(
                    connection, content, actor, "approve", reason, expected=expected_version
                )
        claim = await self.get(content.id)
        assert claim is not None
        return claim

    async def reject(self, proposal_id: int, actor: str, reason: str) -> Proposal:
        """Mark a pending proposal rejected, with the reason its author reads."""
        async with self.transaction() as connection:
            await self._pending(connection, proposal_id)
            marked = await connection.execute(
                "UPDATE claim_proposals SET state = 'rejected', reviewed_by = ?,"
                " reviewed_at = ?, reason = ? WHERE id = ? AND state = 'pending'",
                (actor, timestamp(), reason, proposal_id),
            )
            if marked != 1:
                await self._pending(connection, proposal_id)
        proposal = await self.proposal(proposal_id)
        assert proposal is not None
        return proposal

    # ---- internals (run inside a transaction) -----------------------------------

    async def _check_correction(self, connection: Queries, content: ClaimContent) -> None:
        """Refuse a ``corrected_by`` that names no claim of the base (retracted ones count)."""
        if content.corrected_by and await self._row(connection, content.corrected_by) is None:
            raise UnknownCorrectionError(content.id, content.corrected_by)

    async def _pending(self, connection: Queries, proposal_id: int) -> Row:
        """The proposal's row while pending; else why it is not (unknown or decided)."""
        row = await connection.fetch_one(
            "SELECT * FROM claim_proposals WHERE id = ?", (proposal_id,)
        )
        if row is None:
            raise ProposalNotFoundError(proposal_id)
        if row["state"] != "pending":
            raise ProposalDecidedError(proposal_id, row["state"], row["reviewed_by"])
        return row

    async def _row(self, connection: Queries, claim_id: str) -> Row | None:
        return await connection.fetch_one("SELECT * FROM claims WHERE id = ?", (claim_id,))

    async def _insert(
        self, connection: Queries, content: ClaimContent, actor: str,
        action: Action, creator: str | None = None, conditional: bool = False,
    ) -> None:  # fmt: skip
        """Insert a new claim; ``conditional``: one inserted meanwhile (by another
        transaction, even uncommitted when this one read) is :class:`ClaimChangedError`."""
        existing = await self._row(connection, content.id)
        if existing is not None and conditional:
            raise ClaimChangedError(content.id, NO_CLAIM, str(existing["updated_at"]))
        if existing is not None:
            raise ClaimExistsError(content.id)
        now = timestamp()
        seed_hash = content_hash(content) if actor == SEED_AUTHOR else None
        inserted = await connection.execute(
            "INSERT INTO claims (id, topic, status, content, seed_hash, created_by, created_at,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (
                content.id, content.topic.value, content.status.value, content_json(content),
                seed_hash, creator or actor, now, actor, now,
            ),
        )  # fmt: skip
        if inserted != 1:
            current = await self._row(connection, content.id)
            version = str(current["updated_at"]) if current is not None else NO_CLAIM
            if conditional:
                raise ClaimChangedError(content.id, NO_CLAIM, version)
            raise ClaimExistsError(content.id)
        await self._index(connection, content)
        await self._audit(
            connection, content.id, action, actor, now, None, content_json(content), None
        )

    async def _update(
        self, connection: Queries, content: ClaimContent, actor: str,
        action: Action, reason: str | None, expected: str | None = None,
    ) -> None:  # fmt: skip
        """Replace a claim's content; with ``expected``, only while the claim is at that
        version (checked by the UPDATE itself, so a concurrent change is seen)."""
        before = await self._row(connection, content.id)
        if before is None:
            raise ClaimNotFoundError(content.id)
        now = timestamp()
        sql = (
            "UPDATE claims SET topic = ?, status = ?, content = ?, retracted = 0,"
            " updated_by = ?, updated_at = ? WHERE id = ?"
        )
        params = [
            content.topic.value, content.status.value, content_json(content), actor, now,
            content.id,
        ]  # fmt: skip
        if expected is not None:
            sql += " AND updated_at = ?"
            params.append(expected)
            if str(before["updated_at"]) != expected:
                raise ClaimChangedError(content.id, expected, str(before["updated_at"]))
        if await connection.execute(sql, params) != 1:
            current = await self._row(connection, content.id)
            version = str(current["updated_at"]) if current is not None else NO_CLAIM
            raise ClaimChangedError(content.id, expected or "", version)
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
