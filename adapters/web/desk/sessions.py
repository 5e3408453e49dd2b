"""Signing in to the desk, and what every desk request checks: its session and its form token.

A moderator opens the one-time link the bot gave them: the page it leads to
signs in only when its button is pressed (a POST), so a link preview or a
scanner that fetches the address uses nothing. Signing in sets one cookie,
``HttpOnly``, ``SameSite=Strict``, ``Secure`` behind an https ``public_url``,
and scoped to ``/desk``: the public pages never receive or set a cookie. The
session lives server-side (its SHA-256 only) for
:data:`~bot.desk.store.SESSION_HOURS`.

Every desk form carries a token tied to the session (an HMAC of the session's
secret, a synchronizer token nothing else can compute); a form posted without
it, or with another session's, is refused with 403 and counted.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web

from adapters.web.language import requested_language
from adapters.web.pages import error_page
from adapters.web.render import Page
from adapters.web.site import SCRIPT_HASHES, SITE, Site
from adapters.web.urls import Links
from bot.desk.store import SESSION_HOURS, DeskSession, DeskStore, LinkRefusal
from bot.foundation.i18n import N_, _, use_language
from bot.foundation.metrics import DESK_FORMS_REFUSED, DESK_LINKS_REFUSED, DESK_SIGN_INS

COOKIE = "wattson_desk"
COOKIE_PATH = "/desk"
CSRF_FIELD = "csrf"
DESK_FIELDS = 64  # the claim form has 25


def form_token(secret: str) -> str:
    """The session's form token: only who holds the session's secret can compute it."""
    return hmac.new(secret.encode(), b"wattson desk form", hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Desk:
    """A request from a signed-in moderator: who, the chats, the form token, the language."""

    session: DeskSession
    csrf: str
    language: str
    links: Links

    @property
    def actor(self) -> str:
        return self.session.actor

    def moderates(self, platform: str, chat_id: str) -> bool:
        return self.session.moderates(platform, chat_id)


def store_of(site: Site) -> DeskStore:
    store = site.core.services.desk
    if store is None:
        raise web.HTTPServiceUnavailable()
    return store


def now() -> datetime:
    return datetime.now(UTC)


async def logged(
    request: web.Request, actor: str, action: str, target: str, detail: str | None = None
) -> None:
    """Write down a desk write in the desk's audit log, as the moderator's ``platform:id``."""
    await store_of(request.app[SITE]).log(actor, action, target, now(), detail)


def show(request: web.Request, page: Page, language: str, desk: Desk | None = None) -> web.Response:
    """A desk page as HTML, never stored by a browser or a proxy."""
    site = request.app[SITE]
    links = site.links(request, language)
    context = site.context(request, page, links)
    context["desk"] = (
        {"csrf": desk.csrf, "actor": desk.actor, "chats": desk.session.chats} if desk else None
    )
    rendered = site.renderer.html(page, language, context)
    request[SCRIPT_HASHES] = rendered.script_hashes
    return web.Response(
        body=rendered.body,
        status=rendered.status,
        headers={"Content-Type": rendered.content_type, "Cache-Control": "no-store"},
    )


def refusal(request: web.Request, language: str, status: int, title: str, message: str,
            desk: Desk | None = None) -> web.Response:  # fmt: skip
    with use_language(language):
        page = error_page(status, _(title), message)
    return show(request, page, language, desk)


async def signed_in(request: web.Request) -> Desk | web.Response:
    """The moderator behind this request, or the page saying how to sign in (401)."""
    site = request.app[SITE]
    secret = request.cookies.get(COOKIE, "")
    session = await store_of(site).session(secret, now()) if secret else None
    if session is None:
        language = site.language(request)
        with use_language(language):
            return refusal(
                request, language, 401, N_("Sign in to the moderators' desk"),
                _("The desk is for moderators. In a chat you moderate, send /fact desk "
                  "(in French, /fait bureau): the bot answers you alone with a link that "
                  "signs you in, valid 10 minutes and once."),
            )  # fmt: skip
    language = requested_language(request) or session.language
    return Desk(session, form_token(secret), language, site.links(request, language))


async def posted(request: web.Request) -> tuple[Desk, dict[str, str]] | web.Response:
    """A form posted from the desk: its moderator and fields, or 401/403 when not theirs."""
    from adapters.web.fields import form_fields

    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    try:
        fields = await form_fields(request, DESK_FIELDS)
    except ValueError:  # more fields than any desk form has
        fields = {}
    if not hmac.compare_digest(fields.get(CSRF_FIELD, ""), desk.csrf):
        DESK_FORMS_REFUSED.inc()
        with use_language(desk.language):
            return refusal(
                request, desk.language, 403, N_("Form refused"),
                _("This form did not come from your desk page (or your session changed): "
                  "nothing was changed. Open the page again and send it from there."),
                desk,
            )  # fmt: skip
    return desk, fields


# ---- the one-time link ------------------------------------------------------------------


async def link_refused(request: web.Request, why: LinkRefusal) -> web.Response:
    """The page for a link that signs no one in, in its moderator's language; counted."""
    DESK_LINKS_REFUSED.labels(why.value).inc()
    site = request.app[SITE]
    known = await store_of(site).link_language(request.match_info["token"])
    language = requested_language(request) or known or site.language(request)
    with use_language(language):
        messages = {
            LinkRefusal.unknown: _("This sign-in link is not one the bot gave, or not in full."),
            LinkRefusal.used: _("This sign-in link was already used: each link signs in once."),
            LinkRefusal.expired: _("This sign-in link has expired: each link is valid 10 minutes."),
        }
        message = messages[why] + " " + _("Send /fact desk (/fait bureau) again for a new one.")
        return refusal(request, language, 403, N_("Sign-in link refused"), message)


async def login_page(request: web.Request) -> web.Response:
    """GET ``/desk/login/{token}``: the button that signs in (nothing is used yet)."""
    site = request.app[SITE]
    token = request.match_info["token"]
    why = await store_of(site).check_link(token, now())
    if why is not None:
        return await link_refused(request, why)
    language = site.language(request)
    with use_language(language):
        page = Page("desk/login.html", {"token": token}, _("Sign in to the moderators' desk"),
                    request.path, indexed=False)  # fmt: skip
    return show(request, page, language)


async def login(request: web.Request) -> web.StreamResponse:
    """POST ``/desk/login/{token}``: use the link once, open a session, go to the queue."""
    site = request.app[SITE]
    store = store_of(site)
    await store.forget_expired(now())  # ended sessions and old links leave the database
    held = request.cookies.get(COOKIE, "")
    joining = await store.session(held, now()) if held else None
    redeemed = await store.redeem(request.match_info["token"], now(), joining)
    if isinstance(redeemed, LinkRefusal):
        return await link_refused(request, redeemed)
    secret, session = redeemed
    if joining is not None:
        await store.end_session(held)  # replaced by the new one, which covers its chats
    DESK_SIGN_INS.inc()
    await logged(request, session.actor, "sign-in", ", ".join(session.chats) or "-")
    response = see_other(f"/desk?lang={session.language}")
    response.set_cookie(
        COOKIE, secret, path=COOKIE_PATH, max_age=SESSION_HOURS * 3600, httponly=True,
        samesite="Strict", secure=secure_cookies(site),
    )  # fmt: skip
    return response


def see_other(location: str) -> web.Response:
    """After a form: go there (303), so reloading the page posts nothing again."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def secure_cookies(site: Site) -> bool:
    base = site.settings.web.base_url
    return bool(base and base.startswith("https://"))


async def logout(request: web.Request) -> web.StreamResponse:
    """POST ``/desk/logout``: the session ends on the server, the cookie in the browser."""
    sent = await posted(request)
    if isinstance(sent, web.Response):
        return sent
    site = request.app[SITE]
    await store_of(site).end_session(request.cookies.get(COOKIE, ""))
    await logged(request, sent[0].actor, "sign-out", "-")
    response = see_other(f"/?lang={sent[0].language}")
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    return response
