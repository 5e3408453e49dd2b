"""Platform limits hold after escaping, for any text a member can make the bot echo.

Discord refuses a whole message when one part is too long, and it counts the
escaped markdown it receives; Telegram counts the text left once the HTML is
parsed, in UTF-16 code units (an emoji counts two). The renderers cut long
replies into messages within those limits, never inside an escape, and drop
nothing.
"""

from __future__ import annotations

import html
import re

import pytest

from adapters.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_LIMIT,
    FIELD_LIMIT,
    TITLE_LIMIT,
    embed_size,
    render_content,
    render_reply,
)
from adapters.telegram.render import render_caption
from adapters.telegram.render import render_reply as render_telegram
from adapters.text import split_message, utf16_len
from bot.messages import Reply
from tests.fakes.discord_api import message_problems
from tests.fakes.telegram_api import html_problem

MARKDOWN = "*_~|>`\\#-[]()"
HOSTILE = {
    "markdown": "*_~|>`\\" * 1500,
    "markdown words": " ".join(["**bold** __u__ ~~s~~ ||spoiler|| > `x` \\"] * 400),
    "emoji": "😀🔥👩‍👩‍👧" * 1500,
    "astral": "𝕏𝔸𝕄" * 2000,
    "html": "<b>&amp;</b> <a href='x'>&lt;" * 600,
    "mixed lines": "\n".join(f"> **{n}** <@everyone> 😀 & {'_' * n}" for n in range(300)),
}


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def descriptions(messages: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [m["embed"].description or "" for m in messages]


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_discord_embed_is_within_its_limits_after_escaping(text: str) -> None:
    messages = render_reply(Reply(text=text + "\n" + text, links=(("Source", "https://x.org"),)))
    for message in messages:
        embed = message["embed"]
        assert utf16_len(embed.title or "") <= TITLE_LIMIT
        assert utf16_len(embed.description or "") <= DESCRIPTION_LIMIT
        assert all(utf16_len(f.value or "") <= FIELD_LIMIT for f in embed.fields)
        assert embed_size(embed) <= EMBED_LIMIT
        assert message_problems({"embeds": [embed.to_dict()]}) == []


def test_a_title_cut_to_256_stays_within_256_once_escaped() -> None:
    head = "*_" * 300
    [message] = render_reply(Reply(text=head + "\nbody"))
    title = message["embed"].title
    assert utf16_len(title) <= TITLE_LIMIT and title.endswith("…")
    assert unescape_markdown(title[:-1]) in head, "a cut between escapes, never inside one"
    assert unescape_markdown(message["embed"].description).startswith(head), "shown whole below"


def test_a_long_discord_reply_is_split_and_nothing_is_dropped() -> None:
    text = "title\n" + "*_~|>`\\" * 2000  # no line break or space: cut anywhere
    pieces = descriptions(render_reply(Reply(text=text)))
    assert len(pieces) > 1
    assert "".join(unescape_markdown(p) for p in pieces) == text.partition("\n")[2]


def test_discord_cuts_at_line_breaks_when_there_are_some() -> None:
    lines = [f"line {n} **{'*' * (n % 50)}**" for n in range(600)]
    pieces = descriptions(render_reply(Reply(text="title\n" + "\n".join(lines))))
    assert len(pieces) > 1
    rebuilt = "\n".join(unescape_markdown(p) for p in pieces)
    assert rebuilt == "\n".join(lines)


def test_emoji_count_two_units_on_discord_too() -> None:
    pieces = descriptions(render_reply(Reply(text="title\n" + "😀" * 5000)))
    assert all(len(p) <= DESCRIPTION_LIMIT // 2 for p in pieces)
    assert sum(len(p) for p in pieces) == 5000


def test_many_sources_move_to_fields_and_embeds_that_have_room() -> None:
    links = tuple(
        (f"Publisher **{n}** ]with[ brackets", f"https://example.org/{n}") for n in range(80)
    )
    messages = render_reply(Reply(text="title\n" + "x " * 2000, links=links))
    fields = [f for m in messages for f in m["embed"].fields]
    values = "\n".join(f.value for f in fields)
    assert all(f"](https://example.org/{n})" in values for n in range(80)), "every source kept"
    assert all(embed_size(m["embed"]) <= EMBED_LIMIT for m in messages)
    assert all(len(m["embed"].fields) <= 25 for m in messages)
    assert "]with[" not in values, "a bracket in a label cannot end its link"


def test_discord_content_is_escaped_then_kept_within_2000() -> None:
    content = render_content("*" * 3000)
    assert len(content) <= CONTENT_LIMIT and content.endswith("…")
    assert content.startswith("\\*\\*")


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_telegram_message_parses_and_fits_4096_utf16_units(text: str) -> None:
    messages = render_telegram(Reply(text=text + "\n" + text))
    assert len(messages) > 1
    for message in messages:
        assert html_problem(message, 4096) is None, message[:80]


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_long_telegram_reply_loses_nothing(text: str) -> None:
    messages = render_telegram(Reply(text=text))
    rebuilt = [html.unescape(m) for m in messages]
    assert "".join(rebuilt).replace("\n", "").replace(" ", "") == (
        text.replace("\n", "").replace(" ", "")
    )


def test_astral_characters_are_counted_as_two_on_telegram() -> None:
    messages = render_telegram(Reply(text="𝕏" * 3000))
    assert [utf16_len(html.unescape(m)) for m in messages] == [4096, 2 * 3000 - 4096]


def test_a_telegram_reply_that_fits_is_one_message_with_a_bold_title() -> None:
    text = "Title <b>&\n" + "é" * (4096 - len("Title <b>&\n"))
    assert render_telegram(Reply(text=text)) == [
        "<b>Title &lt;b&gt;&amp;</b>\n" + "é" * (4096 - len("Title <b>&\n"))
    ]


def test_a_caption_is_cut_before_escaping_so_no_entity_breaks() -> None:
    caption = render_caption("&<>" * 1000)
    assert caption is not None and html_problem(caption, 1024) is None
    assert caption.endswith("…")


def test_split_message_refuses_a_limit_too_small_for_an_escape() -> None:
    with pytest.raises(ValueError):
        split_message("text", 3)


def test_an_escape_is_never_split_between_two_pieces() -> None:
    from adapters.discord.render import safe

    pieces = split_message("\\*" * 3000, 100, safe)
    for piece in pieces:
        trailing = len(piece) - len(piece.rstrip("\\"))
        assert trailing % 2 == 0, "no piece ends with a lone escaping backslash"
    assert "".join(unescape_markdown(p) for p in pieces) == "\\*" * 3000
