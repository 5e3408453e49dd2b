"""Numbers follow the reader's locale, exactly as Babel's CLDR data formats them."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from bot.foundation.formatting import number_format, plain_significant


def babel_reference(value: float, language: str) -> str:
    """What Babel prints for the same number with the same count of decimals.

    Babel rounds the exact value itself where decimals are shown; above 100 the
    rounding to two significant digits (1,234.5 → 1,200) is ours, the grouping Babel's.
    """
    plain = plain_significant(value, 2, grouped=False)
    decimals = len(plain.partition(".")[2])
    if decimals:
        return format_decimal(Decimal(value), format="#,##0." + "0" * decimals, locale=language)
    return format_decimal(Decimal(plain), format="#,##0", locale=language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_significant_digits_match_babel_for_many_magnitudes(language: str) -> None:
    rng = random.Random(20261126)
    fmt = number_format(language)
    values = [rng.uniform(1, 10) * 10.0 ** rng.randint(-9, 9) for _ in range(2_000)]
    values += [0.0996, 0.25, 1.0, 99.96, 999.5, 1234.5, 1e-12]
    mismatches = [
        (v, fmt.significant(v), babel_reference(v, language))
        for v in values
        if fmt.significant(v) != babel_reference(v, language)
    ]
    assert mismatches == []


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 0.25, "0,25"),
        ("en", 0.25, "0.25"),
        ("fr", 0.0100, "0,010"),
        ("en", 0.0996, "0.10"),
        ("fr", 1234.5, "1\u202f200"),
        ("en", 1234.5, "1,200"),
    ],
)
def test_two_significant_digits_with_the_locales_symbols(
    language: str, value: float, expected: str
) -> None:
    assert number_format(language).significant(value) == expected


@pytest.mark.parametrize("language", ["en", "fr"])
def test_integers_are_grouped_as_babel_groups_them(language: str) -> None:
    fmt = number_format(language)
    for value in (0, 7, 999, 1_000, 12_345, 1_234_567_890):
        assert fmt.integer(value) == format_decimal(value, locale=language)


def test_ranges_collapse_when_both_ends_print_the_same() -> None:
    fmt = number_format("fr")
    assert fmt.range(0.250, 0.414) == "0,25–0,41"
    assert fmt.range(0.2501, 0.2502) == "0,25"


@pytest.mark.parametrize(
    ("language", "value", "category"),
    [("fr", 1.5, "one"), ("en", 1.5, "other"), ("en", 1.0, "other"), ("fr", 2.0, "other")],
)
def test_plural_category_follows_cldr_for_the_number_as_shown(
    language: str, value: float, category: str
) -> None:
    assert number_format(language).plural_form(value) == category
