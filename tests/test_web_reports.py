"""On the web, a verdict offers "Wrong verdict?" as a small form; posting it files the report.

The form carries the core's offer (nothing of the statement is written before
it is posted), an optional reason, and answers with the bot's own words; each
client address may report ``per_person_per_hour`` times an hour. On both drivers.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import open_core
from bot.settings import load_settings
from tests.test_reports import texts_stored
from tests.webclient import PUBLIC_URL, Web, serving

STATEMENT = "ChatGPT uses 500 mL of water per question"


@pytest.fixture
async def site(database_location: str) -> AsyncIterator[Web]:
    settings = load_settings(
        None,
        storage={"database": database_location},
        web={"public_url": PUBLIC_URL, "requests_per_minute": 100_000},
        reports={"per_person_per_hour": 2},
    )
    async with open_core(settings) as core, serving(core, settings) as running:
        yield running


def offered(page: str) -> dict[str, Any]:
    """The "Wrong verdict?" form of a check page: where it posts and its hidden action."""
    form = re.search(
        r'<form class="tool report" action="([^"]+)" method="post">(.*?)</form>', page, re.S
    )
    assert form is not None, "the verdict offers a report"
    action = re.search(r'name="action" value="([^"]+)"', form.group(2))
    assert action is not None
    return {"url": form.group(1), "action": action.group(1), "html": form.group(2)}


async def test_a_verdict_offers_the_report_form_and_nothing_is_written_before_it(site: Web) -> None:
    page = await site.get("/check", params={"text": STATEMENT, "lang": "fr"})
    form = offered(page.text)
    assert form["url"] == "/check/report?lang=fr" and "Verdict erroné ?" in form["html"]
    assert 'maxlength="500"' in form["html"] and "15 minutes" in form["html"]
    assert "500 mL of water per question" not in await texts_stored(site.core)
    empty = await site.get("/check")
    assert 'class="tool report"' not in empty.text


async def test_posting_the_form_files_the_report_with_the_readers_reason(site: Web) -> None:
    form = offered((await site.post("/check?lang=en", data={"text": STATEMENT})).text)
    answer = await site.post(form["url"], data={"action": form["action"], "reason": "per bottle"})
    assert answer.status == 200 and "Thank you: report #1 is with the moderators." in answer.text
    assert site.core.services.reports is not None
    report = await site.core.services.reports.get(1)
    assert report is not None
    assert (report.statement, report.reason, report.language) == (STATEMENT, "per bottle", "en")
    assert (report.reporter, report.chat) == ("web:reader", "web:pages")
    again = await site.post(form["url"], data={"action": form["action"]})
    assert "already reported this verdict: report #1" in again.text


async def test_a_form_naming_no_offer_is_refused_and_stores_nothing(site: Web) -> None:
    for action in ("check:report:made-up", "fact:add", "", "not data at all"):
        answer = await site.post("/check/report?lang=fr", data={"action": action})
        assert answer.status == 422, action
        assert "ne peut plus être signalé" in answer.text or "Commande inconnue" in answer.text
    assert site.core.services.reports is not None
    assert await site.core.services.reports.count(None) == 0


async def test_each_address_may_report_a_few_times_an_hour(site: Web) -> None:
    for _ in range(2):
        form = offered((await site.get("/check", params={"text": STATEMENT})).text)
        assert (await site.post(form["url"], data={"action": form["action"]})).status == 200
    form = offered((await site.get("/check", params={"text": STATEMENT})).text)
    refused = await site.post(form["url"], data={"action": form["action"]})
    assert refused.status == 429 and "2 reports in the last hour" in refused.text
    assert site.core.services.reports is not None
    assert await site.core.services.reports.count() == 2
