"""A French reader meets no English: every command's replies and errors, rendered in French.

English is recognised from the catalog itself: the words of its English side
(msgids) that no French translation uses. Sources keep their original titles
and publishers, and model names are names, so source lines, URLs and model
keys are left out of the check.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.dispatch import Core
from bot.messages import ChatRef, Request, UserRef

CATALOG = Path(__file__).resolve().parent.parent / "bot/locales/fr/LC_MESSAGES/wattson.po"
WORD = re.compile(r"[A-Za-zÀ-ÿ’']{4,}")
# Words both languages write alike, or that name things (not English prose).
SHARED = {"EcoLogits", "tokens", "token", "Wattson", "Gemini", "Google", "OpenAI", "TikToken",
          # French words too ("un four", "le ratio", "la documentation"), and a plant's name
          "four", "ratio", "documentation", "Energy"}  # fmt: skip

# A command as an English reader types it; a French reader is told the French one
# (/cout, /jetons, /verifie, /fait, /campagne…). /stats is the same in both languages.
ENGLISH_COMMAND = re.compile(
    r"(?<![\w/.])/(?:cost|tokens|check|fact|campaign|models|help|how|lang)\b(?![/:-]|\.\w)"
)

MEMBER_COMMANDS = [
    "/aide", "/cout Bonjour à toutes et à tous", "/cout compare Bonjour à tous",
    "/cout", "/cout inconnu:modele texte", "/cout gpt-4o-mni bonjour", "/jetons Bonjour",
    "/modeles mistral", "/comment", "/langue", "/fait", "/fait gemini-water-per-prompt",
    "/fait sources", "/fait sources gemini-median-prompt-energy", "/fait historique",
    "/fait historique gemini-water-per-prompt", "/fait sujet", "/fait sujet eau",
    "/fait sujet météo", "/fait cherche", "/fait cherche eau", "/fait inconnu-xyz",
    "/fait unu-water-2030", "/fait chatgpt-training-3-3bn-phone-charges",
    "/fait llama4-training-gpu-hours", "/fait propose", "/fait propose sujet: eau",
    "/fait propose sujet: météo; valeur: -5; unité: mL; lien: ftp://x; éditeur: X; date: 2025",
    "/fait ajoute sujet: eau", "/fait revue", "/stats", "/stats 1", "/stats semaine",
    "/stats jamais", "/campagne", "/campagne lance sujet: eau; tous les jours: 9h",
    "/inconnue", "/statistique",
    "/verifie Une requête ChatGPT consomme 2,9 Wh, dix fois une recherche Google",
    "/verifie Une requête ChatGPT consomme 10 fois plus qu'une recherche Google",
    "/verifie ChatGPT boit une bouteille de 500 mL d'eau toutes les 20 à 50 questions",
    "/verifie ChatGPT consomme 500 mL d'eau par question",
    "/verifie Un e-mail GPT-4o consomme autant qu'une recharge de smartphone",
    "/verifie Le bitcoin consomme 150 TWh par an", "/verifie Bonjour à tous",
    "/verifie Une requête ChatGPT consomme 0 Wh", "/verifie Une requête Gemini consomme 10^400 Wh",
    "/verifie Les data centers consomment 1,5 % de l'électricité mondiale en 2024",
    "/verifie Mixtral 8x7B utilise 12,9 milliards de paramètres actifs par token",
    "/verifie", "/verifie L'entraînement de Llama 4 a consommé 21 000 GWh",
    "/jetons", "/cout compare", "/cout claude bonjour", "/jetons gpt bonjour", "/langue chat",
    "/stats annee", "/stats aujourd’hui", "/modeles inconnu", "/fait llama4-training-energy-derived",
    "/fait chatgpt-prompts-per-day", "/fait lesnumeriques-7832gwh",
    "/fait moe-one-expert-per-token", "/fait gpt4o-email-14-9wh",
    "/quiz", "/quiz eau", "/quiz météo", "/questionnaire réseau", "/quiz skipped",
]  # fmt: skip
MODERATOR_COMMANDS = [
    "/fait ajoute", "/fait modifie", "/fait modifie gemini-water-per-prompt",
    "/fait modifie gemini-water-per-prompt valeur: beaucoup",
    "/fait retire", "/fait approuve", "/fait rejette 1", "/fait approuve 99",
    "/campagne lance", "/campagne lance sujet: eau; tous les jours: 25:00",
    "/campagne lance sujet: eau; chaque: souvent; du: demain",
    "/campagne lance sujet: eau; tous les jours: 09:00; du: 2026-12-05; au: 2026-12-01",
    "/campagne lance sujet: eau; tous les jours: 09:00; fuseau: Mars/Olympe",
    "/campagne lance sujet: eau; chaque: 12", "/campagne liste", "/campagne pause",
    "/campagne pause 1", "/campagne pause 1", "/campagne reprendre 1", "/campagne arrêter 1",
    "/campagne reprendre 1", "/campagne pause 42", "/campagne arrête 1", "/campagne reprends 1",
    "/campagne truc", "/campagne lance sujet: eau; chaque: 1000",
    "/campagne lance sujet: eau; tous les jours: 09:00; inclure: oui",
    "/campagne lance sujet: eau; tous les jours: 09:00; du: 2025-01-01; au: 2025-01-02",
    "/quiz skipped", "/campagne lance sujet: eau; chaque: 12; type: quiz",
    "/campagne lance sujet: eau; chaque: 12; type: sondage",
    "/campagne lance faits: shift-project-netflix; chaque: 12; type: quiz",
]  # fmt: skip


@cache
def english_words() -> frozenset[str]:
    """Words of the catalog's English side that no French translation uses."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    english: set[str] = set()
    french: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english.update(WORD.findall(re.sub(r"\{\w+\}|/\w+", "", text)))
        for text in strings:
            french.update(WORD.findall(text))
    return frozenset(english - french - SHARED)


def prose(reply: str) -> str:
    """The reply without what is not Wattson's prose: sources, addresses, ids, models, commands."""
    lines = [line for line in reply.splitlines() if not line.startswith("Source")]
    text = "\n".join(lines)
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"\b[\w.-]+:[\w./-]+", "", text)  # provider:model, ids after "id:"
    text = re.sub(r"/\w+", "", text)  # commands as typed
    return re.sub(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", "", text)  # claim ids


def english_in(reply: str) -> list[str]:
    """English words of Wattson's prose, and English command names wherever they are named."""
    words = {word for word in WORD.findall(prose(reply)) if word in english_words()}
    return sorted(words | set(ENGLISH_COMMAND.findall(reply)))


def request(line: str, moderator: bool) -> Request:
    command, _space, args = line[1:].partition(" ")
    return Request(
        command=command,
        args=args,
        user=UserRef(platform="test", id="mod" if moderator else "member"),
        chat=ChatRef(platform="test", id="chat"),
        locale="fr",
        is_moderator=moderator,
    )


async def test_every_command_answers_a_french_reader_in_french(core: Core) -> None:
    leaks: dict[str, list[str]] = {}
    for line in MEMBER_COMMANDS:
        reply = await core.handle(request(line, moderator=False))
        if found := english_in(reply.text):
            leaks[line] = found
    for line in MODERATOR_COMMANDS:
        reply = await core.handle(request(line, moderator=True))
        if found := english_in(reply.text):
            leaks[line] = found
    assert leaks == {}


def test_the_check_recognises_english_from_the_catalog() -> None:
    assert "moderators" in english_in("Only moderators of this chat can do that.")
    assert english_in("Seuls les modérateurs de cette discussion peuvent faire cela.") == []


@pytest.mark.parametrize(
    "reply",
    ["Écrivez-le après /cost.", "Essayez /fact cherche MOTS.", "(/tokens [modèle] texte)",
     "/check TEXTE", "/campaign liste", "/models les liste tous.", "/help", "Source : X · /fact id"],
)  # fmt: skip
def test_the_check_fails_on_an_english_command_in_a_french_reply(reply: str) -> None:
    assert english_in(reply) != []


@pytest.mark.parametrize(
    "reply",
    ["Écrivez-le après /cout.", "/fait cherche", "https://example.org/check/x", "/stats mois",
     "/verifie", "/campagne liste", "/modeles", "/aide"],
)  # fmt: skip
def test_french_commands_and_addresses_pass_the_check(reply: str) -> None:
    assert english_in(reply) == []


def test_every_command_is_named_in_french_by_its_first_alias(core: Core) -> None:
    from bot.foundation.i18n import command_name, use_language

    with use_language("fr"):
        names = {command.name: command_name(command.name) for command in core.commands}
    same_in_french = {"stats", "quiz"}  # French readers type these as English ones do
    expected = {
        c.name: "/" + (c.name if c.name in same_in_french else c.aliases[0]) for c in core.commands
    }
    assert names == expected


def test_the_french_catalog_has_no_empty_or_fuzzy_entry() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy
    bad = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert bad == []
