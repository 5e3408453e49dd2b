"""A claim's id changed in the shipped base: rename it everywhere a database keeps it.

A claim id is a public address and a key other tables hold: the claim's row,
its search entry, its audit log, proposals for it (or correcting by it), the
claims that name it in ``corrected_by``, campaigns listing it, campaign posts
that posted it, quizzes asked from it, and evaluation statements citing it. A database that still
holds a claim under a former id (listed in ``facts/data/renamed.toml``) has
all of these renamed in the seed's transaction on start-up, and the claim's
history says its id changed. Who last changed the claim, and when, stay as
they were: a moderator's version remains a moderator's version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from bot.foundation.storage import Queries, Row
from facts.models import SEED_AUTHOR, ClaimContent
from facts.seed import content_hash
from facts.store.records import index_text, timestamp
from facts.store.writes import ClaimWrites

log = logging.getLogger(__name__)

# Compact JSON as pydantic writes a campaign's spec (``model_dump_json``); claims use ``content_json``.
SPEC_SEPARATORS = (",", ":")


def _content_text(data: dict[str, Any]) -> str:
    """Content as :func:`~facts.store.records.content_json` writes it (sorted keys, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _renamed_content(text: str, former: str, current: str) -> str:
    """A claim's (or proposal's) JSON content with ``former`` replaced in its id and correction."""
    data = json.loads(text)
    for field in ("id", "corrected_by"):
        if data.get(field) == former:
            data[field] = current
    return _content_text(data)


def _seed_hash(row: Row, renamed: str) -> str | None:
    """The renamed row's seed fingerprint: the shipped version it holds, under its new id.

    When the row holds the shipped version it was synced from (no moderator edit),
    that version renamed is what it holds now; otherwise the fingerprint stays, and
    the seed's sync finds a moderator's version as before.
    """
    held = content_hash(ClaimContent.model_validate_json(row["content"]))
    if row["seed_hash"] is not None and row["seed_hash"] == held:
        return content_hash(ClaimContent.model_validate_json(renamed))
    return row["seed_hash"]  # type: ignore[no-any-return]


class ClaimRenames(ClaimWrites):
    """Renaming former claim ids, inside the seed's transaction."""

    async def rename_former_ids(self, connection: Queries, renames: Mapping[str, str]) -> int:
        """Rename every claim held under a former id; return how many were renamed.

        A current id already taken (a moderator added a claim under it) keeps both
        claims as they are, logged: nothing is merged behind a moderator's back.
        """
        renamed = 0
        for former, current in renames.items():
            row = await self._row(connection, former)
            if row is None:
                continue
            if await self._row(connection, current) is not None:
                log.warning("claim %s not renamed %s: a claim has that id already", former, current)
                continue
            await self._rename(connection, row, current)
            log.info("claim %s renamed %s, everywhere its id is kept", former, current)
            renamed += 1
        return renamed

    async def _rename(self, connection: Queries, row: Row, current: str) -> None:
        former = str(row["id"])
        now = timestamp()
        content = _renamed_content(row["content"], former, current)
        await self.database.unindex_claim(connection, former)
        await connection.execute(
            "UPDATE claims SET id = ?, content = ?, seed_hash = ? WHERE id = ?",
            (current, content, _seed_hash(row, content), former),
        )
        if not row["retracted"]:
            await self.database.index_claims(
                connection, [index_text(ClaimContent.model_validate_json(content))]
            )
        await connection.execute(
            "UPDATE claim_audit SET claim_id = ? WHERE claim_id = ?", (current, former)
        )
        await self._audit(
            connection, current, "rename", SEED_AUTHOR, now, row["content"], content, None
        )
        await self._rename_corrections(connection, former, current, now)
        await self._rename_proposals(connection, former, current)
        if await self._component(connection, "campaigns"):
            await self._rename_in_campaigns(connection, former, current)
        if await self._component(connection, "reports"):
            await self._rename_in_evaluation(connection, former, current)
        if await self._component(connection, "quiz"):
            await connection.execute(
                "UPDATE quiz_posts SET claim_id = ? WHERE claim_id = ?", (current, former)
            )

    async def _rename_corrections(
        self, connection: Queries, former: str, current: str, now: str
    ) -> None:
        """Claims whose ``corrected_by`` names the former id name the current one, logged."""
        rows = await connection.fetch_all(
            "SELECT * FROM claims WHERE content LIKE ?", (f'%"corrected_by": "{former}"%',)
        )
        for row in rows:
            content = _renamed_content(row["content"], former, current)
            if content == row["content"]:
                continue
            await connection.execute(
                "UPDATE claims SET content = ?, seed_hash = ? WHERE id = ?",
                (content, _seed_hash(row, content), row["id"]),
            )
            await self._audit(
                connection, row["id"], "rename-reference", SEED_AUTHOR, now,
                row["content"], content, None,
            )  # fmt: skip

    async def _rename_proposals(self, connection: Queries, former: str, current: str) -> None:
        """Proposals for the claim, or naming it as the correction, follow it."""
        rows = await connection.fetch_all(
            "SELECT id, claim_id, content FROM claim_proposals WHERE claim_id = ? OR content LIKE ?",
            (former, f'%"corrected_by": "{former}"%'),
        )
        for row in rows:
            claim_id = current if row["claim_id"] == former else row["claim_id"]
            await connection.execute(
                "UPDATE claim_proposals SET claim_id = ?, content = ? WHERE id = ?",
                (claim_id, _renamed_content(row["content"], former, current), row["id"]),
            )

    async def _rename_in_campaigns(self, connection: Queries, former: str, current: str) -> None:
        """Campaigns listing the claim list it under its current id; so do their posts."""
        for row in await connection.fetch_all(
            "SELECT id, spec FROM campaigns WHERE spec LIKE ?", (f'%"{former}"%',)
        ):
            spec = json.loads(row["spec"])
            ids = spec.get("fact_ids") or []
            if former not in ids:
                continue
            spec["fact_ids"] = [current if claim_id == former else claim_id for claim_id in ids]
            await connection.execute(
                "UPDATE campaigns SET spec = ? WHERE id = ?",
                (json.dumps(spec, ensure_ascii=False, separators=SPEC_SEPARATORS), row["id"]),
            )
        await connection.execute(
            "UPDATE campaign_posts SET claim_id = ? WHERE claim_id = ?", (current, former)
        )

    async def _rename_in_evaluation(self, connection: Queries, former: str, current: str) -> None:
        """Evaluation statements kept in the database cite the claim by its current id."""
        for row in await connection.fetch_all(
            "SELECT id, refs FROM eval_statements WHERE refs LIKE ?", (f'%"{former}"%',)
        ):
            refs = [current if ref == former else ref for ref in json.loads(row["refs"])]
            await connection.execute(
                "UPDATE eval_statements SET refs = ? WHERE id = ?", (json.dumps(refs), row["id"])
            )

    async def _component(self, connection: Queries, component: str) -> bool:
        """Whether the component's tables exist in this database (it was migrated)."""
        version = await connection.fetch_value(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        )
        return bool(version)
