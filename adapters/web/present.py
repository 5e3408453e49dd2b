"""Claims as pages and the API show them: plain dicts, in the reader's language, JSON-ready.

Every text a reader sees comes from the core's own wording (the figure as
``/fact`` writes it, the status and measure labels, topic names), so a page
says what the bot says. Dates are written by Babel for the reader's locale.
A claim's history says when and which fields changed, never who (a platform
id) nor a moderator's note; a retraction's reason is public, as its page says.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date

from adapters.web.urls import Links
from bot.commands.claims import figure_text, quantity_details
from bot.foundation.i18n import N_, _
from facts.exchange import claim_record, claim_review, reviews_a_statement
from facts.models import Claim, ClaimSource, Quantity
from facts.store import AuditEntry
from facts.vocabulary import status_label, topic_label

HISTORY_SHOWN = 8
# What readers are told of each kind of change; other entries (a seed upgrade a
# moderator's version kept out) are the moderators' business.
ACTIONS = {
    "seed-add": N_("added with the shipped claim base"),
    "seed-upgrade": N_("updated with the shipped claim base"),
    "add": N_("added by a moderator"),
    "edit": N_("changed by a moderator"),
    "import": N_("imported by the operator"),
    "approve": N_("added or changed from a member’s proposal"),
    "retract": N_("retracted"),
    "restore": N_("restored"),
    "rename": N_("id changed"),
    "rename-reference": N_("the claim named as its correction changed its id"),
}
PUBLIC_ACTIONS = tuple(ACTIONS)
FIELDS = {
    "statement": N_("statement"),
    "quantities": N_("figures"),
    "sources": N_("sources"),
    "status": N_("status"),
    "explanation": N_("explanation"),
    "corrected_by": N_("correction"),
    "keywords": N_("keywords"),
    "topic": N_("topic"),
}


def date_text(value: date | datetime | str | None, language: str) -> str:
    """``4 December 2026`` / ``4 décembre 2026``; a partial date (``2024-05``, ``2019``) as given."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    return str(format_date(day, format="long", locale=language))


def figure_dict(quantity: Quantity) -> dict[str, Any]:
    """One figure of a claim: as the bot writes it, what it measures, about what, when."""
    measure, about, period = quantity_details(quantity)
    return {
        "text": figure_text(quantity),
        "measure": measure,
        "about": about,
        "period": period,
        "checkable": quantity.checkable,
        "value": quantity.value,
        "low": quantity.low,
        "high": quantity.high,
        "unit": quantity.unit,
        "per": quantity.per.value,
    }


def source_dict(source: ClaimSource, language: str) -> dict[str, Any]:
    """Publisher, title, date and link; the note is for moderators and stays out."""
    return {
        "publisher": source.publisher,
        "cites": source.cites,
        "byline": source.byline,  # "Axios, citing OpenAI", in the page's language
        "title": source.title,
        "date": source.date,
        "date_text": date_text(source.date, language) if source.date else _("undated"),
        "url": source.url,
    }


def status_dict(claim: Claim, language: str) -> dict[str, Any]:
    return {
        "code": claim.status.value,
        "label": status_label(claim.status),
        "explanation": claim.explanation.pick(language) if claim.explanation else None,
    }


def claim_summary(claim: Claim, links: Links) -> dict[str, Any]:
    """A claim in a list: its page, statement, status, main figure, first source."""
    language = links.language
    source = claim.sources[0]
    return {
        "id": claim.id,
        "url": links.claim(claim.id),
        "statement": claim.statement.pick(language),
        "status": status_dict(claim, language),
        "topic": {"code": claim.topic.value, "label": topic_label(claim.topic)},
        "figure": figure_text(claim.figure),
        "source": source_dict(source, language),
        "updated_at": claim.updated_at.isoformat() if claim.updated_at else None,
    }


def action_label(entry: AuditEntry) -> str:
    """What a public change did; a rename says the former id, the claim's old address."""
    if entry.action == "rename" and entry.before and entry.before.get("id"):
        return _("id changed, formerly {id}").format(id=entry.before["id"])
    return _(ACTIONS[entry.action])


def history_items(entries: list[AuditEntry], language: str) -> tuple[list[dict[str, Any]], int]:
    """The latest public changes, newest first, and how many earlier ones are not shown."""
    public = [entry for entry in entries if entry.action in ACTIONS]
    shown = list(reversed(public))[:HISTORY_SHOWN]
    items = []
    for entry in shown:
        changed = sorted(
            key
            for key in FIELDS
            if entry.before is not None
            and entry.after is not None
            and entry.before.get(key) != entry.after.get(key)
        )
        items.append(
            {
                "at": entry.at.isoformat(),
                "at_text": date_text(entry.at, language),
                "action": entry.action,
                "action_label": action_label(entry),
                "fields": [_(FIELDS[key]) for key in changed],
            }
        )
    return items, len(public) - len(shown)


def retraction(entries: list[AuditEntry], language: str) -> dict[str, Any] | None:
    """When the claim was retracted and why, from its last retraction."""
    last = next((e for e in reversed(entries) if e.action == "retract"), None)
    if last is None:
        return None
    return {"at": last.at.isoformat(), "at_text": date_text(last.at, language), "why": last.reason}


def claim_page(
    claim: Claim,
    history: list[AuditEntry],
    chain: list[Claim],
    corrects: list[Claim],
    links: Links,
) -> dict[str, Any]:
    """Everything a claim's page shows, and what ``/api/v1/claims/{id}`` answers.

    ``chain`` is the corrections that follow this claim (outdated → … → current),
    ``corrects`` the claims this one holds the right figure for.
    """
    language = links.language
    items, earlier = history_items(history, language)
    retracted = retraction(history, language) if claim.retracted else None
    review = None
    if reviews_a_statement(claim) and not claim.retracted:
        review = claim_review(claim, language, links.base, embed=False)
        review = {"@context": "https://schema.org", **review}
    return {
        **claim_summary(claim, links),
        "language": language,
        "alternates": {lang: links.claim(claim.id, lang) for lang in ("en", "fr")},
        "figures": [figure_dict(quantity) for quantity in claim.quantities],
        "sources": [source_dict(source, language) for source in claim.sources],
        "corrections": {
            "chain": [claim_summary(step, links) for step in chain],
            "corrects": [claim_summary(older, links) for older in corrects],
        },
        "history": items,
        "history_earlier": earlier,
        "retracted": retracted,
        "created_at": claim.created_at.isoformat() if claim.created_at else None,
        "claim_review": review,
        "record": public_record(claim),
    }


def public_record(claim: Claim) -> dict[str, Any]:
    """The claim as ``wattson facts export --format json`` writes it, less who changed it
    (platform ids) and the sources' notes (the moderators' working notes)."""
    record = {k: v for k, v in claim_record(claim).items() if k not in ("created_by", "updated_by")}
    record["sources"] = [{k: v for k, v in s.items() if k != "note"} for s in record["sources"]]
    return record
