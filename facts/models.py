"""The claim model: a sourced statement with its figure and status. No source, no claim.

A claim says one thing, in French and English, with every figure its statement
gives as a quantity (value or range, unit, what it is counted per, what is
measured, what it is about, when; the main figure first), the sources that
published it, and a status:
``verified`` (read in the primary source), ``secondary`` (consistent reputable
coverage), ``disputed``, ``outdated`` or ``false``. Every status but
``verified`` carries an explanation of what is uncertain or wrong and what the
right figure is; ``corrected_by`` points to the claim that holds it.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.foundation.i18n import N_, _
from bot.foundation.sources import SourceDate, WebUrl
from bot.foundation.text import storable_value
from facts.measures import Measure, default_measure, measure_fits_unit
from facts.subjects import split_tag, vocabulary
from facts.units import unit_expression

CLAIM_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
SEED_AUTHOR = "seed"


class Status(StrEnum):
    verified = "verified"
    secondary = "secondary"
    disputed = "disputed"
    outdated = "outdated"
    false = "false"

    @property
    def trustworthy(self) -> bool:
        """Whether a statement agreeing with this claim may be called consistent."""
        return self in (Status.verified, Status.secondary)


class Topic(StrEnum):
    training = "training"
    inference = "inference"
    models = "models"
    data_centres = "data-centres"
    water = "water"
    materials = "materials"
    grid = "grid"
    equivalents = "equivalents"
    economics = "economics"


class Per(StrEnum):
    """What a figure is counted per, so /check compares like with like."""

    request = "request"
    day = "day"
    year = "year"
    training = "training"
    hour = "hour"
    token = "token"  # a model's output token: not a request, which is hundreds of them
    total = "total"


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # Text both databases can keep: NUL removed, lone surrogates as U+FFFD (bot.foundation.text).
    _storable = field_validator("*", mode="before")(storable_value)


class LocalizedText(Strict):
    """The same text in each language users read."""

    en: str = Field(min_length=3, max_length=1000)
    fr: str = Field(min_length=3, max_length=1000)

    def pick(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


class ClaimSource(Strict):
    """One publication behind a claim."""

    publisher: str = Field(min_length=2, max_length=200)
    cites: str | None = Field(
        default=None,
        min_length=2,
        max_length=200,
        description="whom the publisher reports, by name (OpenAI for an Axios article quoting"
        " it); shown in the reader's language as “Axios, citing OpenAI”",
    )
    title: str = Field(min_length=2, max_length=300)
    url: WebUrl | None = None
    date: SourceDate | None = None
    quote: str | None = Field(default=None, max_length=500)
    note: str | None = Field(
        default=None,
        max_length=300,
        description="what was not checked, where the reference list has no URL or date",
    )

    @property
    def byline(self) -> str:
        """Who published it, as readers see it: names only, the link between them translated."""
        if self.cites is None:
            return self.publisher
        return _("{publisher}, citing {cited}").format(publisher=self.publisher, cited=self.cites)

    @model_validator(mode="after")
    def _traceable(self) -> ClaimSource:
        if (self.url is None or self.date is None) and not self.note:
            raise ValueError(N_("a source without url or date needs a note saying why"))
        return self


MAX_MAGNITUDE = 1e18  # larger than any figure of the field in its own unit (9.3e12 L)


class Figure(Strict):
    """A number with its unit and optional range: what a claim's list shows first."""

    value: float
    unit: str = Field(min_length=1, max_length=40)
    low: float | None = None
    high: float | None = None
    per: Per = Per.total

    @model_validator(mode="after")
    def _ordered(self) -> Figure:
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        if not low <= self.value <= high:
            raise ValueError(N_("the figure must satisfy low ≤ value ≤ high"))
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        return (
            self.value if self.low is None else self.low,
            self.value if self.high is None else self.high,
        )


class Quantity(Figure):
    """One figure a claim's statement gives, with what it measures, about what, and when.

    ``/check`` compares a stated figure only with a quantity of the same
    measure, about the same subjects (tags of ``facts/subjects.toml``; a tag
    ending in ``?`` may go unsaid) and the same year, so a true second figure
    of a claim is never judged against its first one.
    """

    measure: Measure
    subject: list[str] = Field(default_factory=list, max_length=12)
    year: int | None = Field(default=None, ge=1900, le=2100)
    since: int | None = Field(default=None, ge=1900, le=2100)
    checkable: bool = Field(
        default=True, description="false for a quote shown but never compared (a quip)"
    )

    @model_validator(mode="before")
    @classmethod
    def _measure_from_unit(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("measure") and isinstance(data.get("unit"), str):
            measure = default_measure(data["unit"])
            if measure is not None:
                data = {**data, "measure": measure}
        return data

    @field_validator("value", "low", "high")
    @classmethod
    def _sane(cls, value: float | None) -> float | None:
        if value is not None and (not math.isfinite(value) or abs(value) > MAX_MAGNITUDE):
            raise PydanticCustomError("value_not_sane", "not a finite value of sane magnitude")
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit_expression(unit) is None:
            raise PydanticCustomError("unit_unknown", "a unit the checker does not understand")
        return unit

    @field_validator("subject")
    @classmethod
    def _known_subjects(cls, tags: list[str]) -> list[str]:
        known = vocabulary()
        unknown = [tag for tag in tags if split_tag(tag)[0] not in known]
        if unknown:
            raise PydanticCustomError(
                "subject_unknown", "unknown subject {tags}", {"tags": ", ".join(unknown)}
            )
        return tags

    @model_validator(mode="after")
    def _consistent(self) -> Quantity:
        if not measure_fits_unit(self.measure, self.unit):
            raise PydanticCustomError(
                "measure_unit_mismatch",
                "{measure} cannot be in {unit}",
                {"measure": self.measure.value, "unit": self.unit},
            )
        if self.measure is not Measure.change and min(self.bounds) < 0:
            raise PydanticCustomError("value_negative", "a negative value")
        return self

    def figure(self) -> Figure:
        return Figure(value=self.value, unit=self.unit, low=self.low, high=self.high, per=self.per)


class ClaimContent(Strict):
    """What a moderator writes: everything about a claim except its history."""

    id: str = Field(pattern=CLAIM_ID_PATTERN)
    topic: Topic
    statement: LocalizedText
    quantities: list[Quantity] = Field(min_length=1, max_length=20)
    sources: list[ClaimSource] = Field(min_length=1, max_length=10)
    status: Status
    explanation: LocalizedText | None = None
    corrected_by: str | None = Field(default=None, pattern=CLAIM_ID_PATTERN)
    keywords: list[str] = Field(default_factory=list, max_length=40)

    @model_validator(mode="before")
    @classmethod
    def _figure_is_the_first_quantity(cls, data: Any) -> Any:
        """Read claims written before quantities existed: ``figure`` becomes the only one."""
        if isinstance(data, dict) and "figure" in data:
            data = dict(data)
            figure = data.pop("figure")
            if not data.get("quantities"):
                data["quantities"] = [figure]
        return data

    @property
    def figure(self) -> Quantity:
        """The main figure: the first quantity."""
        return self.quantities[0]

    @field_validator("keywords")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        return [v for v in (value.strip() for value in values) if v]

    @model_validator(mode="after")
    def _explained(self) -> ClaimContent:
        if self.status is not Status.verified and self.explanation is None:
            raise ValueError(
                N_("a claim that is not verified needs an explanation (what is wrong or uncertain)")
            )
        if self.corrected_by == self.id:
            raise ValueError(N_("a claim cannot be corrected by itself"))
        return self

    def search_text(self) -> str:
        """Words the search index holds besides the statements."""
        publishers = " ".join(source.publisher for source in self.sources)
        return " ".join([self.id.replace("-", " "), publishers, *self.keywords])


class Claim(ClaimContent):
    """A claim as stored: its content plus who made and last changed it, and when."""

    created_by: str = SEED_AUTHOR
    created_at: datetime | None = None
    updated_by: str = SEED_AUTHOR
    updated_at: datetime | None = None
    retracted: bool = False

    def content(self) -> ClaimContent:
        return ClaimContent.model_validate(self.model_dump(include=set(ClaimContent.model_fields)))


def slugify(text: str) -> str:
    """A claim id suggestion from free text (``Gemini water`` → ``gemini-water``)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64]
