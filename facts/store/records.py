"""What the claim store keeps, as Python sees it: errors, audit entries, proposals, reports.

And the conversions between claims and their rows, shared by the reads and the
writes: a claim's content is stored as JSON, indexed for search, and read back
validated once per version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from bot.foundation.storage import Row
from bot.foundation.storage.base import IndexedText
from facts.models import Claim, ClaimContent

COMPONENT = "facts"

Action = Literal[
    "seed-add", "seed-upgrade", "seed-upgrade-skipped", "add", "edit", "retract", "restore",
    "import", "approve", "rename", "rename-reference",
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
        self.proposal_id = proposal_id


class ProposalDecidedError(ProposalNotFoundError):
    """The proposal was approved or rejected already (perhaps a moment ago, by another)."""

    def __init__(self, proposal_id: int, state: str, reviewed_by: str | None) -> None:
        super().__init__(proposal_id)
        self.state = state
        self.reviewed_by = reviewed_by


class ClaimChangedError(ClaimStoreError):
    """The claim is not at the version the approval was decided on: nothing is written.

    ``version`` is the claim's version now (``NO_CLAIM`` when it does not exist).
    """

    def __init__(self, claim_id: str, expected: str, version: str) -> None:
        super().__init__(claim_id, f"changed since version {expected!r}: now {version!r}")
        self.expected = expected
        self.version = version


class NothingToChangeError(ClaimStoreError):
    """The proposal says exactly what the claim says now: approving it would write nothing."""

    def __init__(self, claim_id: str) -> None:
        super().__init__(claim_id, "the proposal matches the claim as it is")


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


# A claim's version is the text of its ``updated_at``, which every change rewrites; a claim
# that does not exist has this one, so "approve a new claim" is "approve over no claim".
NO_CLAIM = ""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A member's proposal: a whole claim, and the version of the claim it was written over.

    ``base_version`` is :data:`NO_CLAIM` for a new claim, else the claim's version when
    proposed (an edit); ``None`` for proposals recorded before versions were kept.
    """

    id: int
    content: ClaimContent
    proposed_by: str
    proposed_at: datetime
    state: str
    reason: str | None
    base_version: str | None = NO_CLAIM

    @property
    def claim_id(self) -> str:
        return self.content.id


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: int
    upgraded: int
    kept: int
    renamed: int = 0  # claims held under a former id, now under their current one


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: list[str]
    changed: list[str]
    unchanged: list[str]
    dry_run: bool


def timestamp() -> str:
    """Now, as every table of the store writes it (UTC, to the microsecond)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def content_json(content: ClaimContent) -> str:
    """A claim's content as stored: JSON with sorted keys, so equal contents are equal text."""
    return json.dumps(content.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def index_text(content: ClaimContent) -> IndexedText:
    """What the full-text index keeps of a claim."""
    return IndexedText(
        content.id, content.statement.en, content.statement.fr, content.search_text()
    )


def row_to_claim(row: Row) -> Claim:
    """A row of ``claims`` as a claim (validated once per version, see below)."""
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
