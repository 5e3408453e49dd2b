"""What a campaign is: a moderator's request, validated, and the times its slots fall.

Pure data and time arithmetic: nothing here reads the database or posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.campaigns.rotation import Selection
from bot.foundation.i18n import N_
from facts.models import Topic

State = Literal["active", "paused", "stopped", "finished"]
Kind = Literal["fact", "quiz"]  # what each slot posts: a sourced fact, or a quiz on one


class CampaignSpec(BaseModel):
    """What a moderator asks for; validated, stored as JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: Topic | None = None
    fact_ids: list[str] = Field(default_factory=list, max_length=200)
    daily_at: time | None = None
    every_hours: int | None = Field(default=None, ge=1, le=24 * 30)
    timezone: str = "UTC"
    start: date
    end: date | None = None
    include_disputed: bool = False
    language: str = "en"
    kind: Kind = "fact"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(N_("unknown time zone; write one like Europe/Paris or UTC")) from None
        return value

    @model_validator(mode="after")
    def _coherent(self) -> CampaignSpec:
        if (self.topic is None) == (not self.fact_ids):
            raise ValueError(N_("give a topic or a list of facts (one of the two)"))
        if (self.daily_at is None) == (self.every_hours is None):
            raise ValueError(
                N_(
                    "give a daily time (daily: 09:00) or a number of hours (every: 12), one of the two"
                )
            )
        if self.end is not None and self.end < self.start:
            raise ValueError(N_("the end date (to) comes before the start date (from)"))
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def selection(self) -> Selection:
        """The claims this campaign draws from, as the rotation reads them."""
        return Selection(
            topic=self.topic,
            fact_ids=tuple(self.fact_ids),
            include_disputed=self.include_disputed,
        )


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    platform: str
    chat_id: str
    spec: CampaignSpec
    state: State
    created_by: str
    created_at: datetime
    note: str | None = None  # why Wattson paused it, if it did


@dataclass(frozen=True, slots=True)
class PostRecord:
    slot: datetime
    claim_id: str | None
    status: str
    updated_at: datetime | None = None  # when the status was written


def post_key(campaign: Campaign, slot: datetime) -> str:
    """The same for every attempt at one slot's post, so a platform can recognise a repeat."""
    return f"campaign-{campaign.id}-{int(slot.timestamp())}"


def slots(campaign: Campaign, until: datetime) -> list[datetime]:
    """Every scheduled post time (UTC) from the campaign's start up to ``until``.

    Slots before the campaign was created do not count: a campaign created at
    noon for "daily at 09:00 from today" starts tomorrow.
    """
    spec = campaign.spec
    zone = spec.zone
    first = max(datetime.combine(spec.start, time(0), zone).astimezone(UTC), campaign.created_at)
    last_day = spec.end or until.astimezone(zone).date()
    last = min(until, datetime.combine(last_day, time(23, 59, 59), zone).astimezone(UTC))
    found: list[datetime] = []
    if spec.daily_at is not None:
        day = max(spec.start, first.astimezone(zone).date())
        while day <= last_day:
            moment = datetime.combine(day, spec.daily_at, zone).astimezone(UTC)
            if first <= moment <= last:
                found.append(moment)
            day += timedelta(days=1)
    else:
        assert spec.every_hours is not None
        step = timedelta(hours=spec.every_hours)
        moment = first
        while moment <= last:
            found.append(moment)
            moment += step
    return found


def is_over(campaign: Campaign, now: datetime) -> bool:
    spec = campaign.spec
    if spec.end is None:
        return False
    return now > datetime.combine(spec.end, time(23, 59, 59), spec.zone).astimezone(UTC)


def describe(campaign: Campaign) -> dict[str, object]:
    """A campaign as plain data (for lists and JSON)."""
    spec = campaign.spec
    return {
        "id": campaign.id,
        "state": campaign.state,
        "chat": f"{campaign.platform}:{campaign.chat_id}",
        "topic": spec.topic.value if spec.topic else None,
        "facts": spec.fact_ids,
        "daily_at": spec.daily_at.strftime("%H:%M") if spec.daily_at else None,
        "every_hours": spec.every_hours,
        "timezone": spec.timezone,
        "start": spec.start.isoformat(),
        "end": spec.end.isoformat() if spec.end else None,
        "note": campaign.note,
        "kind": spec.kind,
    }
