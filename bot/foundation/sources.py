"""A published source: who said a figure, where, and when.

Shared by the everyday equivalents and the machine classes (and, later, the claim
base), so every number Wattson prints carries the same kind of reference.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, AnyUrl, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from bot.foundation.i18n import N_

T = TypeVar("T")

DATE_PATTERN = r"^\d{4}(-\d{2}){0,2}$"


def check_date(value: str) -> str:
    """Accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` only for a real, past calendar date.

    A publication cannot be dated 2025-02-30 or next year: either is a typo, and
    a fact-checker that stores it would print it as a source.
    """
    import datetime

    parts = [int(part) for part in value.split("-")]
    year, month, day = parts + [1] * (3 - len(parts))
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise PydanticCustomError("date_invalid", "not a real calendar date") from None
    if date > datetime.date.today():
        raise PydanticCustomError("date_in_future", "a date in the future") from None
    return value


SourceDate = Annotated[str, Field(pattern=DATE_PATTERN), AfterValidator(check_date)]


def check_web_url(value: str) -> str:
    """Accept an http(s) address with a host, and keep it exactly as written.

    (pydantic's URL types normalise, adding a trailing slash to a bare host;
    a fact-checker's URLs must stay as published.)
    """
    value = value.strip()
    parsed = AnyUrl(value)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(N_("the address must start with http:// or https:// and name a host"))
    return value


WebUrl = Annotated[str, AfterValidator(check_web_url)]


class Source(BaseModel):
    """Where a figure comes from. A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: WebUrl
    date: SourceDate | None = None
    claim: str = Field(min_length=1, description="id of the figure in the reference list")


class Sourced(BaseModel):
    """A data record that names its source inline, as the flat TOML data files do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    claim: str = Field(min_length=1, description="id of the figure in the reference list")
    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: WebUrl
    date: SourceDate | None = None

    @cached_property
    def source(self) -> Source:
        """The record's source, built once."""
        return Source(
            publisher=self.publisher,
            title=self.title,
            url=self.url,
            date=self.date,
            claim=self.claim,
        )


class Bilingual(BaseModel, Generic[T]):
    """A value written in each language users read (labels in the data files)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    en: T
    fr: T

    def pick(self, language: str) -> T:
        """The value in ``language``, English for any other."""
        return self.fr if language == "fr" else self.en
