"""Numbers as people write them in French or English, read one way everywhere.

``7 832`` and ``7\u202f832`` (French groups), ``2,9`` (French decimal comma),
``7,832`` (English groups, or a French decimal: the text's language decides),
``1.250,5`` and ``1,250.5``, a sign (``-5``, ``−5``) and powers of ten
(``1e308``, ``10^400``, ``3 × 10^9``, ``10⁹``). Used for figures found in
circulating statements (``/check``) and for values moderators type
(``/fact add``), so both read ``21 000`` the same. A power of ten beyond what
a float holds reads as infinity, never as its digits (``10^400`` is not 400).
"""

from __future__ import annotations

import math
import re

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MANTISSA = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_POWER = r"10\s*(?:\^|\*\*)\s*(?P<p{n}>[+\-−]?\d{{1,4}})|10(?P<s{n}>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,4}})"
NUMBER = (
    r"(?P<sign>[-−–](?=\d))?(?:"
    + _POWER.format(n=1)
    + rf"|(?P<mantissa>{_MANTISSA})(?:\s*[eE](?P<e>[+-]?\d{{1,4}})(?!\w)|\s*[×x*]\s*(?:"
    + _POWER.format(n=2)
    + "))?)"
)
SIMPLE_NUMBER = _MANTISSA
_WHOLE = re.compile(rf"^\s*(?:{NUMBER})\s*$")


def is_number(text: str) -> bool:
    """Whether ``text`` is one number, written in either language."""
    return _WHOLE.match(text) is not None


def _mantissa(text: str, language: str) -> float:
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if "," in compact and "." in compact:
        decimal = "," if compact.rfind(",") > compact.rfind(".") else "."
    elif compact.count(",") > 1 or compact.count(".") > 1:
        decimal = None  # only grouping separators
    elif "," in compact or "." in compact:
        separator = "," if "," in compact else "."
        after = compact.split(separator)[1]
        grouping = (separator == "," and language == "en") or (
            separator == "." and language == "fr"
        )
        decimal = None if grouping and len(after) == 3 else separator
    else:
        decimal = None
    if decimal is None:
        return float(compact.replace(",", "").replace(".", ""))
    group = "." if decimal == "," else ","
    return float(compact.replace(group, "").replace(decimal, "."))


def number_value(match: re.Match[str], language: str) -> float:
    """The value of a match of ``NUMBER`` (its named groups)."""
    mantissa = 1.0 if match["mantissa"] is None else _mantissa(match["mantissa"], language)
    exponent_text = next(
        (match[g] for g in ("e", "p1", "s1", "p2", "s2") if match[g] is not None), None
    )
    if exponent_text is not None:
        exponent = int(exponent_text.translate(_SUPERSCRIPTS).replace("−", "-"))
        try:
            mantissa = mantissa * 10.0**exponent
        except OverflowError:
            mantissa = float("inf")
    return -mantissa if match["sign"] else mantissa


def parse_number(text: str, language: str) -> float:
    """Read ``7 832``, ``7,832``, ``2,9``, ``1.5``, ``-5``, ``1e9`` as the language writes them."""
    match = _WHOLE.match(text)
    if match is None:
        raise ValueError(f"not a number: {text!r}")
    return number_value(match, language)


def significant_digits(text: str) -> int | None:
    """How many significant digits the first number of ``text`` is written with.

    ``1 kJ`` 1, ``0,3 Wh`` 1, ``1 999 t`` 4, ``300 W`` 1 (trailing zeros of a whole
    number are read as rounding): how precisely the writer gave the figure, so a
    published 1.08 kJ written "about 1 kJ" is the same figure, rounded.
    """
    found = re.search(_MANTISSA, text)
    if found is None:
        return None
    digits = re.sub(r"\D", "", found.group(0)).lstrip("0")
    whole = not re.search(r"[.,]\d{1,2}$|[.,]\d{4,}$", found.group(0))
    if whole:
        digits = digits.rstrip("0")
    return len(digits) or None


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (1.08, 1 → 1.0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))
