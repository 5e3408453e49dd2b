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

from facts.fields import describe_problems
from facts.models import Claim, ClaimContent, Status

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


def _claim_record(claim: Claim, with_figure: bool = True) -> dict[str, Any]:
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


def export_claims(claims: Sequence[Claim], fmt: Format) -> str:
    """Serialize ``claims`` (retracted ones included, marked) in ``fmt``."""
    if fmt == "json":
        records = [_claim_record(claim) for claim in claims]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "toml":
        import tomli_w

        records = [_claim_record(claim, with_figure=False) for claim in claims]
        return tomli_w.dumps({"claim": [_drop_none(r) for r in records]})
    return json.dumps(_claimreview_graph(claims), ensure_ascii=False, indent=2) + "\n"


def _claimreview_graph(claims: Sequence[Claim]) -> dict[str, Any]:
    def embedded(claim: Claim) -> dict[str, Any]:
        return {
            "@type": "PropertyValue",
            "propertyID": CLAIM_PROPERTY,
            "value": json.dumps(_claim_record(claim), ensure_ascii=False, sort_keys=True),
        }

    def appearances(claim: Claim) -> list[dict[str, Any]]:
        return [
            _drop_none({"@type": "CreativeWork", "url": str(s.url) if s.url else None,
                        "name": s.title, "datePublished": s.date,
                        "publisher": {"@type": "Organization", "name": s.publisher}})
            for s in claim.sources
        ]  # fmt: skip

    reviews = []
    verified = []
    for claim in claims:
        if claim.status is Status.verified:
            verified.append(
                {
                    "@type": "Claim",
                    "identifier": claim.id,
                    "text": claim.statement.en,
                    "appearance": appearances(claim),
                    "additionalProperty": embedded(claim),
                }
            )
            continue
        reviews.append(
            _drop_none(
                {
                    "@type": "ClaimReview",
                    "identifier": claim.id,
                    "claimReviewed": claim.statement.en,
                    "datePublished": claim.updated_at.date().isoformat()
                    if claim.updated_at
                    else None,
                    "author": {"@type": "Organization", "name": "Wattson"},
                    "reviewBody": claim.explanation.en if claim.explanation else None,
                    "reviewRating": {
                        "@type": "Rating",
                        "ratingValue": RATINGS[claim.status],
                        "bestRating": 5,
                        "worstRating": 1,
                        "alternateName": claim.status.value,
                    },
                    "itemReviewed": {"@type": "Claim", "appearance": appearances(claim)},
                    "additionalProperty": embedded(claim),
                }
            )
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
    try:
        text = path.read_text(encoding="utf-8")
        if fmt == "toml":
            records = tomllib.loads(text).get("claim", [])
        elif fmt == "json":
            records = json.loads(text)
        else:
            records = _records_from_graph(json.loads(text))
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ImportFileError([f"{path}: {error}"]) from None
    if not isinstance(records, list):
        raise ImportFileError([f"{path}: expected a list of claims"])
    claims: list[tuple[ClaimContent, bool]] = []
    problems: list[str] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append(f"entry {index}: not a claim")
            continue
        retracted = bool(record.get("retracted", False))
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
