"""The claim store whole: reads, writes, and many claims at once (the seed, imports, copies).

The shipped seed base is loaded on first start. Later releases upgrade seed
claims that no moderator has touched; a claim a moderator changed or retracted
keeps the moderator's version, and the skipped upgrade is logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.foundation.storage import Queries
from bot.foundation.storage.base import IndexedText
from facts.models import SEED_AUTHOR, ClaimContent
from facts.seed import content_hash, seed_claims, seed_renames
from facts.store.records import (
    COMPONENT,
    ImportReport,
    SeedReport,
    UnknownCorrectionError,
    content_json,
    index_text,
    row_to_claim,
    timestamp,
)
from facts.store.renaming import ClaimRenames


class ClaimStore(ClaimRenames):
    """Read and change claims; every change is atomic and audited."""

    async def setup(
        self, seed: Sequence[ClaimContent] | None = None, renames: Mapping[str, str] | None = None
    ) -> SeedReport:
        """Create or migrate the tables, then rename former ids and load or upgrade the seed base.

        ``renames`` (former id → current id) is the shipped table unless given.
        """
        await self.database.migrate(COMPONENT)
        return await self.sync_seed(
            seed_claims() if seed is None else seed, seed_renames() if renames is None else renames
        )

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

    async def sync_seed(
        self, seed: Sequence[ClaimContent], renames: Mapping[str, str] | None = None
    ) -> SeedReport:
        """Rename former ids, load new seed claims, upgrade untouched ones, keep moderators' versions.

        Processes starting together on one database take turns (the schema
        lock), and each reads the claims inside its turn: the seed loads once.
        A claim held under a former id is renamed first (everywhere its id is
        kept, :mod:`facts.store.renaming`), so its upgrade, or its moderator's
        version, follows it.
        """
        added = upgraded = kept = 0
        async with self.transaction() as connection:
            await self.database.lock_schema(connection)
            renamed = await self.rename_former_ids(connection, renames or {})
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
                    now = timestamp()
                    await self._audit(
                        connection, content.id, "seed-upgrade-skipped", SEED_AUTHOR, now,
                        None, content_json(content), "changed by a moderator; their version is kept",
                    )  # fmt: skip
                    kept += 1
                await connection.execute(
                    "UPDATE claims SET seed_hash = ? WHERE id = ?", (digest, content.id)
                )
        return SeedReport(added, upgraded, kept, renamed)

    async def bulk_insert(self, claims: Iterable[ClaimContent], actor: str) -> int:
        """Insert many new claims in one transaction, batched (large imports, benchmarks)."""
        now = timestamp()
        rows: list[tuple[object, ...]] = []
        index: list[IndexedText] = []
        audit: list[tuple[object, ...]] = []
        for content in claims:
            dumped = content_json(content)
            rows.append((content.id, content.topic.value, content.status.value, dumped,
                         None, actor, now, actor, now))  # fmt: skip
            index.append(index_text(content))
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
        texts = [index_text(row_to_claim(row).content()) for row in rows]
        await self.database.index_claims(queries, texts)
        return len(texts)
