"""Proposals cannot destroy: an edit is shown as a diff and applied only over what was shown.

Every test runs on SQLite and PostgreSQL (the ``database_location`` fixture).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.foundation.storage import open_database
from facts.changes import (
    ApprovalRefusedError,
    FieldChange,
    approve_proposal,
    claim_changes,
    history_changes,
    proposal_view,
    reject_proposal,
    review_queue,
)
from facts.store import NO_CLAIM, ClaimChangedError, ClaimStore, ProposalDecidedError
from tests.test_claim_store import new_claim

MODERATOR = "test:moderator"
OTHER_MODERATOR = "test:other-moderator"
MEMBER = "test:member"
SEED_ID = "iea-dc-2024"


@pytest.fixture
async def store(database_location: str) -> AsyncIterator[ClaimStore]:
    async with open_database(database_location) as database:
        claims = ClaimStore(database)
        await claims.setup()
        yield claims


async def propose_edit(store: ClaimStore, claim_id: str, **changes: object) -> int:
    """A member's proposal over the claim as it is now (what /fact propose does for an id)."""
    current, version = await store.versioned(claim_id)
    assert current is not None
    content = current.content().model_copy(update=changes)
    return await store.propose(content, MEMBER, base_version=version)


def test_the_diff_names_each_changed_field_with_before_and_after() -> None:
    before = new_claim(value=1.0)
    after = new_claim(value=2.5, keywords=["new"])
    changes = claim_changes(before, after)
    assert FieldChange("quantities.value", 0, 1.0, 2.5) in changes
    assert FieldChange("keywords", None, None, ["new"]) in changes
    assert len(changes) == 2
    assert claim_changes(before, before) == []


async def test_a_proposal_for_an_existing_id_is_an_edit_shown_as_a_diff(store: ClaimStore) -> None:
    seed, _version = await store.versioned(SEED_ID)
    assert seed is not None
    figure = seed.quantities[0].model_copy(update={"value": 1.0})
    number = await propose_edit(store, SEED_ID, quantities=[figure, *seed.quantities[1:]])
    [view] = await review_queue(store)
    assert view.proposal.id == number and view.kind == "edit" and not view.changed_since_proposed
    assert [(c.field, c.before, c.after) for c in view.changes] == [
        ("quantities.value", seed.quantities[0].value, 1.0)
    ]


async def test_approving_an_edit_applies_it_and_records_before_and_after(store: ClaimStore) -> None:
    number = await propose_edit(store, SEED_ID, keywords=["proposed"])
    claim = await approve_proposal(store, number, MODERATOR)
    assert claim.keywords == ["proposed"] and claim.updated_by == MODERATOR
    last = (await store.history(SEED_ID))[-1]
    assert last.action == "approve"
    assert [c.field for c in history_changes(last)] == ["keywords"]


async def test_an_edit_is_refused_when_the_claim_changed_since(store: ClaimStore) -> None:
    number = await propose_edit(store, SEED_ID, keywords=["proposed"])
    seed = await store.get(SEED_ID)
    assert seed is not None
    await store.replace(seed.content().model_copy(update={"keywords": ["moderator"]}), MODERATOR)
    with pytest.raises(ApprovalRefusedError) as refused:
        await approve_proposal(store, number, OTHER_MODERATOR)
    assert refused.value.why == "changed" and refused.value.view.changed_since_proposed
    assert [(c.before, c.after) for c in refused.value.view.changes] == [
        (["moderator"], ["proposed"])
    ]
    assert (await store.get(SEED_ID)).keywords == ["moderator"]  # type: ignore[union-attr]
    # The refusal showed the new diff: approving what it showed now applies.
    claim = await approve_proposal(store, number, OTHER_MODERATOR, refused.value.view.version)
    assert claim.keywords == ["proposed"]


async def test_two_proposals_for_one_new_id_are_listed_as_a_clash_and_written_once(
    store: ClaimStore,
) -> None:
    first = await store.propose(new_claim("twice-proposed"), MEMBER)
    second = await store.propose(new_claim("twice-proposed"), MEMBER)
    views = await review_queue(store)
    assert [(v.proposal.id, v.clashes, v.kind) for v in views] == [
        (first, (second,), "new"),
        (second, (first,), "new"),
    ]
    await approve_proposal(store, first, MODERATOR)
    with pytest.raises(ApprovalRefusedError) as refused:
        await approve_proposal(store, second, MODERATOR)
    assert refused.value.why == "changed"
    # Shown again, the second proposal says exactly what the claim says: nothing to write.
    with pytest.raises(ApprovalRefusedError) as again:
        await approve_proposal(store, second, MODERATOR, refused.value.view.version)
    assert again.value.why == "unchanged"
    actions = [entry.action for entry in await store.history("twice-proposed")]
    assert actions == ["approve"]


async def test_a_decided_proposal_cannot_be_approved_again(store: ClaimStore) -> None:
    number = await store.propose(new_claim("once"), MEMBER)
    await approve_proposal(store, number, MODERATOR)
    with pytest.raises(ProposalDecidedError) as decided:
        await approve_proposal(store, number, OTHER_MODERATOR, NO_CLAIM)
    assert decided.value.state == "approved" and decided.value.reviewed_by == MODERATOR
    rejected = await store.propose(new_claim("refused"), MEMBER)
    await reject_proposal(store, rejected, MODERATOR, "no source")
    with pytest.raises(ProposalDecidedError):
        await proposal_view(store, rejected)
    assert await store.get("refused") is None


async def test_an_edit_over_an_old_version_writes_nothing(store: ClaimStore) -> None:
    seed, version = await store.versioned(SEED_ID)
    assert seed is not None
    await store.replace(seed.content().model_copy(update={"keywords": ["first"]}), MODERATOR)
    with pytest.raises(ClaimChangedError):
        await store.replace(
            seed.content().model_copy(update={"keywords": ["second"]}), OTHER_MODERATOR,
            expected=version,
        )  # fmt: skip
    assert (await store.get(SEED_ID)).keywords == ["first"]  # type: ignore[union-attr]
