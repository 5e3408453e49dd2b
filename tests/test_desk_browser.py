"""The moderators' desk in a real browser: Debian's Chromium, driven by Playwright, against ``wattson web``.

A moderator signs in with the one-time link ``wattson web login-link`` prints,
reviews a proposal with its diff and approves it, rejects another with a
reason (queued for the proposer's chat), edits a claim and sees a validation
error beside its field; a replayed link, a forged form token and another
chat's campaign are refused. The desk works without JavaScript, each page is
local, accessible (axe-core) and fits a 360 px phone; screenshots go to
``test-output/screenshots/desk-*.png``. Skipped without Chromium, except in CI.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_core
from bot.messages import ChatRef, Request, UserRef
from bot.settings import load_settings
from tests.test_web_browser import LAUNCH_ARGS, SCREENSHOTS, WATTSON, Visit, chromium
from tests.webclient import wattson_web

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODERATOR = "telegram:4242"
OUR_CHAT = ChatRef(platform="telegram", id="-1001")
OTHER_CHAT = ChatRef(platform="telegram", id="-2002")
PROPOSER = UserRef(platform="telegram", id="5")


def proposal(claim_id: str, value: str) -> str:
    return (
        f"/fact propose id: {claim_id}; topic: data-centres; status: verified; "
        f"en: Data centres used {value} TWh in 2024, says a reader.; "
        f"fr: Les centres de données ont consommé {value} TWh en 2024, dit un lecteur.; "
        f"value: {value}; unit: TWh; per: year; url: https://example.org/a; "
        "publisher: Example; title: An example; date: 2025-01-01"
    )


def prepare(database: Path) -> dict[str, int]:
    """Three proposals from a Telegram group (#1 and #3 edit seed claims, #2 adds one), and a
    campaign in each of two groups."""

    async def run() -> dict[str, int]:
        settings = load_settings(None, storage={"database": str(database)})
        numbers: dict[str, int] = {}
        async with open_core(settings) as core:
            lines = (proposal("iea-dc-2024", "1"), proposal("reader-dc-figure", "3"),
                     proposal("iea-dc-2030", "2"))  # fmt: skip
            for line in lines:
                request = Request.from_text(line, user=PROPOSER, chat=OUR_CHAT, locale="fr")
                assert request is not None and not (await core.handle(request)).error
            for name, chat in (("ours", OUR_CHAT), ("theirs", OTHER_CHAT)):
                reply = await core.handle(Request(
                    command="campaign", args="start topic: water; every: 12",
                    user=UserRef(platform="telegram", id="99"), chat=chat, is_moderator=True,
                ))  # fmt: skip
                found = re.search(r"#(\d+)", reply.text)
                assert found is not None, reply.text
                numbers[name] = int(found.group(1))
        return numbers

    return asyncio.run(run())


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``wattson web`` on a fresh SQLite base whose ``public_url`` is its own address."""
    chromium()
    folder = tmp_path_factory.mktemp("desk")
    database = folder / "wattson.db"
    campaigns = prepare(database)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = folder / "config.toml"
    config.write_text(
        f'[storage]\ndatabase = "{database}"\n'
        f'[web]\nlisten = "127.0.0.1:{port}"\npublic_url = "http://127.0.0.1:{port}"\n'
        "requests_per_minute = 100000\n"
        "[limits]\nper_user_per_minute = 10000\nper_chat_per_minute = 10000\n"
    )
    with wattson_web("--config", str(config), cwd=folder) as (_process, address):
        yield {"address": address, "database": database, "config": config, **campaigns}


@pytest.fixture(scope="module")
def browser(desk_server: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
        yield launched
        launched.close()


def login_link(server: dict[str, Any], language: str = "en") -> str:
    """A fresh one-time link, as ``wattson web login-link`` prints it for the moderator."""
    printed = subprocess.run(
        [WATTSON, "web", "login-link", MODERATOR, "--chat", "telegram:-1001",
         "--lang", language, "--config", str(server["config"])],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert printed.startswith(server["address"] + "/desk/login/")
    return printed


def sign_in(visit: Visit, server: dict[str, Any], language: str = "en") -> None:
    visit.page.goto(login_link(server, language))
    visit.page.click("form.tool button")
    visit.page.wait_for_selector("nav.desk")


def check_page(visit: Visit, name: str) -> None:
    """Local, no CSP violation, no sideways scroll at 360 px, no serious axe finding; a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    visit.page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / f"desk-{name}.png"), full_page=True)
    overflow = visit.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at 360 px"
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in Axe().run(visit.page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert visit.hosts() == {"127.0.0.1"}, visit.requests
    assert [e for e in visit.console_errors if "Content Security Policy" in e] == []


def rows(visit: Visit, proposal_number: int) -> list[list[str]]:
    table = visit.page.locator(f"#proposal-{proposal_number} table.diff tbody tr")
    return [[" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()]
            for row in table.all()]  # fmt: skip


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


# ---- signing in ---------------------------------------------------------------------------------


def test_a_moderator_signs_in_with_the_link_and_a_replay_is_refused(
    desk_server: dict[str, Any],
    browser: Any,
) -> None:
    link = login_link(desk_server, "fr")
    with Visit(browser) as visit:
        visit.page.goto(link)
        check_page(visit, "login")
        visit.page.click("form.tool button")
        visit.page.wait_for_selector("nav.desk")
        assert visit.page.locator("h1").inner_text() == "Bureau des modérateurs"
        assert "Connecté en tant que telegram:4242" in visit.page.locator("nav.desk").inner_text()
        [cookie] = visit.context.cookies()
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/desk")
        check_page(visit, "queue")
    with Visit(browser) as again:
        again.page.goto(link)
        assert again.page.locator("h1").inner_text() == "Lien de connexion refusé"
        assert (
            again.page.locator("p.problem")
            .inner_text()
            .startswith("Ce lien de connexion a déjà servi")
        )
        assert again.context.cookies() == []


# ---- the queue ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("javascript", "number", "claim_id", "before"),
    [(True, 1, "iea-dc-2024", "415"), (False, 3, "iea-dc-2030", "945")],
)
def test_a_moderator_reviews_a_proposal_with_its_diff_and_approves_it(
    desk_server: dict[str, Any], browser: Any, javascript: bool, number: int, claim_id: str,
    before: str,
) -> None:  # fmt: skip
    after = {1: "1", 3: "2"}[number]
    with Visit(browser, javascript) as visit:
        sign_in(visit, desk_server)
        assert ["value", before, after] in rows(visit, number)
        assert ["publisher", "IEA", "Example"] in rows(visit, number)
        visit.page.click(f"#proposal-{number} form.approve button")
        visit.page.wait_for_selector("p.done")
        assert visit.page.locator("p.done").inner_text().startswith("Approved.")
        assert visit.page.locator(f"#proposal-{number}").count() == 0
        visit.page.goto(f"{desk_server['address']}/claims/{claim_id}?lang=en")
        assert f"{after} TWh" in visit.page.locator("main").inner_text()
    [(actor, action)] = query(
        desk_server["database"],
        f"SELECT actor, action FROM claim_audit WHERE claim_id = '{claim_id}'"
        " ORDER BY seq DESC LIMIT 1",
    )
    assert (actor, action) == (MODERATOR, "approve")


def test_a_moderator_rejects_a_proposal_with_a_reason_for_its_author(
    desk_server: dict[str, Any],
    browser: Any,
) -> None:
    with Visit(browser) as visit:
        sign_in(visit, desk_server)
        visit.page.fill("#reason-2", "no source gives this figure")
        visit.page.click("#proposal-2 form.reject button")
        visit.page.wait_for_selector("p.done")
        assert visit.page.locator("p.done").inner_text().startswith("Rejected.")
    notices = query(desk_server["database"], "SELECT platform, chat_id, language, reason,"
                    " decision FROM desk_notices WHERE proposal_id = 2")  # fmt: skip
    assert notices == [("telegram", "-1001", "fr", "no source gives this figure", "rejected")]


# ---- claims -------------------------------------------------------------------------------------


def test_an_edit_with_a_wrong_unit_shows_the_error_by_the_field(
    desk_server: dict[str, Any],
    browser: Any,
) -> None:
    with Visit(browser) as visit:
        sign_in(visit, desk_server, "fr")
        visit.page.fill("#claim-id", "lbnl-us-dc-2023")
        visit.page.click("form.goto button")
        visit.page.wait_for_selector("form.claim-form")
        visit.page.fill("#input-unit", "furlongs")
        visit.page.click("form.claim-form button")
        visit.page.wait_for_selector("#error-unit")
        assert visit.page.locator("#error-unit").inner_text().startswith("unité : une unité")
        assert visit.page.locator("#input-unit").get_attribute("aria-invalid") == "true"
        assert visit.page.locator("p.error").count() == 1
        assert visit.page.locator("#input-unit").input_value() == "furlongs"  # nothing lost
        check_page(visit, "edit-error")
    [(unit,)] = query(desk_server["database"], "SELECT json_extract(content,"
                      " '$.quantities[0].unit') FROM claims WHERE id = 'lbnl-us-dc-2023'")  # fmt: skip
    assert unit != "furlongs"


def test_a_forged_form_token_is_refused(desk_server: dict[str, Any], browser: Any) -> None:
    with Visit(browser) as visit:
        sign_in(visit, desk_server)
        visit.page.goto(f"{desk_server['address']}/desk/claims/lbnl-us-dc-2023/edit?lang=en")
        visit.page.fill("#retract-reason", "forged")
        visit.page.evaluate(
            "document.querySelector('form.retract input[name=csrf]').value = 'forged'"
        )
        visit.page.click("form.retract button")
        visit.page.wait_for_selector("p.problem")
        assert visit.page.locator("h1").inner_text() == "Form refused"
        assert "nothing was changed" in visit.page.locator("p.problem").inner_text()
    assert query(desk_server["database"], "SELECT retracted FROM claims"
                 " WHERE id = 'lbnl-us-dc-2023'") == [(0,)]  # fmt: skip


# ---- campaigns ----------------------------------------------------------------------------------


def test_a_moderator_is_refused_on_another_chats_campaign(
    desk_server: dict[str, Any],
    browser: Any,
) -> None:
    ours, theirs = desk_server["ours"], desk_server["theirs"]
    with Visit(browser) as visit:
        sign_in(visit, desk_server)
        visit.page.goto(f"{desk_server['address']}/desk/campaigns?lang=en")
        assert visit.page.locator(f"#campaign-{ours}").count() == 1
        assert visit.page.locator(f"#campaign-{theirs}").count() == 0
        check_page(visit, "campaigns")
        # a form to the other chat's campaign, carrying this session's valid token
        visit.page.evaluate(
            """([ours, theirs]) => {
                const form = document.querySelector('#campaign-' + ours + ' form').cloneNode(true);
                form.action = '/desk/campaigns/' + theirs + '/stop';
                document.body.appendChild(form);
                form.submit();
            }""",
            [ours, theirs],
        )
        visit.page.wait_for_selector("p.problem")
        assert visit.page.locator("h1").inner_text() == "Not your chat"
    assert query(desk_server["database"],
                 f"SELECT state FROM campaigns WHERE id = {theirs}") == [("active",)]  # fmt: skip
