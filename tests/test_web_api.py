"""The JSON API answers the command line's contracts, as its OpenAPI description says.

``check`` and ``cost`` equal ``wattson check --json`` and ``wattson cost
--json``; ``claims/{id}`` is the data of the claim's page; every answer, errors
included, validates against ``/api/v1/openapi.json``; GET is open to every
origin; errors are JSON with a message, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

from bot.commands.check import check_json
from bot.dispatch import Core
from bot.measuring.catalog import default_catalog
from bot.measuring.energy import Estimator
from bot.measuring.estimate import estimate_json, estimate_text
from facts.check import check_statement
from tests.webclient import Answer, Web, serving, web_settings

WATTSON = str(Path(sys.executable).parent / "wattson")
STATEMENT = "ChatGPT consomme 500 mL d'eau par question"


def cli(*args: str) -> object:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    env["WATTSON_STORAGE__DATABASE"] = ":memory:"
    done = subprocess.run(
        [WATTSON, *args], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return json.loads(done.stdout)


# ---- the contracts ------------------------------------------------------------------------


async def test_check_equals_the_core_on_the_same_statement(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    expected = check_json(await check_statement(core.services.claims, STATEMENT, "fr"))
    answer = await web.get("/api/v1/check", params={"text": STATEMENT, "lang": "fr"})
    assert answer.status == 200 and answer.json() == expected


async def test_a_posted_json_check_is_the_same_as_a_get(web: Web) -> None:
    got = await web.get("/api/v1/check", params={"text": STATEMENT, "lang": "fr"})
    posted = await web.post("/api/v1/check", json={"text": STATEMENT, "lang": "fr"})
    assert posted.json() == got.json()


async def test_cost_equals_the_core_estimate_with_the_model_and_zone_asked(web: Web) -> None:
    model = default_catalog().resolve("openai:gpt-4o-mini")
    expected = estimate_json(estimate_text("Bonjour à tous", model, Estimator("FRA")))
    answer = await web.get(
        "/api/v1/cost", params={"text": "Bonjour à tous", "model": "gpt-4o-mini", "zone": "fra"}
    )
    assert answer.status == 200 and answer.json() == expected


@pytest.mark.slow
async def test_check_and_cost_equal_the_command_lines_json(web: Web) -> None:
    check = await web.get("/api/v1/check", params={"text": STATEMENT, "lang": "fr"})
    assert check.json() == cli("check", "--json", "--lang", "fr", STATEMENT)
    cost = await web.post("/api/v1/cost", data={"text": "Hello there", "model": "openai:gpt-4o"})
    assert cost.json() == cli("cost", "--json", "--model", "openai:gpt-4o", "Hello there")


async def test_one_claim_is_the_data_of_its_page(web: Web) -> None:
    answer = await web.get("/api/v1/claims/google-search-2009?lang=fr")
    data = answer.json()
    assert data["id"] == "google-search-2009" and data["language"] == "fr"
    assert data["status"]["code"] == "outdated" and data["status"]["label"] == "dépassé"
    assert data["corrections"]["chain"][0]["id"] == "gemini-median-prompt-energy"
    assert data["claim_review"]["reviewRating"]["alternateName"] == "Dépassé"
    assert "note" not in json.dumps(data["record"]["sources"])
    assert "created_by" not in data["record"]


async def test_claims_are_filtered_by_topic_and_status(web: Web) -> None:
    data = (await web.get("/api/v1/claims?topic=equivalents&status=false&lang=en")).json()
    assert data["total"] == len(data["claims"]) > 0
    assert {(c["topic"]["code"], c["status"]["code"]) for c in data["claims"]} == {
        ("equivalents", "false")
    }


async def test_claims_come_a_page_at_a_time_with_the_next_page(web: Web) -> None:
    first = (await web.get("/api/v1/claims?limit=10&lang=en")).json()
    assert len(first["claims"]) == 10 and first["total"] > 10
    following = urlsplit(first["next"])
    second = (await web.get(f"{following.path}?{following.query}")).json()
    assert second["offset"] == 10
    assert {c["id"] for c in first["claims"]}.isdisjoint(c["id"] for c in second["claims"])


async def test_claims_are_searched_with_accents_folded(web: Web) -> None:
    data = (await web.get("/api/v1/claims", params={"q": "centres de donnees electricite"})).json()
    assert "iea-dc-2024" in [claim["id"] for claim in data["claims"]]


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/v1/claims?topic=weather", 400, "topic"),
        ("/api/v1/claims?limit=1000", 400, "limit"),
        ("/api/v1/claims?lang=de", 400, "lang"),
        ("/api/v1/check", 422, "text"),
        ("/api/v1/cost?text=hi&model=openai:gpt-9", 422, "model"),
        ("/api/v1/cost?text=hi&zone=MARS", 422, "zone"),
    ],
)
async def test_bad_input_gets_a_json_error_naming_the_field(
    web: Web, path: str, status: int, field: str
) -> None:
    answer = await web.get(path)
    assert answer.status == status
    error = answer.json()
    assert error["ok"] is False and error["errors"][0]["field"] == field
    assert error["errors"][0]["message"] and "Traceback" not in answer.text


async def test_errors_speak_the_readers_language(web: Web) -> None:
    answer = await web.get("/api/v1/cost?text=salut&model=openai:gpt-9&lang=fr")
    assert answer.json()["errors"][0]["message"].startswith("Modèle inconnu")


async def test_an_unknown_claim_and_a_malformed_id_are_json_errors(web: Web) -> None:
    unknown = await web.get("/api/v1/claims/no-such-claim-here")
    assert unknown.status == 404 and unknown.json()["ok"] is False
    malformed = await web.get("/api/v1/claims/%22%3B%20DROP")
    assert malformed.status == 400 and malformed.json()["ok"] is False


async def test_a_former_id_answers_301_to_the_claim_at_its_id_now(web: Web) -> None:
    moved = await web.get("/api/v1/claims/seed-bhp-copper-share?lang=fr")
    assert moved.status == 301
    assert moved.headers["Location"] == "/api/v1/claims/bhp-copper-share?lang=fr"
    claim = (await web.get(moved.headers["Location"])).json()
    assert claim["id"] == "bhp-copper-share"


async def test_a_broken_json_body_is_a_clear_error(web: Web) -> None:
    answer = await web.post(
        "/api/v1/check",
        data=b'{"text": "unterminated',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 422 and answer.json()["errors"][0]["field"] == "text"


async def test_an_unknown_api_address_is_a_json_404(web: Web) -> None:
    answer = await web.get("/api/v1/nothing-here")
    assert answer.status == 404 and answer.json()["ok"] is False


# ---- OpenAPI ------------------------------------------------------------------------------


async def test_the_description_is_valid_openapi(web: Web) -> None:
    validate((await web.get("/api/v1/openapi.json")).json())


ANSWERED = [
    ("GET", "/api/v1/claims", {"limit": "5"}, None),
    ("GET", "/api/v1/claims", {"q": "eau", "status": "secondary"}, None),
    ("GET", "/api/v1/claims", {"topic": "weather"}, None),
    ("GET", "/api/v1/claims/google-search-2009", {"lang": "fr"}, None),
    ("GET", "/api/v1/claims/iea-dc-2024", {}, None),
    ("GET", "/api/v1/claims/no-such-claim-here", {}, None),
    ("GET", "/api/v1/claims/BAD!", {}, None),
    ("GET", "/api/v1/claims/seed-bhp-copper-share", {"lang": "fr"}, None),
    ("GET", "/api/v1/check", {"text": "ChatGPT uses 500 mL of water per question"}, None),
    ("GET", "/api/v1/check", {"text": "Bonjour"}, None),
    ("GET", "/api/v1/check", {"text": "Une requête Gemini consomme 10^400 Wh"}, None),
    ("POST", "/api/v1/check", {}, {"text": STATEMENT, "lang": "fr"}),
    ("GET", "/api/v1/check", {}, None),
    ("GET", "/api/v1/cost", {"text": "Hello", "model": "mistralai:codestral-latest"}, None),
    ("POST", "/api/v1/cost", {}, {"text": "Bonjour", "zone": "FRA"}),
    ("GET", "/api/v1/cost", {"text": "Hello", "model": "openai:gpt-9"}, None),
    ("GET", "/api/v1/openapi.json", {}, None),
]


@pytest.mark.parametrize(("method", "path", "query", "body"), ANSWERED)
async def test_every_routes_answer_validates_against_the_description(
    web: Web, method: str, path: str, query: dict[str, str], body: object
) -> None:
    spec = OpenAPI.from_dict((await web.get("/api/v1/openapi.json")).json())
    answer: Answer = await web.request(method, path, params=query, json=body)
    request = MockRequest(
        "http://127.0.0.1", method.lower(), path, args=query,
        data=json.dumps(body) if body else None, content_type="application/json",
    )  # fmt: skip
    response = MockResponse(
        answer.text.encode(), status_code=answer.status, content_type="application/json"
    )
    spec.validate_response(request, response)


# ---- CORS, limits, headers ------------------------------------------------------------------


async def test_get_is_open_to_every_origin_and_post_is_not(web: Web) -> None:
    origin = {"Origin": "https://newsroom.example"}
    got = await web.get("/api/v1/claims?limit=1", headers=origin)
    assert got.headers["Access-Control-Allow-Origin"] == "*"
    posted = await web.post("/api/v1/check", json={"text": STATEMENT}, headers=origin)
    assert "Access-Control-Allow-Origin" not in posted.headers


async def test_a_preflight_allows_get_only(web: Web) -> None:
    answer = await web.request(
        "OPTIONS", "/api/v1/claims",
        headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET"},
    )  # fmt: skip
    assert answer.status == 204
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


async def test_an_address_over_its_budget_gets_429_with_retry_after(core: Core) -> None:
    settings = web_settings(requests_per_minute=3)
    async with serving(core, settings) as web:
        statuses = [(await web.get("/api/v1/claims?limit=1")).status for _ in range(4)]
        refused = await web.get("/?lang=fr")
        health = await web.get("/healthz")
    assert statuses == [200, 200, 200, 429]
    assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Trop de requêtes" in refused.text
    assert health.status == 200  # probes are never limited


async def test_a_body_over_the_limit_is_refused_before_it_is_read(core: Core) -> None:
    settings = web_settings(max_body_bytes=16_384)
    async with serving(core, settings) as web:
        answer = await web.post("/api/v1/check", data={"text": "x" * 20_000})
    assert answer.status == 413 and answer.json()["ok"] is False
