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
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for folder in ("bot", "adapters", "facts"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message)
    return found


def catalog(language: str) -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    with (LOCALES / language / "LC_MESSAGES" / "wattson.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


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
        if placeholders(source) != placeholders(translated)
    ]
    assert wrong == []


def test_compiled_catalog_matches_its_source() -> None:
    folder = LOCALES / "fr" / "LC_MESSAGES"
    with (folder / "wattson.mo").open("rb") as handle:
        compiled = {as_key(m.id): as_key(m.string) for m in read_mo(handle) if m.id}
    source = {as_key(k): as_key(v) for k, v in catalog("fr").items()}
    assert compiled == source, "run `make i18n` to recompile the French catalog"


def test_french_uses_french_typography_before_high_punctuation() -> None:
    for translated in catalog("fr").values():
        for text in (translated,) if isinstance(translated, str) else translated:
            assert not re.search(r"\w[:;?!](\s|$)", text.replace("https:", "")), text
