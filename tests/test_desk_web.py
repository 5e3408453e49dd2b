"""The moderators' desk over real HTTP: signing in by link, sessions, form tokens, who may touch what.

A moderator asks the bot for a link (``/fact desk``, answered to them alone),
opens it, presses "Sign in", and works in the desk with one cookie scoped to
``/desk``. A used, unknown or expired link is refused with a page in the
reader's language and counted; a form without the session's token is refused
with 403 and changes nothing; a campaign of a chat the session does not cover
is refused with 403; every write is logged as the moderator's ``platform:id``.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from adapters.cli import main
from adapters.console import ConsoleAdapter
from bot.messages import ChatRef, Request, UserRef
from tests.webclient import PUBLIC_URL, Answer, Web, web_on

MODERATOR = "telegram:4242"
OUR_CHAT = ("telegram", "-1001")
OTHER_CHAT = ("telegram", "-2002")
PROPOSAL = (
    "/fact propose id: iea-dc-2024; topic: data-centres; status: verified; "
    "en: Data centres used 1 TWh in 2024, says a reader.; "
    "fr: Les centres de données ont consommé 1 TWh en 2024, dit un lecteur.; "
    "value: 1; unit: TWh; per: year; url: https://example.org/a; publisher: Example; "
    "title: An example; date: 2025-01-01"
)


@pytest.fixture
async def web() -> AsyncIterator[Web]:
    async with web_on() as running:
        yield running


async def sign_in(web: Web, actor: str = MODERATOR, chats: tuple[str, ...] = ("telegram:-1001",),
                  language: str = "en") -> str:  # fmt: skip
    """The ``Cookie`` header of a fresh desk session for ``actor``."""
    assert web.core.services.desk is not None
    link = await web.core.services.desk.issue_link(actor, chats, language, datetime.now(UTC))
    answer = await web.post(f"/desk/login/{link.token}")
    assert answer.status == 303 and answer.headers["Location"] == f"/desk?lang={language}"
    return answer.headers["Set-Cookie"].split(";")[0]


def csrf_of(answer: Answer) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', answer.text)
    assert found is not None
    return found.group(1)


def form_values(page: str) -> dict[str, str]:
    """What the claim form would send as it stands: its inputs, text areas and selected options."""
    values = dict(
        re.findall(r'<input id="input-(\w+)" name="\w+" type="text" value="([^"]*)"', page)
    )
    values |= dict(re.findall(r'<textarea id="input-(\w+)"[^>]*>(.*?)</textarea>', page, re.S))
    for key, options in re.findall(r'<select id="input-(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        values[key] = chosen.group(1) if chosen else ""
    return {key: html.unescape(value) for key, value in values.items()}


def problem_of(answer: Answer) -> str:
    found = re.search(r'<p class="problem">(.*?)</p>', answer.text, re.S)
    assert found is not None
    return " ".join(found.group(1).split())


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def start_campaign(web: Web, chat: tuple[str, str]) -> int:
    request = Request(
        command="campaign", args="start topic: water; every: 12",
        user=UserRef(platform=chat[0], id="99"), chat=ChatRef(platform=chat[0], id=chat[1]),
        is_moderator=True,
    )  # fmt: skip
    reply = await web.core.handle(request)
    found = re.search(r"#(\d+)", reply.text)
    assert not reply.error and found is not None, reply.text
    return int(found.group(1))


# ---- the link ----------------------------------------------------------------------------------


async def test_a_moderator_asking_for_the_desk_gets_a_link_for_them_alone(web: Web) -> None:
    request = Request(
        command="fait", args="bureau", user=UserRef(platform="telegram", id="4242"),
        chat=ChatRef(platform="telegram", id="-1001"), locale="fr", is_moderator=True,
    )  # fmt: skip
    assert web.core.answers_privately(request)
    reply = await web.core.handle(request)
    assert reply.private and not reply.error
    first, address = reply.text.split("\n")
    assert first.startswith("Votre lien vers le bureau des modérateurs, valable 10 minutes")
    assert re.fullmatch(re.escape(PUBLIC_URL) + r"/desk/login/[A-Za-z0-9_-]{43}", address)
    page = await web.get(address.removeprefix(PUBLIC_URL) + "?lang=fr")
    assert page.status == 200 and "Se connecter" in page.text
    assert "Set-Cookie" not in page.headers  # looking at the link uses nothing


async def test_a_member_asking_for_the_desk_is_refused_as_for_any_moderators_action(
    web: Web,
) -> None:
    reply = await ConsoleAdapter(web.core, user_id="member").core.handle(
        Request(
            command="fact",
            args="desk",
            user=UserRef(platform="telegram", id="7"),
            chat=ChatRef(platform="telegram", id="-1001"),
            locale="fr",
        )  # fmt: skip
    )
    assert reply.error
    assert reply.text.startswith("Seuls les modérateurs de cette discussion peuvent faire cela.")
    assert (
        await web.core.services.desk.database.fetch_value(  # type: ignore[union-attr]
            "SELECT COUNT(*) FROM desk_links"
        )
        == 0
    )


async def test_without_a_public_address_the_bot_says_so() -> None:
    async with web_on(public_url="") as web:
        [answer] = await ConsoleAdapter(web.core).send("/fact desk")
    assert "[web] public_url" in answer and "/desk/login/" not in answer


def test_the_command_line_prints_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "wattson.toml"
    config.write_text(
        f'[storage]\ndatabase = "{tmp_path / "w.db"}"\n[web]\npublic_url = "{PUBLIC_URL}"\n'
    )
    assert main(["web", "login-link", "discord:77", "--chat", "discord:555",
                 "--config", str(config)]) == 0  # fmt: skip
    printed = capsys.readouterr().out.strip()
    assert re.fullmatch(re.escape(PUBLIC_URL) + r"/desk/login/[A-Za-z0-9_-]{43}", printed)
    assert main(["web", "login-link", "nobody", "--config", str(config)]) == 2


async def test_a_replayed_link_is_refused_in_the_readers_language_and_counted(web: Web) -> None:
    assert web.core.services.desk is not None
    link = await web.core.services.desk.issue_link(MODERATOR, (), "fr", datetime.now(UTC))
    before = counted("wattson_desk_links_refused_total", reason="used")
    assert (await web.post(f"/desk/login/{link.token}")).status == 303
    again = await web.post(f"/desk/login/{link.token}?lang=fr")
    assert again.status == 403 and "Set-Cookie" not in again.headers
    assert problem_of(again).startswith("Ce lien de connexion a déjà servi")
    assert counted("wattson_desk_links_refused_total", reason="used") == before + 1
    unknown = await web.get("/desk/login/not-a-link?lang=en")
    assert unknown.status == 403 and "not one the bot gave" in problem_of(unknown)


# ---- the session -------------------------------------------------------------------------------


async def test_the_session_cookie_is_httponly_strict_secure_and_only_for_the_desk(web: Web) -> None:
    assert web.core.services.desk is not None
    link = await web.core.services.desk.issue_link(MODERATOR, (), "en", datetime.now(UTC))
    cookie = (await web.post(f"/desk/login/{link.token}")).headers["Set-Cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite", "path", "max-age"} <= attributes
    assert "SameSite=Strict" in cookie and "Path=/desk" in cookie and "Max-Age=43200" in cookie
    for path in ("/", "/claims/iea-dc-2024", "/check?text=1+TWh", "/api/v1/claims"):
        assert "Set-Cookie" not in (await web.get(path)).headers, path


async def test_without_a_session_the_desk_says_how_to_sign_in(web: Web) -> None:
    answer = await web.get("/desk?lang=fr")
    assert answer.status == 401 and "/fait bureau" in answer.text
    forged = await web.get("/desk", headers={"Cookie": "wattson_desk=forged"})
    assert forged.status == 401
    assert (await web.post("/desk/proposals/1/approve")).status == 401


async def test_signing_out_ends_the_session_on_the_server(web: Web) -> None:
    cookie = await sign_in(web)
    queue = await web.get("/desk", headers={"Cookie": cookie})
    out = await web.post("/desk/logout", headers={"Cookie": cookie}, data={"csrf": csrf_of(queue)})
    assert out.status == 303 and 'wattson_desk=""' in out.headers["Set-Cookie"]
    assert (await web.get("/desk", headers={"Cookie": cookie})).status == 401


# ---- forms -------------------------------------------------------------------------------------


async def test_a_form_without_the_sessions_token_is_refused_and_changes_nothing(web: Web) -> None:
    await ConsoleAdapter(web.core).send(PROPOSAL)
    cookie, other = await sign_in(web), await sign_in(web, "discord:1")
    other_token = csrf_of(await web.get("/desk", headers={"Cookie": other}))
    before = counted("wattson_desk_forms_refused_total")
    for data in ({}, {"csrf": "0" * 64}, {"csrf": other_token}):
        answer = await web.post("/desk/proposals/1/approve", headers={"Cookie": cookie}, data=data)
        assert answer.status == 403 and "nothing was changed" in problem_of(answer)
    assert counted("wattson_desk_forms_refused_total") == before + 3
    claim = await web.site.store.get("iea-dc-2024")
    assert claim is not None and claim.figure.value == 415


async def test_approving_applies_the_diff_shown_and_logs_the_moderator(web: Web) -> None:
    await ConsoleAdapter(web.core).send(PROPOSAL)
    cookie = await sign_in(web)
    queue = await web.get("/desk?lang=en", headers={"Cookie": cookie})
    rows = re.findall(r'<th scope="row">([^<]*)</th><td><del>([^<]*)</del></td><td><ins>([^<]*)</ins>',
                      queue.text)  # fmt: skip
    assert ("value", "415", "1") in rows and ("publisher", "IEA", "Example") in rows
    version = re.search(r'name="version" value="([^"]+)"', queue.text)
    assert version is not None
    approved = await web.post("/desk/proposals/1/approve", headers={"Cookie": cookie},
                              data={"csrf": csrf_of(queue), "version": version.group(1)})  # fmt: skip
    assert approved.status == 303
    claim = await web.site.store.get("iea-dc-2024")
    assert claim is not None and claim.figure.value == 1
    assert (await web.site.store.history("iea-dc-2024"))[-1].actor == MODERATOR


async def test_an_approval_of_a_claim_changed_since_is_refused_with_the_new_diff(web: Web) -> None:
    console = ConsoleAdapter(web.core)
    await console.send(PROPOSAL)
    cookie = await sign_in(web)
    queue = await web.get("/desk?lang=en", headers={"Cookie": cookie})
    version = re.search(r'name="version" value="([^"]+)"', queue.text)
    assert version is not None
    await console.send("/fact edit iea-dc-2024 value: 416")
    answer = await web.post("/desk/proposals/1/approve", headers={"Cookie": cookie},
                            data={"csrf": csrf_of(queue), "version": version.group(1)})  # fmt: skip
    assert answer.status == 409 and "The claim changed since" in answer.text
    assert re.search(r"<del>416</del></td><td><ins>1</ins>", answer.text)
    claim = await web.site.store.get("iea-dc-2024")
    assert claim is not None and claim.figure.value == 416


async def test_a_rejection_reaches_the_proposers_chat_with_its_reason(web: Web) -> None:
    from bot.desk.notices import deliver_notices

    posted: list[tuple[str, str]] = []

    async def outbox(chat_id: str, reply: object, *, key: str | None = None) -> None:
        posted.append((chat_id, reply.text))  # type: ignore[attr-defined]

    proposer = Request.from_text(
        PROPOSAL, user=UserRef(platform="telegram", id="5"),
        chat=ChatRef(platform="telegram", id="-3003"), locale="fr",
    )  # fmt: skip
    assert proposer is not None and not (await web.core.handle(proposer)).error
    cookie = await sign_in(web)
    token = csrf_of(await web.get("/desk", headers={"Cookie": cookie}))
    answer = await web.post("/desk/proposals/1/reject", headers={"Cookie": cookie},
                            data={"csrf": token, "reason": "l'AIE donne 415 TWh"})  # fmt: skip
    assert answer.status == 303
    web.core.services.outboxes["telegram"] = outbox
    assert web.core.services.desk is not None
    assert await deliver_notices(web.core.services, web.core.services.desk) == 1
    assert posted == [("-3003", "Un modérateur a rejeté la proposition n°1 (iea-dc-2024) : "
                                "l'AIE donne 415 TWh")]  # fmt: skip
    assert await deliver_notices(web.core.services, web.core.services.desk) == 0


async def test_an_edit_with_a_wrong_unit_shows_the_error_by_the_field(web: Web) -> None:
    cookie = await sign_in(web, language="fr")
    form = await web.get("/desk/claims/iea-dc-2024/edit", headers={"Cookie": cookie})
    fields = form_values(form.text)
    assert fields["unit"] == "TWh" and fields["value"] == "415"
    answer = await web.post("/desk/claims/iea-dc-2024/edit", headers={"Cookie": cookie},
                            data={**fields, "csrf": csrf_of(form), "unit": "furlongs"})  # fmt: skip
    assert answer.status == 422
    errors = dict(re.findall(r'<p class="error" id="error-(\w+)">([^<]*)</p>', answer.text))
    assert list(errors) == ["unit"] and errors["unit"].startswith("unité : une unité")
    claim = await web.site.store.get("iea-dc-2024")
    assert claim is not None and claim.figure.unit == "TWh"


async def test_retracting_needs_a_reason_and_is_logged_as_the_moderator(web: Web) -> None:
    cookie = await sign_in(web)
    token = csrf_of(await web.get("/desk", headers={"Cookie": cookie}))
    empty = await web.post("/desk/claims/iea-dc-2024/retract", headers={"Cookie": cookie},
                           data={"csrf": token, "reason": " "})  # fmt: skip
    assert empty.status == 422
    done = await web.post("/desk/claims/iea-dc-2024/retract", headers={"Cookie": cookie},
                          data={"csrf": token, "reason": "superseded"})  # fmt: skip
    assert done.status == 303
    last = (await web.site.store.history("iea-dc-2024"))[-1]
    assert (last.action, last.actor, last.reason) == ("retract", MODERATOR, "superseded")


# ---- campaigns ---------------------------------------------------------------------------------


async def test_a_moderator_sees_and_changes_only_their_chats_campaigns(web: Web) -> None:
    ours, theirs = await start_campaign(web, OUR_CHAT), await start_campaign(web, OTHER_CHAT)
    cookie = await sign_in(web)
    page = await web.get("/desk/campaigns?lang=en", headers={"Cookie": cookie})
    assert f'id="campaign-{ours}"' in page.text and f'id="campaign-{theirs}"' not in page.text
    token = csrf_of(page)
    refused = await web.post(f"/desk/campaigns/{theirs}/stop", headers={"Cookie": cookie},
                             data={"csrf": token})  # fmt: skip
    assert refused.status == 403 and "not one of yours" in problem_of(refused)
    chart = await web.get("/desk/chats/telegram:-2002/chart.png", headers={"Cookie": cookie})
    assert chart.status == 403
    assert web.core.services.campaigns is not None
    other = await web.core.services.campaigns.get(theirs)
    assert other is not None and other.state == "active"
    paused = await web.post(f"/desk/campaigns/{ours}/pause", headers={"Cookie": cookie},
                            data={"csrf": token})  # fmt: skip
    assert paused.status == 303
    mine = await web.core.services.campaigns.get(ours)
    assert mine is not None and mine.state == "paused"
    assert web.core.services.desk is not None
    [latest, *_older] = await web.core.services.desk.audit()
    assert latest[:3] == (MODERATOR, "campaign-pause", f"campaign #{ours} (telegram:-1001)")


async def test_every_desk_write_is_logged_as_the_moderator(web: Web) -> None:
    await ConsoleAdapter(web.core).send(PROPOSAL)
    cookie = await sign_in(web)
    token = csrf_of(await web.get("/desk", headers={"Cookie": cookie}))
    await web.post("/desk/proposals/1/reject", headers={"Cookie": cookie},
                   data={"csrf": token, "reason": "no"})  # fmt: skip
    await web.post("/desk/claims/iea-dc-2024/retract", headers={"Cookie": cookie},
                   data={"csrf": token, "reason": "gone"})  # fmt: skip
    await web.post("/desk/logout", headers={"Cookie": cookie}, data={"csrf": token})
    assert web.core.services.desk is not None
    done = [(a, act, target) for a, act, target, _at, _d in await web.core.services.desk.audit()]
    assert done == [
        (MODERATOR, "sign-out", "-"),
        (MODERATOR, "retract", "iea-dc-2024"),
        (MODERATOR, "reject", "proposal #1 (iea-dc-2024)"),
        (MODERATOR, "sign-in", "telegram:-1001"),
    ]


async def test_an_edit_saved_from_the_form_shows_in_the_history_with_its_diff(web: Web) -> None:
    cookie = await sign_in(web)
    form = await web.get("/desk/claims/iea-dc-2024/edit?lang=en", headers={"Cookie": cookie})
    fields = {**form_values(form.text), "csrf": csrf_of(form), "value": "416"}
    saved = await web.post("/desk/claims/iea-dc-2024/edit", headers={"Cookie": cookie},
                           data=fields)  # fmt: skip
    assert saved.status == 303
    history = await web.get(saved.headers["Location"], headers={"Cookie": cookie})
    assert '<p class="done" role="status">Changed.</p>' in history.text
    assert re.search(r'<th scope="row">value</th><td><del>415</del></td><td><ins>416</ins>',
                     history.text)  # fmt: skip
    assert history.text.count('<th scope="row">') == 1  # that field alone changed
    assert f"— {MODERATOR}" in history.text
    last = (await web.site.store.history("iea-dc-2024"))[-1]
    assert (last.action, last.actor) == ("edit", MODERATOR)


async def test_a_chats_use_is_charted_for_its_moderator(web: Web) -> None:
    assert web.core.services.usage is not None
    web.core.services.usage.add("telegram", "-1001", "cost_requests", 3)
    cookie = await sign_in(web)
    page = await web.get("/desk/campaigns?lang=en", headers={"Cookie": cookie})
    assert '<p class="stat">/cost: 3 texts, 0 tokens, 0 Wh estimated</p>' in page.text
    source = re.search(r'<img class="chart" src="([^"]+)"', page.text)
    assert source is not None
    chart = await web.get(html.unescape(source.group(1)), headers={"Cookie": cookie})
    assert chart.status == 200 and chart.headers["Content-Type"] == "image/png"
    assert chart.text.startswith("\ufffdPNG")  # the PNG signature, read as text


async def test_a_second_link_adds_its_chat_and_replaces_the_session(web: Web) -> None:
    ours, second = await start_campaign(web, OUR_CHAT), await start_campaign(web, OTHER_CHAT)
    cookie = await sign_in(web)
    assert web.core.services.desk is not None
    link = await web.core.services.desk.issue_link(
        MODERATOR, ("telegram:-2002",), "en", datetime.now(UTC)
    )
    answer = await web.post(f"/desk/login/{link.token}", headers={"Cookie": cookie})
    both = answer.headers["Set-Cookie"].split(";")[0]
    page = await web.get("/desk/campaigns", headers={"Cookie": both})
    assert f'id="campaign-{ours}"' in page.text and f'id="campaign-{second}"' in page.text
    assert (await web.get("/desk", headers={"Cookie": cookie})).status == 401  # replaced
