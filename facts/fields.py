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

Keys and values have French aliases (``sujet: eau``, ``statut: vérifié``,
``par: an``, ``valeur``, ``unité``, ``éditeur``, ``titre``…). Numbers may be
written the French way (``0,26``). A single line without ``;`` is split at the
known keys (Discord's one-line options flatten a pasted block). The result is
validated by the claim model; :func:`describe_problems` words its errors for
the reader: the thing being written (claim, proposal, campaign), the field as
they type it, and what is wrong, in their language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import ValidationError

from bot.foundation.errors import UserInputError
from bot.foundation.i18n import N_, NP_, _, current_language, pgettext
from facts.measures import Measure
from facts.models import ClaimContent, Per, Status, Topic, slugify
from facts.numbers import is_number
from facts.numbers import parse_number as read_number
from facts.vocabulary import (
    per_word,
    read_per,
    read_status,
    read_topic,
    status_label,
    topic_label,
)

Thing = Literal["claim", "proposal", "campaign"]
FIELD_CONTEXT = "field"

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
    "measure": "measure", "mesure": "measure", "measured": "measure", "grandeur": "measure",
    "about": "subject", "subject": "subject", "subjects": "subject", "porte_sur": "subject",
    "concerne": "subject", "à_propos": "subject", "a_propos": "subject",
    "year": "year", "année": "year", "annee": "year",
    "since": "since", "depuis": "since",
    "url": "url", "link": "url", "lien": "url", "source": "url",
    "publisher": "publisher", "éditeur": "publisher", "editeur": "publisher",
    "source_publisher": "publisher",
    "cites": "cites", "citing": "cites", "cite": "cites", "citant": "cites",
    "title": "title", "titre": "title",
    "date": "date",
    "quote": "quote", "citation": "quote",
    "explanation_en": "explanation_en", "explication_en": "explanation_en",
    "explanation_fr": "explanation_fr", "explication_fr": "explanation_fr",
    "corrected_by": "corrected_by", "corrigé_par": "corrected_by", "corrige_par": "corrected_by",
    "keywords": "keywords", "mots_clés": "keywords", "mots-clés": "keywords",
    "mots_cles": "keywords",
}  # fmt: skip
KEY_LINE = re.compile(r"^\s*([\w\-éèêçàù’' ]+?)\s*[:=]\s*(.*)$", re.UNICODE)

# Where pydantic locates a problem (dotted, list indexes dropped) → the key people type.
FIELD_LABELS: dict[str, str] = {
    "id": NP_("field", "id"),
    "topic": NP_("field", "topic"),
    "status": NP_("field", "status"),
    "statement": NP_("field", "en, fr"),
    "statement.en": NP_("field", "en"),
    "statement.fr": NP_("field", "fr"),
    "figure.value": NP_("field", "value"),
    "figure.unit": NP_("field", "unit"),
    "figure.low": NP_("field", "low"),
    "figure.high": NP_("field", "high"),
    "figure.per": NP_("field", "per"),
    "quantities": NP_("field", "value"),
    "quantities.value": NP_("field", "value"),
    "quantities.unit": NP_("field", "unit"),
    "quantities.low": NP_("field", "low"),
    "quantities.high": NP_("field", "high"),
    "quantities.per": NP_("field", "per"),
    "quantities.measure": NP_("field", "measure"),
    "quantities.subject": NP_("field", "about"),
    "quantities.year": NP_("field", "year"),
    "quantities.since": NP_("field", "since"),
    "sources.url": NP_("field", "url"),
    "sources.publisher": NP_("field", "publisher"),
    "sources.cites": NP_("field", "cites"),
    "sources.title": NP_("field", "title"),
    "sources.date": NP_("field", "date"),
    "sources.quote": NP_("field", "quote"),
    "sources.note": NP_("field", "note"),
    "explanation": NP_("field", "explanation_en, explanation_fr"),
    "explanation.en": NP_("field", "explanation_en"),
    "explanation.fr": NP_("field", "explanation_fr"),
    "corrected_by": NP_("field", "corrected_by"),
    "keywords": NP_("field", "keywords"),
    # campaigns
    "fact_ids": NP_("field", "facts"),
    "daily_at": NP_("field", "daily"),
    "every_hours": NP_("field", "every"),
    "timezone": NP_("field", "tz"),
    "start": NP_("field", "from"),
    "end": NP_("field", "to"),
    "include_disputed": NP_("field", "include"),
}
# pydantic error type → what to say; {field} is the label, {limit} a bound.
PROBLEMS: dict[str, str] = {
    "missing": N_("{field} is required"),
    "string_too_short": N_("{field} is too short (at least {min_length} characters)"),
    "string_too_long": N_("{field} is too long (at most {max_length} characters)"),
    "string_pattern_mismatch": N_("{field} has the wrong form"),
    "url_parsing": N_("{field} must be a web address (http:// or https://)"),
    "url_scheme": N_("{field} must be a web address (http:// or https://)"),
    "float_parsing": N_("{field} must be a number"),
    "float_type": N_("{field} must be a number"),
    "int_parsing": N_("{field} must be a whole number"),
    "int_type": N_("{field} must be a whole number"),
    "int_from_float": N_("{field} must be a whole number"),
    "enum": N_("{field} must be one of: {expected}"),
    "literal_error": N_("{field} must be one of: {expected}"),
    "extra_forbidden": N_("{field} is not a known field"),
    "too_short": N_("{field} needs at least {min_length} entry"),
    "too_long": N_("{field} has too many entries (at most {max_length})"),
    "time_parsing": N_("{field} must be a time of day, like 09:00"),
    "time_type": N_("{field} must be a time of day, like 09:00"),
    "date_parsing": N_("{field} must be a date, like 2026-12-01"),
    "date_type": N_("{field} must be a date, like 2026-12-01"),
    "date_from_datetime_parsing": N_("{field} must be a date, like 2026-12-01"),
    "date_from_datetime_inexact": N_("{field} must be a date, like 2026-12-01"),
    "greater_than_equal": N_("{field} must be at least {limit}"),
    "greater_than": N_("{field} must be more than {limit}"),
    "less_than_equal": N_("{field} must be at most {limit}"),
    "less_than": N_("{field} must be less than {limit}"),
    "finite_number": N_("{field} must be a finite number"),
    "value_not_sane": N_("{field} must be a finite number below a billion billion"),
    "value_negative": N_("{field} cannot be negative (only a change, in %, can)"),
    "unit_unknown": N_(
        "{field}: a unit /check cannot read; write one of Wh, kWh, GWh, TWh, J, W, MW, mL, L, gCO2e, tCO2e, %, times, GPU-hours, billion parameters…"
    ),
    "subject_unknown": N_("{field}: unknown subject {tags}"),
    "measure_unit_mismatch": N_("{field}: {measure} cannot be measured in {unit}"),
    "date_invalid": N_("{field} is not a real calendar date"),
    "date_in_future": N_("{field} is in the future"),
}
HINTS: dict[str, str] = {
    "id": N_("lower-case letters, digits and hyphens, 3 to 64 characters"),
    "date": N_("a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    "corrected_by": N_("the id of another claim"),
}


# The values a field accepts, named in the reader's language.
EXPECTED: dict[str, Callable[[], list[str]]] = {
    "topic": lambda: [topic_label(topic) for topic in Topic],
    "status": lambda: [status_label(status) for status in Status],
    "figure.per": lambda: [per_word(per) for per in Per],
    "quantities.per": lambda: [per_word(per) for per in Per],
    "quantities.measure": lambda: [measure.value for measure in Measure],
}


def field_label(path: str) -> str:
    """The key of a field as the reader types it (``unité`` for ``figure.unit`` in French)."""
    label = FIELD_LABELS.get(path) or FIELD_LABELS.get(path.rpartition(".")[2])
    return pgettext(FIELD_CONTEXT, label) if label else path.rpartition(".")[2]


class FieldSyntaxError(UserInputError):
    """A line is not ``key: value``, names an unknown key, or a value cannot be read."""

    def __init__(self, detail: str, thing: Thing = "claim") -> None:
        super().__init__(detail)
        self.detail = detail
        self.thing: Thing = thing

    def localized(self) -> str:
        if self.thing == "campaign":
            return _(
                "Cannot read the campaign: {detail}. Write one “key: value” per line: "
                "topic or facts, daily or every, and if needed tz, from, to, include."
            ).format(detail=self.detail)
        if self.thing == "proposal":
            return _(
                "Cannot read the proposal: {detail}. Write one “key: value” per line "
                "(topic, status, en, fr, value, unit, url, publisher, date…)."
            ).format(detail=self.detail)
        return _(
            "Cannot read the claim: {detail}. Write one “key: value” per line "
            "(id, topic, status, en, fr, value, unit, url, publisher, date…)."
        ).format(detail=self.detail)


class ClaimValidationError(UserInputError):
    """What was written is complete as text but invalid; one localized line per problem."""

    def __init__(
        self, problems: list[str], thing: Thing = "claim", paths: list[str] | None = None
    ) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.thing: Thing = thing
        # where each problem is (``sources.url``, ``quantities.unit``; "" for the whole),
        # so a form can show it by its field
        self.paths = paths if paths is not None else [""] * len(problems)

    def localized(self) -> str:
        heading = {
            "claim": _("The claim was not saved:"),
            "proposal": _("The proposal was not sent:"),
            "campaign": _("The campaign was not started:"),
        }[self.thing]
        return heading + "\n" + "\n".join(f"• {p}" for p in self.problems)


def describe_problems(error: ValidationError) -> list[str]:
    """One line per problem in the reader's language: the field as typed, and what is wrong.

    Messages raised by the models' own checks are marked for translation where
    they are written; pydantic's English is never shown.
    """
    return [line for _path, line in describe_problem_paths(error)]


def describe_problem_paths(error: ValidationError) -> list[tuple[str, str]]:
    """(dotted location, line) of every problem; see :func:`describe_problems`."""
    lines: list[tuple[str, str]] = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"] if not isinstance(part, int))
        context: dict[str, Any] = item.get("ctx") or {}
        if item["type"] == "value_error":
            message = _(str(context.get("error", "")).removeprefix("Value error, "))
            leaf = path.rpartition(".")[2]
            named = path not in ("", "figure", "sources") and (
                path in FIELD_LABELS or leaf in FIELD_LABELS
            )
            lines.append((path, f"{field_label(path)}: {message}" if named else message))
            continue
        template = PROBLEMS.get(item["type"], N_("{field} is not valid"))
        expected = EXPECTED.get(path)
        limit = next((context[k] for k in ("ge", "gt", "le", "lt") if k in context), "")
        text = _(template).format_map(
            {
                **{k: str(v) for k, v in context.items()},
                "field": field_label(path),
                "expected": _list(expected()) if expected else context.get("expected", ""),
                "limit": limit,
            }
        )
        hint = HINTS.get(path.rpartition(".")[2])
        if hint and item["type"] == "string_pattern_mismatch":
            text += f" ({_(hint)})"
        lines.append((path, text))
    return lines


def _list(words: list[str]) -> str:
    from babel.lists import format_list

    return format_list(words, style="or", locale=current_language())


def _split_at_keys(line: str, aliases: Mapping[str, str]) -> list[str]:
    """``id: x topic: water`` (a block flattened to one line) → ``["id: x", "topic: water"]``."""
    keys = "|".join(re.escape(key) for key in sorted(aliases, key=len, reverse=True))
    starts = [m.start(1) for m in re.finditer(rf"(?:^|\s)({keys})\s*:", line, re.IGNORECASE)]
    if len(starts) < 2 or starts[0] != len(line) - len(line.lstrip()):
        return [line]
    return [line[a:b].strip() for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]


def parse_fields(
    text: str, aliases: Mapping[str, str] | None = None, thing: Thing = "claim"
) -> dict[str, str]:
    """``key: value`` pairs, one per line, or separated by ``;`` (or by the keys) on one line.

    Keys are mapped through ``aliases`` (the claim fields by default).
    """
    aliases = KEY_ALIASES if aliases is None else aliases
    if "\n" in text.strip():
        lines = text.splitlines()
    elif ";" in text:
        lines = text.split(";")
    else:
        lines = _split_at_keys(text, aliases)
    fields: dict[str, str] = {}
    for raw in lines:
        if not raw.strip():
            continue
        match = KEY_LINE.match(raw)
        if match is None:
            detail = _("“{line}” is not “key: value”").format(line=raw.strip()[:60])
            raise FieldSyntaxError(detail, thing)
        typed = " ".join(match.group(1).split())
        key = aliases.get(typed.casefold()) or aliases.get(typed.casefold().replace(" ", "_"))
        if key is None:
            raise FieldSyntaxError(_("unknown key “{key}”").format(key=typed), thing)
        fields[key] = match.group(2).strip()
    return fields


def parse_number(text: str, language: str, key: str = "value", thing: Thing = "claim") -> float:
    """A value typed by a moderator, read like the figures ``/check`` finds (``21 000``, ``0,26``).

    A value that cannot be read raises :class:`ClaimValidationError` saying what is wrong.
    """
    label = field_label(f"quantities.{key}")
    stripped = text.strip()
    if stripped[:1] in ("-", "−") and is_number(stripped[1:]):
        problem = _("{field} cannot be negative (“{text}”): a figure is an amount, 0 or more")
        raise ClaimValidationError([problem.format(field=label, text=stripped[:40])], thing)
    if not is_number(stripped):
        problem = _("{field} “{text}” is not a number; write it like 0.26, 0,26 or 21 000")
        raise ClaimValidationError([problem.format(field=label, text=stripped[:40])], thing)
    return read_number(stripped, language)


def read_claim(
    fields: Mapping[str, str],
    language: str,
    base: ClaimContent | None = None,
    thing: Thing = "claim",
) -> ClaimContent:
    """The claim the fields describe (over ``base`` when editing), or every problem at once.

    A new claim (no ``base``) needs its source: a URL, a publisher and a date.
    """
    problems: list[str] = []
    paths: list[str] = []  # where each problem is, for a form
    said: set[str] = set()  # fields whose problem is already worded here
    if base is None:
        missing = [key for key in ("url", "publisher", "title", "date") if not fields.get(key)]
        if missing:
            said.add("sources")
            labels = ", ".join(field_label(f"sources.{key}") for key in missing)
            problems.append(_("the source is required: {fields}").format(fields=labels))
            paths.append(f"sources.{missing[0]}")
    elif fields.get("url") and not fields.get("title"):  # a new source for an existing claim
        said.add("sources")
        problems.append(_("{field} is required").format(field=field_label("sources.title")))
        paths.append("sources.title")
    if (base is None and not fields.get("status")) or ("status" in fields and not fields["status"]):
        said.add("status")
        problems.append(
            _("{field} is required: one of {expected}").format(
                field=field_label("status"), expected=_list(EXPECTED["status"]())
            )
        )
        paths.append("status")
    unread: set[str] = set()
    numbers: dict[str, float | None] = {}
    for key in ("value", "low", "high"):
        if key in fields:
            try:
                numbers[key] = (
                    parse_number(fields[key], language, key, thing) if fields[key] else None
                )
            except ClaimValidationError as error:
                problems += error.problems
                paths += [f"quantities.{key}"] * len(error.problems)
                unread.add(f"quantities.{key}")
    data = build_content(fields, numbers, base)
    try:
        content = ClaimContent.model_validate(data)
    except ValidationError as error:
        found = describe_problem_paths(error)
        no_unit = any(path == "quantities.unit" for path, _line in found)
        kept = [
            (path, line)
            for path, line in found
            if path not in unread | said
            and not (path.startswith("sources") and "sources" in said)
            and not (path == "quantities.measure" and no_unit)  # follows from the unit
        ]
        problems += [line for _path, line in kept]
        paths += [path for path, _line in kept]
    if problems:
        raise ClaimValidationError(problems, thing, paths)
    return content


def build_content(
    fields: Mapping[str, str],
    numbers: Mapping[str, float | None],
    base: ClaimContent | None = None,
) -> dict[str, Any]:
    """A claim as a dict for validation: the fields typed (numbers already read), over ``base``.

    The figure fields (value, unit, low, high, per, measure, about, year, since)
    describe the claim's main quantity; its other quantities are kept as they are.
    """
    data: dict[str, Any] = base.model_dump(mode="json") if base else {}
    statement = dict(data.get("statement") or {})
    quantities = [dict(q) for q in data.get("quantities") or []]
    main = quantities[0] if quantities else {}
    sources = [dict(s) for s in data.get("sources") or []]
    explanation = dict(data.get("explanation") or {})
    source_fields = {"url", "publisher", "cites", "title", "date", "quote"}
    for key, value in fields.items():
        if key in ("en", "fr"):
            statement[key] = value
        elif key in ("value", "low", "high"):
            if key in numbers:
                main[key] = numbers[key]
        elif key == "unit":
            main[key] = value
            if "measure" not in fields:
                main.pop("measure", None)  # the usual measure of the new unit
        elif key == "per":
            main[key] = read_per(value)
        elif key == "measure":
            main[key] = value.strip().casefold() or None
        elif key == "subject":
            main[key] = [tag.strip() for tag in value.split(",") if tag.strip()]
        elif key in ("year", "since"):
            main[key] = value.strip() or None
        elif key == "topic":
            data[key] = read_topic(value) if value else None
        elif key == "status":
            data[key] = read_status(value) if value else None
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
        if base is None or "url" in typed:
            sources = [typed]  # a new source replaces the list
        else:
            sources[0] = {**sources[0], **typed}
    if "id" not in data and statement.get("en"):
        data["id"] = slugify(" ".join(statement["en"].split()[:6]))
    data["statement"] = statement
    data["quantities"] = [main, *quantities[1:]]
    data["sources"] = sources
    data["explanation"] = explanation or None
    return data
