"""A change to a claim, field by field, as the desk shows it (:mod:`facts.changes` computes it)."""

from __future__ import annotations

from typing import Any

from bot.foundation.i18n import _
from facts.changes import FieldChange
from facts.fields import field_label


def value_text(value: Any) -> str:
    """A field's JSON value as the page shows it (lists joined, nothing as empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def change_rows(changes: tuple[FieldChange, ...] | list[FieldChange]) -> list[dict[str, str]]:
    """``{label, before, after}`` per changed field; a second figure or source says which."""
    rows = []
    for change in changes:
        label = field_label(change.field)
        if change.index:
            label = _("{field} ({number})").format(field=label, number=change.index + 1)
        rows.append({"label": label, "before": value_text(change.before),
                     "after": value_text(change.after)})  # fmt: skip
    return rows
