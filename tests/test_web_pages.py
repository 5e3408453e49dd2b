"""The public pages say what the bot says: the claims with their figures, sources and history,
ClaimReview built as the export builds it, and forms answering as /check and /cost do.

Every test talks HTTP to the real application on a real socket at 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.settings import Settings
from facts.exchange import claim_review, export_claims
from tests.test_french_replies import english_in
from tests.webclient import PUBLIC_URL, Web, serving

OUTDATED = "google-search-2009"  # outdated, corrected by gemini-median-prompt-energy
CURRENT = "gemini-median-prompt-energy"
SECONDARY = "iea-dc-2024"
VERIFIED = "ecologits-gpt4o-170tok-energy"


def text_of(html: str) -> str:
    """The visible text of a page, tags dropped (links in place) and spaces folded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"</?a\b[^>]*>", "", body)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def json_ld(html: str) -> list[dict[str, object]]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def answer_lines(html: str) -> list[str]:
    """The lines of the bot's answer shown on a form's page."""
    section = re.search(r'<div class="reply">(.*?)</div>', html, re.S)
    assert section is not None, "the page shows no answer"
    return [text_of(p) for p in re.findall(r"<p[^>]*>(.*?)</p>", section.group(1), re.S)]


# ---- home, topics, search ---------------------------------------------------------------


async def test_home_has_the_search_box_the_topics_and_the_latest_changes(web: Web) -> None:
    page = await web.get("/?lang=en")
    assert page.status == 200
    assert 'role="search"' in page.text and 'name="q"' in page.text
    for topic in ("training", "inference", "water", "data centres"):
        assert f">{topic}</a>" in page.text
    assert "Latest changes" in page.text and "added with the shipped claim base" in page.text


async def test_the_language_comes_from_the_address_before_the_browser(web: Web) -> None:
    asked = await web.get("/?lang=fr", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="fr">' in asked.text
    assert "Vary" not in asked.headers


async def test_without_lang_the_browser_language_chooses_and_the_page_varies_on_it(
    web: Web,
) -> None:
    page = await web.get("/claims/" + SECONDARY, headers={"Accept-Language": "de, fr;q=0.8"})
    assert '<html lang="fr">' in page.text
    assert page.headers["Vary"] == "Accept-Language"


async def test_every_page_has_a_canonical_address_and_its_alternates(web: Web) -> None:
    page = await web.get(f"/claims/{VERIFIED}?lang=fr")
    base = f"{PUBLIC_URL}/claims/{VERIFIED}"
    assert f'<link rel="canonical" href="{base}?lang=fr">' in page.text
    assert f'<link rel="alternate" hreflang="en" href="{base}?lang=en">' in page.text
    assert f'<link rel="alternate" hreflang="fr" href="{base}?lang=fr">' in page.text
    assert f'<link rel="alternate" hreflang="x-default" href="{base}">' in page.text


async def test_search_folds_accents_and_links_each_claim(web: Web) -> None:
    page = await web.get("/search?q=donnees+electricite&lang=fr")
    assert page.status == 200
    assert f'href="{PUBLIC_URL}/claims/{SECONDARY}?lang=fr"' in page.text


async def test_a_topic_page_lists_its_claims_and_a_french_name_leads_to_it(web: Web) -> None:
    page = await web.get("/topics/equivalents?lang=en")
    assert page.status == 200 and OUTDATED in page.text
    moved = await web.get("/topics/eau?lang=fr")
    assert moved.status == 301 and moved.headers["Location"] == "/topics/water?lang=fr"


# ---- a claim's page ---------------------------------------------------------------------


async def test_a_claim_page_shows_every_figure_with_its_measure_subject_and_period(
    web: Web,
) -> None:
    text = text_of((await web.get(f"/claims/{OUTDATED}?lang=en")).text)
    assert "Google’s own 2009 estimate" in text
    assert "0.3 Wh per request energy used · a Google search · 2009" in text
    assert "0.2 gCO2e per request greenhouse-gas emissions · a Google search · 2009" in text


async def test_a_claim_page_says_its_status_and_why(web: Web) -> None:
    text = text_of((await web.get(f"/claims/{OUTDATED}?lang=en")).text)
    assert "outdated" in text and "Why outdated: Sixteen years old" in text


async def test_an_outdated_claim_shows_the_chain_to_the_current_figure(web: Web) -> None:
    page = await web.get(f"/claims/{OUTDATED}?lang=en")
    assert "Corrected by" in page.text
    assert f'href="{PUBLIC_URL}/claims/{CURRENT}?lang=en"' in page.text


async def test_the_current_claim_lists_the_figures_it_corrects(web: Web) -> None:
    page = await web.get(f"/claims/{CURRENT}?lang=en")
    assert "It corrects" in page.text
    assert f'href="{PUBLIC_URL}/claims/{OUTDATED}?lang=en"' in page.text


async def test_sources_show_publisher_title_date_and_link(web: Web) -> None:
    text = text_of((await web.get(f"/claims/{OUTDATED}?lang=en")).text)
    assert (
        "Google (Urs Hölzle), Official Google Blog, “Powering a Google search”, January 11, 2009"
        " — https://googleblog.blogspot.com/2009/01/powering-google-search.html" in text
    )


async def test_history_says_when_and_which_fields_never_who_nor_a_note(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    claim = await core.services.claims.get(VERIFIED)
    assert claim is not None
    edited = claim.content().model_copy(update={"keywords": ["IEA", "AIE"]})
    await core.services.claims.replace(edited, "discord:123456789", reason="private note")
    text = text_of((await web.get(f"/claims/{VERIFIED}?lang=en")).text)
    assert "changed by a moderator (keywords)" in text
    assert "123456789" not in text and "private note" not in text


async def test_a_retracted_claim_keeps_its_page_with_when_and_why(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    await core.services.claims.retract(OUTDATED, "console:local", "superseded by a newer figure")
    page = await web.get(f"/claims/{OUTDATED}?lang=en")
    assert page.status == 200
    assert re.search(
        r"Retracted on \w+ \d+, \d{4}</strong>: superseded by a newer figure", page.text
    )
    assert json_ld(page.text) == []  # a withdrawn review is not offered to search engines


async def test_a_malformed_id_is_refused_and_an_unknown_one_is_not_found(web: Web) -> None:
    malformed = await web.get("/claims/%3Cscript%3E?lang=en")
    assert malformed.status == 400 and "is not a claim id" in malformed.text
    assert "<script>" not in malformed.text
    unknown = await web.get("/claims/no-such-claim-here?lang=en")
    assert unknown.status == 404 and "No claim “no-such-claim-here”" in unknown.text


async def test_an_id_in_capitals_leads_to_the_lower_case_address(web: Web) -> None:
    moved = await web.get(f"/claims/{VERIFIED.upper()}?lang=fr")
    assert moved.status == 301 and moved.headers["Location"] == f"/claims/{VERIFIED}?lang=fr"


async def test_a_former_id_leads_to_the_claims_address_now_in_the_same_language(
    web: Web,
) -> None:
    moved = await web.get("/claims/seed-moe-one-expert-per-token?lang=fr")
    assert moved.status == 301
    assert moved.headers["Location"] == "/claims/moe-one-expert-per-token?lang=fr"
    page = await web.get(moved.headers["Location"])
    assert page.status == 200 and "Mixtral" in page.text


# ---- ClaimReview ------------------------------------------------------------------------


async def test_a_reviewing_claim_carries_claimreview_with_googles_fields(web: Web) -> None:
    (review,) = json_ld((await web.get(f"/claims/{OUTDATED}?lang=fr")).text)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == f"{PUBLIC_URL}/claims/{OUTDATED}?lang=fr"
    assert review["claimReviewed"].startswith("Estimation de Google en 2009")
    assert review["inLanguage"] == "fr"
    assert review["author"] == {"@type": "Organization", "name": "Wattson", "url": PUBLIC_URL}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
    rating = review["reviewRating"]
    assert rating["alternateName"] == "Dépassé"
    assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (2, 1, 5)
    item = review["itemReviewed"]
    assert (
        item["@type"] == "Claim"
        and item["author"]["name"] == "Google (Urs Hölzle), Official Google Blog"
    )
    assert item["appearance"][0]["url"].startswith("https://googleblog.blogspot.com/")


async def test_the_page_and_the_export_build_the_same_claimreview(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    claims = await core.services.claims.all_claims(include_retracted=True)
    exported = json.loads(export_claims(claims, "claimreview", PUBLIC_URL))["@graph"][1:]
    reviewed = [claim for claim in claims if claim.status.value != "verified"]
    assert len(exported) == len(reviewed) > 40
    for claim, node in zip(reviewed, exported, strict=True):
        (on_page,) = json_ld((await web.get(f"/claims/{claim.id}?lang=en")).text)
        node.pop("additionalProperty")  # the whole claim, carried for imports only
        assert on_page == {"@context": "https://schema.org", **node}, claim.id


async def test_the_french_page_rates_in_french_what_the_export_rates_in_english(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    claim = await core.services.claims.get(OUTDATED)
    assert claim is not None
    (on_page,) = json_ld((await web.get(f"/claims/{OUTDATED}?lang=fr")).text)
    assert on_page == {"@context": "https://schema.org", **claim_review(claim, "fr", PUBLIC_URL,
                                                                       embed=False)}  # fmt: skip
    assert claim_review(claim, "en")["reviewRating"]["alternateName"] == "Outdated"


async def test_a_verified_claim_carries_no_claimreview(web: Web) -> None:
    assert json_ld((await web.get(f"/claims/{VERIFIED}?lang=en")).text) == []


# ---- forms: the bot's answers -----------------------------------------------------------

STATEMENTS = [
    ("en", "ChatGPT uses 500 mL of water per question"),
    ("en", "A ChatGPT request uses 2.9 Wh, ten times a Google search"),
    ("fr", "Les data centers consomment 1,5 % de l'électricité mondiale en 2024"),
    ("fr", "Bonjour à tous"),
]


@pytest.mark.parametrize(("language", "statement"), STATEMENTS)
async def test_the_check_form_gives_exactly_the_bots_answer(
    settings: Settings, language: str, statement: str
) -> None:
    async with open_core(settings) as core:
        bot = ConsoleAdapter(core, locale=language)
        (expected,) = await bot.send(f"/check {statement}")
        async with serving(core, settings) as web:
            page = await web.post(f"/check?lang={language}", data={"text": statement})
    assert page.status == 200
    *answer, offer = [line.strip() for line in expected.splitlines()]
    assert answer_lines(page.text) == answer
    # The console prints the offer to report the verdict; the page has its form instead.
    assert offer.endswith(("/check report [reason]", "/verifie signale [raison]"))
    assert '<form class="tool report"' in page.text


async def test_the_check_form_links_the_cited_claims_pages(web: Web) -> None:
    page = await web.get("/check?text=ChatGPT+uses+500+mL+of+water+per+question&lang=en")
    assert re.search(rf'<a href="{PUBLIC_URL}/claims/[a-z0-9-]+\?lang=en">/fact [a-z0-9-]+</a>',
                     page.text)  # fmt: skip


@pytest.mark.parametrize(
    ("language", "model", "text"),
    [("en", "openai:gpt-4o", "Hello, how much does this reply cost?"),
     ("fr", "mistralai:magistral-medium-latest", "Bonjour, combien coûte cette réponse ?")],
)  # fmt: skip
async def test_the_cost_form_gives_exactly_the_bots_answer(
    settings: Settings, language: str, model: str, text: str
) -> None:
    async with open_core(settings) as core:
        bot = ConsoleAdapter(core, locale=language)
        (expected,) = await bot.send(f"/cost {model} {text}")
        async with serving(core, settings) as web:
            page = await web.post(f"/cost?lang={language}", data={"text": text, "model": model})
    assert page.status == 200
    assert answer_lines(page.text) == [line.strip() for line in expected.splitlines()]


async def test_a_form_error_is_the_bots_localized_error(web: Web) -> None:
    page = await web.post("/cost?lang=fr", data={"text": "bonjour", "model": "openai:gpt-9"})
    assert page.status == 422
    assert "Modèle inconnu « openai:gpt-9 »" in text_of(page.text)


# ---- French readers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", f"/claims/{OUTDATED}", f"/claims/{CURRENT}", "/topics/water", "/search?q=eau",
     "/check?text=ChatGPT+consomme+500+mL+d%27eau+par+question", "/cost?text=Bonjour",
     "/claims/pas-de-claim-ici"],
)  # fmt: skip
async def test_a_french_page_has_no_english_prose(web: Web, path: str) -> None:
    sep = "&" if "?" in path else "?"
    page = await web.get(f"{path}{sep}lang=fr")
    # Sources keep their titles as published.
    text = text_of(re.sub(r'<ol class="sources">.*?</ol>', "", page.text, flags=re.S))
    # The language switch names each language in itself (lang="en"): not prose.
    assert english_in(text.replace("English", "")) == []
