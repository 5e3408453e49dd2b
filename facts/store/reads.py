"""Reading the claim base: claims by id, topic or at random, their history, pending proposals.

Nothing here writes; a claim retracted is not returned unless asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from bot.foundation.storage import Database
from facts.models import Claim, ClaimContent, Status, Topic
from facts.store.records import AuditEntry, Proposal, row_to_claim


class ClaimReads:
    """The store's reads, on the configured database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, claim_id: str, include_retracted: bool = False) -> Claim | None:
        row = await self.database.fetch_one(
            "SELECT * FROM claims WHERE id = ?", (claim_id.strip().casefold(),)
        )
        if row is None or (row["retracted"] and not include_retracted):
            return None
        return row_to_claim(row)

    async def get_many(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        ids = list(dict.fromkeys(claim_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self.database.fetch_all(
            f"SELECT * FROM claims WHERE retracted = 0 AND id IN ({marks})", ids
        )
        return {row["id"]: row_to_claim(row) for row in rows}

    async def all_claims(self, include_retracted: bool = False) -> list[Claim]:
        query = "SELECT * FROM claims" + ("" if include_retracted else " WHERE retracted = 0")
        return [
            row_to_claim(row)
            for row in await self.database.fetch_all(query + " ORDER BY topic, id")
        ]

    async def by_topic(self, topic: Topic) -> list[Claim]:
        return [
            row_to_claim(row)
            for row in await self.database.fetch_all(
                "SELECT * FROM claims WHERE retracted = 0 AND topic = ? ORDER BY id", (topic.value,)
            )
        ]

    async def random_claim(
        self, status: Status = Status.verified, exclude: str | None = None
    ) -> Claim | None:
        """A random shown claim of ``status``, other than ``exclude`` when possible."""
        row = await self.database.fetch_one(
            "SELECT * FROM claims WHERE retracted = 0 AND status = ? AND id != ?"
            " ORDER BY random() LIMIT 1",
            (status.value, exclude or ""),
        )
        if row is None and exclude:
            return await self.get(exclude)
        return row_to_claim(row) if row else None

    async def count(self) -> int:
        row = await self.database.fetch_one("SELECT COUNT(*) FROM claims WHERE retracted = 0")
        return int(row[0]) if row else 0

    async def history(self, claim_id: str) -> list[AuditEntry]:
        rows = await self.database.fetch_all(
            "SELECT * FROM claim_audit WHERE claim_id = ? ORDER BY seq", (claim_id,)
        )
        return [
            AuditEntry(
                seq=row["seq"],
                claim_id=row["claim_id"],
                action=row["action"],
                actor=row["actor"],
                at=datetime.fromisoformat(row["at"]),
                before=json.loads(row["before"]) if row["before"] else None,
                after=json.loads(row["after"]) if row["after"] else None,
                reason=row["reason"],
            )
            for row in rows
        ]

    async def pending_proposals(self) -> list[Proposal]:
        rows = await self.database.fetch_all(
            "SELECT * FROM claim_proposals WHERE state = 'pending' ORDER BY id"
        )
        return [
            Proposal(
                id=row["id"],
                content=ClaimContent.model_validate_json(row["content"]),
                proposed_by=row["proposed_by"],
                proposed_at=datetime.fromisoformat(row["proposed_at"]),
                state=row["state"],
                reason=row["reason"],
            )
            for row in rows
        ]
