"""Hostile input never breaks a page nor injects markup, on both storage drivers.

Search and the forms take any Unicode, 100 kB, markup, full-text-search syntax,
NUL bytes and bytes that are not UTF-8: each answer is a page or a JSON object
(200, or 422 for a text that cannot be read), never an error page, and
whatever was typed shows as text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from yarl import URL

from tests.webclient import Web, web_on

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE = [
    "énergie ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202etxet\u202c \u200b données",
    MARKUP,
    'NEAR(eau gemini) OR "x" AND * ^ : - ( ) { } col:term %_\\ \' ;--',
    "eau\x00données\x00NUL",
    ("énergie " + MARKUP + ' "data" NEAR ') * 1_300,  # about 100 kB
]


@pytest.fixture
async def web(database_location: str) -> AsyncIterator[Web]:
    """The pages on each storage driver."""
    async with web_on(database_location) as running:
        yield running


def assert_harmless(status: int, text: str) -> None:
    assert status in (200, 422), text[:300]
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "Traceback" not in text and "\x00" not in text


async def test_hostile_words_are_searched_and_shown_as_text(web: Web) -> None:
    for value in HOSTILE:
        page = await web.get("/search", params={"q": value, "lang": "fr"})
        assert_harmless(page.status, page.text)
        posted = await web.post("/search?lang=en", data={"q": value})
        assert_harmless(posted.status, posted.text)
        found = await web.get("/api/v1/claims", params={"q": value})
        assert found.status == 200 and isinstance(found.json()["claims"], list)


async def test_hostile_statements_are_checked_and_shown_as_text(web: Web) -> None:
    for value in HOSTILE:
        page = await web.post("/check?lang=fr", data={"text": value})
        assert_harmless(page.status, page.text)
        answer = await web.post("/api/v1/check", json={"text": value})
        assert answer.status == 200 and answer.json()["verdict"] in ("unknown", "consistent",
                                                                   "inconsistent")  # fmt: skip


async def test_hostile_texts_are_measured_and_shown_as_text(web: Web) -> None:
    for value in HOSTILE:
        page = await web.post("/cost?lang=en", data={"text": value, "model": MARKUP})
        assert_harmless(page.status, page.text)
        measured = await web.post("/cost?lang=en", data={"text": value})
        assert_harmless(measured.status, measured.text)
        answer = await web.post("/api/v1/cost", data={"text": value})
        assert answer.status == 200 and answer.json()["tokens"] > 0


async def test_bytes_that_are_not_utf8_read_as_replacement_characters(web: Web) -> None:
    for raw in ("%FF%FEeau", "%ED%A0%80donn%C3%A9es", "%00%00"):
        url = URL(f"{web.base}/search?q={raw}&lang=fr", encoded=True)
        async with web.session.get(url) as response:
            assert_harmless(response.status, await response.text(errors="replace"))
    posted = await web.post(
        "/check?lang=fr", data=b"text=%FF%FE+500+mL",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert_harmless(posted.status, posted.text)
    lone = await web.post(
        "/api/v1/check", data=b'{"text": "\\ud800 500 mL \\u0000"}',
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert lone.status == 200 and lone.json()["verdict"]


async def test_a_claim_id_in_the_address_is_validated(web: Web) -> None:
    for raw in ("%3Cscript%3E", "..%2F..%2Fetc%2Fpasswd", "a" * 300, "%00", "x'%20OR%201=1"):
        url = URL(f"{web.base}/claims/{raw}?lang=en", encoded=True)
        async with web.session.get(url, allow_redirects=False) as response:
            text = await response.text(errors="replace")
        assert response.status in (400, 404), raw
        assert "<script>" not in text and "Traceback" not in text
