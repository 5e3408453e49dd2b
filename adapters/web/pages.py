"""The public pages of the claim base: home, search, topics, one page per claim.

Each view computes one :class:`~adapters.web.render.Page` from the claim
store; the handlers below render it as HTML, and the JSON API
(:mod:`adapters.web.api`) serves the same views' data.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from adapters.web.fields import clean, form_fields
from adapters.web.present import (
    PUBLIC_ACTIONS,
    action_label,
    claim_page,
    claim_summary,
    date_text,
)
from adapters.web.quiz import quiz_link
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from adapters.web.urls import Links
from bot.foundation.i18n import _
from facts.models import CLAIM_ID_PATTERN, Claim, Topic
from facts.search import search_claims
from facts.vocabulary import read_topic, topic_label

CLAIM_ID = re.compile(CLAIM_ID_PATTERN)
PER_PAGE = 50
LATEST_CHANGES = 12
SEARCH_RESULTS = 25
MAX_QUERY_CHARS = 2_000  # a search reads at most 24 words; the rest is never looked at
CHAIN_LENGTH = 10
TITLE_CHARS = 110


def error_page(status: int, title: str, message: str) -> Page:
    return Page("error.html", {"message": message}, title, "/", status=status, indexed=False)


def not_a_claim_id(raw: str) -> Page:
    return error_page(
        400,
        _("Not a claim id"),
        _("“{id}” is not a claim id: ids are lower-case letters, digits and hyphens.").format(
            id=clean(raw)[:80]
        ),
    )


def no_such_claim(claim_id: str) -> Page:
    return error_page(
        404,
        _("No such claim"),
        _("No claim “{id}”. Search the base, or browse a topic.").format(id=claim_id),
    )


def topics(links: Links) -> list[dict[str, str]]:
    return [
        {"code": t.value, "label": topic_label(t), "url": links.to(f"/topics/{t.value}")}
        for t in Topic
    ]


# ---- views ------------------------------------------------------------------------------


async def home_view(site: Site, links: Links) -> Page:
    """The search box, the topics with how many claims each holds, and the latest changes."""
    counted = [
        {**topic, "count": await site.store.count(Topic(topic["code"]))} for topic in topics(links)
    ]
    entries = await site.store.recent_changes(LATEST_CHANGES, PUBLIC_ACTIONS)
    claims = await site.store.get_many((e.claim_id for e in entries), include_retracted=True)
    changes = [
        {
            "at": entry.at.isoformat(),
            "at_text": date_text(entry.at, links.language),
            "action_label": action_label(entry),
            "claim": claim_summary(claims[entry.claim_id], links),
        }
        for entry in entries
        if entry.claim_id in claims
    ]
    return Page(
        "home.html",
        {"topics": counted, "changes": changes, "total": await site.store.count()},
        _("Wattson: sourced figures on the energy footprint of AI"),
        "/",
        description=_(
            "Sourced, dated figures on the energy, water and carbon footprint of AI, "
            "in French and English, and a checker for the figures that circulate."
        ),
    )


async def search_view(site: Site, query: str, links: Links) -> Page:
    """Claims matching the words, accents folded, French or English."""
    query = clean(query)[:MAX_QUERY_CHARS].strip()
    hits = await search_claims(site.store, query, limit=SEARCH_RESULTS) if query else []
    return Page(
        "search.html",
        {"query": query, "results": [claim_summary(hit.claim, links) for hit in hits]},
        _("Search: {words}").format(words=query[:60]) if query else _("Search the claims"),
        "/search",
        query={"q": query[:200]} if query else {},
        indexed=False,
    )


async def topic_view(site: Site, topic: Topic, number: int, links: Links) -> Page:
    """One page of a topic's claims, by id."""
    total = await site.store.count(topic)
    last = max(1, -(-total // PER_PAGE))
    number = min(max(1, number), last)
    claims = await site.store.listing(topic, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    path = f"/topics/{topic.value}"

    def page_link(n: int) -> str | None:
        if not 1 <= n <= last or n == number:
            return None
        return links.to(path, page=n) if n > 1 else links.to(path)

    return Page(
        "topic.html",
        {
            "topic": {"code": topic.value, "label": topic_label(topic)},
            "claims": [claim_summary(claim, links) for claim in claims],
            "total": total,
            "page_number": number,
            "pages": last,
            "previous": page_link(number - 1),
            "next": page_link(number + 1),
        },
        _("Claims on {topic}").format(topic=topic_label(topic)),
        path,
        query={"page": str(number)} if number > 1 else {},
    )


async def claim_view(site: Site, claim_id: str, links: Links) -> Page:
    """One claim: statement, figures, status and why, corrections, sources, history."""
    claim = await site.store.get(claim_id, include_retracted=True)
    if claim is None:
        return no_such_claim(claim_id)
    chain = await correction_chain(site, claim)
    marker = await site.marker()
    older = (await site.corrections(marker)).get(claim.id, [])
    corrects = list((await site.store.get_many(older)).values())
    data = claim_page(claim, await site.store.history(claim.id), chain, corrects, links)
    data["quiz"] = await quiz_link(site, claim, links)
    return Page(
        "claim.html",
        data,
        shorten(claim.statement.pick(links.language), TITLE_CHARS),
        f"/claims/{claim.id}",
        description=description_of(data),
        json_ld=data["claim_review"],
    )


def shorten(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word and marked with "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def description_of(data: dict[str, Any]) -> str:
    return f"{data['status']['label']} — {data['figure']} — {data['source']['byline']}"


async def correction_chain(site: Site, claim: Claim) -> list[Claim]:
    """The claims that correct this one, in order, up to the current figure (no loop)."""
    chain: list[Claim] = []
    seen = {claim.id}
    step = claim
    while step.corrected_by and step.corrected_by not in seen and len(chain) < CHAIN_LENGTH:
        found = await site.store.get(step.corrected_by, include_retracted=True)
        if found is None:
            break
        chain.append(found)
        seen.add(found.id)
        step = found
    return chain


# ---- handlers -----------------------------------------------------------------------


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


async def home(request: web.Request) -> web.Response:
    site = request.app[SITE]
    return await site.page(request, lambda links: home_view(site, links), "home")


async def search(request: web.Request) -> web.Response:
    site = request.app[SITE]
    query = request.query.get("q", "")
    if request.method == "POST":
        query = (await form_fields(request)).get("q", query)
    return await site.page(request, lambda links: search_view(site, query, links), None)


async def topic(request: web.Request) -> web.StreamResponse:
    site = request.app[SITE]
    name = request.match_info["topic"]
    try:
        chosen = Topic(read_topic(name))
    except ValueError:
        page = error_page(
            404,
            _("No such topic"),
            _("Unknown topic “{name}”. Topics: {topics}.").format(
                name=clean(name)[:40], topics=", ".join(topic_label(t) for t in Topic)
            ),
        )
        return await site.page(request, lambda links: _constant(page), None)
    if chosen.value != name:  # a French name, or other case: to the canonical address
        raise web.HTTPMovedPermanently(site_path(request, f"/topics/{chosen.value}"))
    number = page_number(request)
    view = lambda links: topic_view(site, chosen, number, links)  # noqa: E731
    return await site.page(request, view, ("topic", chosen, number))


async def claim(request: web.Request) -> web.StreamResponse:
    site = request.app[SITE]
    raw = request.match_info["id"]
    claim_id = raw.strip().casefold()
    if not CLAIM_ID.match(claim_id):
        page = not_a_claim_id(raw)
        return await site.page(request, lambda links: _constant(page), None)
    if claim_id != raw:
        raise web.HTTPMovedPermanently(site_path(request, f"/claims/{claim_id}"))
    current = await current_id(site, claim_id)
    if current is not None:  # a former id: the claim's address now
        raise web.HTTPMovedPermanently(site_path(request, f"/claims/{current}"))
    return await site.page(
        request, lambda links: claim_view(site, claim_id, links), ("claim", claim_id)
    )


async def current_id(site: Site, claim_id: str) -> str | None:
    """The id a claim now has when ``claim_id`` is a former one no claim holds any more."""
    current = site.store.renamed_to(claim_id)
    if current is None or await site.store.get(claim_id, include_retracted=True) is not None:
        return None
    return current


def site_path(request: web.Request, path: str) -> str:
    """``path`` with the request's query kept (its language, its page)."""
    return f"{path}?{request.query_string}" if request.query_string else path


async def _constant(page: Page) -> Page:
    return page
