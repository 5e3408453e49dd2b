"""Readers' reports of a wrong ``/check`` verdict, and the ``reports`` evaluation set.

The package, by what each module owns:

- :mod:`~facts.reports.records`: reports, resolutions, errors and log entries;
- :mod:`~facts.reports.store`: :class:`ReportStore`, every read and change in
  the configured database (its own component, ``reports``, with numbered
  migrations on both drivers), for the chat commands and the moderators' desk.
"""

from facts.reports.records import (
    NewReport,
    ReportEntry,
    ReportNotFoundError,
    Resolution,
    TooManyReportsError,
    VerdictReport,
)
from facts.reports.store import ReportStore

__all__ = [
    "NewReport",
    "ReportEntry",
    "ReportNotFoundError",
    "ReportStore",
    "Resolution",
    "TooManyReportsError",
    "VerdictReport",
]
