"""What a quantity is about, and finding those subjects named in a statement.

The vocabulary lives in ``facts/subjects.toml``: each tag (``gpt-4o``,
``ireland``, ``data-centres``, ``smartphone``…) has a kind, labels in both
languages and the names people write for it. Quantities of the claim base list
the tags they are about; ``/check`` finds the names in a statement and compares
a figure only with quantities about the same subjects (see ``facts.matching``).

Names are matched with case, accents and hyphens ignored, at word boundaries,
longest first (``Llama 4 Scout`` before ``Llama 4``, ``French households``
before ``French``); a name written all in capitals (``US``, ``EV``, ``LED``)
matches only in capitals, so the pronoun "us" is not the United States — unless
it holds a digit (``GPT-4``, ``H100``), which no common word does, or a place's
is typed in lowercase right before a sector ("us data centers", "uk dcs").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).with_name("subjects.toml")
OPTIONAL_MARK = "?"


class SubjectKind(StrEnum):
    model = "model"
    organisation = "organisation"
    place = "place"
    sector = "sector"
    resource = "resource"
    object = "object"
    condition = "condition"
    publisher = "publisher"


# Kinds that rule a quantity out when the statement names one the quantity is not about.
EXCLUSIVE_KINDS = frozenset(
    {
        SubjectKind.model,
        SubjectKind.organisation,
        SubjectKind.place,
        SubjectKind.sector,
        SubjectKind.condition,
    }
)
DEFAULT_PLACE = "world"


@dataclass(frozen=True, slots=True)
class Subject:
    tag: str
    kind: SubjectKind
    en: str
    fr: str
    names: tuple[str, ...]
    implies: tuple[str, ...] = ()
    exclusive: bool | None = None  # naming it rules out quantities about something else;
    # by default as its kind does (models, places…), objects only when set
    of_en: str | None = None  # how a share of it reads: "of electricity"
    of_fr: str | None = None
    made_of: tuple[str, ...] = ()  # named when all of these are ("a household" + "France")
    excludes: tuple[str, ...] = ()  # naming it rules out quantities that carry these, even
    # optionally: "the whole data centre" is not a figure for the GPUs alone

    def label(self, language: str) -> str:
        return self.fr if language == "fr" else self.en

    def share_of(self, language: str) -> str | None:
        return self.of_fr if language == "fr" else self.of_en


@dataclass(frozen=True, slots=True)
class Mention:
    """A subject named in a text, at ``start:end``."""

    tag: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower-case, without accents, with one kind of apostrophe and hyphens as spaces.

    Keeps the length of the text, so positions found in the folded text are
    positions in the original.
    """
    out = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[:1] or char
        base = base.lower()
        if len(base) != 1:
            base = char
        if base in "’‘`´":
            base = "'"
        elif base in "-‐‑–\u00a0\u202f":
            base = " "
        out.append(base)
    return "".join(out)


@cache
def vocabulary() -> dict[str, Subject]:
    """Every subject tag, read once from ``subjects.toml``."""
    with VOCABULARY_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    return {
        tag: Subject(
            tag=tag,
            kind=SubjectKind(entry["kind"]),
            en=entry["en"],
            fr=entry["fr"],
            names=tuple(entry["names"]),
            implies=tuple(entry.get("implies", ())),
            exclusive=entry.get("exclusive"),
            of_en=entry.get("of_en"),
            of_fr=entry.get("of_fr"),
            made_of=tuple(entry.get("made_of", ())),
            excludes=tuple(entry.get("excludes", ())),
        )
        for tag, entry in raw.items()
    }


def split_tag(tag: str) -> tuple[str, bool]:
    """``united-states?`` → (``united-states``, optional)."""
    return (tag[:-1], True) if tag.endswith(OPTIONAL_MARK) else (tag, False)


def _is_capitals(name: str) -> bool:
    """An acronym a common word could be written as ("US" and "us"): matched only in capitals.

    A name with a digit is no word (``GPT-4``, ``H100``): people type it in any case.
    """
    letters = [c for c in name if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and len(letters) <= 4
        and not any(c.isdigit() for c in name)
    )


def _alternation(names: list[str], folded: bool) -> str:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        text = fold(name) if folded else name.replace("-", " ")
        parts.append(r"\s+".join(re.escape(word) for word in text.split()))
    return "|".join(parts)


@dataclass(frozen=True, slots=True)
class _Matcher:
    folded: re.Pattern[str]
    exact: re.Pattern[str]
    tag_of_folded: dict[str, str]
    tag_of_exact: dict[str, str]
    place_before_sector: re.Pattern[str]  # "us data centers": a place's acronym typed in lowercase
    tag_of_place: dict[str, str]


@cache
def _matcher() -> _Matcher:
    folded_names: dict[str, str] = {}
    exact_names: dict[str, str] = {}
    places: dict[str, str] = {}
    sectors: list[str] = []
    for subject in vocabulary().values():
        for name in subject.names:
            if _is_capitals(name):
                exact_names[" ".join(name.replace("-", " ").split())] = subject.tag
                if subject.kind is SubjectKind.place and name.isalpha():
                    places[fold(name)] = subject.tag
            else:
                folded_names[" ".join(fold(name).split())] = subject.tag
            if subject.kind is SubjectKind.sector:
                sectors.append(name)
    boundary_before, boundary_after = r"(?<![\w])", r"(?![\w])"
    return _Matcher(
        folded=re.compile(
            boundary_before + f"(?:{_alternation(list(folded_names), True)})" + boundary_after
        ),
        exact=re.compile(
            boundary_before + f"(?:{_alternation(list(exact_names), False)})" + boundary_after
        ),
        tag_of_folded=folded_names,
        tag_of_exact=exact_names,
        place_before_sector=re.compile(
            boundary_before
            + f"(?:{_alternation(list(places), True)})"
            + rf"(?=\s+(?:{_alternation(sectors, True)}){boundary_after})"
        ),
        tag_of_place=places,
    )


def find_subjects(text: str) -> list[Mention]:
    """The subjects ``text`` names, in order; overlapping names keep the longest."""
    matcher = _matcher()
    found: list[Mention] = []
    folded = fold(text)
    for match in matcher.folded.finditer(folded):
        key = " ".join(match.group(0).split())
        found.append(Mention(matcher.tag_of_folded[key], match.start(), match.end()))
    for match in matcher.place_before_sector.finditer(folded):
        found.append(Mention(matcher.tag_of_place[match.group(0)], match.start(), match.end()))
    spaced = text.replace("-", " ")
    for match in matcher.exact.finditer(spaced):
        key = " ".join(match.group(0).split())
        found.append(Mention(matcher.tag_of_exact[key], match.start(), match.end()))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def implied(tag: str) -> set[str]:
    """A tag with every tag it implies (``gpt-4o`` → ``openai``)."""
    subject = vocabulary().get(tag)
    return {tag, *(subject.implies if subject else ())}


def composed(named: set[str]) -> set[str]:
    """``named`` with the subjects made of named ones ("a household" and "France" → a French one)."""
    return named | {
        subject.tag
        for subject in vocabulary().values()
        if subject.made_of and set(subject.made_of) <= named
    }


def excluded_by(tag: str) -> tuple[str, ...]:
    """The tags a quantity may not carry when ``tag`` is said of its figure."""
    subject = vocabulary().get(split_tag(tag)[0])
    return subject.excludes if subject else ()


def is_exclusive(tag: str) -> bool:
    subject = vocabulary().get(split_tag(tag)[0])
    if subject is None:
        return False
    if subject.exclusive is not None:
        return subject.exclusive
    return subject.kind in EXCLUSIVE_KINDS


def common_parent(tags: list[str]) -> str | None:
    """The model two or more named models all belong to ("Scout" and "Maverick" → Llama 4)."""
    if len(tags) < 2:
        return None
    vocab = vocabulary()
    parents = [
        {t for t in implied(tag) if t != tag and t in vocab and vocab[t].kind is SubjectKind.model}
        for tag in tags
    ]
    shared = set.intersection(*parents)
    return next(iter(sorted(shared)), None)


@cache
def kind_of(tag: str) -> SubjectKind | None:
    subject = vocabulary().get(split_tag(tag)[0])
    return subject.kind if subject else None


def share_of(tags: list[str], language: str) -> str | None:
    """What a share is of, from a quantity's tags ("of electricity"), or ``None``."""
    for tag in tags:
        subject = vocabulary().get(split_tag(tag)[0])
        if subject is not None and subject.share_of(language):
            return subject.share_of(language)
    return None


def subject_label(tag: str, language: str) -> str:
    subject = vocabulary().get(split_tag(tag)[0])
    return subject.label(language) if subject else tag
