"""The review queue on the desk: each proposal in full, its diff, approve or reject with a reason.

Approving and rejecting ask the core exactly as ``/fact approve N`` and
``/fact reject N reason`` do, as the signed-in moderator (``platform:id`` in
the audit log). The decision is then queued for the chat where the proposal
was made (:mod:`bot.desk.notices`): the running bot tells its author there.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.web.desk.claims import ask, claim_fields, field_changes, label_of
from adapters.web.desk.sessions import Desk, now, posted, refusal, see_other, show, signed_in
from adapters.web.present import date_text
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from bot.foundation.i18n import N_, _, use_language
from facts.store import Proposal


async def proposal_data(site: Site, proposal: Proposal, pending: list[Proposal],
                        language: str) -> dict[str, Any]:  # fmt: skip
    """One proposal as the queue shows it: every field, and the diff against the claim it edits."""
    content = proposal.content
    current = await site.store.get(content.id, include_retracted=True)
    clashes = [p.id for p in pending if p.content.id == content.id and p.id != proposal.id]
    return {
        "number": proposal.id,
        "id": content.id,
        "by": proposal.proposed_by,
        "at": date_text(proposal.proposed_at, language) + f" {proposal.proposed_at:%H:%M} UTC",
        "edit": current is not None,
        "fields": [
            {"label": label_of(key), "value": value}
            for key, value in claim_fields(content).items()
            if value
        ],
        "changes": field_changes(current.content(), content) if current is not None else [],
        "clashes": clashes,
    }


async def queue(request: web.Request) -> web.Response:
    """GET ``/desk``: the proposals waiting, oldest first, each whole."""
    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    site = request.app[SITE]
    pending = await site.store.pending_proposals()
    with use_language(desk.language):
        proposals = [await proposal_data(site, p, pending, desk.language) for p in pending]
        done = request.query.get("done", "")
        notices = {
            "approved": _("Approved. Its author is told in the chat where they proposed it."),
            "rejected": _("Rejected. Its author is told why in the chat where they proposed it."),
        }
        page = Page(
            "desk/queue.html",
            {"proposals": proposals, "done": notices.get(done), "chats": desk.session.chats},
            _("Moderators' desk"),
            "/desk",
            indexed=False,
        )
    return show(request, page, desk.language, desk)


async def decide(request: web.Request, approve: bool) -> web.Response:
    sent = await posted(request)
    if isinstance(sent, web.Response):
        return sent
    desk, fields = sent
    site = request.app[SITE]
    number = request.match_info["number"]
    reason = " ".join(fields.get("reason", "").split())
    pending = {p.id: p for p in await site.store.pending_proposals()}
    proposal = pending.get(int(number)) if number.isdigit() else None
    with use_language(desk.language):
        title = N_("Approve a proposal") if approve else N_("Reject a proposal")
        if proposal is None:
            return refusal(request, desk.language, 404, title,
                           _("No pending proposal #{number}: another moderator may have "
                             "decided it.").format(number=number[:12]), desk)  # fmt: skip
        if not approve and not reason:
            return refusal(request, desk.language, 422, title,
                           _("Why is it rejected? Give a reason: its author reads it."),
                           desk)  # fmt: skip
        args = f"approve {number}" if approve else f"reject {number} {reason}"
        reply = await ask(site, desk, "fact", args)
        if reply.error:
            return refusal(request, desk.language, 409, title, reply.text, desk)
    assert site.core.services.desk is not None
    await site.core.services.desk.queue_notice(
        proposal.id, proposal.content.id, "approved" if approve else "rejected",
        reason or None, now(),
    )  # fmt: skip
    done = "approved" if approve else "rejected"
    return see_other(f"/desk?lang={desk.language}&done={done}")


async def approve(request: web.Request) -> web.Response:
    """POST ``/desk/proposals/{number}/approve``."""
    return await decide(request, approve=True)


async def reject(request: web.Request) -> web.Response:
    """POST ``/desk/proposals/{number}/reject`` (``reason``)."""
    return await decide(request, approve=False)


__all__ = ["Desk", "approve", "queue", "reject"]
