"""Amounts as people read them: a number, its unit or counted noun, in the reader's language.

A claim's figure is shown with the digits it was written with (``10,715 kWh``,
``0.00003 Wh``: never rounded to ``0``), large values in words with Babel's
compact long format (``9.3 trillion L``, ``9,3 billions de litres``,
``3.3 billion charges``), and counted nouns with the plural the number calls
for (``1 expert``, ``20 fois``). A range whose ends read the same is one figure.
Units without a translation (most are symbols: ``Wh``, ``mL``) are shown as
written.
"""

from __future__ import annotations

from decimal import Decimal

from bot.foundation.formatting import RANGE_DASH, NumberFormat, number_format, plural_category
from bot.foundation.i18n import ngettext, npgettext

LARGE = 1_000_000  # from a million on, numbers are written in words
MAX_DECIMALS = 6
COMPACT_DECIMALS = 2


def plain_number(value: float, fmt: NumberFormat | None = None) -> str:
    """``value`` with its own decimals (``0.26``, ``10,715``) or in words from a million."""
    fmt = fmt or number_format()
    if abs(value) >= LARGE:
        from babel.numbers import format_compact_decimal

        return format_compact_decimal(
            value, format_type="long", locale=fmt.locale, fraction_digits=COMPACT_DECIMALS
        )
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    decimals = min(MAX_DECIMALS, max(0, -exponent)) if isinstance(exponent, int) else 0
    return fmt.decimal(value, decimals)


def amount_text(
    value: float, unit: str, low: float | None = None, high: float | None = None
) -> str:
    """``0.25–0.41 Wh``, ``9.3 trillion L``, ``20 times``: the figure and its unit, localized."""
    fmt = number_format()
    low = value if low is None else low
    high = value if high is None else high
    low_text, high_text = plain_number(low, fmt), plain_number(high, fmt)
    if low_text == high_text:
        number = plain_number(value, fmt)
    else:
        number = f"{low_text}{RANGE_DASH}{high_text}"
    return with_unit(number, unit, plural_count(high, fmt), large=abs(high) >= LARGE)


def plural_count(value: float, fmt: NumberFormat) -> int:
    """1 where the language says "one" of ``value`` (French: 0 to 1.99…), else 2, for ngettext."""
    written = str(int(value)) if float(value).is_integer() else repr(float(value))
    return 1 if plural_category(fmt.name, written) == "one" else 2


def with_unit(number: str, unit: str, count: int, large: bool) -> str:
    """The formatted ``number`` followed by ``unit``, translated where the catalog knows it."""
    text = _counted(number, unit, count, large)
    if text is not None:
        return text
    if large:
        text = _large_symbol(number, unit, count)
        if text is not None:
            return text
    return f"{number} {unit}".strip()


def _counted(number: str, unit: str, n: int, large: bool) -> str | None:
    """Counted nouns: ``1 expert``, ``20 fois``; after a number in words, ``3,3 milliards de recharges``."""
    if large:
        match unit:
            case "charges":
                template = npgettext("large number", "{number} charge", "{number} charges", n)
            case "prompts":
                template = npgettext("large number", "{number} prompt", "{number} prompts", n)
            case "GPU-hours":
                template = npgettext("large number", "{number} GPU-hour", "{number} GPU-hours", n)
            case "households":
                template = npgettext("large number", "{number} household", "{number} households", n)
            case "bytes":
                template = npgettext("large number", "{number} byte", "{number} bytes", n)
            case _:
                template = ""
        if template:
            return template.format(number=number)
    match unit:
        case "times":
            template = ngettext("{number} time", "{number} times", n)
        case "households":
            template = ngettext("{number} household", "{number} households", n)
        case "charges":
            template = ngettext("{number} charge", "{number} charges", n)
        case "flights":
            template = ngettext("{number} flight", "{number} flights", n)
        case "days":
            template = ngettext("{number} day", "{number} days", n)
        case "experts":
            template = ngettext("{number} expert", "{number} experts", n)
        case "prompts":
            template = ngettext("{number} prompt", "{number} prompts", n)
        case "GPU-hours":
            template = ngettext("{number} GPU-hour", "{number} GPU-hours", n)
        case "billion parameters":
            template = ngettext("{number} billion parameter", "{number} billion parameters", n)
        case "bytes":
            template = ngettext("{number} byte", "{number} bytes", n)
        case _:
            return None
    return template.format(number=number)


def _large_symbol(number: str, unit: str, n: int) -> str | None:
    """A unit symbol after a number in words: ``9.3 trillion L``, ``9,3 billions de litres``."""
    match unit:
        case "L":
            template = npgettext("large number", "{number} L", "{number} L", n)
        case "mL":
            template = npgettext("large number", "{number} mL", "{number} mL", n)
        case "USD":
            template = npgettext("large number", "{number} USD", "{number} USD", n)
        case "Wh":
            template = npgettext("large number", "{number} Wh", "{number} Wh", n)
        case "tCO2e":
            template = npgettext("large number", "{number} tCO2e", "{number} tCO2e", n)
        case _:
            return None
    return template.format(number=number)
