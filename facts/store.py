"""The claim store, on either database: claims, full-text index, audit log, proposals.

Every change is one transaction that writes the claim, its search-index row and
an audit entry (who, when, which claim, the content before and after) together,
so a process killed mid-write leaves either the whole change or none of it.
Retracted claims stay, with their history, but are no longer shown or found.

The shipped seed base is loaded on first start. Later releases upgrade seed
claims that no moderator has touched; a claim a moderator changed or retracted
keeps the moderator's version, and the skipped upgrade is logged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from bot.foundation.storage import Database, Queries, Row
from bot.foundation.storage.base import IndexedText
from facts.models import SEED_AUTHOR, Claim, ClaimContent, Status, Topic
from facts.seed import content_hash, seed_claims

COMPONENT = "facts"

Action = Literal[
    "seed-add", "seed-upgrade", "seed-upgrade-skipped", "add", "edit", "retract", "restore",
    "import", "approve",
]  # fmt: skip


class ClaimStoreError(Exception):
    """A change the store refuses; carries the claim id."""

    def __init__(self, claim_id: str, reason: str) -> None:
        super().__init__(f"{claim_id}: {reason}")
        self.claim_id = claim_id
        self.reason = reason


class ClaimExistsError(ClaimStoreError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(claim_id, "a claim with this id exists")


class ClaimNotFoundError(ClaimStoreError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(claim_id, "no such claim")


class UnknownCorrectionError(ClaimStoreError):
    """``corrected_by`` names a claim the base does not hold: nothing is written."""

    def __init__(self, claim_id: str, corrected_by: str) -> None:
        super().__init__(claim_id, f"corrected_by names no claim: {corrected_by}")
        self.corrected_by = corrected_by


class ProposalNotFoundError(ClaimStoreError):
    def __init__(self, proposal_id: int) -> None:
        super().__init__(str(proposal_id), "no pending proposal with this number")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    claim_id: str
    action: str
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    content: ClaimContent
    proposed_by: str
    proposed_at: datetime
    state: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: int
    upgraded: int
    kept: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: list[str]
    changed: list[str]
    unchanged: list[str]
    dry_run: bool


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _dump(content: ClaimContent) -> str:
    return json.dumps(content.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def _indexed(content: ClaimContent) -> IndexedText:
    return IndexedText(
        content.id, content.statement.en, content.statement.fr, content.search_text()
    )


def _row_to_claim(row: Row) -> Claim:
    return _parsed_claim(
        row["content"],
        row["created_by"],
        row["created_at"],
        row["updated_by"],
        row["updated_at"],
        bool(row["retracted"]),
    )


@lru_cache(maxsize=4096)
def _parsed_claim(
    content: str,
    created_by: str,
    created_at: object,
    updated_by: str,
    updated_at: object,
    retracted: bool,
) -> Claim:
    """A stored row as a claim, validated once per version of its content (claims are frozen).

    ``/check`` reads every claim of a small base for each statement; validating
    the same JSON again each time cost more than the checking itself.
    """
    return Claim.model_validate(
        {
            **json.loads(content),
            "created_by": created_by,
            "created_at": created_at,
            "updated_by": updated_by,
            "updated_at": updated_at,
            "retracted": retracted,
        }
    )


class ClaimStore:
    """Read and change claims; every change is atomic and audited."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def setup(self, seed: Sequence[ClaimContent] | None = None) -> SeedReport:
        """Create or migrate the tables, then load or upgrade the seed base."""
        await self.database.migrate(COMPONENT)
        return await self.sync_seed(seed_claims() if seed is None else seed)

    def transaction(self) -> AbstractAsyncContextManager[Queries]:
        """One write transaction; rolled back whole on any error."""
        return self.database.transaction()

    # ---- reading -------------------------------------------------------------------

    async def get(self, claim_id: str, include_retracted: bool = False) -> Claim | None:
        row = await self.database.fetch_one(
            "SELECT * FROM claims WHERE id = ?", (claim_id.strip().casefold(),)
        )
        if row is None or (row["retracted"] and not include_retracted):
            return None
        return _row_to_claim(row)

    async def get_many(self, claim_ids: Iterable[str]) -> dict[str, Claim]:
        ids = list(dict.fromkeys(claim_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self.database.fetch_all(
            f"SELECT * FROM claims WHERE retracted = 0 AND id IN ({marks})", ids
        )
        return {row["id"]: _row_to_claim(row) for row in rows}

    async def all_claims(self, include_retracted: bool = False) -> list[Claim]:
        query = "SELECT * FROM claims" + ("" if include_retracted else " WHERE retracted = 0")
        return [
            _row_to_claim(row)
            for row in await self.database.fetch_all(query + " ORDER BY topic, id")
        ]

    async def by_topic(self, topic: Topic) -> list[Claim]:
        return [
            _row_to_claim(row)
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
        return _row_to_claim(row) if row else None

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

    # ---- writing (each public method is one transaction) ------------------------

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
                (content.id, _dump(content), actor, _now()),
            )
            return int(number)

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
                ("approved" if approve else "rejected", actor, _now(), reason, proposal_id),
            )
        return await self.get(content.id) if approve else None

    async def import_claims(
        self,
        entries: Sequence[tuple[ClaimContent, bool]],
        actor: str,
        dry_run: bool = False,
    ) -> ImportReport:
        """Add new claims, replace changed ones, apply retractions: one transaction.

        ``entries`` are (content, retracted) pairs; with ``dry_run`` nothing is
        written and the report says what would change.
        """
        existing = {claim.id: claim for claim in await self.all_claims(include_retracted=True)}
        known = set(existing) | {content.id for content, _retracted in entries}
        for content, _retracted in entries:
            if content.corrected_by and content.corrected_by not in known:
                raise UnknownCorrectionError(content.id, content.corrected_by)
        added, changed, unchanged = [], [], []
        for content, retracted in entries:
            current = existing.get(content.id)
            if current is None:
                added.append(content.id)
            elif (
                content_hash(current.content()) != content_hash(content)
                or current.retracted != retracted
            ):
                changed.append(content.id)
            else:
                unchanged.append(content.id)
        if not dry_run:
            async with self.transaction() as connection:
                for content, retracted in entries:
                    if content.id in added:
                        await self._insert(connection, content, actor, "import")
                    elif content.id in changed:
                        await self._update(connection, content, actor, "import", None)
                    else:
                        continue
                    if retracted:
                        await self._retract(connection, content.id, actor, "imported as retracted")
        return ImportReport(added, changed, unchanged, dry_run)

    async def sync_seed(self, seed: Sequence[ClaimContent]) -> SeedReport:
        """Load new seed claims, upgrade untouched ones, keep moderators' versions.

        Processes starting together on one database take turns (the schema
        lock), and each reads the claims inside its turn: the seed loads once.
        """
        added = upgraded = kept = 0
        async with self.transaction() as connection:
            await self.database.lock_schema(connection)
            rows = {
                row["id"]: row
                for row in await connection.fetch_all(
                    "SELECT id, seed_hash, updated_by FROM claims"
                )
            }
            for content in seed:
                digest = content_hash(content)
                row = rows.get(content.id)
                if row is None:
                    await self._insert(connection, content, SEED_AUTHOR, "seed-add")
                    added += 1
                elif row["seed_hash"] == digest:
                    continue
                elif row["updated_by"] == SEED_AUTHOR:
                    await self._update(connection, content, SEED_AUTHOR, "seed-upgrade", None)
                    upgraded += 1
                else:
                    now = _now()
                    await self._audit(
                        connection, content.id, "seed-upgrade-skipped", SEED_AUTHOR, now,
                        None, _dump(content), "changed by a moderator; their version is kept",
                    )  # fmt: skip
                    kept += 1
                await connection.execute(
                    "UPDATE claims SET seed_hash = ? WHERE id = ?", (digest, content.id)
                )
        return SeedReport(added, upgraded, kept)

    async def bulk_insert(self, claims: Iterable[ClaimContent], actor: str) -> int:
        """Insert many new claims in one transaction, batched (large imports, benchmarks)."""
        now = _now()
        rows: list[tuple[object, ...]] = []
        index: list[IndexedText] = []
        audit: list[tuple[object, ...]] = []
        for content in claims:
            dumped = _dump(content)
            rows.append((content.id, content.topic.value, content.status.value, dumped,
                         None, actor, now, actor, now))  # fmt: skip
            index.append(_indexed(content))
            audit.append((content.id, "import", actor, now, None, dumped, None))
        async with self.transaction() as connection:
            await connection.execute_many(
                "INSERT INTO claims (id, topic, status, content, seed_hash, created_by,"
                " created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            await self.database.index_claims(connection, index)
            await connection.execute_many(
                "INSERT INTO claim_audit (claim_id, action, actor, at, before, after, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                audit,
            )
        return len(rows)

    async def rebuild_index(self, queries: Queries) -> int:
        """Index every shown claim again, inside ``queries``' transaction (after a copy)."""
        rows = await queries.fetch_all("SELECT * FROM claims WHERE retracted = 0")
        await self.database.clear_search_index(queries)
        texts = [_indexed(_row_to_claim(row).content()) for row in rows]
        await self.database.index_claims(queries, texts)
        return len(texts)

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
        now = _now()
        seed_hash = content_hash(content) if actor == SEED_AUTHOR else None
        await connection.execute(
            "INSERT INTO claims (id, topic, status, content, seed_hash, created_by, created_at,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                content.id, content.topic.value, content.status.value, _dump(content),
                seed_hash, creator or actor, now, actor, now,
            ),
        )  # fmt: skip
        await self._index(connection, content)
        await self._audit(connection, content.id, action, actor, now, None, _dump(content), None)

    async def _update(
        self, connection: Queries, content: ClaimContent, actor: str,
        action: Action, reason: str | None,
    ) -> None:  # fmt: skip
        before = await self._row(connection, content.id)
        if before is None:
            raise ClaimNotFoundError(content.id)
        now = _now()
        await connection.execute(
            "UPDATE claims SET topic = ?, status = ?, content = ?, retracted = 0,"
            " updated_by = ?, updated_at = ? WHERE id = ?",
            (content.topic.value, content.status.value, _dump(content), actor, now, content.id),
        )
        await self.database.unindex_claim(connection, content.id)
        await self._index(connection, content)
        await self._audit(
            connection, content.id, action, actor, now, before["content"], _dump(content), reason
        )

    async def _retract(
        self, connection: Queries, claim_id: str, actor: str, reason: str | None
    ) -> None:
        before = await self._row(connection, claim_id)
        if before is None or before["retracted"]:
            raise ClaimNotFoundError(claim_id)
        now = _now()
        await connection.execute(
            "UPDATE claims SET retracted = 1, updated_by = ?, updated_at = ? WHERE id = ?",
            (actor, now, claim_id),
        )
        await self.database.unindex_claim(connection, claim_id)
        await self._audit(
            connection, claim_id, "retract", actor, now, before["content"], None, reason
        )

    async def _index(self, connection: Queries, content: ClaimContent) -> None:
        await self.database.index_claims(connection, [_indexed(content)])

    async def _audit(
        self, connection: Queries, claim_id: str, action: Action, actor: str,
        at: str, before: str | None, after: str | None, reason: str | None,
    ) -> None:  # fmt: skip
        await connection.execute(
            "INSERT INTO claim_audit (claim_id, action, actor, at, before, after, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (claim_id, action, actor, at, before, after, reason),
        )
