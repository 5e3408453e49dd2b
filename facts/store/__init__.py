"""The claim store, on either database: claims, full-text index, audit log, proposals.

Every change is one transaction that writes the claim, its search-index row and
an audit entry (who, when, which claim, the content before and after) together,
so a process killed mid-write leaves either the whole change or none of it.
Retracted claims stay, with their history, but are no longer shown or found.

The shipped seed base is loaded on first start. Later releases upgrade seed
claims that no moderator has touched; a claim a moderator changed or retracted
keeps the moderator's version, and the skipped upgrade is logged.

The package, by what each module owns:

- :mod:`~facts.store.records`: errors, audit entries, proposals, reports, and
  the conversion between claims and rows;
- :mod:`~facts.store.reads`: every read;
- :mod:`~facts.store.writes`: every change to one claim, each one transaction;
- :mod:`~facts.store.loading`: :class:`ClaimStore` whole, with the seed,
  imports and bulk copies.
"""

from facts.store.loading import ClaimStore
from facts.store.records import (
    NO_CLAIM,
    AuditEntry,
    ClaimChangedError,
    ClaimExistsError,
    ClaimNotFoundError,
    ClaimStoreError,
    ImportReport,
    NothingToChangeError,
    Proposal,
    ProposalDecidedError,
    ProposalNotFoundError,
    SeedReport,
    UnknownCorrectionError,
)

__all__ = [
    "NO_CLAIM",
    "AuditEntry",
    "ClaimChangedError",
    "ClaimExistsError",
    "ClaimNotFoundError",
    "ClaimStore",
    "ClaimStoreError",
    "ImportReport",
    "Proposal",
    "NothingToChangeError",
    "ProposalDecidedError",
    "ProposalNotFoundError",
    "SeedReport",
    "UnknownCorrectionError",
]
