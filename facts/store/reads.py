"""Reading the claim base: claims by id, topic or at random, their history, pending proposals.

Nothing here writes; a claim retracted is not returned unless asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from bot.foundation.storage import Database, Row
from facts.models import Claim, ClaimContent, Status, Topic
from facts.seed import seed_renames
from facts.store.records import NO_CLAIM, AuditEntry, Proposal, row_to_claim

MARKER_STRETCH = 1_000  # audit numbers behind the newest whose entries the change marker counts


def _filters(
    topic: Topic | None, status: Status | None, include_retracted: bool = False
) -> tuple[str, list[str]]:
    where, params = ["1 = 1" if include_retracted else "retracted = 0"], []
    if topic is not None:
        where.append("topic = ?")
        params.append(topic.value)
    if status is not None:
        where.append("status = ?")
        params.append(status.value)
    return " AND ".join(where), params


def _audit_entry(row: Row) -> AuditEntry:
    return AuditEntry(
        seq=row["seq"],
        claim_id=row["claim_id"],
        action=row["action"],
        actor=row["actor"],
        at=datetime.fromisoformat(row["at"]),
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
        reason=row["reason"],
    )


class ClaimReads:
    """The store's reads, on the configured database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def renamed_to(self, claim_id: str) -> str | None:
        """The current id of a claim whose id changed (``None``: ``claim_id`` is no former id).

        Ids are public addresses: a former one (``facts/data/renamed.toml``) still
        leads to its claim, in the chat and on the web.
        """
        return seed_renames().get(claim_id.strip().casefold())

    async def get(self, claim_id: str, include_retracted: bool = False) -> Claim | None:
        row = await self.database.fetch_one(
            "SELECT * FROM claims WHERE id = ?", (claim_id.strip().casefold(),)
        )
        if row is None or (row["retracted"] and not include_retracted):
            return None
        return row_to_claim(row)

    async def get_many(
        self, claim_ids: Iterable[str], include_retracted: bool = False
    ) -> dict[str, Claim]:
        ids = list(dict.fromkeys(claim_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        shown = "" if include_retracted else "retracted = 0 AND "
        rows = await self.database.fetch_all(
            f"SELECT * FROM claims WHERE {shown}id IN ({marks})", ids
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

    async def count(
        self, topic: Topic | None = None, status: Status | None = None,
        include_retracted: bool = False,
    ) -> int:  # fmt: skip
        """How many shown claims (retracted ones too if asked), of a topic and a status when given."""
        where, params = _filters(topic, status, include_retracted)
        row = await self.database.fetch_one(f"SELECT COUNT(*) FROM claims WHERE {where}", params)
        return int(row[0]) if row else 0

    async def listing(
        self, topic: Topic | None = None, status: Status | None = None,
        limit: int = 50, offset: int = 0,
    ) -> list[Claim]:  # fmt: skip
        """One page of the shown claims, by topic then id; a page at a time, whatever the base's size."""
        where, params = _filters(topic, status)
        rows = await self.database.fetch_all(
            f"SELECT * FROM claims WHERE {where} ORDER BY topic, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [row_to_claim(row) for row in rows]

    async def stamps(self, limit: int, offset: int = 0) -> list[tuple[str, str]]:
        """(id, last change) of every claim, retracted ones too, by id: what a sitemap lists."""
        rows = await self.database.fetch_all(
            "SELECT id, updated_at FROM claims ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
        )
        return [(str(row["id"]), str(row["updated_at"])) for row in rows]

    async def corrections(self) -> dict[str, list[str]]:
        """Which claims each claim corrects: ``{current id: [ids whose corrected_by names it]}``.

        ``corrected_by`` lives in the stored content, so this reads the claims
        that name one (a scan); callers keep the answer until the base changes.
        """
        rows = await self.database.fetch_all(
            "SELECT id, content FROM claims WHERE content LIKE ? ORDER BY id",
            ('%"corrected_by": "%',),
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            target = json.loads(row["content"]).get("corrected_by")
            if target:
                found.setdefault(str(target), []).append(str(row["id"]))
        return found

    async def change_marker(self) -> tuple[int, int]:
        """Moves with every change to the base, by any process: for caches of what it shows.

        Every change writes an audit entry in its transaction. The newest entry's
        number alone could miss a change whose transaction took an earlier
        number but committed later (PostgreSQL hands out numbers before commit),
        so the marker also counts the entries of the latest stretch of numbers.
        """
        row = await self.database.fetch_one(
            "SELECT MAX(seq), COUNT(*) FROM claim_audit"
            " WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM claim_audit) - ?",
            (MARKER_STRETCH,),
        )
        return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)

    async def history(self, claim_id: str) -> list[AuditEntry]:
        rows = await self.database.fetch_all(
            "SELECT * FROM claim_audit WHERE claim_id = ? ORDER BY seq", (claim_id,)
        )
        return [_audit_entry(row) for row in rows]

    async def recent_changes(self, limit: int, actions: Iterable[str]) -> list[AuditEntry]:
        """The latest audit entries of these actions, newest first, across all claims."""
        wanted = list(actions)
        marks = ",".join("?" * len(wanted))
        rows = await self.database.fetch_all(
            f"SELECT * FROM claim_audit WHERE action IN ({marks}) ORDER BY seq DESC LIMIT ?",
            [*wanted, limit],
        )
        return [_audit_entry(row) for row in rows]

    async def pending_proposals(self) -> list[Proposal]:
        rows = await self.database.fetch_all(
            "SELECT * FROM claim_proposals WHERE state = 'pending' ORDER BY id"
        )
        return [_proposal(row) for row in rows]

    async def proposal(self, proposal_id: int) -> Proposal | None:
        """One proposal by number, whatever its state."""
        row = await self.database.fetch_one(
            "SELECT * FROM claim_proposals WHERE id = ?", (proposal_id,)
        )
        return _proposal(row) if row is not None else None

    async def versioned(self, claim_id: str) -> tuple[Claim | None, str]:
        """The claim (retracted ones too) and its version; ``(None, NO_CLAIM)`` when absent."""
        row = await self.database.fetch_one("SELECT * FROM claims WHERE id = ?", (claim_id,))
        if row is None:
            return None, NO_CLAIM
        return row_to_claim(row), str(row["updated_at"])


def _proposal(row: Row) -> Proposal:
    return Proposal(
        id=row["id"],
        content=ClaimContent.model_validate_json(row["content"]),
        proposed_by=row["proposed_by"],
        proposed_at=datetime.fromisoformat(row["proposed_at"]),
        state=row["state"],
        reason=row["reason"],
        base_version=row["base_version"],
    )
