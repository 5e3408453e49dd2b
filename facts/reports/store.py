"""Reports in the configured database (either driver): filed, listed, resolved, logged.

Every change is one transaction with its log entry (who, when, what), as the
claim store's changes are: a report filed, a reason added to it, a report
resolved — and, resolved as ``eval``, its statement written to the
``reports`` evaluation set in the same transaction. Several processes on one
PostgreSQL database share all of it. This is the API the chat commands use
and the moderators' desk on the web will.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.foundation.storage import Database, Queries, Row
from facts.check import Verdict
from facts.evaluation import REPORTS_SET, Statement
from facts.reports.records import (
    COMPONENT,
    OPEN,
    NewReport,
    ReportEntry,
    ReportNotFoundError,
    Resolution,
    TooManyReportsError,
    VerdictReport,
    stamp,
)

REPORTED_KIND = "reported"  # the ``kind`` of an evaluation statement that came from a report


def _report(row: Row) -> VerdictReport:
    resolved_at = row["resolved_at"]
    return VerdictReport(
        id=int(row["id"]),
        statement=row["statement"],
        verdict=Verdict(row["verdict"]),
        language=row["language"],
        platform=row["platform"],
        chat_id=row["chat_id"],
        reporter=row["reporter"],
        reason=row["reason"],
        reported_at=datetime.fromisoformat(row["reported_at"]),
        state=row["state"],
        resolved_by=row["resolved_by"],
        resolved_at=datetime.fromisoformat(resolved_at) if resolved_at else None,
        note=row["note"],
    )


def _statement(row: Row) -> Statement:
    return Statement(
        id=row["id"],
        lang=row["lang"],
        text=row["statement"],
        verdict=Verdict(row["verdict"]),
        refs=json.loads(row["refs"]),
        kind=row["kind"],
        why=row["why"],
    )


class ReportStore:
    """Readers' reports and the ``reports`` evaluation set, in the configured database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def setup(self) -> None:
        await self.database.migrate(COMPONENT)

    # ---- readers ---------------------------------------------------------------------

    async def file(
        self,
        report: NewReport,
        now: datetime,
        limit: int | None = None,
        window: timedelta = timedelta(hours=1),
    ) -> int:
        """Record a reader's report; its number. One transaction, with its log entry.

        With ``limit``, refuse (:class:`TooManyReportsError`, nothing written)
        when the reporter already sent that many within ``window``.
        """
        async with self.database.transaction() as queries:
            if limit is not None:
                since = await queries.fetch_all(
                    "SELECT reported_at FROM check_reports WHERE reporter = ?"
                    " AND reported_at > ? ORDER BY reported_at",
                    (report.reporter, stamp(now - window)),
                )
                if len(since) >= limit:
                    oldest = datetime.fromisoformat(since[0]["reported_at"])
                    wait = (oldest + window - now).total_seconds()
                    raise TooManyReportsError(limit, max(1.0, wait))
            number = int(
                await queries.fetch_value(
                    "INSERT INTO check_reports (statement, verdict, language, platform, chat_id,"
                    " reporter, reason, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        report.statement,
                        report.verdict.value,
                        report.language,
                        report.platform,
                        report.chat_id,
                        report.reporter,
                        report.reason,
                        stamp(now),
                    ),
                )  # fmt: skip
            )
            await self._log(queries, number, "filed", report.reporter, now, report.reason)
        return number

    async def add_reason(self, number: int, reporter: str, reason: str, now: datetime) -> bool:
        """Give an open report of ``reporter``'s, still without one, the reason they add."""
        async with self.database.transaction() as queries:
            changed = await queries.execute(
                "UPDATE check_reports SET reason = ? WHERE id = ? AND reporter = ?"
                " AND reason IS NULL AND state = 'open'",
                (reason, number, reporter),
            )
            if changed:
                await self._log(queries, number, "reason", reporter, now, reason)
        return bool(changed)

    # ---- moderators --------------------------------------------------------------------

    async def get(self, number: int) -> VerdictReport | None:
        row = await self.database.fetch_one("SELECT * FROM check_reports WHERE id = ?", (number,))
        return _report(row) if row is not None else None

    async def listing(
        self,
        state: str | None = OPEN,
        limit: int = 50,
        offset: int = 0,
        chat: tuple[str, str] | None = None,
    ) -> list[VerdictReport]:
        """Reports in ``state`` (``open``, a resolution, or ``None``: all), oldest first;
        with ``chat`` (platform, chat id), only those filed in that chat."""
        where, params = _where(state, chat)
        rows = await self.database.fetch_all(
            f"SELECT * FROM check_reports {where} ORDER BY id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_report(row) for row in rows]

    async def count(self, state: str | None = OPEN, chat: tuple[str, str] | None = None) -> int:
        where, params = _where(state, chat)
        return int(
            await self.database.fetch_value(f"SELECT COUNT(*) FROM check_reports {where}", params)
        )

    async def history(self, number: int) -> list[ReportEntry]:
        rows = await self.database.fetch_all(
            "SELECT * FROM report_audit WHERE report_id = ? ORDER BY seq", (number,)
        )
        return [
            ReportEntry(
                seq=int(row["seq"]),
                report_id=int(row["report_id"]),
                action=row["action"],
                actor=row["actor"],
                at=datetime.fromisoformat(row["at"]),
                note=row["note"],
            )
            for row in rows
        ]

    async def resolve(
        self,
        number: int,
        resolution: Resolution,
        actor: str,
        now: datetime,
        note: str | None = None,
        expected: Verdict | None = None,
        refs: Sequence[str] = (),
    ) -> VerdictReport:
        """Close an open report, logged; as ``eval``, write its statement to the ``reports`` set.

        ``expected`` (the right verdict, the moderator's) is required for
        ``eval``; ``refs`` are the claims a right answer may cite. Raises
        :class:`ReportNotFoundError` when no open report has this number.
        """
        if resolution is Resolution.eval and expected is None:
            raise ValueError("an evaluation statement needs its right verdict")
        async with self.database.transaction() as queries:
            row = await queries.fetch_one(
                "SELECT * FROM check_reports WHERE id = ? AND state = ?", (number, OPEN)
            )
            changed = await queries.execute(
                "UPDATE check_reports SET state = ?, resolved_by = ?, resolved_at = ?, note = ?"
                " WHERE id = ? AND state = ?",
                (resolution.value, actor, stamp(now), note, number, OPEN),
            )
            if row is None or not changed:
                raise ReportNotFoundError(number)
            if resolution is Resolution.eval:
                assert expected is not None
                await queries.execute(
                    "INSERT INTO eval_statements (id, set_name, lang, statement, verdict, refs,"
                    " kind, why, report_id, added_by, added_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        f"report-{number}", REPORTS_SET, row["language"], row["statement"],
                        expected.value, json.dumps(list(refs)), REPORTED_KIND, note or "",
                        number, actor, stamp(now),
                    ),
                )  # fmt: skip
            await self._log(queries, number, resolution.value, actor, now, note)
        report = await self.get(number)
        assert report is not None
        return report

    # ---- the evaluation set ------------------------------------------------------------

    async def evaluation_set(self, name: str = REPORTS_SET) -> list[Statement]:
        """The statements of a set kept in the database, in the order they were added."""
        rows = await self.database.fetch_all(
            "SELECT * FROM eval_statements WHERE set_name = ? ORDER BY added_at, id", (name,)
        )
        return [_statement(row) for row in rows]

    # ---- internals -----------------------------------------------------------------------

    async def _log(
        self, queries: Queries, number: int, action: str, actor: str, now: datetime,
        note: str | None,
    ) -> None:  # fmt: skip
        await queries.execute(
            "INSERT INTO report_audit (report_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)",
            (number, action, actor, stamp(now), note),
        )


def _where(state: str | None, chat: tuple[str, str] | None) -> tuple[str, list[str]]:
    """The WHERE clause of a listing: by state, and by the chat it was filed in."""
    clauses, params = [], []
    if state is not None:
        clauses.append("state = ?")
        params.append(state)
    if chat is not None:
        clauses.append("platform = ? AND chat_id = ?")
        params += list(chat)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params
