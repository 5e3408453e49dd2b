"""Export and import the claim base: TOML (as the seed files), JSON, schema.org ClaimReview.

``json`` is an array of claims with their content and change metadata. ``toml``
has the layout of ``facts/data/*.toml``. ``claimreview`` is a JSON-LD graph: a
schema.org ``ClaimReview`` for every claim rated other than verified (what
fact-checkers publish), and a ``Dataset`` holding the verified ones; each node
also carries the full Wattson claim, so an import gives back the same base.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from bot.foundation.i18n import use_language
from facts.fields import describe_problems
from facts.models import Claim, ClaimContent, Status
from facts.vocabulary import status_label

Format = Literal["toml", "json", "claimreview"]
FORMATS: tuple[Format, ...] = ("toml", "json", "claimreview")
CLAIM_PROPERTY = "wattson:claim"
RATINGS = {  # schema.org Rating: 1 (false) … 5 (verified)
    Status.false: 1, Status.outdated: 2, Status.disputed: 3, Status.secondary: 4,
    Status.verified: 5,
}  # fmt: skip


class ImportFileError(ValueError):
    """The file cannot be imported; ``problems`` lists every invalid entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def claim_record(claim: Claim, with_figure: bool = True) -> dict[str, Any]:
    """A claim as a record; ``figure`` repeats its main quantity for readers of the older format."""
    record = claim.model_dump(mode="json")
    if not record["retracted"]:
        record.pop("retracted")
    if with_figure:
        figure = claim.figure.figure().model_dump(mode="json")
        record = {
            **{k: v for k, v in record.items() if k != "quantities"},
            "figure": figure,
            "quantities": record["quantities"],
        }
    return record


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def export_claims(claims: Sequence[Claim], fmt: Format, base_url: str | None = None) -> str:
    """Serialize ``claims`` (retracted ones included, marked) in ``fmt``.

    ``base_url`` (``[web] public_url``) gives each ClaimReview the URL of its page.
    """
    if fmt == "json":
        records = [claim_record(claim) for claim in claims]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "toml":
        import tomli_w

        records = [claim_record(claim, with_figure=False) for claim in claims]
        return tomli_w.dumps({"claim": [_drop_none(r) for r in records]})
    return json.dumps(_claimreview_graph(claims, base_url), ensure_ascii=False, indent=2) + "\n"


PUBLISHER = "Wattson"


def claim_url(base_url: str, claim_id: str, language: str) -> str:
    """The public page of a claim in one language: ``{base}/claims/{id}?lang={language}``.

    One shape for every place that links a claim: the web pages' canonical
    links, the sitemap, ClaimReview, and the links the chats give.
    """
    return f"{base_url.rstrip('/')}/claims/{claim_id}?lang={language}"


def reviews_a_statement(claim: Claim) -> bool:
    """Whether the claim rates a statement (anything but verified): it gets a ClaimReview."""
    return claim.status is not Status.verified


def _appearances(claim: Claim) -> list[dict[str, Any]]:
    """Where the statement reviewed appears, as far as the base knows: its sources."""
    return [
        _drop_none({"@type": "CreativeWork", "url": str(s.url) if s.url else None,
                    "name": s.title, "datePublished": s.date,
                    "publisher": {"@type": "Organization", "name": s.publisher}})
        for s in claim.sources
    ]  # fmt: skip


def _embedded(claim: Claim) -> dict[str, Any]:
    """The whole Wattson claim, so an import gives back the same base."""
    return {
        "@type": "PropertyValue",
        "propertyID": CLAIM_PROPERTY,
        "value": json.dumps(claim_record(claim), ensure_ascii=False, sort_keys=True),
    }


def claim_review(
    claim: Claim, language: str = "en", base_url: str | None = None, embed: bool = True
) -> dict[str, Any]:
    """The schema.org ``ClaimReview`` of a claim, as Google's fact-check markup guide asks.

    Required there: ``claimReviewed``, ``reviewRating`` with its
    ``alternateName`` (the rating in words, here in ``language``) and ``url``
    (the claim's page, known once ``[web] public_url`` is set); recommended:
    ``author``, ``datePublished``, ``itemReviewed`` (a ``Claim`` with its
    appearances, author and date where the base knows them). The claim's page
    and ``wattson facts export --format claimreview`` both build it here; the
    page leaves out (``embed=False``) the whole claim an export carries for import.
    """
    with use_language(language):
        rating = status_label(claim.status)
    first = claim.sources[0]
    site = base_url.rstrip("/") if base_url else None
    review: dict[str, Any] = _drop_none(
        {
            "@type": "ClaimReview",
            "identifier": claim.id,
            "url": claim_url(site, claim.id, language) if site else None,
            "inLanguage": language,
            "claimReviewed": claim.statement.pick(language),
            "datePublished": claim.created_at.date().isoformat() if claim.created_at else None,
            "dateModified": claim.updated_at.date().isoformat() if claim.updated_at else None,
            "author": {"@type": "Organization", "name": PUBLISHER, "url": site},
            "reviewBody": claim.explanation.pick(language) if claim.explanation else None,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATINGS[claim.status],
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": rating[:1].upper() + rating[1:],
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Organization", "name": first.publisher},
                "datePublished": first.date,
                "appearance": _appearances(claim),
            },
            "additionalProperty": _embedded(claim) if embed else None,
        }
    )
    return review


def _claimreview_graph(claims: Sequence[Claim], base_url: str | None) -> dict[str, Any]:
    reviews = []
    verified = []
    for claim in claims:
        if reviews_a_statement(claim):
            reviews.append(claim_review(claim, "en", base_url))
            continue
        verified.append(
            {
                "@type": "Claim",
                "identifier": claim.id,
                "text": claim.statement.en,
                "appearance": _appearances(claim),
                "additionalProperty": _embedded(claim),
            }
        )
    dataset = {
        "@type": "Dataset",
        "name": "Wattson claim base: verified claims",
        "description": "Sourced figures on the energy, water and carbon footprint of AI.",
        "hasPart": verified,
    }
    return {"@context": "https://schema.org", "@graph": [dataset, *reviews]}


def detect_format(path: Path, explicit: str | None = None) -> Format:
    if explicit:
        if explicit not in FORMATS:
            raise ImportFileError([f"unknown format {explicit!r}; use toml, json or claimreview"])
        return explicit
    if path.suffix == ".toml":
        return "toml"
    text = path.read_text(encoding="utf-8")
    return "claimreview" if '"@context"' in text[:200] else "json"


def read_claims(path: Path, fmt: Format | None = None) -> list[tuple[ClaimContent, bool]]:
    """(content, retracted) of every claim in the file; every problem reported at once."""
    fmt = fmt or detect_format(path)
    expected = EXPECTED_FORMS[fmt]
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ImportFileError([f"{path}: the file is empty; expected {expected}"])
    try:
        if fmt == "toml":
            records = tomllib.loads(text).get("claim", [])
        elif fmt == "json":
            records = json.loads(text)
        else:
            records = _records_from_graph(json.loads(text))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ImportFileError([f"{path}: not JSON ({where}); expected {expected}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ImportFileError([f"{path}: not TOML ({error}); expected {expected}"]) from None
    except (OSError, ValueError, AttributeError, KeyError, TypeError) as error:
        raise ImportFileError([f"{path}: {error}; expected {expected}"]) from None
    if not isinstance(records, list) or not records:
        raise ImportFileError([f"{path}: no claim found; expected {expected}"])
    claims: list[tuple[ClaimContent, bool]] = []
    problems: list[str] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append(f"entry {index}: not a claim")
            continue
        retracted = bool(record.get("retracted", False))
        if changed := figure_changes(record):
            label = record.get("id", f"entry {index}")
            problems.append(
                f"{label}: figure ({changed}) differs from the first of quantities; figure only"
                " repeats it for older readers: edit quantities instead"
            )
            continue
        content = {
            k: v for k, v in record.items() if k in ClaimContent.model_fields or k == "figure"
        }
        try:
            claims.append((ClaimContent.model_validate(content), retracted))
        except ValidationError as error:
            label = record.get("id", f"entry {index}")
            problems.extend(f"{label}: {line}" for line in describe_problems(error))
    ids = [content.id for content, _ in claims]
    problems += [
        f"{i}: appears more than once" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    if problems:
        raise ImportFileError(problems)
    return claims


# What an import file holds, as ``wattson facts export`` writes it.
EXPECTED_FORMS: dict[str, str] = {
    "json": "a JSON list of claims, as `wattson facts export --format json` writes",
    "toml": "[[claim]] tables, as `wattson facts export --format toml` writes",
    "claimreview": "a schema.org ClaimReview graph, as `wattson facts export --format"
    " claimreview` writes",
}
FIGURE_FIELDS = ("value", "unit", "low", "high", "per")


def figure_changes(record: dict[str, Any]) -> str:
    """The fields where an export's ``figure`` no longer repeats its first quantity ("" if none).

    An exported claim carries both; editing ``figure.value`` alone would be
    silently ignored (the quantities win), so the import says so instead.
    """
    figure, quantities = record.get("figure"), record.get("quantities")
    if not isinstance(figure, dict) or not isinstance(quantities, list) or not quantities:
        return ""
    first = quantities[0] if isinstance(quantities[0], dict) else {}
    return ", ".join(
        f"figure.{name} {figure.get(name)!r} ≠ {first.get(name)!r}"
        for name in FIGURE_FIELDS
        if name in figure
        and figure.get(name) != first.get(name, "total" if name == "per" else None)
    )


def _records_from_graph(document: dict[str, Any]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for node in document.get("@graph", []):
        nodes.extend(node.get("hasPart", []) if node.get("@type") == "Dataset" else [node])
    records = []
    for node in nodes:
        prop = node.get("additionalProperty") or {}
        if prop.get("propertyID") != CLAIM_PROPERTY:
            raise ValueError(f"node {node.get('identifier')} carries no {CLAIM_PROPERTY}")
        records.append(json.loads(prop["value"]))
    return records
