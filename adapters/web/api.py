"""The JSON API, ``/api/v1``: the claims, one claim, ``check`` and ``cost``, described by OpenAPI.

``claims/{id}`` answers the data of the claim's page (one view, two
renderings); ``check`` and ``cost`` answer the contracts of ``wattson check
--json`` and ``wattson cost --json``, computed as the command line computes
them. Every error is ``{"ok": false, "errors": [{"message", "field"}]}`` with
its status, the message in the reader's language; never a traceback.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.web.fields import fields_of
from adapters.web.openapi import OPENAPI
from adapters.web.pages import CLAIM_ID, claim_view, current_id, not_a_claim_id, site_path
from adapters.web.present import claim_summary
from adapters.web.render import Page, json_body
from adapters.web.site import SITE, Site
from bot.commands.check import check_json
from bot.foundation.errors import TextTooLongError, UserInputError
from bot.foundation.i18n import SUPPORTED_LANGUAGES, _, use_language
from bot.measuring.energy import check_zone
from bot.measuring.estimate import estimate_json, estimate_text
from facts.check import check_statement
from facts.models import Status, Topic
from facts.search import search_claims

PREFIX = "/api/v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SEARCHED = 200  # a search lists at most this many of its best matches


class ApiError(Exception):
    """A request the API refuses: its status and what to fix, in the reader's language."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_body(status: int, message: str, field: str | None = None) -> web.Response:
    """The API's error: ``{"ok": false, "errors": [...]}`` with its status."""
    error: dict[str, Any] = {"message": message}
    if field:
        error["field"] = field
    return web.Response(
        body=json_body({"ok": False, "errors": [error]}),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def ok(data: Any) -> web.Response:
    return web.Response(body=json_body(data), content_type="application/json", charset="utf-8")


def api_shape(page: Page) -> Any:
    """A page's data as the API answers it; an error page as the API's error."""
    if page.status >= 400:
        return {"ok": False, "errors": [{"message": page.data["message"]}]}
    return page.data


def api_language(site: Site, request: web.Request, fields: dict[str, str]) -> str:
    raw = fields.get("lang", "").strip().casefold()
    if raw and raw not in SUPPORTED_LANGUAGES:
        raise ApiError(400, _("lang must be one of: {languages}.").format(
            languages=", ".join(SUPPORTED_LANGUAGES)), "lang")  # fmt: skip
    return raw or site.language(request)


def number(fields: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = fields.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, _("{field} must be a whole number from {low} to {high}.").format(
            field=name, low=low, high=high), name)  # fmt: skip
    return int(raw)


def member(fields: dict[str, str], name: str, kind: type[Topic] | type[Status]) -> Any:
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise ApiError(400, _("{field} must be one of: {values}.").format(
            field=name, values=", ".join(m.value for m in kind)), name) from None  # fmt: skip


def required_text(fields: dict[str, str], limit: int) -> str:
    text = fields.get("text", "")
    if not text.strip():
        raise ApiError(422, _("Give the text to read as “text”."), "text")
    if len(text) > limit:
        raise ApiError(422, TextTooLongError(len(text), limit).localized(), "text")
    return text


async def answer(request: web.Request, compute: Any) -> web.Response:
    """Run ``compute(site, fields, language)`` in the reader's language; errors as the API's."""
    site = request.app[SITE]
    fields = await fields_of(request)
    language = site.language(request)
    with use_language(language):
        try:
            language = api_language(site, request, fields)
            with use_language(language):
                return ok(await compute(site, fields, language))
        except ApiError as error:
            with use_language(language):
                return error_body(error.status, error.message, error.field)


# ---- routes ---------------------------------------------------------------------------


async def claims(request: web.Request) -> web.Response:
    """The shown claims, a page at a time; filtered by topic and status, or searched (``q``)."""

    async def compute(site: Site, fields: dict[str, str], language: str) -> Any:
        topic = member(fields, "topic", Topic)
        status = member(fields, "status", Status)
        limit = number(fields, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = number(fields, "offset", 0, 0, 10_000_000)
        query = fields.get("q", "").strip()
        links = site.links(request, language)
        if query:
            hits = await search_claims(site.store, query[:2_000], limit=SEARCHED)
            found = [
                hit.claim
                for hit in hits
                if (topic is None or hit.claim.topic is topic)
                and (status is None or hit.claim.status is status)
            ]
            total, page = len(found), found[offset : offset + limit]
        else:
            total = await site.store.count(topic, status)
            page = await site.store.listing(topic, status, limit, offset)
        following = None
        if offset + limit < total:
            kept = {k: v for k, v in fields.items() if k in ("topic", "status", "q") and v}
            following = links.to(f"{PREFIX}/claims", **kept, limit=limit, offset=offset + limit)
        return {
            "claims": [claim_summary(claim, links) for claim in page],
            "total": total,
            "limit": limit,
            "offset": offset,
            "next": following,
        }

    return await answer(request, compute)


async def claim(request: web.Request) -> web.Response:
    """One claim: what its page shows, as data."""
    site = request.app[SITE]
    claim_id = request.match_info["id"].strip().casefold()
    if not CLAIM_ID.match(claim_id):
        page = not_a_claim_id(request.match_info["id"])
        with use_language(site.language(request)):
            return error_body(400, page.data["message"])
    current = await current_id(site, claim_id)
    if current is not None:  # a former id: the claim's address now
        raise web.HTTPMovedPermanently(site_path(request, f"{PREFIX}/claims/{current}"))
    return await site.data(
        request, lambda links: claim_view(site, claim_id, links), ("claim", claim_id), api_shape
    )


async def check(request: web.Request) -> web.Response:
    """``wattson check --json`` on ``text`` (``lang``: the statement's language, else guessed)."""

    async def compute(site: Site, fields: dict[str, str], language: str) -> Any:
        text = required_text(fields, site.settings.limits.max_input_chars)
        stated_in = fields.get("lang", "").strip().casefold() or None
        return check_json(await check_statement(site.store, text, stated_in))

    return await answer(request, compute)


async def cost(request: web.Request) -> web.Response:
    """``wattson cost --json`` on ``text``, with ``model`` and ``zone`` as it takes them."""

    async def compute(site: Site, fields: dict[str, str], language: str) -> Any:
        text = required_text(fields, site.settings.limits.max_input_chars)
        services = site.core.services
        try:
            model = services.catalog.resolve(fields.get("model", "").strip() or
                                             site.settings.cost.default_model)  # fmt: skip
        except UserInputError as error:
            raise ApiError(422, error.localized(), "model") from None
        try:
            zone = check_zone(fields["zone"]) if fields.get("zone", "").strip() else None
        except UserInputError as error:
            raise ApiError(422, error.localized(), "zone") from None
        return estimate_json(estimate_text(text, model, services.estimator, zone))

    return await answer(request, compute)


async def openapi(request: web.Request) -> web.Response:
    return ok(OPENAPI)


async def preflight(request: web.Request) -> web.Response:
    """CORS preflight: the API may be read (GET) from any origin."""
    return web.Response(status=204)
