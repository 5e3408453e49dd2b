"""The campaigns of the chats a moderator moderates, with their posts, the chat's stats and chart.

A desk session covers the chats its sign-in link named (the chat where the
moderator sent ``/fact desk``). A campaign of any other chat is refused with
403, to read or to change: moderating one chat says nothing of another, as in
the chats themselves. Pausing, resuming and stopping ask the core exactly as
``/campaign pause N`` typed in the campaign's chat, as the moderator.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.web.desk.claims import ask
from adapters.web.desk.sessions import Desk, logged, posted, refusal, see_other, show, signed_in
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from bot.campaigns.schedule import Campaign
from bot.commands.campaign import state_label, summary
from bot.foundation.i18n import N_, _, use_language
from bot.messages import ChatRef

ACTIONS = {"pause": "pause", "resume": "resume", "stop": "stop"}  # form value → /campaign word
STATS_DAYS = "30"
POST_STATES = ("posted", "late", "missed", "uncertain")


def chat_ref(chat: str) -> ChatRef:
    platform, _colon, ident = chat.partition(":")
    return ChatRef(platform=platform, id=ident)


def not_yours(request: web.Request, desk: Desk) -> web.Response:
    with use_language(desk.language):
        return refusal(request, desk.language, 403, N_("Not your chat"),
                       _("You moderate other chats: this campaign is not one of yours. "
                         "Nothing was shown or changed."), desk)  # fmt: skip


async def campaign_data(site: Site, campaign: Campaign) -> dict[str, Any]:
    assert site.core.services.campaigns is not None
    posts = await site.core.services.campaigns.posts(campaign.id)
    counts = {state: sum(1 for p in posts if p.status == state) for state in POST_STATES}
    return {
        "id": campaign.id,
        "summary": summary(campaign),
        "state": campaign.state,
        "state_label": state_label(campaign.state),
        "posts": counts,
        "open": campaign.state in ("active", "paused"),
    }


async def campaigns(request: web.Request) -> web.Response:
    """GET ``/desk/campaigns``: per chat of the session, its campaigns, stats and chart."""
    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    site = request.app[SITE]
    store = site.core.services.campaigns
    chats = []
    with use_language(desk.language):
        for chat in desk.session.chats:
            ref = chat_ref(chat)
            found = await store.in_chat(ref.platform, ref.id) if store is not None else []
            stats = await ask(site, desk, "stats", STATS_DAYS, chat=ref)
            chats.append({
                "chat": chat,
                "campaigns": [await campaign_data(site, c) for c in found],
                "stats": stats.text.splitlines(),
                "chart": f"/desk/chats/{chat}/chart.png?lang={desk.language}"
                if stats.attachments else None,
                "chart_text": stats.attachments[0].description if stats.attachments else "",
            })  # fmt: skip
        page = Page("desk/campaigns.html", {"chats": chats, "done": request.query.get("done")},
                    _("Campaigns of your chats"), "/desk/campaigns", indexed=False)  # fmt: skip
    return show(request, page, desk.language, desk)


async def chart(request: web.Request) -> web.StreamResponse:
    """GET ``/desk/chats/{chat}/chart.png``: the chat's use per day, as /stats draws it."""
    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    chat = request.match_info["chat"]
    if chat not in desk.session.chats:
        return not_yours(request, desk)
    reply = await ask(request.app[SITE], desk, "stats", STATS_DAYS, chat=chat_ref(chat))
    if not reply.attachments:
        raise web.HTTPNotFound()
    return web.Response(
        body=reply.attachments[0].content,
        headers={"Content-Type": "image/png", "Cache-Control": "no-store"},
    )


async def change(request: web.Request) -> web.Response:
    """POST ``/desk/campaigns/{number}/{action}``: pause, resume or stop, in its own chat only."""
    sent = await posted(request)
    if isinstance(sent, web.Response):
        return sent
    desk, _fields = sent
    site = request.app[SITE]
    number, action = request.match_info["number"], request.match_info["action"]
    store = site.core.services.campaigns
    campaign = await store.get(int(number)) if store is not None and number.isdigit() else None
    if campaign is None or action not in ACTIONS:
        raise web.HTTPNotFound()
    if not desk.moderates(campaign.platform, campaign.chat_id):
        return not_yours(request, desk)
    chat = ChatRef(platform=campaign.platform, id=campaign.chat_id)
    reply = await ask(site, desk, "campaign", f"{ACTIONS[action]} {campaign.id}", chat=chat)
    with use_language(desk.language):
        if reply.error:
            return refusal(request, desk.language, 409, N_("Campaigns of your chats"),
                           reply.text, desk)  # fmt: skip
    where = f"campaign #{campaign.id} ({campaign.platform}:{campaign.chat_id})"
    await logged(request, desk.actor, f"campaign-{action}", where)
    return see_other(f"/desk/campaigns?lang={desk.language}&done={campaign.id}")
