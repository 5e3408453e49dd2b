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

from babel.messages.pofile import read_po

from bot.dispatch import Core
from bot.messages import ChatRef, Request, UserRef

CATALOG = Path(__file__).resolve().parent.parent / "bot/locales/fr/LC_MESSAGES/wattson.po"
WORD = re.compile(r"[A-Za-zÀ-ÿ’']{4,}")
# Words both languages write alike, or that name things (not English prose).
SHARED = {"EcoLogits", "tokens", "token", "Wattson", "Gemini", "Google", "OpenAI", "TikToken",
          # French words too ("un four", "le ratio", "la documentation"), and a plant's name
          "four", "ratio", "documentation", "Energy"}  # fmt: skip

MEMBER_COMMANDS = [
    "/aide", "/cout Bonjour à toutes et à tous", "/cout compare Bonjour à tous",
    "/cout", "/cout inconnu:modele texte", "/cout gpt-4o-mni bonjour", "/jetons Bonjour",
    "/modeles mistral", "/comment", "/langue", "/fait", "/fait gemini-water-per-prompt",
    "/fait sources", "/fait sources gemini-median-prompt-energy", "/fait historique",
    "/fait historique gemini-water-per-prompt", "/fait sujet", "/fait sujet eau",
    "/fait sujet météo", "/fait cherche", "/fait cherche eau", "/fait inconnu-xyz",
    "/fait unu-water-2030", "/fait seed-chatgpt-training-3-3bn-phone-charges",
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
    "/campagne reprendre 1", "/campagne pause 42",
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
    return sorted({word for word in WORD.findall(prose(reply)) if word in english_words()})


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
