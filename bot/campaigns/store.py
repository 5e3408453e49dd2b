"""Campaigns and their post log in the configured database (either driver).

A slot is written down *before* its post is sent (:meth:`CampaignStore.claim`,
one conditional insert), so of two processes on one database only one sends it,
and a restart never sends it twice.
"""

from __future__ import annotations

from datetime import datetime

from bot.campaigns.schedule import Campaign, CampaignSpec, PostRecord, State
from bot.foundation.storage import Database, Row

COMPONENT = "campaigns"


class CampaignStore:
    """Campaigns and their posts, in the configured database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    async def create(
        self, platform: str, chat_id: str, spec: CampaignSpec, actor: str, now: datetime
    ) -> Campaign:
        stamp = now.isoformat()
        campaign_id = int(
            await self.database.fetch_value(
                "INSERT INTO campaigns (platform, chat_id, spec, state, created_by, created_at,"
                " updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?) RETURNING id",
                (platform, chat_id, spec.model_dump_json(), actor, stamp, stamp),
            )
        )
        campaign = await self.get(campaign_id)
        assert campaign is not None
        return campaign

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await self.database.fetch_one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
        return _campaign(row) if row else None

    async def in_chat(self, platform: str, chat_id: str) -> list[Campaign]:
        rows = await self.database.fetch_all(
            "SELECT * FROM campaigns WHERE platform = ? AND chat_id = ? ORDER BY id",
            (platform, chat_id),
        )
        return [_campaign(row) for row in rows]

    async def active(self) -> list[Campaign]:
        rows = await self.database.fetch_all(
            "SELECT * FROM campaigns WHERE state = 'active' ORDER BY id"
        )
        return [_campaign(row) for row in rows]

    async def set_state(
        self, campaign_id: int, state: State, now: datetime, note: str | None = None
    ) -> None:
        await self.database.execute(
            "UPDATE campaigns SET state = ?, updated_at = ?, note = ? WHERE id = ?",
            (state, now.isoformat(), note, campaign_id),
        )

    async def claim(self, campaign_id: int, slot: datetime, claim_id: str, now: datetime) -> bool:
        """Write down that this process sends the slot; ``False`` if it is already written.

        One conditional insert: of two processes on the same database, only one
        wins a slot, so it is never posted twice.
        """
        inserted = await self.database.execute(
            "INSERT INTO campaign_posts (campaign_id, slot, claim_id, status, updated_at)"
            " VALUES (?, ?, ?, 'sending', ?) ON CONFLICT (campaign_id, slot) DO NOTHING",
            (campaign_id, slot.isoformat(), claim_id, now.isoformat()),
        )
        return inserted == 1

    async def release(self, campaign_id: int, slot: datetime) -> None:
        """Forget a slot claimed but certainly not sent, so it is due again."""
        await self.database.execute(
            "DELETE FROM campaign_posts WHERE campaign_id = ? AND slot = ? AND status = 'sending'",
            (campaign_id, slot.isoformat()),
        )

    async def posts(self, campaign_id: int) -> list[PostRecord]:
        rows = await self.database.fetch_all(
            "SELECT slot, claim_id, status, updated_at FROM campaign_posts"
            " WHERE campaign_id = ? ORDER BY slot",
            (campaign_id,),
        )
        return [
            PostRecord(
                datetime.fromisoformat(r[0]),
                r[1],
                r[2],
                datetime.fromisoformat(r[3]) if r[3] else None,
            )  # fmt: skip
            for r in rows
        ]

    async def mark(
        self, campaign_id: int, slot: datetime, status: str, claim_id: str | None, now: datetime
    ) -> None:
        """Write a slot's status; committed before anything is sent for it."""
        await self.database.execute(
            "INSERT INTO campaign_posts (campaign_id, slot, claim_id, status, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, slot)"
            " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            (campaign_id, slot.isoformat(), claim_id, status, now.isoformat()),
        )


def _campaign(row: Row) -> Campaign:
    return Campaign(
        id=int(row["id"]),
        platform=str(row["platform"]),
        chat_id=str(row["chat_id"]),
        spec=CampaignSpec.model_validate_json(row["spec"]),
        state=row["state"],
        created_by=str(row["created_by"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        note=row["note"],
    )
