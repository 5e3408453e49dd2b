"""The ``desk`` storage component, on either database: links, sessions, origins, notices.

A sign-in link and a session are secrets handed to one person; the database
holds only their SHA-256 hashes, so a copy of it (a backup, ``storage
migrate``) signs no one in. A link is redeemed by one conditional update —
unused and unexpired, then marked used in the same statement — so two
browsers racing with one link (or two processes on one PostgreSQL database)
sign in once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.foundation.storage import Database, Row

COMPONENT = "desk"
LINK_MINUTES = 10  # a sign-in link is valid this long, and once
SESSION_HOURS = 12  # a desk session ends this long after sign-in
TOKEN_BYTES = 32


def new_token() -> str:
    """A secret for a link or a session: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a secret: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


class LinkRefusal(StrEnum):
    """Why a sign-in link does not sign anyone in (also the refusals counter's label)."""

    unknown = "unknown"  # no such link (mistyped, made up, or from another database)
    used = "used"  # already redeemed: a replay
    expired = "expired"


@dataclass(frozen=True, slots=True)
class LoginLink:
    """A link just made: its secret (shown once, never stored) and when it expires."""

    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class DeskSession:
    """Who a desk session is: the moderator (``platform:id``) and the chats they moderate."""

    actor: str
    chats: tuple[str, ...]  # ``platform:chat_id``
    language: str
    expires_at: datetime

    def moderates(self, platform: str, chat_id: str) -> bool:
        return f"{platform}:{chat_id}" in self.chats


@dataclass(frozen=True, slots=True)
class Notice:
    """A moderator's decision to tell in the chat where a proposal was made."""

    id: int
    platform: str
    chat_id: str
    language: str
    proposal_id: int
    claim_id: str
    decision: str  # approved, rejected
    reason: str | None


def _session(row: Row) -> DeskSession:
    return DeskSession(
        actor=row["actor"],
        chats=tuple(json.loads(row["chats"])),
        language=row["language"],
        expires_at=datetime.fromisoformat(row["expires_at"]),
    )


class DeskStore:
    """Sign-in links, sessions, where proposals were made, and notices, in the configured database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    # ---- sign-in links ---------------------------------------------------------------

    async def issue_link(
        self, actor: str, chats: tuple[str, ...], language: str, now: datetime
    ) -> LoginLink:
        """A new one-time link for ``actor``, covering ``chats``; only its hash is written."""
        token = new_token()
        expires = now + timedelta(minutes=LINK_MINUTES)
        await self.database.execute(
            "INSERT INTO desk_links (token_hash, actor, chats, language, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash(token), actor, json.dumps(list(chats)), language, stamp(now),
             stamp(expires)),
        )  # fmt: skip
        return LoginLink(token, expires)

    async def check_link(self, token: str, now: datetime) -> LinkRefusal | None:
        """Why the link would be refused, without using it (``None``: it would sign in)."""
        row = await self.database.fetch_one(
            "SELECT used_at, expires_at FROM desk_links WHERE token_hash = ?", (token_hash(token),)
        )
        if row is None:
            return LinkRefusal.unknown
        if row["used_at"] is not None:
            return LinkRefusal.used
        if datetime.fromisoformat(row["expires_at"]) <= now:
            return LinkRefusal.expired
        return None

    async def link_language(self, token: str) -> str | None:
        """The language of the moderator a link was made for (``None``: no such link)."""
        value = await self.database.fetch_value(
            "SELECT language FROM desk_links WHERE token_hash = ?", (token_hash(token),)
        )
        return str(value) if value is not None else None

    async def redeem(
        self, token: str, now: datetime, joining: DeskSession | None = None
    ) -> tuple[str, DeskSession] | LinkRefusal:
        """Use the link once: a new session (its secret and who it is), or why not.

        The link is marked used and the session written in one transaction; the
        update's condition makes a second redemption find nothing to update.
        ``joining``: the session the browser already holds; if it is the same
        moderator's, the new session covers its chats too (a link asked in a
        second chat adds that chat).
        """
        hashed = token_hash(token)
        async with self.database.transaction() as queries:
            row = await queries.fetch_one(
                "UPDATE desk_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                " AND expires_at > ? RETURNING actor, chats, language",
                (stamp(now), hashed, stamp(now)),
            )
            if row is not None:
                secret = new_token()
                expires = now + timedelta(hours=SESSION_HOURS)
                chats = tuple(json.loads(row["chats"]))
                if joining is not None and joining.actor == row["actor"]:
                    chats = tuple(dict.fromkeys([*joining.chats, *chats]))
                await queries.execute(
                    "INSERT INTO desk_sessions (id_hash, actor, chats, language, created_at,"
                    " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (token_hash(secret), row["actor"], json.dumps(list(chats)), row["language"],
                     stamp(now), stamp(expires)),
                )  # fmt: skip
                return secret, DeskSession(row["actor"], chats, row["language"], expires)
        return await self.check_link(token, now) or LinkRefusal.used

    # ---- sessions ------------------------------------------------------------------

    async def session(self, secret: str, now: datetime) -> DeskSession | None:
        """The live session whose secret this is (``None``: unknown or expired)."""
        row = await self.database.fetch_one(
            "SELECT * FROM desk_sessions WHERE id_hash = ? AND expires_at > ?",
            (token_hash(secret), stamp(now)),
        )
        return _session(row) if row is not None else None

    async def end_session(self, secret: str) -> None:
        await self.database.execute(
            "DELETE FROM desk_sessions WHERE id_hash = ?", (token_hash(secret),)
        )

    async def forget_expired(self, now: datetime) -> int:
        """Remove expired sessions and links (used or not); how many rows went."""
        removed = await self.database.execute(
            "DELETE FROM desk_sessions WHERE expires_at <= ?", (stamp(now),)
        )
        return removed + await self.database.execute(
            "DELETE FROM desk_links WHERE expires_at <= ?", (stamp(now - timedelta(days=1)),)
        )

    # ---- where proposals were made, and what their authors are told ----------------

    async def note_origin(
        self, proposal_id: int, platform: str, chat_id: str, language: str
    ) -> None:
        """Remember the chat (and its reader's language) a proposal came from."""
        await self.database.execute(
            "INSERT INTO proposal_origins (proposal_id, platform, chat_id, language)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (proposal_id) DO NOTHING",
            (proposal_id, platform, chat_id, language),
        )

    async def queue_notice(
        self, proposal_id: int, claim_id: str, decision: str, reason: str | None, now: datetime
    ) -> bool:
        """Queue the decision for the chat the proposal came from; ``False``: no chat known."""
        origin = await self.database.fetch_one(
            "SELECT * FROM proposal_origins WHERE proposal_id = ?", (proposal_id,)
        )
        if origin is None:
            return False
        await self.database.execute(
            "INSERT INTO desk_notices (platform, chat_id, language, proposal_id, claim_id,"
            " decision, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (origin["platform"], origin["chat_id"], origin["language"], proposal_id, claim_id,
             decision, reason, stamp(now)),
        )  # fmt: skip
        return True

    async def pending_notices(self, platforms: tuple[str, ...]) -> list[Notice]:
        """Notices not yet delivered to chats of these platforms, oldest first."""
        if not platforms:
            return []
        marks = ",".join("?" * len(platforms))
        rows = await self.database.fetch_all(
            f"SELECT * FROM desk_notices WHERE state = 'pending' AND platform IN ({marks})"
            " ORDER BY id",
            list(platforms),
        )
        return [
            Notice(
                id=int(row["id"]),
                platform=row["platform"],
                chat_id=row["chat_id"],
                language=row["language"],
                proposal_id=int(row["proposal_id"]),
                claim_id=row["claim_id"],
                decision=row["decision"],
                reason=row["reason"],
            )
            for row in rows
        ]

    async def take_notice(self, notice_id: int, now: datetime) -> bool:
        """Mark a notice sent before sending it; ``False``: another process took it."""
        changed = await self.database.execute(
            "UPDATE desk_notices SET state = 'sent', sent_at = ? WHERE id = ? AND state = 'pending'",
            (stamp(now), notice_id),
        )
        return bool(changed)

    # ---- what was done from the desk -------------------------------------------------

    async def log(
        self, actor: str, action: str, target: str, now: datetime, detail: str | None = None
    ) -> None:
        """Record a write made from the desk: who (``platform:id``), what, on what, when.

        Claims keep their own audit log (with the same actor); this one holds
        every desk write, campaigns' too, and sign-ins and sign-outs.
        """
        await self.database.execute(
            "INSERT INTO desk_audit (actor, action, target, at, detail) VALUES (?, ?, ?, ?, ?)",
            (actor, action, target, stamp(now), detail),
        )

    async def audit(self, limit: int = 100) -> list[tuple[str, str, str, str, str | None]]:
        """The latest desk writes, newest first: (actor, action, target, at, detail)."""
        rows = await self.database.fetch_all(
            "SELECT actor, action, target, at, detail FROM desk_audit ORDER BY seq DESC LIMIT ?",
            (limit,),
        )
        return [(r["actor"], r["action"], r["target"], r["at"], r["detail"]) for r in rows]
