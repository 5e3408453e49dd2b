"""In a real browser: Debian's Chromium, driven by Playwright, against ``wattson web``.

The pages a reader meets — home, search, a topic, a claim in both languages, a
retracted claim, the /check and /cost forms — load with no request leaving
127.0.0.1, no Content Security Policy violation, no horizontal scroll on a
360 px phone and no serious or critical axe-core finding; the forms answer
exactly as the bot does, with and without JavaScript; the claim's JSON-LD
parses and carries ClaimReview's fields; a reader reports a verdict from the
check page, with or without JavaScript. A screenshot of each page type is
written to ``test-output/screenshots/``.

Playwright's own browser download needs the internet, so the tests use the
distribution's Chromium (``apt-get install chromium``; ``.ci/run`` installs it).
Without it they are skipped, except in CI (``CI=true``), where that fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.foundation.storage.sqlite import SqliteDatabase
from bot.settings import load_settings
from facts.store import ClaimStore
from tests.webclient import wattson_web

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-output" / "screenshots"
WATTSON = str(Path(sys.executable).parent / "wattson")
RETRACTED = "moe-one-expert-per-token"
STATEMENT = "ChatGPT consomme 500 mL d'eau par question"
PHONE = {"width": 360, "height": 780}
LAUNCH_ARGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
PAGES = [
    ("home-en", "/?lang=en"),
    ("home-fr", "/?lang=fr"),
    ("search", "/search?q=eau+donnees&lang=fr"),
    ("topic", "/topics/water?lang=en"),
    ("claim-en", "/claims/google-search-2009?lang=en"),
    ("claim-fr", "/claims/google-search-2009?lang=fr"),
    ("retracted", f"/claims/{RETRACTED}?lang=en"),
    ("check", f"/check?lang=fr&text={STATEMENT.replace(' ', '+')}"),
    ("cost", "/cost?lang=en&text=Hello+there"),
    ("quiz", "/claims/iea-dc-2024/quiz?lang=fr"),
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium() -> str:
    """Debian's Chromium, or skip (fail in CI) saying how to get it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    problem = None if found else "no Chromium: apt-get install chromium (.ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright is not installed (pip install -e '.[dev]')"
    if problem:
        if in_ci():
            pytest.fail(problem + " — CI=true: the browser tests must run")
        pytest.skip(problem)
    assert found is not None
    return found


def prepare(database: Path) -> None:
    """The shipped base, with one claim retracted (as a moderator would)."""

    async def run() -> None:
        async with SqliteDatabase(database) as opened:
            store = ClaimStore(opened)
            await store.setup()
            await store.retract(RETRACTED, "console:local", "the source was misread")

    asyncio.run(run())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``wattson web`` on a fresh SQLite base, on a free port of 127.0.0.1."""
    chromium()
    folder = tmp_path_factory.mktemp("web")
    database = folder / "wattson.db"
    prepare(database)
    config = folder / "config.toml"
    config.write_text(
        f'[storage]\ndatabase = "{database}"\n'
        '[web]\nlisten = "127.0.0.1:0"\nrequests_per_minute = 100000\n'
    )
    with wattson_web("--config", str(config), cwd=folder) as (_process, address):
        yield address, database


@pytest.fixture(scope="module")
def browser(server: tuple[str, Path]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
        yield launched
        launched.close()


class Visit:
    """A page opened on a phone-sized screen, with every request and console error it caused."""

    def __init__(self, browser: Any, javascript: bool = True) -> None:
        self.context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "console",
            lambda message: self.console_errors.append(message.text)
            if message.type == "error" else None,
        )  # fmt: skip

    def __enter__(self) -> Visit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.context.close()

    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname or url for url in self.requests}


def bot_answer(database: Path, line: str, language: str) -> list[str]:
    """What the bot answers to ``line``, on the same base, as lines (its offers aside)."""

    async def run() -> str:
        settings = load_settings(None, storage={"database": str(database)})
        async with open_core(settings) as core:
            request = ConsoleAdapter(core, locale=language).to_request(line)
            assert request is not None
            return (await core.handle(request)).text

    # Playwright's synchronous API runs an event loop in this thread: ask from another one.
    with ThreadPoolExecutor(1) as executor:
        answer = executor.submit(asyncio.run, run()).result()
    return [re.sub(r"[ \t]+", " ", line).strip() for line in answer.splitlines()]


def check_on_the_page(visit: Visit, address: str) -> None:
    """Paste the statement into the /check form (in French) and send it."""
    visit.page.goto(f"{address}/check?lang=fr")
    visit.page.fill("#check-text", STATEMENT)
    visit.page.click("form.tool button")


def answer_lines(page: Any) -> list[str]:
    page.wait_for_selector("section.answer .reply p")
    texts = page.locator("section.answer .reply p").all_inner_texts()
    return [re.sub(r"[ \t\n]+", " ", text).strip() for text in texts]  # as HTML folds spaces


# ---- every page type -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "path"), PAGES)
def test_a_page_is_local_accessible_and_fits_a_phone(
    server: tuple[str, Path], browser: Any, name: str, path: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    address, _database = server
    with Visit(browser) as visit:
        response = visit.page.goto(address + path)
        assert response is not None and response.status == 200
        visit.page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        overflow = visit.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at 360 px"
        results = Axe().run(visit.page)
        serious = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        assert visit.hosts() == {"127.0.0.1"}, visit.requests
        assert [e for e in visit.console_errors if "Content Security Policy" in e] == []


def test_a_retracted_claim_says_when_and_why(server: tuple[str, Path], browser: Any) -> None:
    address, _database = server
    with Visit(browser) as visit:
        visit.page.goto(f"{address}/claims/{RETRACTED}?lang=fr")
        note = visit.page.locator("p.retracted").inner_text()
        assert re.match(r"Retirée le \d+ \w+ \d{4}\s*: the source was misread", note)


def test_the_claims_json_ld_parses_and_carries_claimreviews_fields(
    server: tuple[str, Path], browser: Any
) -> None:
    address, _database = server
    with Visit(browser) as visit:
        visit.page.goto(f"{address}/claims/google-search-2009?lang=fr")
        block = visit.page.locator('script[type="application/ld+json"]').text_content()
        review = json.loads(block or "")
        for field in ("claimReviewed", "reviewRating", "url", "author", "datePublished",
                      "itemReviewed", "inLanguage"):  # fmt: skip
            assert review.get(field), field
        assert review["reviewRating"]["alternateName"] == "Dépassé"
        assert review["itemReviewed"]["@type"] == "Claim" and review["itemReviewed"]["appearance"]
        assert review["url"] == f"{address}/claims/google-search-2009?lang=fr"


def test_the_search_box_finds_claims_accents_folded(server: tuple[str, Path], browser: Any) -> None:
    address, _database = server
    with Visit(browser) as visit:
        visit.page.goto(f"{address}/?lang=fr")
        visit.page.fill("#home-search", "centres de donnees electricite")
        visit.page.click("form.search.big button")
        visit.page.wait_for_selector("ol.claims li")
        links = visit.page.locator("ol.claims li a").evaluate_all("els => els.map(e => e.href)")
        assert f"{address}/claims/iea-dc-2024?lang=fr" in links


@pytest.mark.parametrize("javascript", [True, False])
def test_the_check_form_answers_as_the_bot(
    server: tuple[str, Path], browser: Any, javascript: bool
) -> None:
    address, database = server
    with Visit(browser, javascript) as visit:
        check_on_the_page(visit, address)
        assert answer_lines(visit.page) == bot_answer(database, f"/check {STATEMENT}", "fr")
        if javascript:
            visit.page.screenshot(path=str(SCREENSHOTS / "check-answer.png"), full_page=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_reader_reports_a_verdict_from_the_check_page(
    server: tuple[str, Path], browser: Any, javascript: bool
) -> None:
    address, database = server
    with Visit(browser, javascript) as visit:
        check_on_the_page(visit, address)
        visit.page.wait_for_selector("form.report")
        assert visit.page.locator("form.report h2").inner_text() == "Verdict erroné ?"
        visit.page.fill("#report-reason", "par bouteille, pas par question")
        visit.page.click("form.report button")
        [thanks] = answer_lines(visit.page)
        assert thanks.startswith("Merci : signalement n°")
        number = re.search(r"n° (\d+)", thanks)
        assert number is not None
        if javascript:
            visit.page.screenshot(path=str(SCREENSHOTS / "check-reported.png"), full_page=True)
    shown = bot_answer(database, f"/fact report {number.group(1)}", "en")
    assert shown[1] == f"“{STATEMENT}”" and shown[2] == "Reason: “par bouteille, pas par question”"
    assert shown[0].endswith(" UTC") and "from web:reader in web:pages" in shown[0]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_claims_quiz_is_answered_on_its_page_with_the_bots_reveal(
    server: tuple[str, Path], browser: Any, javascript: bool
) -> None:
    from bot.quiz.generate import quiz_for
    from bot.quiz.model import Quiz
    from facts.models import Claim
    from facts.seed import seed_claims

    address, _database = server
    base = [Claim.model_validate(content.model_dump()) for content in seed_claims()]
    made = quiz_for(next(c for c in base if c.id == "iea-dc-2024"), "fr", base=base)
    assert isinstance(made, Quiz)
    with Visit(browser, javascript) as visit:
        visit.page.goto(f"{address}/claims/iea-dc-2024/quiz?lang=fr")
        labels = visit.page.locator("form fieldset label").all_inner_texts()
        assert [label.split(") ", 1)[1].strip() for label in labels] == list(made.options)
        assert visit.page.locator("form legend").inner_text() == made.question
        visit.page.check(f"input[name=answer][value='{made.right}']")
        visit.page.locator("form:has(fieldset) button").click()
        lines = answer_lines(visit.page)
        letter = "ABCDEFGHIJ"[made.right]
        assert lines[0] == f"Bonne réponse ! {letter}) {made.options[made.right]}."
        assert any("AIE" in line or "IEA" in line for line in lines), "the source follows"
        assert visit.page.locator("form fieldset").count() == 0, "the reveal replaces the form"
        if javascript:
            visit.page.screenshot(path=str(SCREENSHOTS / "quiz-answer.png"), full_page=True)


def test_the_cost_form_answers_as_the_bot(server: tuple[str, Path], browser: Any) -> None:
    address, database = server
    with Visit(browser) as visit:
        visit.page.goto(f"{address}/cost?lang=en")
        visit.page.fill("#cost-text", "How much energy does this reply take?")
        visit.page.select_option("#cost-model", "mistralai:codestral-latest")
        visit.page.click("form.tool button")
        expected = bot_answer(
            database, "/cost mistralai:codestral-latest How much energy does this reply take?", "en"
        )
        assert answer_lines(visit.page) == expected
        visit.page.screenshot(path=str(SCREENSHOTS / "cost-answer.png"), full_page=True)


def test_a_printed_claim_leaves_out_navigation_and_forms(
    server: tuple[str, Path], browser: Any
) -> None:
    address, _database = server
    with Visit(browser) as visit:
        visit.page.goto(f"{address}/claims/google-search-2009?lang=en")
        visit.page.emulate_media(media="print")
        assert visit.page.locator("form.search").is_hidden()
        assert visit.page.locator("h1").is_visible()
        visit.page.pdf(path=str(SCREENSHOTS / "claim-print.pdf"))
