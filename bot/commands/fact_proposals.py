"""Members' proposals and their review: /fact propose, review [N], approve N, reject N reason.

A proposal for an existing id is an edit of that claim. Moderators see each
proposal whole, an edit as a diff (:mod:`bot.commands.fact_changes` words the
data of :mod:`facts.changes`), and ``/fact approve N`` applies it only over the
claim version this moderator was shown (:attr:`Services.seen_versions`; without
a review, the version it was proposed over). Otherwise nothing is written and
the reply shows the new diff.
"""

from __future__ import annotations

from bot.commands.claims import claim_text
from bot.commands.fact_access import (
    WHICH_PROPOSAL,
    correction_refused,
    require_moderator,
    required_fields,
    store_of,
)
from bot.commands.fact_changes import proposal_lines
from bot.commands.text import first_word
from bot.dispatch import Context
from bot.foundation.errors import MissingArgumentError, UserInputError
from bot.foundation.i18n import N_, _, ngettext
from bot.messages import Reply
from bot.reports.review import review_lines
from facts.changes import (
    ApprovalRefusedError,
    ProposalView,
    approve_proposal,
    proposal_view,
    reject_proposal,
    review_queue,
)
from facts.fields import read_claim
from facts.models import Claim, ClaimContent
from facts.store import (
    NO_CLAIM,
    ProposalDecidedError,
    ProposalNotFoundError,
    UnknownCorrectionError,
)


class UnknownProposalError(UserInputError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no pending proposal {number}")
        self.number = number

    def localized(self) -> str:
        return _("No pending proposal #{number}; /fact review lists them.").format(
            number=self.number
        )


class DecidedProposalError(UserInputError):
    """The proposal was approved or rejected already, perhaps a moment ago by another."""

    def __init__(self, number: int, state: str, reviewer: str | None) -> None:
        super().__init__(f"proposal {number} already {state}")
        self.number, self.state, self.reviewer = number, state, reviewer

    def localized(self) -> str:
        if self.state == "approved":
            text = (
                _("Proposal #{number} was already approved by {who}; nothing was changed.")
                if self.reviewer
                else _("Proposal #{number} was already approved; nothing was changed.")
            )
        else:
            text = (
                _("Proposal #{number} was already rejected by {who}; nothing was changed.")
                if self.reviewer
                else _("Proposal #{number} was already rejected; nothing was changed.")
            )
        return text.format(number=self.number, who=self.reviewer)


class UnchangedProposalError(UserInputError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(f"proposal equals claim {claim_id!r}")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _(
            "Your proposal says exactly what {id} says now: there is nothing to review."
        ).format(id=self.claim_id)


async def proposed_content(
    context: Context, fields: dict[str, str]
) -> tuple[ClaimContent, Claim | None, str]:
    """What a proposal says, and the claim it edits with that claim's version.

    A proposal whose id (typed, or made from its statement) names a claim of the
    base, even a retracted one, is an edit: its fields apply over that claim.
    """
    store = store_of(context)
    typed = fields.get("id", "").strip().casefold()
    current, version = await store.versioned(typed) if typed else (None, NO_CLAIM)
    if current is None:
        content = read_claim(fields, context.language, thing="proposal")
        current, version = await store.versioned(content.id)
        if current is None:
            return content, None, NO_CLAIM
    fields = {**fields, "id": current.id}
    content = read_claim(fields, context.language, base=current.content(), thing="proposal")
    if content == current.content():
        raise UnchangedProposalError(current.id)
    return content, current, version


async def propose(context: Context, args: str) -> Reply:
    fields = required_fields(args, "proposal", N_("/fact propose (then one “key: value” per line)"))
    content, current, version = await proposed_content(context, fields)
    store = store_of(context)
    try:
        number = await store.propose(content, context.actor, base_version=version)
    except UnknownCorrectionError as error:
        raise correction_refused(error, "proposal") from None
    text = (
        _("Thank you: proposal #{number} ({id}) awaits a moderator’s review.")
        if current is None
        else _("Thank you: proposal #{number}, a change to {id}, awaits a moderator’s review.")
    ).format(number=number, id=content.id)
    if context.services.desk is not None:  # where to tell the author what moderators decide
        chat = context.request.chat
        await context.services.desk.note_origin(number, chat.platform, chat.id, context.language)
    others = [
        f"#{p.id}" for p in await store.pending_proposals()
        if p.claim_id == content.id and p.id != number
    ]  # fmt: skip
    if others:
        text += "\n" + ngettext(
            "Proposal {others} is also waiting for {id}: moderators see both.",
            "Proposals {others} are also waiting for {id}: moderators see them all.",
            len(others),
        ).format(others=", ".join(others), id=content.id)
    return Reply(text=text)


def remember_seen(context: Context, views: list[ProposalView], whole_queue: bool) -> None:
    """Note the claim version each proposal was shown against, for this moderator's approval.

    Shown the whole queue, the moderator's notes of proposals no longer in it are dropped.
    """
    seen = context.services.seen_versions
    if whole_queue:
        waiting = {view.proposal.id for view in views}
        for actor, number in [key for key in seen if key[0] == context.actor]:
            if number not in waiting:
                del seen[(actor, number)]
    for view in views:
        seen[(context.actor, view.proposal.id)] = view.version


def proposal_number(text: str, usage: str, example: str) -> int:
    number = text.strip().lstrip("#")
    if not number.isdigit():
        raise MissingArgumentError(WHICH_PROPOSAL, usage, example)
    return int(number)


async def review(context: Context, args: str) -> Reply:
    """The proposals waiting, in full, then the readers' reports of a wrong /check verdict.

    ``/fact review N`` shows proposal N alone.
    """
    require_moderator(context, "review proposals")
    store = store_of(context)
    if args.strip():
        number = proposal_number(args, N_("/fact review [N]"), N_("/fact review 1"))
        try:
            view = await proposal_view(store, number)
        except ProposalDecidedError as error:
            raise DecidedProposalError(number, error.state, error.reviewed_by) from None
        except ProposalNotFoundError:
            raise UnknownProposalError(str(number)) from None
        remember_seen(context, [view], whole_queue=False)
        return Reply(text="\n".join(proposal_lines(view)), data=view)
    views = await review_queue(store)
    remember_seen(context, views, whole_queue=True)
    reports = await review_lines(context)
    if not views:
        text = _("No proposal is waiting.") if not reports else ""
        return Reply(text="\n".join(line for line in (text, *reports) if line), data=views)
    lines = [_("Proposals waiting (/fact approve N, /fact reject N reason):")]
    for view in views:
        lines += proposal_lines(view)
    return Reply(text="\n".join([*lines, *reports]), data=views)


def refusal_text(refused: ApprovalRefusedError) -> str:
    """Why nothing was approved, then the proposal as it must be seen now."""
    view = refused.view
    number, claim_id = view.proposal.id, view.proposal.claim_id
    if refused.why == "unchanged":
        heading = _(
            "Not approved: proposal #{number} now says exactly what {id} says, so there is"
            " nothing to write. /fact reject {number} REASON closes it."
        )
    else:
        heading = _(
            "Not approved: {id} changed since: review again. Here is proposal #{number}"
            " against the claim as it is now; /fact approve {number} applies it."
        )
    return "\n".join([heading.format(number=number, id=claim_id), *proposal_lines(view)])


async def decide(context: Context, args: str, approve: bool) -> Reply:
    require_moderator(context, "review proposals")
    number_text, reason = first_word(args)
    usage = N_("/fact approve N") if approve else N_("/fact reject N REASON")
    example = (
        N_("/fact approve 1") if approve else N_("/fact reject 1 the source gives another figure")
    )
    number = proposal_number(number_text, usage, example)
    if not approve and not reason.strip():
        raise MissingArgumentError(
            N_("Why is it rejected? Give a reason after the number: its author reads it."),
            usage,
            example,
        )
    store = store_of(context)
    seen = (context.actor, number)
    try:
        if not approve:
            await reject_proposal(store, number, context.actor, reason.strip())
            context.services.seen_versions.pop(seen, None)
            return Reply(text=_("Proposal #{number} rejected.").format(number=number))
        claim = await approve_proposal(
            store, number, context.actor, context.services.seen_versions.get(seen)
        )
    except ApprovalRefusedError as refused:
        if refused.why == "changed":
            context.services.seen_versions[seen] = refused.view.version
        return Reply(text=refusal_text(refused), data=refused.view, error=True)
    except ProposalDecidedError as error:
        raise DecidedProposalError(number, error.state, error.reviewed_by) from None
    except ProposalNotFoundError:
        raise UnknownProposalError(str(number)) from None
    except UnknownCorrectionError as error:
        raise correction_refused(error, "claim") from None
    context.services.seen_versions.pop(seen, None)
    return Reply(
        text=_("Approved: {id} is in the base.").format(id=claim.id) + "\n" + claim_text(claim),
        data=claim,
    )


async def approve(context: Context, args: str) -> Reply:
    return await decide(context, args, approve=True)


async def reject(context: Context, args: str) -> Reply:
    return await decide(context, args, approve=False)
