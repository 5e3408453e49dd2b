"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Written out rather than generated, so it says what the contracts promise (the
README's ``wattson check --json`` and ``wattson cost --json`` fields); the
tests validate every route's answers against it.
"""

from __future__ import annotations

from typing import Any

from bot import __version__
from facts.models import Status, Topic


def nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """An object with these required properties (others may follow)."""
    return {"type": "object", "required": list(required), "properties": {**required, **optional}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


STRING = {"type": "string"}
NUMBER = {"type": "number"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
BOUNDS = obj({"min": NUMBER, "max": NUMBER})
VERDICT = {"type": "string", "enum": ["consistent", "inconsistent", "unknown"]}
LANGUAGE = {"type": "string", "enum": ["en", "fr"]}

SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "ok": {"const": False},
            "errors": array(obj({"message": STRING}, field=STRING)),
        }
    ),
    "Source": obj(
        {
            "publisher": STRING,
            "cites": nullable("string"),
            "byline": STRING,
            "title": STRING,
            "date": nullable("string"),
            "date_text": STRING,
            "url": nullable("string"),
        }
    ),
    "ClaimSummary": obj(
        {
            "id": STRING,
            "url": STRING,
            "statement": STRING,
            "status": obj(
                {
                    "code": {"type": "string", "enum": [s.value for s in Status]},
                    "label": STRING,
                    "explanation": nullable("string"),
                }
            ),
            "topic": obj(
                {"code": {"type": "string", "enum": [t.value for t in Topic]}, "label": STRING}
            ),  # fmt: skip
            "figure": STRING,
            "source": ref("Source"),
            "updated_at": nullable("string"),
        }
    ),
    "ClaimList": obj(
        {
            "claims": array(ref("ClaimSummary")),
            "total": INTEGER,
            "limit": INTEGER,
            "offset": INTEGER,
            "next": nullable("string"),
        }
    ),
    "Figure": obj(
        {
            "text": STRING,
            "measure": STRING,
            "about": array(STRING),
            "period": STRING,
            "checkable": BOOLEAN,
            "value": NUMBER,
            "low": nullable("number"),
            "high": nullable("number"),
            "unit": STRING,
            "per": STRING,
        }
    ),
    "ClaimPage": {
        "allOf": [
            ref("ClaimSummary"),
            obj(
                {
                    "language": LANGUAGE,
                    "alternates": obj({"en": STRING, "fr": STRING}),
                    "figures": array(ref("Figure")),
                    "sources": array(ref("Source")),
                    "corrections": obj(
                        {
                            "chain": array(ref("ClaimSummary")),
                            "corrects": array(ref("ClaimSummary")),
                        }
                    ),
                    "history": array(
                        obj(
                            {
                                "at": STRING,
                                "at_text": STRING,
                                "action": STRING,
                                "action_label": STRING,
                                "fields": array(STRING),
                            }
                        )  # fmt: skip
                    ),
                    "history_earlier": INTEGER,
                    "retracted": {
                        "oneOf": [
                            {"type": "null"},
                            obj({"at": STRING, "at_text": STRING, "why": nullable("string")}),
                        ]
                    },
                    "created_at": nullable("string"),
                    "claim_review": {"type": ["object", "null"]},
                    "record": {"type": "object"},
                }
            ),
        ]
    },
    "Comparison": obj(
        {
            "claim": STRING,
            "quantity": INTEGER,
            "measure": STRING,
            "subject": array(STRING),
            "period": obj({"year": nullable("integer"), "since": nullable("integer")}),
            "value": NUMBER,
            "low": nullable("number"),
            "high": nullable("number"),
            "unit": STRING,
            "per": STRING,
            "status": STRING,
            "source_url": nullable("string"),
            "stated_in_unit": obj({"low": nullable("number"), "high": nullable("number")}),
            "ratio": nullable("number"),
            "agrees": BOOLEAN,
        }
    ),
    "StatedFigure": obj(
        {
            "value": nullable("number"),
            "low": nullable("number"),
            "high": nullable("number"),
            "finite": BOOLEAN,
            "unit": nullable("string"),
            "text": STRING,
            "per": nullable("string"),
            "measures": array(STRING),
            "derivation": nullable("string"),
            "derived_from": nullable("string"),
            "verdict": VERDICT,
            "compared_with": {"oneOf": [{"type": "null"}, ref("Comparison")]},
            "agrees_only_with": nullable("string"),
            "why_not": nullable("string"),
            "misreads": nullable("string"),
        }
    ),
    "CheckResult": obj(
        {
            "verdict": VERDICT,
            "stated": array(ref("StatedFigure")),
            "ratio": nullable("number"),
            "reference": nullable("string"),
            "agrees_only_with": nullable("string"),
            "matches": array(
                obj(
                    {
                        "id": STRING,
                        "score": NUMBER,
                        "status": STRING,
                        "figure": NUMBER,
                        "low": nullable("number"),
                        "high": nullable("number"),
                        "unit": STRING,
                        "per": STRING,
                        "source_url": nullable("string"),
                    }
                )
            ),
        }
    ),
    "CostEstimate": obj(
        {
            "tokens": INTEGER,
            "encoding": STRING,
            "tokens_exact": BOOLEAN,
            "provider": STRING,
            "model": STRING,
            "architecture": STRING,
            "parameters_billion": obj({"total": BOUNDS, "active": BOUNDS}),
            "zone": STRING,
            "energy_wh": BOUNDS,
            "gwp_g": BOUNDS,
            "water_ml": BOUNDS,
            "ecologits_version": STRING,
            "warnings": array(STRING),
            "equivalents": array(
                obj(
                    {
                        "id": STRING,
                        "value": NUMBER,
                        "min": NUMBER,
                        "max": NUMBER,
                        "impact": STRING,
                        "source_url": STRING,
                        "source_publisher": STRING,
                        "claim": nullable("string"),
                    }
                )
            ),
        }
    ),
}


def parameter(name: str, description: str, schema: dict[str, Any], where: str = "query") -> Any:
    return {"name": name, "in": where, "required": where == "path", "description": description,
            "schema": schema}  # fmt: skip


def answers(schema: str, *errors: int) -> dict[str, Any]:
    """The responses of an operation: its schema on 200, the error object on each error status."""
    reasons = {400: "Bad parameter", 404: "No such claim", 413: "Body too large",
               422: "Text that cannot be read", 429: "Too many requests (see Retry-After)"}  # fmt: skip
    result: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}}
    }
    for status in (*errors, 429):
        result[str(status)] = {
            "description": reasons[status],
            "content": {"application/json": {"schema": ref("Error")}},
        }
    return result


LANG = parameter("lang", "language of the texts (and, for check, of the statement)", LANGUAGE)
TEXT = parameter("text", "the text to read", STRING)
TEXT_BODY = {
    "content": {
        mime: {"schema": obj({"text": STRING}, lang=LANGUAGE, model=STRING, zone=STRING)}
        for mime in ("application/json", "application/x-www-form-urlencoded")
    }
}
CHECK = {
    "summary": "Check a statement's figures against the claim base (wattson check --json)",
    "parameters": [TEXT, LANG],
    "responses": answers("CheckResult", 400, 413, 422),
}
COST = {
    "summary": "What generating a text costs (wattson cost --json)",
    "parameters": [
        TEXT,
        parameter("model", "provider:name as EcoLogits names it (default: the configured)", STRING),
        parameter("zone", "electricity-mix zone, ISO 3166-1 alpha-3 or WOR", STRING),
        LANG,
    ],
    "responses": answers("CostEstimate", 400, 413, 422),
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Wattson API",
        "version": __version__,
        "description": "Sourced figures on the energy footprint of AI, the /check verdict and "
        "the /cost estimate, as the bot gives them. Read-only; GET is open to every origin.",
    },
    "paths": {
        "/api/v1/claims": {
            "get": {
                "summary": "The shown claims, a page at a time, filtered or searched",
                "parameters": [
                    parameter(
                        "topic",
                        "only this topic",
                        {"type": "string", "enum": [t.value for t in Topic]},
                    ),
                    parameter(
                        "status",
                        "only this status",
                        {"type": "string", "enum": [s.value for s in Status]},
                    ),
                    parameter("q", "words to search, French or English, accents folded", STRING),
                    LANG,
                    parameter(
                        "limit",
                        "claims per page",
                        {"type": "integer", "minimum": 1, "maximum": 100},
                    ),
                    parameter("offset", "claims to skip", {"type": "integer", "minimum": 0}),
                ],  # fmt: skip
                "responses": answers("ClaimList", 400),
            }
        },
        "/api/v1/claims/{id}": {
            "get": {
                "summary": "One claim, as its page shows it",
                "parameters": [parameter("id", "the claim's id", STRING, "path"), LANG],
                "responses": {
                    **answers("ClaimPage", 400, 404),
                    "301": {
                        "description": "A former id of a claim whose id changed: Location is"
                        " the claim at its current id, with the same query (lang)",
                        "headers": {"Location": {"schema": STRING}},
                    },
                },
            }
        },
        "/api/v1/check": {
            "get": CHECK,
            "post": {**CHECK, "parameters": [LANG], "requestBody": TEXT_BODY},
        },
        "/api/v1/cost": {
            "get": COST,
            "post": {**COST, "parameters": [LANG], "requestBody": TEXT_BODY},
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This description",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }  # fmt: skip
        },
    },
    "components": {"schemas": SCHEMAS},
}
