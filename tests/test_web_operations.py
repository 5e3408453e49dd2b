"""What operators and crawlers rely on: health, readiness, metrics, security headers,
sitemap, robots.txt, the Atom feed, and pages that never outlive the claim version they show.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from facts.exchange import export_claims
from tests.webclient import PUBLIC_URL, Web, wattson_web, web_on

WATTSON = str(Path(sys.executable).parent / "wattson")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


# ---- health, readiness, metrics ---------------------------------------------------------------


async def test_healthz_answers_while_the_process_lives(web: Web) -> None:
    answer = await web.get("/healthz")
    assert (answer.status, answer.text) == (200, "ok\n")


async def test_readyz_answers_503_once_the_process_is_stopping(web: Web) -> None:
    assert (await web.get("/readyz")).status == 200
    web.site.stopping = True
    answer = await web.get("/readyz")
    assert answer.status == 503 and answer.json() == {
        "ready": False, "database": "ok", "stopping": True,
    }  # fmt: skip


async def test_readyz_answers_503_while_the_database_is_unreachable(web: Web) -> None:
    core = web.core
    assert core.services.database is not None
    await core.services.database.close()
    answer = await web.get("/readyz")
    assert answer.status == 503 and answer.json()["database"] == "unreachable"


async def test_metrics_count_requests_by_platform_command_and_route(web: Web) -> None:
    await web.get("/claims/iea-dc-2024?lang=en")
    await web.post("/check?lang=en", data={"text": "ChatGPT uses 500 mL of water per question"})
    families = {f.name: f for f in text_string_to_metric_families((await web.get("/metrics")).text)}
    web_requests = families["wattson_web_requests"].samples
    assert any(s.labels == {"route": "/claims/{id}", "method": "GET", "status": "200"}
               and s.value >= 1 for s in web_requests)  # fmt: skip
    core_requests = families["wattson_requests"].samples
    assert any(s.labels == {"platform": "web", "command": "check"} for s in core_requests)
    for name in ("wattson_request_duration_seconds", "wattson_web_request_duration_seconds",
                 "wattson_sends_retried", "wattson_sends_given_up", "wattson_updates_dropped",
                 "wattson_lane_jobs", "wattson_campaign_posts", "wattson_storage_errors"):  # fmt: skip
        assert name in families, name


async def test_metric_names_follow_prometheus_conventions(web: Web) -> None:
    text = (await web.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        if not family.name.startswith("wattson_"):
            continue
        assert re.fullmatch(r"wattson_[a-z_]+", family.name)
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples)
        if family.type == "histogram":
            assert family.name.endswith("_seconds")
    assert "\nwattson_requests_total{" in text or "\nwattson_requests_total" in text


async def test_a_typed_command_name_never_becomes_a_series(web: Web) -> None:
    from bot.messages import ChatRef, Request, UserRef

    typed = "x" + "q" * 40
    await web.core.handle(Request(command=typed, user=UserRef(platform="telegram", id="1"),
                              chat=ChatRef(platform="telegram", id="1")))  # fmt: skip
    text = (await web.get("/metrics")).text
    assert typed not in text and 'command="unknown"' in text


# ---- headers ------------------------------------------------------------------------------------


async def test_pages_set_security_headers_and_no_cookie(web: Web) -> None:
    for path in ("/?lang=en", "/claims/google-search-2009", "/check", "/api/v1/claims", "/nope"):
        answer = await web.get(path)
        assert "Set-Cookie" not in answer.headers, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy


async def test_the_only_inline_script_is_the_json_ld_whose_hash_the_policy_lists(web: Web) -> None:
    answer = await web.get("/claims/google-search-2009?lang=en")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", answer.text, re.S)
    inline = [body for attributes, body in scripts if "src=" not in attributes]
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in answer.headers["Content-Security-Policy"]


async def test_an_unchanged_page_is_not_sent_again(web: Web) -> None:
    first = await web.get("/claims/iea-dc-2024?lang=en")
    again = await web.get("/claims/iea-dc-2024?lang=en",
                          headers={"If-None-Match": first.headers["ETag"]})  # fmt: skip
    assert again.status == 304


# ---- crawlers and feed readers --------------------------------------------------------------------


async def test_the_sitemap_lists_every_claim_in_both_languages_with_lastmod(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    await core.services.claims.retract("google-search-2009", "console:local", "test")
    index = ElementTree.fromstring((await web.get("/sitemap.xml")).text)
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == [f"{PUBLIC_URL}/sitemaps/pages.xml", f"{PUBLIC_URL}/sitemaps/claims-1.xml"]
    assert index.find(f"{SITEMAP}sitemap/{SITEMAP}lastmod") is not None
    claims = ElementTree.fromstring((await web.get("/sitemaps/claims-1.xml")).text)
    urls = claims.findall(f"{SITEMAP}url")
    locs = {url.findtext(f"{SITEMAP}loc") for url in urls}
    total = await core.services.claims.count(include_retracted=True)
    assert len(locs) == 2 * total
    assert f"{PUBLIC_URL}/claims/google-search-2009?lang=fr" in locs  # retracted pages stay
    assert all(url.findtext(f"{SITEMAP}lastmod") for url in urls)
    languages = {link.get("hreflang") for link in urls[0].iter(f"{XHTML}link")}
    assert languages == {"en", "fr", "x-default"}


async def test_robots_txt_names_the_sitemap(web: Web) -> None:
    answer = await web.get("/robots.txt")
    assert f"Sitemap: {PUBLIC_URL}/sitemap.xml" in answer.text
    assert "Disallow: /api/" in answer.text


async def test_the_feed_lists_the_latest_change_first_in_the_readers_language(web: Web) -> None:
    core = web.core
    assert core.services.claims is not None
    await core.services.claims.retract("google-search-2009", "console:local", "superseded")
    feed = ElementTree.fromstring((await web.get("/feed.atom?lang=fr")).text)
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title", "").startswith("retirée : Estimation de Google")
    link = entry.find(f"{ATOM}link")
    assert (
        link is not None and link.get("href") == f"{PUBLIC_URL}/claims/google-search-2009?lang=fr"
    )


# ---- pages never outlive the claim version they show ---------------------------------------------


async def test_a_page_changes_with_the_claim_on_either_driver(database_location: str) -> None:
    async with web_on(database_location) as web:
        core = web.core
        assert core.services.claims is not None
        before = await web.get("/claims/iea-dc-2024?lang=en")
        claim = await core.services.claims.get("iea-dc-2024")
        assert claim is not None
        statement = claim.statement.model_copy(update={"en": "A statement edited just now."})
        await core.services.claims.replace(
            claim.content().model_copy(update={"statement": statement}), "console:local"
        )
        after = await web.get("/claims/iea-dc-2024?lang=en")
    assert "A statement edited just now." not in before.text
    assert "A statement edited just now." in after.text


@pytest.mark.slow
async def test_a_change_made_by_another_process_on_postgresql_shows_at_once(
    postgres_url: str, tmp_path: Path
) -> None:
    async with web_on(postgres_url) as web:
        core = web.core
        assert core.services.claims is not None
        corrected = await web.get("/claims/gemini-median-prompt-energy?lang=en")  # now cached
        claim = await core.services.claims.get("google-search-2009")
        assert claim is not None
        statement = claim.statement.model_copy(update={"en": "Edited by another process."})
        changed = claim.model_copy(update={"statement": statement})
        export = tmp_path / "edit.json"
        export.write_text(export_claims([changed], "json"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
        subprocess.run(
            [WATTSON, "facts", "import", str(export)], check=True, timeout=120,
            env={**env, "WATTSON_STORAGE__DATABASE": postgres_url}, capture_output=True,
        )  # fmt: skip
        page = await web.get("/claims/gemini-median-prompt-energy?lang=en")
    assert "Edited by another process." not in corrected.text
    assert "Edited by another process." in page.text  # the corrected claim it lists changed


# ---- the command ---------------------------------------------------------------------------------


@pytest.mark.slow
async def test_wattson_web_serves_the_pages_on_the_embedded_base_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    with wattson_web("--listen", "127.0.0.1:0", cwd=tmp_path) as (process, address):
        async with aiohttp.ClientSession() as session:
            async with session.get(address + "/?lang=fr") as home:
                assert home.status == 200 and "Sujets" in await home.text()
            async with session.get(address + "/readyz") as ready:
                assert ready.status == 200 and json.loads(await ready.text())["ready"]
        assert (tmp_path / "wattson.db").exists()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


@pytest.mark.slow
async def test_wattson_run_serves_the_pages_beside_the_console_when_web_is_enabled(
    tmp_path: Path,
) -> None:
    enabled = {"WATTSON_WEB__ENABLED": "true", "WATTSON_WEB__LISTEN": "127.0.0.1:0"}
    with wattson_web(cwd=tmp_path, command="run", env=enabled) as (process, address):
        async with aiohttp.ClientSession() as session, session.get(address + "/healthz") as health:
            assert health.status == 200
        output, _errors = process.communicate("/tokens hello world\n", timeout=60)
    assert process.returncode == 0
    assert "2 tokens" in output
