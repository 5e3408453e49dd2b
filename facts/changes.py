"""What a change to a claim changes, field by field, and the moderators' decisions on proposals.

Moderators approve what they were shown, never more: a proposal is shown with
the claim as it is now and the differences between them (:class:`ProposalView`),
and :func:`approve_proposal` applies it only while the claim is still at the
version that view was computed on. If another moderator, an edit or a second
proposal changed the claim meanwhile, nothing is written and
:class:`ApprovalRefusedError` carries the new view to show instead.

Everything here returns data: the chat words it (:mod:`bot.commands.fact_review`),
the web desk renders the same views and passes :attr:`ProposalView.version` back.

API: :func:`claim_changes`, :func:`history_changes`, :class:`FieldChange`,
:class:`ProposalView`, :func:`review_queue`, :func:`proposal_view`,
:func:`approve_proposal`, :func:`reject_proposal`, :class:`ApprovalRefusedError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from facts.models import Claim, ClaimContent
from facts.store import (
    NO_CLAIM,
    AuditEntry,
    ClaimChangedError,
    ClaimStore,
    NothingToChangeError,
    Proposal,
    ProposalDecidedError,
    ProposalNotFoundError,
)

ContentLike = ClaimContent | Mapping[str, Any] | None
Index = int | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs: ``field`` as the model names it with list indexes dropped
    (``quantities.unit``, ``sources.url``, ``statement.fr``), ``index`` the figure or
    source it belongs to (from 0; ``None`` outside lists), and the JSON values before and
    after (``None``: the field was absent or empty)."""

    field: str
    index: Index
    before: Any
    after: Any

    @property
    def path(self) -> str:
        """``quantities[1].value``: where the change is, for logs and keys."""
        if self.index is None:
            return self.field
        head, _dot, leaf = self.field.partition(".")
        return f"{head}[{self.index}].{leaf}" if leaf else f"{head}[{self.index}]"


def _as_dict(content: ContentLike) -> dict[str, Any]:
    """A claim's content as JSON data (audit entries may predate a model change: kept raw)."""
    if content is None:
        return {}
    if isinstance(content, ClaimContent):
        return _dump(content)
    try:
        return _dump(ClaimContent.model_validate(dict(content)))
    except ValidationError:
        return dict(content)


def _dump(content: ClaimContent) -> dict[str, Any]:
    return content.model_dump(mode="json", include=set(ClaimContent.model_fields))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def claim_fields(content: ContentLike) -> dict[tuple[str, Index], Any]:
    """Every field of a claim's content, flattened: ``("quantities.value", 0) → 415.0``.

    Figures and sources are compared position by position (the first is the
    main one); lists of words (subjects, keywords) are one value each.
    """
    flat: dict[tuple[str, Index], Any] = {}
    for key, value in _as_dict(content).items():
        if isinstance(value, Mapping):
            for leaf, inner in value.items():
                flat[(f"{key}.{leaf}", None)] = inner
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for index, item in enumerate(value):
                for leaf, inner in item.items():
                    flat[(f"{key}.{leaf}", index)] = inner
        else:
            flat[(key, None)] = value
    return {place: value for place, value in flat.items() if not _empty(value)}


def claim_changes(before: ContentLike, after: ContentLike) -> list[FieldChange]:
    """The fields that differ between two versions of a claim, in the claim's order
    (id, topic, status, statement, each figure, each source, explanation…)."""
    old, new = claim_fields(before), claim_fields(after)
    places = list(new) + [place for place in old if place not in new]
    changes = [
        FieldChange(field, index, old.get((field, index)), new.get((field, index)))
        for field, index in places
        if old.get((field, index)) != new.get((field, index))
    ]
    position = {place: number for number, place in enumerate(places)}
    return sorted(
        changes,
        key=lambda c: (_rank(c.field), c.index or 0, position[(c.field, c.index)]),
    )


FIELD_ORDER = (
    "id", "topic", "status", "statement", "quantities", "sources", "explanation",
    "corrected_by", "keywords",
)  # fmt: skip


def _rank(field: str) -> int:
    head = field.partition(".")[0]
    return FIELD_ORDER.index(head) if head in FIELD_ORDER else len(FIELD_ORDER)


def history_changes(entry: AuditEntry) -> list[FieldChange]:
    """What one audited change changed; empty when it has no before or no after
    (a claim added, or retracted: the whole claim appeared or was hidden)."""
    if entry.before is None or entry.after is None:
        return []
    return claim_changes(entry.before, entry.after)


# ---- proposals ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A pending proposal as a moderator must see it before deciding.

    ``current`` is the claim now (``None``: the proposal adds a new claim),
    ``version`` its version, which an approval of this view passes back;
    ``changes`` go from the current claim to the proposal (empty for a new
    claim: the whole proposal is new); ``clashes`` are the other pending
    proposals for the same claim id.
    """

    proposal: Proposal
    current: Claim | None
    version: str
    changes: tuple[FieldChange, ...]
    clashes: tuple[int, ...]

    @property
    def kind(self) -> Literal["new", "edit"]:
        return "new" if self.current is None else "edit"

    @property
    def changed_since_proposed(self) -> bool:
        """The claim is not what the proposer saw: created or changed after the proposal."""
        return (self.proposal.base_version or NO_CLAIM) != self.version


class ApprovalRefusedError(Exception):
    """Nothing was written: the claim is not what the moderator was shown.

    ``why`` is ``changed`` (the claim changed since the view the approval was decided
    on) or ``unchanged`` (the proposal now says exactly what the claim says); ``view``
    is the proposal as it must be shown now, and its ``version`` is what to pass back.
    """

    def __init__(self, view: ProposalView, why: Literal["changed", "unchanged"]) -> None:
        super().__init__(f"proposal #{view.proposal.id}: {why}")
        self.view = view
        self.why: Literal["changed", "unchanged"] = why


async def _view(store: ClaimStore, proposal: Proposal, pending: list[Proposal]) -> ProposalView:
    current, version = await store.versioned(proposal.claim_id)
    changes = claim_changes(current, proposal.content) if current is not None else []
    clashes = tuple(
        other.id for other in pending
        if other.claim_id == proposal.claim_id and other.id != proposal.id
    )  # fmt: skip
    return ProposalView(proposal, current, version, tuple(changes), clashes)


async def review_queue(store: ClaimStore) -> list[ProposalView]:
    """Every pending proposal, oldest first, each with its claim, differences and clashes."""
    pending = await store.pending_proposals()
    return [await _view(store, proposal, pending) for proposal in pending]


async def proposal_view(store: ClaimStore, number: int) -> ProposalView:
    """One pending proposal as :func:`review_queue` shows it.

    Raises :class:`~facts.store.ProposalNotFoundError` (or its subclass
    :class:`~facts.store.ProposalDecidedError` when it was approved or rejected).
    """
    proposal = await store.proposal(number)
    if proposal is None:
        raise ProposalNotFoundError(number)
    if proposal.state != "pending":
        raise ProposalDecidedError(number, proposal.state, None)
    return await _view(store, proposal, await store.pending_proposals())


async def approve_proposal(
    store: ClaimStore, number: int, actor: str, seen_version: str | None = None
) -> Claim:
    """Apply proposal ``number`` exactly, if the claim is at the version the moderator saw.

    ``seen_version`` is :attr:`ProposalView.version` of the view shown to the moderator;
    without one, the version the proposal was written over. The check and the write are
    one transaction (:meth:`ClaimStore.approve`): of two approvals at once, one wins.
    """
    if seen_version is None:
        proposal = await store.proposal(number)
        if proposal is None:
            raise ProposalNotFoundError(number)
        seen_version = proposal.base_version or NO_CLAIM
    try:
        return await store.approve(number, actor, seen_version)
    except ClaimChangedError:
        raise ApprovalRefusedError(await proposal_view(store, number), "changed") from None
    except NothingToChangeError:
        raise ApprovalRefusedError(await proposal_view(store, number), "unchanged") from None


async def reject_proposal(store: ClaimStore, number: int, actor: str, reason: str) -> Proposal:
    """Reject proposal ``number`` with the reason its author reads."""
    return await store.reject(number, actor, reason)
