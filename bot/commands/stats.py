"""/stats [period]: what the bot did in this chat, from counts (never message contents)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.charts import usage_over_time
from bot.commands.text import first_word
from bot.dispatch import Command, Context
from bot.foundation.errors import UserInputError
from bot.foundation.formatting import number_format
from bot.foundation.i18n import N_, _, ngettext
from bot.measuring.energy import Range
from bot.measuring.render import quantity
from bot.messages import Attachment, Reply
from bot.quiz.store import TopicResult
from bot.usage import METRICS, DayUsage, totals
from facts.models import Topic
from facts.vocabulary import fold, topic_label

# Period words folded (lower case, no accents, apostrophes as hyphens: aujourd’hui →
# aujourd-hui), so année, annee, Aujourd'hui and aujourd’hui all read.
PERIODS = {"today": 1, "aujourdhui": 1, "aujourd-hui": 1, "jour": 1, "day": 1,
           "week": 7, "semaine": 7, "month": 30, "mois": 30,
           "year": 365, "an": 365, "annee": 365}  # fmt: skip
DEFAULT_DAYS = 30
ALL_TIME = ("all", "tout", "toujours")


class UnknownPeriodError(UserInputError):
    def localized(self) -> str:
        return _("Give a period: today, week, month, year, all, or a number of days.")


def period_days(word: str) -> int | None:
    """Days a period word covers (``week``, ``30``, ``30d``); ``None`` for all time."""
    folded = fold(word)
    if not folded:
        return DEFAULT_DAYS
    if folded in ALL_TIME:
        return None
    number = folded.rstrip("dj")
    if number.isdigit() and 0 < int(number) <= 3660:
        return int(number)
    if folded in PERIODS:
        return PERIODS[folded]
    raise UnknownPeriodError(word)


def daily_series(
    entries: list[DayUsage], first: date, last: date
) -> list[tuple[date, dict[str, float]]]:
    """One (day, counts) per day from ``first`` to ``last``, zero on days without use."""
    by_day = {entry.day: entry.values for entry in entries}
    empty = dict.fromkeys(METRICS, 0.0)
    return [
        (first + timedelta(days=n), by_day.get(first + timedelta(days=n), empty))
        for n in range((last - first).days + 1)
    ]


async def stats(context: Context) -> Reply:
    """Totals for this chat over a period, with a chart of use per day."""
    usage = context.services.usage
    if usage is None:
        return Reply(text=_("Statistics are not available here."), error=True)
    word, _rest = first_word(context.request.args)
    days = period_days(word)
    chat = context.request.chat
    since = usage.since(days) if days is not None else None
    entries = await usage.days(since, chat.platform, chat.id)
    fmt = number_format()
    total = totals(entries)
    if days is None:
        period = _("since the start")
    else:
        period = ngettext("over the last day", "over the last {days} days", days).format(
            days=fmt.integer(days)
        )
    requests, tokens = int(total["cost_requests"]), int(total["tokens"])
    energy = Range(total["energy_wh_low"], total["energy_wh_high"])
    lines = [
        _("Wattson in this chat, {period}:").format(period=period),
        _("/cost: {texts}, {tokens}, {energy} estimated").format(
            texts=ngettext("{count} text", "{count} texts", requests).format(
                count=fmt.integer(requests)
            ),
            tokens=ngettext("{count} token", "{count} tokens", tokens).format(
                count=fmt.integer(tokens)
            ),
            energy=quantity("energy_wh", energy, fmt),
        ),
        _("Facts shown: {count}; campaign posts: {posts}").format(
            count=fmt.integer(int(total["facts_shown"])),
            posts=fmt.integer(int(total["campaign_posts"])),
        ),
        _(
            "Checks: {count} ({consistent} consistent, {inconsistent} inconsistent, {unknown} not covered)"
        ).format(
            count=fmt.integer(int(total["checks"])),
            consistent=fmt.integer(int(total["checks_consistent"])),
            inconsistent=fmt.integer(int(total["checks_inconsistent"])),
            unknown=fmt.integer(int(total["checks_unknown"])),
        ),
    ]
    lines += await quiz_lines(context, since)
    lines += [
        _("No message text is stored: only these counts, per day."),
    ]
    attachments: tuple[Attachment, ...] = ()
    if entries:
        today = context.services.clock().astimezone(UTC).date()
        series = daily_series(entries, since or entries[0].day, max(today, entries[-1].day))
        chart = await asyncio.to_thread(
            usage_over_time,
            [day for day, _values in series],
            {
                _("/cost requests"): [values["cost_requests"] for _day, values in series],
                _("facts shown"): [values["facts_shown"] for _day, values in series],
                _("checks"): [values["checks"] for _day, values in series],
                _("quizzes"): [values["quizzes"] for _day, values in series],
            },
        )
        attachments = (
            Attachment(filename="wattson-stats.png", content=chart, description=lines[0]),
        )
    return Reply(text="\n".join(lines), data=total, attachments=attachments)


async def quiz_lines(context: Context, since: date | None) -> list[str]:
    """Quizzes posted, answers and the share of right ones, in all and per topic."""
    store = context.services.quizzes
    if store is None:
        return []
    chat = context.request.chat
    start = datetime.combine(since, time(0), UTC) if since is not None else None
    results = await store.results(chat.platform, chat.id, start)
    if not results:
        return [_("Quizzes: none posted yet (/quiz asks one).")]
    whole = TopicResult(
        "",
        sum(r.posted for r in results),
        sum(r.answered for r in results),
        sum(r.right for r in results),
    )
    lines = [_("Quizzes: {summary}").format(summary=quiz_summary(whole))]
    if len(results) > 1:
        lines += [f"• {topic_name(r.topic)}: {quiz_summary(r)}" for r in results]
    else:
        lines[0] += f" ({topic_name(results[0].topic)})"
    return lines


def quiz_summary(result: TopicResult) -> str:
    """``3 posted, 12 answers, 58% right``, in the reader's language."""
    fmt = number_format()
    text = (
        ngettext("{count} posted", "{count} posted", result.posted).format(
            count=fmt.integer(result.posted)
        )
        + ", "
        + ngettext("{count} answer", "{count} answers", result.answered).format(
            count=fmt.integer(result.answered)
        )
    )
    share = result.right_share
    if share is not None:
        text += ", " + _("{percent} right").format(percent=fmt.percent(share))
    return text


def topic_name(topic: str) -> str:
    try:
        return topic_label(Topic(topic))
    except ValueError:
        return topic


COMMAND = Command(
    name="stats",
    aliases=("statistiques",),
    handler=stats,
    summary=N_("what Wattson did in this chat (counts only)"),
    usage=N_("/stats [today|week|month|year|all|N]"),
)
