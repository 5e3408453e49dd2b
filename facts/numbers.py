"""Numbers as people write them in French or English, read one way everywhere.

``7 832`` and ``7\u202f832`` (French groups), ``2,9`` (French decimal comma),
``7,832`` (English groups, or a French decimal: the text's language decides),
``1.250,5`` and ``1,250.5``. Used for figures found in circulating statements
(``/check``) and for values moderators type (``/fact add``), so both read
``21 000`` the same.
"""

from __future__ import annotations

import re

NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_WHOLE = re.compile(rf"^(?:{NUMBER})$")


def is_number(text: str) -> bool:
    """Whether ``text`` is one number, written in either language."""
    return _WHOLE.match(text.strip()) is not None


def parse_number(text: str, language: str) -> float:
    """Read ``7 832``, ``7,832``, ``2,9``, ``1.5`` as the language writes them."""
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
