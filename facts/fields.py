"""Read a claim typed in a chat: ``key: value`` lines (or ``key: value; key: value``).

Moderators write claims in the chat as one field per line::

    /fact add
    id: gemini-water-per-prompt
    topic: water
    en: Google reports 0.26 mL of on-site water for a median Gemini prompt.
    fr: Google indique 0,26 mL d’eau sur site pour une requête médiane de Gemini.
    value: 0.26
    unit: mL
    url: https://arxiv.org/abs/2508.15734
    publisher: Google
    date: 2025-08-21

Keys have French aliases (``sujet``, ``statut``, ``valeur``, ``unité``,
``éditeur``, ``titre``…). Numbers may be written the French way (``0,26``).
The result is validated by the claim model, whose errors name the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.errors import UserInputError
from bot.i18n import _
from facts.models import ClaimContent, slugify
from facts.numbers import is_number
from facts.numbers import parse_number as read_number

# key as typed (folded) → canonical key
KEY_ALIASES: dict[str, str] = {
    "id": "id",
    "topic": "topic", "sujet": "topic", "thème": "topic", "theme": "topic",
    "status": "status", "statut": "status",
    "en": "en", "english": "en", "anglais": "en", "statement": "en",
    "fr": "fr", "french": "fr", "français": "fr", "francais": "fr", "énoncé": "fr",
    "value": "value", "valeur": "value", "figure": "value", "chiffre": "value",
    "unit": "unit", "unité": "unit", "unite": "unit",
    "low": "low", "min": "low", "bas": "low",
    "high": "high", "max": "high", "haut": "high",
    "per": "per", "par": "per",
    "url": "url", "link": "url", "lien": "url", "source": "url",
    "publisher": "publisher", "éditeur": "publisher", "editeur": "publisher",
    "source_publisher": "publisher",
    "title": "title", "titre": "title",
    "date": "date",
    "quote": "quote", "citation": "quote",
    "explanation_en": "explanation_en", "explication_en": "explanation_en",
    "explanation_fr": "explanation_fr", "explication_fr": "explanation_fr",
    "corrected_by": "corrected_by", "corrigé_par": "corrected_by", "corrige_par": "corrected_by",
    "keywords": "keywords", "mots_clés": "keywords", "mots-clés": "keywords",
    "mots_cles": "keywords",
}  # fmt: skip
KEY_LINE = re.compile(r"^\s*([\w\-éèêç]+)\s*[:=]\s*(.*)$", re.UNICODE)


class FieldSyntaxError(UserInputError):
    """A line is not ``key: value`` or names an unknown key."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def localized(self) -> str:
        return _(
            "Cannot read the claim: {detail}. Write one “key: value” per line "
            "(id, topic, status, en, fr, value, unit, url, publisher, date…)."
        ).format(detail=self.detail)


class ClaimValidationError(UserInputError):
    """The claim is complete as text but invalid; one line per problem, localized."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def localized(self) -> str:
        return _("The claim was not saved:") + "\n" + "\n".join(f"• {p}" for p in self.problems)


def parse_fields(text: str, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """``key: value`` pairs, one per line or separated by ``;`` on a single line.

    Keys are mapped through ``aliases`` (the claim fields by default).
    """
    aliases = KEY_ALIASES if aliases is None else aliases
    lines = text.splitlines() if "\n" in text.strip() else text.split(";")
    fields: dict[str, str] = {}
    for raw in lines:
        if not raw.strip():
            continue
        match = KEY_LINE.match(raw)
        if match is None:
            raise FieldSyntaxError(_("“{line}” is not “key: value”").format(line=raw.strip()[:60]))
        key = aliases.get(match.group(1).casefold())
        if key is None:
            raise FieldSyntaxError(_("unknown key “{key}”").format(key=match.group(1)))
        fields[key] = match.group(2).strip()
    return fields


def parse_number(text: str, language: str) -> float:
    """A value typed by a moderator, read like the figures ``/check`` finds (``21 000``, ``0,26``)."""
    if not is_number(text):
        raise FieldSyntaxError(_("“{text}” is not a number").format(text=text[:40]))
    return read_number(text.strip(), language)


def build_content(
    fields: Mapping[str, str], language: str, base: ClaimContent | None = None
) -> dict[str, Any]:
    """A claim as a dict for validation: the fields typed, over ``base`` when editing."""
    data: dict[str, Any] = base.model_dump(mode="json") if base else {}
    statement = dict(data.get("statement") or {})
    figure = dict(data.get("figure") or {})
    sources = [dict(s) for s in data.get("sources") or []]
    explanation = dict(data.get("explanation") or {})
    source_fields = {"url", "publisher", "title", "date", "quote"}
    for key, value in fields.items():
        if key in ("en", "fr"):
            statement[key] = value
        elif key in ("value", "low", "high"):
            figure[key] = parse_number(value, language) if value else None
        elif key in ("unit", "per"):
            figure[key] = value
        elif key in ("explanation_en", "explanation_fr"):
            explanation[key.rsplit("_", 1)[1]] = value
        elif key == "keywords":
            data["keywords"] = [word.strip() for word in value.split(",")]
        elif key in source_fields:
            continue
        else:
            data[key] = value or None
    if source_fields & set(fields):
        typed = {key: fields[key] or None for key in source_fields if key in fields}
        if typed.get("url") and not typed.get("title") and (base is None or "url" in typed):
            typed["title"] = typed["url"]  # the page itself, when no title is given
        if base is None or "url" in typed:
            sources = [typed]  # a new source replaces the list
        else:
            sources[0] = {**sources[0], **typed}
    if "id" not in data and statement.get("en"):
        data["id"] = slugify(" ".join(statement["en"].split()[:6]))
    data["statement"] = statement
    data["figure"] = figure
    data["sources"] = sources
    data["explanation"] = explanation or None
    data.setdefault("status", "verified")
    return data


def require_source(fields: Mapping[str, str]) -> None:
    """Adding from the chat needs a source URL, a publisher and a date."""
    missing = [key for key in ("url", "publisher", "date") if not fields.get(key)]
    if missing:
        raise FieldSyntaxError(_("a source needs {fields}").format(fields=", ".join(missing)))
