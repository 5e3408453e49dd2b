"""Every chat example of the README works when pasted as is, and gets the answer it documents.

The examples are the README's unlabelled code blocks whose lines start with a
command. Each is pasted into the console (as one paste, and piped through the
REPL), and the moderator examples into the fake Telegram and Discord too (a
Telegram message keeps its lines; Discord's one-line option flattens them).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.console import ConsoleAdapter
from tests.fakes.discord_api import option, sub
from tests.test_discord_e2e import MODERATOR
from tests.test_discord_e2e import discord_bot as discord_bot_fixture  # noqa: F401
from tests.test_telegram_e2e import ADMIN
from tests.test_telegram_e2e import telegram_bot as telegram_bot_fixture  # noqa: F401

README = Path(__file__).resolve().parent.parent / "README.md"
# The answer each example command documents (the README says so after the block).
DOCUMENTED = {
    "/fact add": "Added gemini-carbon-per-prompt.",
    "/fait propose": "Thank you: proposal #1 (google-reports-0-26-ml-of-on-site) awaits",
    "/campaign start": "Campaign started: #",
    "/campagne lance": "Campaign started: #",  # the console reader reads English
}


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language label, content) of every fenced code block of a Markdown text."""
    blocks: list[tuple[str, str]] = []
    label: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("```"):
            if label is None:
                label, lines = line[3:].strip(), []
            else:
                blocks.append((label, "\n".join(lines) + "\n"))
                label = None
        elif label is not None:
            lines.append(line)
    return blocks


def chat_examples() -> list[str]:
    """The README's unlabelled code blocks made of chat commands."""
    blocks = code_blocks(README.read_text(encoding="utf-8"))
    return [content for label, content in blocks if not label and content.startswith("/")]


def commands_of(block: str) -> list[str]:
    """The commands a block holds: lines that start with ``/``, by their first two words."""
    return [" ".join(line.split()[:2]) for line in block.splitlines() if line.startswith("/")]


def test_the_readme_has_the_moderator_and_campaign_examples() -> None:
    found = {command for block in chat_examples() for command in commands_of(block)}
    assert found == set(DOCUMENTED)


@pytest.mark.parametrize("block", chat_examples(), ids=lambda b: b.split("\n", 1)[0][:30])
async def test_each_readme_example_pasted_in_the_console_gets_its_documented_answer(
    wattson: ConsoleAdapter, block: str
) -> None:
    replies = await wattson.paste(block)
    expected = [DOCUMENTED[command] for command in commands_of(block)]
    assert len(replies) == len(expected)
    for reply, answer in zip(replies, expected, strict=True):
        assert reply.startswith(answer), reply


def test_the_readme_fact_add_example_uses_an_id_the_base_does_not_have() -> None:
    [block] = [b for b in chat_examples() if b.startswith("/fact add")]
    claim_id = re.search(r"^id: (\S+)$", block, re.M)
    assert claim_id is not None
    seeded = "\n".join(p.read_text() for p in (README.parent / "facts" / "data").glob("*.toml"))
    assert f'id = "{claim_id.group(1)}"' not in seeded


async def test_a_piped_console_reads_the_fields_up_to_a_blank_line(
    wattson: ConsoleAdapter,
) -> None:
    [block] = [b for b in chat_examples() if b.startswith("/fact add")]
    stdin = io.StringIO(block + "\n/fact gemini-carbon-per-prompt\n")
    stdout = io.StringIO()
    await wattson.repl(stdin, stdout)
    printed = stdout.getvalue()
    assert printed.startswith("Added gemini-carbon-per-prompt.")
    assert "Commands start with /" not in printed
    assert printed.count("gemini-carbon-per-prompt") >= 2  # added, then shown


async def test_a_field_command_alone_waits_for_its_fields_and_a_blank_line_sends_it(
    wattson: ConsoleAdapter,
) -> None:
    assert await wattson.send("/campaign start") == []
    assert wattson.reading_fields
    assert await wattson.send("topic: eau") == []
    assert await wattson.send("tous les jours: 9h") == []
    [answer] = await wattson.send("")
    assert answer.startswith("Campaign started:") and "water" in answer and "09:00" in answer


async def test_a_one_line_command_with_fields_is_answered_at_once(
    wattson: ConsoleAdapter,
) -> None:
    [answer] = await wattson.send("/campaign start topic: water; every: 12")
    assert answer.startswith("Campaign started:")
    assert not wattson.reading_fields


@pytest.mark.slow
async def test_the_readme_fact_add_example_works_as_one_telegram_message(
    telegram_bot_fixture: Any,  # noqa: F811 (the imported fixture)
) -> None:
    fake, _core, _adapter = telegram_bot_fixture
    [block] = [b for b in chat_examples() if b.startswith("/fact add")]
    [added] = await fake.send_text(block.strip(), user_id=ADMIN)
    assert "Added gemini-carbon-per-prompt" in added["text"]


@pytest.mark.slow
async def test_the_readme_fact_add_example_works_in_discords_one_line_option(
    discord_bot_fixture: Any,  # noqa: F811 (the imported fixture)
) -> None:
    fake, _core, _adapter = discord_bot_fixture
    [block] = [b for b in chat_examples() if b.startswith("/fact add")]
    fields = " ".join(block.strip().splitlines()[1:])  # Discord flattens a pasted block
    [added] = await fake.slash("fact", sub("add", option("fields", fields)), **MODERATOR)
    assert "Added gemini-carbon-per-prompt" in added.text
