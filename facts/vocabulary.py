"""The words of claim fields in both languages: what people may type, what readers see.

Moderators write field values in English or French (``topic: water`` or
``sujet: eau``, ``status: verified`` or ``statut: vérifié``, ``per: year`` or
``par: an``); :func:`read_topic`, :func:`read_status` and :func:`read_per`
map either to the stored value, ignoring case, accents, spaces and hyphens.
Readers see the names in their own language through :func:`topic_label`.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import TypeVar

from bot.foundation.i18n import N_, NP_, _, pgettext
from facts.models import Per, Status, Topic

E = TypeVar("E", bound=StrEnum)

TOPIC_CONTEXT = "topic"
TOPIC_LABELS: dict[Topic, str] = {
    Topic.training: NP_("topic", "training"),
    Topic.inference: NP_("topic", "inference"),
    Topic.models: NP_("topic", "models"),
    Topic.data_centres: NP_("topic", "data centres"),
    Topic.water: NP_("topic", "water"),
    Topic.materials: NP_("topic", "materials"),
    Topic.grid: NP_("topic", "grid"),
    Topic.equivalents: NP_("topic", "equivalents"),
    Topic.economics: NP_("topic", "economics"),
}

STATUS_LABELS: dict[Status, str] = {
    Status.verified: N_("verified"),
    Status.secondary: N_("secondary source"),
    Status.disputed: N_("disputed"),
    Status.outdated: N_("outdated"),
    Status.false: N_("false"),
}
PER_CONTEXT = "per"
PER_WORDS_SHOWN: dict[Per, str] = {  # what to type after ``per:``, in the reader's language
    Per.request: NP_("per", "request"),
    Per.day: NP_("per", "day"),
    Per.year: NP_("per", "year"),
    Per.training: NP_("per", "training"),
    Per.hour: NP_("per", "hour"),
    Per.token: NP_("per", "token"),
    Per.total: NP_("per", "total"),
}

# Folded words (see :func:`fold`) → stored value; every value and English label reads as itself.
TOPIC_WORDS: dict[str, str] = {
    "entrainement": "training", "apprentissage": "training",
    "inference": "inference", "utilisation": "inference",
    "modeles": "models", "modele": "models", "model": "models",
    "datacentres": "data-centres", "datacenters": "data-centres", "data": "data-centres",
    "datacentre": "data-centres", "datacenter": "data-centres", "data-centers": "data-centres",
    "centres-de-donnees": "data-centres", "centres-donnees": "data-centres",
    "centre-de-donnees": "data-centres", "data-centre": "data-centres",
    "eau": "water",
    "materiaux": "materials", "ressources": "materials",
    "reseau": "grid", "reseau-electrique": "grid", "electricite": "grid",
    "equivalences": "equivalents", "comparaisons": "equivalents",
    "economie": "economics", "economy": "economics",
}  # fmt: skip
STATUS_WORDS: dict[str, str] = {
    "verifie": "verified", "verifiee": "verified", "verifies": "verified",
    "secondaire": "secondary", "source-secondaire": "secondary", "secondary-source": "secondary",
    "conteste": "disputed", "contestee": "disputed", "dispute": "disputed",
    "discute": "disputed",
    "obsolete": "outdated", "depasse": "outdated", "perime": "outdated", "perimee": "outdated",
    "faux": "false", "fausse": "false",
}  # fmt: skip
PER_WORDS: dict[str, str] = {
    "requete": "request", "question": "request", "prompt": "request", "query": "request",
    "demande": "request", "reponse": "request", "reply": "request",
    "jour": "day", "par-jour": "day", "per-day": "day", "daily": "day", "quotidien": "day",
    "an": "year", "annee": "year", "par-an": "year", "per-year": "year", "yearly": "year",
    "annuel": "year",
    "entrainement": "training", "training-run": "training",
    "heure": "hour", "par-heure": "hour", "per-hour": "hour",
    "jeton": "token", "par-token": "token", "par-jeton": "token", "per-token": "token",
    "en-tout": "total", "au-total": "total",
}  # fmt: skip


def fold(text: str) -> str:
    """Lower case, no accents, words joined by hyphens: ``Centres de données`` → ``centres-de-donnees``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_’']+", "-", ascii_text.casefold().strip())


def _read(text: str, enum: type[E], words: dict[str, str]) -> str:
    folded = fold(text)
    for member in enum:
        if folded in (member.value, fold(member.name)):
            return member.value
    return words.get(folded, text.strip())


def read_topic(text: str) -> str:
    """The stored topic a typed word names (``eau`` → ``water``); else the text unchanged."""
    folded = fold(text)
    for topic, label in TOPIC_LABELS.items():
        if folded == fold(label):
            return topic.value
    return _read(text, Topic, TOPIC_WORDS)


def read_status(text: str) -> str:
    """The stored status a typed word names (``vérifié`` → ``verified``); else the text."""
    return _read(text, Status, STATUS_WORDS)


def read_per(text: str) -> str:
    """What a figure is counted per (``an`` → ``year``); else the text unchanged."""
    return _read(text, Per, PER_WORDS)


def topic_label(topic: Topic) -> str:
    """The topic's name in the reader's language (``eau``)."""
    return pgettext(TOPIC_CONTEXT, TOPIC_LABELS[topic])


def status_label(status: Status) -> str:
    """The status in the reader's language (``vérifié``)."""
    return _(STATUS_LABELS[status])


def per_word(per: Per) -> str:
    """The word a moderator types after ``per:`` (``an`` in French for ``year``)."""
    return pgettext(PER_CONTEXT, PER_WORDS_SHOWN[per])
