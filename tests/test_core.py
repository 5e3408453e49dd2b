"""The core answers every request through the console adapter, in the reader's language."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from ecologits.tracers.utils import llm_impacts

from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.dispatch import Command, Core
from bot.foundation.formatting import number_format
from bot.measuring.energy import ecologits_version
from bot.measuring.tokens import count_tokens
from bot.messages import ChatRef, Reply, Request, UserRef
from bot.settings import load_settings

EMAIL = (
    "Bonjour Claire, merci pour ton message. Je te confirme la réunion de jeudi à 14 h "
    "et je t'envoie le compte rendu dès que possible. Bonne journée !"
)


def request(command: str, args: str = "", **fields: object) -> Request:
    defaults: dict[str, object] = {
        "user": UserRef(platform="test", id="u1"),
        "chat": ChatRef(platform="test", id="c1"),
    }
    defaults.update(fields)
    return Request(command=command, args=args, **defaults)  # type: ignore[arg-type]


def expected_energy(text: str, language: str, model: str = "gpt-4o") -> str:
    tokens = count_tokens(text, "o200k_base")
    energy = llm_impacts("openai", model, tokens, math.inf).energy
    assert energy is not None
    value = energy.value
    return number_format(language).range(value.min * 1000, value.max * 1000) + " Wh"  # type: ignore[union-attr]


async def test_cost_prints_the_numbers_ecologits_computes(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send(f"/cost {EMAIL}")
    assert expected_energy(EMAIL, "en") in reply
    assert f"{count_tokens(EMAIL, 'o200k_base')} tokens" in reply
    assert f"EcoLogits {ecologits_version()}" in reply
    assert "https://" in reply, "equivalents cite their sources"


async def test_cost_in_french_formats_numbers_the_french_way(core: Core) -> None:
    french = ConsoleAdapter(core, locale="fr")
    [reply] = await french.send(f"/cost {EMAIL}")
    assert expected_energy(EMAIL, "fr") in reply
    assert "Énergie" in reply


async def test_named_model_is_used(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send(f"/cost gpt-4o-mini {EMAIL}")
    assert reply.startswith("gpt-4o-mini")
    assert expected_energy(EMAIL, "en", "gpt-4o-mini") in reply


async def test_non_openai_models_say_the_count_is_approximate(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/cost mistralai/Mixtral-8x7B-v0.1 hello world")
    assert "approximate" in reply


async def test_cost_measures_the_replied_to_message(core: Core) -> None:
    reply = await core.handle(request("cost", reply_to_text=EMAIL))
    assert not reply.error
    assert reply.data.tokens == count_tokens(EMAIL, "o200k_base")


async def test_cost_with_only_a_model_measures_the_replied_to_message(core: Core) -> None:
    reply = await core.handle(request("cost", "gpt-4o-mini", reply_to_text=EMAIL))
    assert reply.data.model.name == "gpt-4o-mini"
    assert reply.data.tokens == count_tokens(EMAIL, "o200k_base")


async def test_compare_shows_size_architecture_and_machine(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send(f"/cost compare {EMAIL}")
    for name in ("gemma-2-2b-it", "Meta-Llama-3.1-8B-Instruct", "Mixtral-8x7B-Instruct-v0.1"):
        assert name in reply
    assert "mixture of experts, 46.7 billion parameters in memory, 12.9 billion active" in reply
    assert "fits a laptop" in reply and "fits a server with eight data-centre GPUs" in reply
    assert "10× this text" in reply


async def test_empty_cost_explains_how_to_use_it(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/cost")
    assert "no text" in reply


async def test_unknown_model_names_the_closest(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/cost gpt-4p hello")
    assert "Unknown model “gpt-4p”" in reply and "openai:gpt-4o" in reply


async def test_ordinary_first_words_are_text_not_models(wattson: ConsoleAdapter) -> None:
    for line in ("/cost Subject: meeting", "/cost COVID-19 cases rose", "/cost Note: 3 items"):
        [reply] = await wattson.send(line)
        assert "Unknown model" not in reply, line


HOSTILE = {
    "null bytes": "a\x00b\x00c",
    "control characters": "\x07\x1b[31mred\x1b[0m\r\n\t",
    "right-to-left": "مرحبا بالعالم \u202eevil\u202c",
    "combining flood": "Z" + "\u0301" * 5_000,
    "mentions": "@everyone @here <@123> <@&456>",
    "markup": "<b>bold</b> **md** `code` [x](javascript:alert(1))",
    "emoji and zwj": "👩‍👩‍👧‍👦" * 50,
    "hundred thousand characters": "lorem ipsum " * 8_334,
    "lone surrogate-like text": "\ufffd\ufeff\u200b",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_text_is_measured_without_error(core: Core, text: str) -> None:
    reply = await core.handle(request("cost", text))
    assert not reply.error, reply.text
    assert reply.data.tokens == count_tokens(text, "o200k_base")
    assert len(reply.text) <= core.services.settings.limits.max_reply_chars


async def test_tokens_shows_invisible_characters_visibly(core: Core) -> None:
    reply = await core.handle(request("tokens", "a\x00b\t\u202eevil"))
    assert "a|<U+0000>|b" in reply.text and "⇥" in reply.text
    assert "\u202e" not in reply.text, "a bidi override cannot reorder the reply"


async def test_text_over_the_limit_is_refused_clearly() -> None:
    settings = load_settings(
        None, storage={"database": ":memory:"}, limits={"max_input_chars": 1000}
    )
    async with open_core(settings) as core:
        reply = await core.handle(request("cost", "x" * 1001))
    assert reply.error and "1,001 characters" in reply.text and "1,000" in reply.text


async def test_long_replies_are_cut_at_a_line_break_within_the_limit() -> None:
    settings = load_settings(
        None,
        storage={"database": ":memory:"},
        limits={"max_reply_chars": 500, "models_per_page": 100},
    )
    async with open_core(settings) as core:
        reply = await core.handle(request("models"))
    assert len(reply.text) <= 500
    assert reply.text.endswith("\n…")


async def test_unknown_command_suggests_a_close_one(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/cots hello")
    assert "Unknown command /cots" in reply and "/cost" in reply


async def test_french_aliases_reach_the_same_commands(core: Core) -> None:
    reply = await core.handle(request("cout", EMAIL))
    assert reply.data.tokens == count_tokens(EMAIL, "o200k_base")
    assert "/cost" in (await core.handle(request("aide"))).text


async def test_an_unexpected_failure_becomes_an_apology(core: Core) -> None:
    async def broken(context: object) -> Reply:
        raise RuntimeError("boom")

    faulty = Core(core.services, (Command(name="boom", handler=broken, summary="x"),))
    reply = await faulty.handle(request("boom"))
    assert reply.error and "Sorry" in reply.text and "boom" not in reply.text


async def test_tokens_lists_the_pieces(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/tokens Bonjour le monde")
    assert "3 tokens" in reply and "Bonjour|·le|·monde" in reply


async def test_models_searches_by_words(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/models mixtral 8x7b")
    assert "huggingface_hub:mistralai/Mixtral-8x7B-v0.1" in reply
    assert "MoE 46.7 B, 12.9 B active" in reply


async def test_how_states_the_ecologits_assumptions(wattson: ConsoleAdapter) -> None:
    from ecologits.impacts import llm

    [reply] = await wattson.send("/how")
    assert f"EcoLogits {ecologits_version()}" in reply
    assert f"{llm.GPU_MEMORY} GB" in reply and f"{llm.BATCH_SIZE} requests" in reply


async def test_help_lists_every_command(wattson: ConsoleAdapter) -> None:
    from bot.commands import COMMANDS

    [reply] = await wattson.send("/help")
    for command in COMMANDS:
        assert f"/{command.name}" in reply


async def test_language_choice_is_personal_and_persistent(core: Core) -> None:
    await core.handle(request("lang", "fr"))
    assert (await core.handle(request("cost", EMAIL))).text.count("Énergie") == 1
    other_user = request("cost", EMAIL, user=UserRef(platform="test", id="u2"))
    assert "Energy" in (await core.handle(other_user)).text


async def test_only_moderators_set_the_chat_language_and_nothing_is_written_otherwise(
    core: Core,
) -> None:
    refused = await core.handle(request("lang", "chat fr", is_moderator=False))
    assert refused.error and "moderators" in refused.text
    async with core.services.preferences.database.connection.execute(  # type: ignore[union-attr]
        "SELECT COUNT(*) FROM language_preferences"
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0
    accepted = await core.handle(request("lang", "chat fr", is_moderator=True))
    assert not accepted.error
    someone = request("help", user=UserRef(platform="test", id="newcomer"))
    assert "Wattson estime" in (await core.handle(someone)).text


async def test_platform_locale_is_used_when_nobody_chose(core: Core) -> None:
    reply = await core.handle(request("help", locale="fr-CA"))
    assert "Wattson estime" in reply.text
    assert "Wattson estimates" in (await core.handle(request("help", locale="de-DE"))).text


async def test_unknown_language_is_refused(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("/lang klingon")
    assert "Unknown language" in reply


async def test_preferences_survive_a_restart(tmp_path: Path) -> None:
    settings = load_settings(None, storage={"database": tmp_path / "w.db"})
    async with open_core(settings) as core:
        await core.handle(request("lang", "fr"))
    async with open_core(settings) as core:
        assert "Wattson estime" in (await core.handle(request("help"))).text


@pytest.mark.parametrize(
    ("line", "command", "args"),
    [
        ("/cost hello world", "cost", "hello world"),
        ("/COST@WattsonBot  hello", "cost", "hello"),
        ("/cost\nline one\nline two", "cost", "line one\nline two"),
        ("  /help  ", "help", ""),
    ],
)
def test_typed_lines_become_requests(line: str, command: str, args: str) -> None:
    parsed = Request.from_text(
        line, user=UserRef(platform="t", id="1"), chat=ChatRef(platform="t", id="1")
    )
    assert parsed is not None and (parsed.command, parsed.args) == (command, args)


@pytest.mark.parametrize("line", ["hello", "", "/", "/ ", "//"])
def test_lines_that_are_no_command_are_not_requests(line: str) -> None:
    parsed = Request.from_text(
        line, user=UserRef(platform="t", id="1"), chat=ChatRef(platform="t", id="1")
    )
    assert parsed is None


async def test_console_hints_at_commands_for_plain_text(wattson: ConsoleAdapter) -> None:
    [reply] = await wattson.send("hello")
    assert "/help" in reply
    assert await wattson.send("   ") == []


async def test_rate_limits_refuse_floods_per_user_and_per_chat() -> None:
    settings = load_settings(
        None,
        storage={"database": ":memory:"},
        limits={"per_user_per_minute": 3, "per_chat_per_minute": 5},
    )
    async with open_core(settings) as core:
        replies = [await core.handle(request("help")) for _ in range(4)]
        assert [r.error for r in replies] == [False, False, False, True]
        assert "too many requests" in replies[-1].text
        others = [
            await core.handle(request("help", user=UserRef(platform="test", id=f"other{n}")))
            for n in range(3)
        ]
        assert [r.error for r in others] == [False, False, True], "the chat's limit is 5"


async def test_the_console_is_never_rate_limited() -> None:
    settings = load_settings(
        None, storage={"database": ":memory:"}, limits={"per_user_per_minute": 1}
    )
    async with open_core(settings) as core:
        console = ConsoleAdapter(core)
        for _ in range(5):
            [reply] = await console.send("/help")
            assert "too many" not in reply
