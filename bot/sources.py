"""A published source: who said a figure, where, and when.

Shared by the everyday equivalents and the machine classes (and, later, the claim
base), so every number Wattson prints carries the same kind of reference.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class Source(BaseModel):
    """Where a figure comes from. A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: HttpUrl
    date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}){0,2}$")
    claim: str = Field(min_length=1, description="id of the figure in the reference list")
