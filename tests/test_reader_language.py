"""Each reader is answered in the language they chose, and told which one applies where.

``/lang chat`` reports the chat's language (not the reader's); ``wattson
console --lang fr`` wins over a stored /lang for that session, until the user
chooses again; a period of /stats is read in French as typed (année, annee,
aujourd’hui with either apostrophe) and the French error lists French words.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.dispatch import Core
from bot.messages import ChatRef, Request, UserRef


def request(command: str, args: str, user: str = "ana", locale: str | None = None) -> Request:
    return Request(
        command=command, args=args, user=UserRef(platform="test", id=user),
        chat=ChatRef(platform="test", id="club"), is_moderator=True, locale=locale,
    )  # fmt: skip


async def test_lang_chat_reports_the_chats_language_not_the_readers(core: Core) -> None:
    await core.handle(request("lang", "fr"))
    unset = await core.handle(request("lang", "chat"))
    assert unset.text.startswith("Cette discussion n’a pas de langue à elle")
    await core.handle(request("lang", "chat en"))
    chosen = await core.handle(request("langue", "chat"))
    assert chosen.text.startswith("Langue de cette discussion : anglais.")
    assert "Vos propres réponses sont en français" in chosen.text
    other = await core.handle(request("lang", "chat", user="bob"))
    assert other.text.startswith("This chat’s language is English.")


async def test_lang_without_argument_still_reports_the_readers_language(core: Core) -> None:
    await core.handle(request("lang", "chat fr"))
    await core.handle(request("lang", "en"))
    reply = await core.handle(request("lang", ""))
    assert reply.text.startswith("Replies are in English.")


async def test_the_consoles_language_wins_over_a_stored_choice_for_the_session(
    core: Core,
) -> None:
    english = ConsoleAdapter(core)
    await english.send("/lang en")
    session = ConsoleAdapter(core, locale="fr", language="fr")
    assert (await session.send("/help"))[0].startswith("Wattson estime")
    await session.send("/lang en")  # the user chooses again: theirs from now on
    assert (await session.send("/help"))[0].startswith("Wattson estimates")


def test_wattson_console_lang_fr_answers_in_french_after_a_stored_lang_en(
    tmp_path: Path,
) -> None:
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "adapters.cli", "console"]
    run = {"capture_output": True, "text": True, "env": env, "cwd": tmp_path, "timeout": 60}
    subprocess.run(command, input="/lang en\n", check=True, **run)  # type: ignore[call-overload]
    french = subprocess.run([*command, "--lang", "fr"], input="/cout\n/verifie\n", **run)  # type: ignore[call-overload]
    assert french.stdout.startswith("Il n’y a pas de texte à mesurer. Écrivez-le après /cout")
    # a statement is checked, not measured
    assert "Il n’y a pas d’affirmation à vérifier. Écrivez-la après /verifie" in french.stdout


@pytest.mark.parametrize(
    ("period", "heading"),
    [("année", "365 derniers jours"), ("annee", "365 derniers jours"),
     ("semaine", "7 derniers jours"), ("mois", "30 derniers jours"),
     ("tout", "depuis le début"), ("aujourd’hui", "dernier jour"),
     ("aujourd'hui", "dernier jour"), ("Aujourd’hui", "dernier jour")],
)  # fmt: skip
async def test_stats_reads_french_periods(core: Core, period: str, heading: str) -> None:
    reply = await core.handle(request("stats", period, locale="fr"))
    assert not reply.error and heading in reply.text.splitlines()[0]


async def test_an_unknown_period_lists_the_periods_in_the_readers_language(core: Core) -> None:
    french = await core.handle(request("stats", "jamais", locale="fr"))
    assert french.error and french.text == (
        "Donnez une période : aujourd’hui, semaine, mois, année, tout, ou un nombre de jours."
    )
    english = await core.handle(request("stats", "never", locale="en"))
    assert "today, week, month, year, all" in english.text


async def test_hints_name_a_platforms_own_command_names(core: Core) -> None:
    """Discord's slash commands are named /coût, /vérifier in French: hints say so there."""
    core.services.command_names["discord"] = "command name"
    on_discord = Request(
        command="cost", user=UserRef(platform="discord", id="1"),
        chat=ChatRef(platform="discord", id="2"), locale="fr",
    )  # fmt: skip
    reply = await core.handle(on_discord)
    assert reply.text.startswith("Il n’y a pas de texte à mesurer. Écrivez-le après /coût,")
    typed = await core.handle(request("cost", "", locale="fr"))
    assert "Écrivez-le après /cout," in typed.text
