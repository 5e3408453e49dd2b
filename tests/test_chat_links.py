"""With ``[web] public_url`` set, the chats link each claim's page in the reader's language.

/fact, /check and campaign posts give the address on a line of its own, which
the platforms' message cutting never splits; without ``public_url`` no link is
given (there is no page to send anyone to).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from adapters.telegram.render import render_reply as telegram_messages
from adapters.text import utf16_len
from bot.app import open_core
from bot.commands.campaign import make_scheduler
from bot.dispatch import Core
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import load_settings
from tests.webclient import PUBLIC_URL, web_settings

PAGE = re.compile(re.escape(PUBLIC_URL) + r"/claims/([a-z0-9-]+)\?lang=(en|fr)")


def asked(command: str, args: str, locale: str, platform: str = "telegram") -> Request:
    return Request(
        command=command, args=args, user=UserRef(platform=platform, id="42"),
        chat=ChatRef(platform=platform, id="-100"), locale=locale,
    )  # fmt: skip


async def test_fact_links_the_claims_page_in_the_readers_language() -> None:
    async with open_core(web_settings()) as core:
        english = await core.handle(asked("fact", "iea-dc-2024", "en"))
        french = await core.handle(asked("fact", "iea-dc-2024", "fr"))
    assert f"On the web: {PUBLIC_URL}/claims/iea-dc-2024?lang=en" in english.text.splitlines()
    assert f"Sur le web : {PUBLIC_URL}/claims/iea-dc-2024?lang=fr" in french.text.splitlines()


async def test_without_a_public_address_no_page_is_linked(core: Core) -> None:
    reply = await core.handle(asked("fact", "iea-dc-2024", "en"))
    assert "/claims/" not in reply.text and "On the web" not in reply.text


async def test_check_links_every_claim_it_cites() -> None:
    async with open_core(web_settings()) as core:
        reply = await core.handle(
            asked("check", "ChatGPT consomme 500 mL d'eau par question", "fr")
        )
    cited = re.findall(r"/fait ([a-z0-9-]+) · " + PAGE.pattern, reply.text)
    assert cited and all(fact == page and lang == "fr" for fact, page, lang in cited)


async def test_a_campaign_post_links_its_fact_in_the_campaigns_language() -> None:
    settings = web_settings()
    posts: list[Reply] = []

    async def outbox(chat_id: str, reply: Reply) -> None:
        posts.append(reply)

    async with open_core(settings) as core:
        core.services.outboxes["telegram"] = outbox
        request = asked("campagne", "start topic: water; every: 1", "fr")
        assert not (await core.handle(request.model_copy(update={"is_moderator": True}))).error
        await make_scheduler(core.services).tick(datetime.now(UTC) + timedelta(hours=1, minutes=1))
    (post,) = [reply for reply in posts if reply.data is not None]
    found = PAGE.search(post.text)
    assert found is not None and found.group(1) == post.data.id and found.group(2) == "fr"


async def test_the_link_survives_telegrams_cutting_of_a_long_reply() -> None:
    settings = load_settings(
        None, storage={"database": ":memory:"}, limits={"max_reply_chars": 100_000},
        web={"public_url": PUBLIC_URL},
    )  # fmt: skip
    async with open_core(settings) as core:
        reply = await core.handle(asked("fact", "sources iea-dc-2024", "en"))
    long_reply = reply.model_copy(update={"text": "x " * 2_100 + "\n" + reply.text})
    messages = telegram_messages(long_reply)
    assert len(messages) > 1 and all(utf16_len(m) <= 4096 for m in messages)
    assert any(f"{PUBLIC_URL}/claims/iea-dc-2024?lang=en" in m for m in messages)
