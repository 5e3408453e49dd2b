"""Locale-aware numbers from Babel's CLDR data, read once per language.

Babel's ``format_decimal`` (and even ``NumberPattern.apply``) looks the locale's
symbols up again for every number: about 5 µs each, more than counting the
tokens of a chat message. :class:`NumberFormat` reads the decimal and group
symbols and the grouping of the locale's decimal pattern once; a number is then
Python's own formatting with those symbols swapped in. Tests check the result
against ``babel.numbers.format_decimal`` for both languages.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from bot.foundation.i18n import current_language

if TYPE_CHECKING:
    from babel import Locale

SIGNIFICANT_DIGITS = 2
RANGE_DASH = "–"


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """Format numbers for one locale (``0,25`` and ``12 345`` in French)."""

    locale: Locale
    name: str
    decimal_symbol: str
    group_symbol: str
    minus_sign: str
    _table: dict[int, str]

    @classmethod
    def for_locale(cls, locale: Locale) -> NumberFormat:
        from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

        pattern = locale.decimal_formats[None]
        if tuple(pattern.grouping) != (3, 3):
            raise ValueError(f"{locale}: only groups of three digits are supported")
        decimal, group, minus = (
            get_decimal_symbol(locale),
            get_group_symbol(locale),
            get_minus_sign_symbol(locale),
        )
        table = {ord("."): decimal, ord(","): group, ord("-"): minus}
        return cls(locale, str(locale), decimal, group, minus, table)

    def _localize(self, text: str) -> str:
        return text.translate(self._table)

    def significant(self, value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
        """Round to ``digits`` significant digits (``0.010``, ``1,200``), locale symbols."""
        return self._localize(plain_significant(value, digits, grouped=True))

    def integer(self, value: int) -> str:
        """Format a count with the locale's grouping (``12 345`` in French)."""
        return self._localize(f"{value:,d}")

    def percent(self, share: float) -> str:
        """A share as a whole percentage in the locale's pattern (``67%``, ``67 %``).

        Babel's ``format_percent`` (not on the hot path: /stats only).
        """
        from babel.numbers import format_percent

        return format_percent(share, locale=self.locale)

    def decimal(self, value: float, digits: int = 1) -> str:
        """At most ``digits`` decimals, no trailing zeros (``46,7``, ``70``)."""
        text = f"{Decimal(value).quantize(Decimal(1).scaleb(-digits)).normalize():,f}"
        return self._localize(text)

    def range(self, low: float, high: float, digits: int = SIGNIFICANT_DIGITS) -> str:
        """Format an interval; a degenerate one shows a single value."""
        low_text = self.significant(low, digits)
        high_text = self.significant(high, digits)
        if low_text == high_text:
            return low_text
        return f"{low_text}{RANGE_DASH}{high_text}"

    def plural_form(self, value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
        """The CLDR plural category of ``value`` as shown (``1.0`` is not ``1`` in English)."""
        return _plural_category(self.name, plain_significant(value, digits, grouped=False))


def plain_significant(value: float, digits: int, grouped: bool) -> str:
    """``value`` rounded to ``digits`` significant digits, in Python's own notation.

    The exponent comes from Python's correctly rounded scientific notation, so
    a value that rounds up to the next power of ten (0.0996 → 0.10) gets the
    right number of decimals.
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    exponent = int(f"{value:.{digits - 1}e}".rpartition("e")[2])
    decimals = digits - 1 - exponent
    group = "," if grouped else ""
    if decimals >= 0:
        return f"{value:{group}.{decimals}f}"
    return f"{round(value, decimals):{group}.0f}"


def plural_category(locale_name: str, number: str) -> str:
    """The CLDR plural category of a number written plainly (``"1"``, ``"2.5"``)."""
    return _plural_category(locale_name, number)


@lru_cache(maxsize=8192)
def _plural_category(locale_name: str, number: str) -> str:
    """Babel's CLDR plural rule for a number as displayed (cached: the rule is slow)."""
    return str(_plural_rule(locale_name)(Decimal(number)))


@cache
def _plural_rule(locale_name: str) -> Callable[[Decimal], str]:
    from babel import Locale

    return Locale.parse(locale_name).plural_form


@cache
def _number_format(language: str) -> NumberFormat:
    from babel import Locale

    return NumberFormat.for_locale(Locale.parse(language))


def number_format(language: str | None = None) -> NumberFormat:
    """The formatter of ``language`` (default: the current request's)."""
    return _number_format(language or current_language())
