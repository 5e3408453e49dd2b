"""Locale-aware numbers with Babel's CLDR data, loaded once per language.

Babel's ``format_decimal`` parses the locale and its pattern on every call; the
per-language :class:`NumberFormat` keeps both, so a reply with a dozen numbers
costs a few microseconds each instead of a locale lookup each.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.i18n import current_language

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern

SIGNIFICANT_DIGITS = 2
RANGE_DASH = "–"


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """Format numbers for one locale (``0,25`` in French, ``0.25`` in English)."""

    locale: Locale
    pattern: NumberPattern
    _fixed: dict[int, NumberPattern] = field(default_factory=dict)

    def _with_decimals(self, decimals: int) -> NumberPattern:
        """The locale's pattern showing exactly ``decimals`` fraction digits."""
        pattern = self._fixed.get(decimals)
        if pattern is None:
            pattern = copy.copy(self.pattern)
            pattern.frac_prec = (decimals, decimals)
            self._fixed[decimals] = pattern
        return pattern

    def significant(self, value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
        """Round to ``digits`` significant digits, keeping the locale's separators.

        Trailing zeros that are significant stay (``0.010``, not ``0.01``).
        """
        if value == 0 or not math.isfinite(value):
            return self.pattern.apply(Decimal(0 if value == 0 else value), self.locale)
        exponent = math.floor(math.log10(abs(value)))
        decimals = digits - 1 - exponent
        rounded = round(Decimal(value), decimals)
        if abs(rounded) >= Decimal(10) ** (exponent + 1):  # 0.0996 rounds up to 0.10
            decimals -= 1
            rounded = round(Decimal(value), decimals)
        return self._with_decimals(max(decimals, 0)).apply(rounded, self.locale)

    def integer(self, value: int) -> str:
        """Format a count with the locale's grouping (``12 345`` in French)."""
        return self.pattern.apply(Decimal(value), self.locale)

    def decimal(self, value: float, digits: int = 1) -> str:
        """Format with at most ``digits`` decimals (for parameter counts: 46,7)."""
        return self.pattern.apply(round(Decimal(value), digits), self.locale)

    def range(self, low: float, high: float, digits: int = SIGNIFICANT_DIGITS) -> str:
        """Format an interval; a degenerate one shows a single value."""
        low_text = self.significant(low, digits)
        high_text = self.significant(high, digits)
        if low_text == high_text:
            return low_text
        return f"{low_text}{RANGE_DASH}{high_text}"

    def plural_form(self, value: float) -> str:
        """Return the CLDR plural category of ``value`` (``one``, ``other``…)."""
        return str(self.locale.plural_form(value))


@lru_cache(maxsize=None)
def _number_format(language: str) -> NumberFormat:
    from babel import Locale

    locale = Locale.parse(language)
    return NumberFormat(locale=locale, pattern=locale.decimal_formats[None])


def number_format(language: str | None = None) -> NumberFormat:
    """Return the formatter of ``language`` (default: the current request's)."""
    return _number_format(language or current_language())
