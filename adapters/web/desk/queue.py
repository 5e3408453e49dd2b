"""The review queue on the desk: each proposal in full, its diff, approve or reject with a reason.

The queue, the diffs and the decisions are :mod:`facts.changes`, as the chat's
``/fact review``, ``/fact approve`` and ``/fact reject`` use them: the page
shows each proposal with the claim's version it was computed on, and the
approve form sends that version back, so approving applies exactly what was
shown — if the claim changed meanwhile, nothing is written and the page says
so with the new diff. Each decision is logged as the signed-in moderator
(``platform:id``) and queued for the chat where the proposal was made
(:mod:`bot.desk.notices`): the running bot tells its author there.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.web.desk.changes import change_rows
from adapters.web.desk.claims import claim_fields, label_of
from adapters.web.desk.sessions import (
    Desk,
    logged,
    now,
    posted,
    refusal,
    see_other,
    show,
    signed_in,
)
from adapters.web.present import date_text
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from bot.foundation.i18n import N_, _, use_language
from facts.changes import (
    ApprovalRefusedError,
    ProposalView,
    approve_proposal,
    reject_proposal,
    review_queue,
)
from facts.fields import field_label
from facts.store import ProposalDecidedError, ProposalNotFoundError, UnknownCorrectionError


def view_data(view: ProposalView, language: str) -> dict[str, Any]:
    """One proposal as the queue shows it: every field, the diff, the version it was read at."""
    proposal = view.proposal
    return {
        "number": proposal.id,
        "id": proposal.content.id,
        "by": proposal.proposed_by,
        "at": date_text(proposal.proposed_at, language) + f" {proposal.proposed_at:%H:%M} UTC",
        "edit": view.kind == "edit",
        "changed_since": view.changed_since_proposed and view.kind == "edit",
        "version": view.version,
        "fields": [
            {"label": label_of(key), "value": value}
            for key, value in claim_fields(proposal.content).items()
            if value
        ],
        "changes": change_rows(view.changes),
        "clashes": list(view.clashes),
    }


async def queue_page(
    site: Site, desk: Desk, path: str, done: str | None = None, problem: str | None = None,
    status: int = 200,
) -> Page:  # fmt: skip
    views = await review_queue(site.store)
    return Page(
        "desk/queue.html",
        {
            "proposals": [view_data(v, desk.language) for v in views],
            "done": done,
            "problem": problem,
            "chats": desk.session.chats,
        },  # fmt: skip
        _("Moderators' desk"),
        "/desk",
        status=status,
        indexed=False,
    )


async def queue(request: web.Request) -> web.Response:
    """GET ``/desk``: the proposals waiting, oldest first, each whole with its diff."""
    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    site = request.app[SITE]
    with use_language(desk.language):
        notices = {
            "approved": _("Approved. Its author is told in the chat where they proposed it."),
            "rejected": _("Rejected. Its author is told why in the chat where they proposed it."),
        }
        page = await queue_page(
            site, desk, request.path, notices.get(request.query.get("done", ""))
        )
    return show(request, page, desk.language, desk)


async def decide(request: web.Request, approve: bool) -> web.Response:
    sent = await posted(request)
    if isinstance(sent, web.Response):
        return sent
    desk, fields = sent
    site = request.app[SITE]
    raw = request.match_info["number"]
    number = int(raw) if raw.isdigit() and len(raw) < 12 else 0
    reason = " ".join(fields.get("reason", "").split())
    with use_language(desk.language):
        title = N_("Approve a proposal") if approve else N_("Reject a proposal")
        if not approve and not reason:
            return refusal(request, desk.language, 422, title,
                           _("Why is it rejected? Give a reason: its author reads it."),
                           desk)  # fmt: skip
        try:
            if approve:
                seen = fields.get("version") or None
                claim = await approve_proposal(site.store, number, desk.actor, seen)
                claim_id = claim.id
            else:
                claim_id = (await reject_proposal(site.store, number, desk.actor, reason)).claim_id
        except ProposalDecidedError as error:
            return refusal(request, desk.language, 409, title,
                           _("Proposal #{number} was already decided ({state}); nothing was "
                             "changed.").format(number=number, state=error.state), desk)  # fmt: skip
        except ProposalNotFoundError:
            return refusal(request, desk.language, 404, title,
                           _("No pending proposal #{number}.").format(number=raw[:12]),
                           desk)  # fmt: skip
        except ApprovalRefusedError as refused:
            problem = (
                _("The claim changed since you read this proposal: nothing was written. "
                  "Its differences as they are now are below.")
                if refused.why == "changed"
                else _("This proposal says exactly what the claim says now: nothing to approve.")
            )  # fmt: skip
            page = await queue_page(site, desk, "/desk", problem=problem, status=409)
            return show(request, page, desk.language, desk)
        except UnknownCorrectionError as error:
            return refusal(request, desk.language, 422, title,
                           _("{field}: no claim has the id “{id}”").format(
                               field=field_label("corrected_by"), id=error.corrected_by),
                           desk)  # fmt: skip
    assert site.core.services.desk is not None
    decision = "approved" if approve else "rejected"
    target = f"proposal #{number} ({claim_id})"
    await logged(request, desk.actor, "approve" if approve else "reject", target, reason or None)
    await site.core.services.desk.queue_notice(number, claim_id, decision, reason or None, now())
    return see_other(f"/desk?lang={desk.language}&done={decision}")


async def approve(request: web.Request) -> web.Response:
    """POST ``/desk/proposals/{number}/approve`` (``version``: the claim's, as shown)."""
    return await decide(request, approve=True)


async def reject(request: web.Request) -> web.Response:
    """POST ``/desk/proposals/{number}/reject`` (``reason``, which the proposer reads)."""
    return await decide(request, approve=False)
