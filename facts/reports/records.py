"""What the report store keeps, as Python sees it: reports, their resolutions, their log.

A report is the one message text Wattson stores: the statement a reader sent
to ``/check`` and then chose to report as wrongly judged, with the verdict it
was given, the language, the chat and the reader (``platform:id``), and the
reader's reason when they gave one. Moderators resolve it one of three ways
(:class:`Resolution`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from facts.check import Verdict

COMPONENT = "reports"
OPEN = "open"


class Resolution(StrEnum):
    """What a moderator made of a report."""

    right = "right"  # the verdict was right
    claim = "claim"  # a claim is to be added or corrected
    eval = "eval"  # the statement and its right verdict join the ``reports`` evaluation set


class ReportStoreError(Exception):
    """A change the report store refuses; carries the report's number."""

    def __init__(self, number: int, reason: str) -> None:
        super().__init__(f"report {number}: {reason}")
        self.number = number


class ReportNotFoundError(ReportStoreError):
    def __init__(self, number: int) -> None:
        super().__init__(number, "no open report with this number")


class TooManyReportsError(Exception):
    """The reader reached the number of reports a person may send in the window."""

    def __init__(self, limit: int, retry_after: float) -> None:
        super().__init__(f"at most {limit} reports in the window; retry in {retry_after:.0f} s")
        self.limit = limit
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class NewReport:
    """What a reader sends: the statement they chose to report, as it was checked."""

    statement: str
    verdict: Verdict
    language: str
    platform: str
    chat_id: str
    reporter: str  # platform:id
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class VerdictReport:
    """A stored report, open or resolved."""

    id: int
    statement: str
    verdict: Verdict
    language: str
    platform: str
    chat_id: str
    reporter: str
    reason: str | None
    reported_at: datetime
    state: str  # ``open`` or a Resolution's value
    resolved_by: str | None
    resolved_at: datetime | None
    note: str | None

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def chat(self) -> str:
        """Where it was checked, as the moderators read it: ``platform:id``."""
        return f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One line of a report's log: filed, a reason added, resolved (who, when, what)."""

    seq: int
    report_id: int
    action: str
    actor: str
    at: datetime
    note: str | None


def stamp(moment: datetime) -> str:
    """A time as every table of the store writes it (UTC, to the microsecond): sortable text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
