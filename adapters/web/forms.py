"""The /check and /cost forms: the bot's own answers, on a page.

A form asks the core exactly as a chat adapter does (``/check TEXT``,
``/cost MODEL TEXT``, in the reader's language), so the verdict, figures and
sources on the page are the bot's reply, line for line, with the cited claims
and addresses linked. A short statement can be cited by its address
(``/check?text=…&lang=fr``); a long one is posted, up to ``max_body_bytes``.

Under a verdict, "Wrong verdict?" is a small form (the core's offer, as the
chats show it as a button): posted to ``/check/report`` with an optional
reason, it files the reader's report as a press in a chat does. Each client
address may report ``[reports] per_person_per_hour`` times an hour (its
report times kept in memory for that hour, never the address on disk).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.web.fields import fields_of
from adapters.web.middleware import client_address
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from adapters.web.urls import Links
from bot.commands.check import check_json
from bot.foundation.i18n import _
from bot.measuring.estimate import CostEstimate, estimate_json
from bot.messages import Reply
from bot.reports.filing import ReportLimitError
from facts.check import CheckResult

CITABLE_CHARS = 1_000  # a statement this short keeps its address as the page's canonical one


def answer_data(lines: str, error: bool) -> dict[str, Any]:
    return {"lines": lines.splitlines(), "error": error}


async def check_view(site: Site, text: str, links: Links) -> Page:
    """The form, and for a statement the bot's verdict on it."""
    data: dict[str, Any] = {"text": text, "answer": None, "result": None, "report": None}
    status = 200
    if text.strip():
        reply = await site.ask("check", text, links.language)
        data["answer"] = answer_data(reply.text, reply.error)
        if isinstance(reply.data, CheckResult) and not reply.error:
            data["result"] = check_json(reply.data)
        else:
            status = 422
        data["report"] = report_offer(site, reply)
    citable = text.strip() and len(text) <= CITABLE_CHARS
    return Page(
        "check.html",
        data,
        _("Check a figure") if not text.strip() else _("Check: {text}").format(text=text[:60]),
        "/check",
        query={"text": text} if citable else {},
        status=status,
        description=_(
            "Paste a statement that circulates about AI's energy, water or carbon: Wattson "
            "compares each figure with the sourced claims about the same thing."
        ),
        indexed=not text.strip(),
    )


def report_offer(site: Site, reply: Reply) -> dict[str, Any] | None:
    """What the "Wrong verdict?" form needs of the reply's offer (``None``: none offered)."""
    for action in reply.actions:
        return {
            "action": action.data,
            "label": action.label,
            "reason_chars": site.settings.reports.reason_chars,
            "minutes": round(site.core.services.offers.seconds / 60),
        }
    return None


async def report_view(site: Site, action: str, reason: str, address: str, links: Links) -> Page:
    """The answer to a posted "Wrong verdict?": the report's number, or why not.

    Only reports filed count towards the address's hourly number (a refused one
    costs nothing; guessing an offer's token is hopeless anyway).
    """
    window = site.reports_window
    retry = window.retry_after(address)
    if retry > 0:
        text, error, status = ReportLimitError(window.limit, retry).localized(), True, 429
    else:
        reply = await site.press(action, reason, links.language)
        text, error, status = reply.text, reply.error, 422 if reply.error else 200
        if not reply.error:
            window.allow(address)
    return Page(
        "report.html",
        {"answer": answer_data(text, error)},
        _("Report a verdict"),
        "/check",
        status=status,
        indexed=False,
    )


async def cost_view(site: Site, text: str, model: str, links: Links) -> Page:
    """The form, and for a text what generating it costs, as /cost answers."""
    chosen = model.strip() or site.settings.cost.default_model
    data: dict[str, Any] = {
        "text": text,
        "model": chosen,
        "models": model_groups(site),
        "answer": None,
        "result": None,
    }
    status = 200
    if text.strip():
        reply = await site.ask("cost", f"{chosen} {text}", links.language)
        data["answer"] = answer_data(reply.text, reply.error)
        if isinstance(reply.data, CostEstimate) and not reply.error:
            data["result"] = estimate_json(reply.data)
        else:
            status = 422
    return Page(
        "cost.html",
        data,
        _("What generating a text costs"),
        "/cost",
        status=status,
        description=_(
            "Tokens, energy, greenhouse gases and water of an AI model generating a text, "
            "as EcoLogits computes them, with sourced everyday equivalents."
        ),
        indexed=not text.strip(),
    )


def model_groups(site: Site) -> list[dict[str, Any]]:
    """The models EcoLogits knows, by provider, for the form's list."""
    groups: dict[str, list[str]] = {}
    for model in site.core.services.catalog:
        groups.setdefault(model.provider, []).append(model.key)
    return [{"provider": p, "models": sorted(keys)} for p, keys in sorted(groups.items())]


async def check(request: web.Request) -> web.Response:
    site = request.app[SITE]
    text = (await fields_of(request)).get("text", "")
    return await site.page(request, lambda links: check_view(site, text, links), None)


async def report(request: web.Request) -> web.Response:
    """POST ``/check/report`` (``action``, ``reason``): a reader reports the verdict above."""
    site = request.app[SITE]
    fields = await fields_of(request)
    action, reason = fields.get("action", "").strip(), fields.get("reason", "")
    address = client_address(request, site.settings.web.trust_forwarded_for)
    return await site.page(
        request, lambda links: report_view(site, action, reason, address, links), None
    )


async def cost(request: web.Request) -> web.Response:
    site = request.app[SITE]
    fields = await fields_of(request)
    text, model = fields.get("text", ""), fields.get("model", "")
    return await site.page(request, lambda links: cost_view(site, text, model, links), None)
