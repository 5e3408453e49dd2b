"""Every text a user reads exists in French, with the same placeholders, compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "NP_": ((1, "c"), 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
Key = tuple[str | None, str | tuple[str, ...]]


def source_messages() -> set[Key]:
    """(context, message) of every translatable string in the code and the web templates."""
    found: set[Key] = set()
    methods = [("**.py", "python"), ("**.html", "jinja2"), ("**.atom", "jinja2")]
    for folder in ("bot", "adapters", "facts"):
        for _filename, _lineno, message, _comments, context in extract_from_dir(
            ROOT / folder, method_map=methods, keywords=KEYWORDS
        ):
            found.add((context, message))
    return found


def catalog(language: str) -> dict[Key, str | tuple[str, ...]]:
    with (LOCALES / language / "LC_MESSAGES" / "wattson.po").open("rb") as handle:
        return {(m.context, m.id): m.string for m in read_po(handle) if m.id}


def as_key(value: object) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else str(value)


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = (text,) if isinstance(text, str) else text
    return {name for t in texts for name in re.findall(r"\{(\w+)\}", t)}


def test_every_message_in_the_code_has_a_french_translation() -> None:
    french = catalog("fr")
    missing = [m for m in source_messages() if not french.get(m)]
    assert missing == []


def test_the_catalog_holds_no_message_the_code_no_longer_uses() -> None:
    assert set(catalog("fr")) - source_messages() == set()


@pytest.mark.parametrize("language", ["fr"])
def test_translations_keep_every_placeholder(language: str) -> None:
    wrong = [
        (source, translated)
        for source, translated in catalog(language).items()
        if placeholders(source[1]) != placeholders(translated)
    ]
    assert wrong == []


def test_compiled_catalog_matches_its_source() -> None:
    folder = LOCALES / "fr" / "LC_MESSAGES"
    with (folder / "wattson.mo").open("rb") as handle:
        compiled = {
            (
                m.context.decode() if isinstance(m.context, bytes) else m.context,
                as_key(m.id),
            ): as_key(m.string)
            for m in read_mo(handle)
            if m.id
        }  # babel's read_mo returns contexts as bytes
    source = {(k[0], as_key(k[1])): as_key(v) for k, v in catalog("fr").items()}
    assert compiled == source, "run `make i18n` to recompile the French catalog"


def test_french_uses_french_typography_before_high_punctuation() -> None:
    for translated in catalog("fr").values():
        for text in (translated,) if isinstance(translated, str) else translated:
            prose = re.sub(r"/[a-z]+[^.]*", "", text.replace("https:", ""))  # commands as typed
            prose = re.sub(r"\w+: [^;]*;( \w+: [^;]*;?)+", "", prose)  # field lists, as typed
            assert not re.search(r"\w[:;?!](\s|$)", prose), text
