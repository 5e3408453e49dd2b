"""``wattson facts``, ``wattson campaign plan`` and ``wattson stats export``: the data."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from adapters.cli.common import EXIT_USAGE, fail, load, open_claims, write_output

if TYPE_CHECKING:
    from bot.settings import Settings
    from facts.models import Claim, Topic


async def command_facts(args: argparse.Namespace) -> int:
    """``wattson facts export|import``."""
    from pathlib import Path

    from facts.exchange import ImportFileError, export_claims, read_claims
    from facts.store import UnknownCorrectionError

    settings = load(args)
    database, store = await open_claims(settings)
    try:
        if args.facts_command == "export":
            claims = await store.all_claims(include_retracted=True)
            text = export_claims(claims, args.format, settings.web.base_url)
            return write_output(text, args.output)
        path = Path(args.file)
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            return fail(f"cannot import {path}: the file {what}")
        try:
            entries = read_claims(path, args.format)
        except UnicodeDecodeError:
            return fail(f"cannot import {path}: the file is not UTF-8 text")
        except OSError as error:
            return fail(f"cannot import {path}: {error.strerror or error}")
        except ImportFileError as error:
            if len(error.problems) == 1:
                return fail(
                    f"{path} was not imported: {error.problems[0].removeprefix(f'{path}: ')}"
                )
            print(f"wattson: {path} was not imported:", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_USAGE
        try:
            report = await store.import_claims(entries, f"import:{path.name}", args.dry_run)
        except UnknownCorrectionError as error:
            return fail(
                f"{path} was not imported: {error.claim_id}: corrected_by names no claim"
                f" ({error.corrected_by})"
            )
        verb = "would add" if report.dry_run else "added"
        print(summary_line(verb, report.added))
        verb = "would change" if report.dry_run else "changed"
        print(summary_line(verb, report.changed))
        print(f"unchanged {len(report.unchanged)}")
        return 0
    finally:
        await database.close()


def summary_line(verb: str, ids: list[str]) -> str:
    """``added 2: a, b``, or ``added none`` (never ``added 0: -``)."""
    return f"{verb} {len(ids)}: {', '.join(ids)}" if ids else f"{verb} none"


async def command_campaign_plan(args: argparse.Namespace) -> int:
    """``wattson campaign plan``: a ready plan of sourced facts, day by day."""
    from bot.campaigns.rotation import plan
    from bot.foundation.i18n import _, use_language
    from facts.models import Topic
    from facts.vocabulary import read_topic, status_label, topic_label

    settings = load(args)
    language = args.lang or settings.language.default
    every_topic = args.kind == "quiz" and args.topic.casefold() in ("all", "tous", "tout")
    with use_language(language):
        try:
            # English or French: water, eau, réseau…
            topic = None if every_topic else Topic(read_topic(args.topic))
        except ValueError:
            topics = ", ".join(topic_label(t) for t in Topic)
            return fail(
                _("unknown topic “{topic}”; write one of: {topics}").format(
                    topic=args.topic, topics=topics
                )
            )
        if not 1 <= args.days <= 366:
            return fail(_("--days takes 1 to 366 days, not {days}").format(days=args.days))
    database, store = await open_claims(settings)
    try:
        claims = await store.all_claims()
    finally:
        await database.close()
    if args.kind == "quiz":
        return print_quiz_plan(claims, topic, args.days, args.lang or settings.language.default,
                               args.json)  # fmt: skip
    assert topic is not None
    days = plan(claims, topic, args.days, args.include_disputed)
    if args.json:
        rows = [
            {
                "day": entry.day,
                "fact_id": entry.claim.id,
                "status": entry.claim.status.value,
                "source_url": next((s.url for s in entry.claim.sources if s.url), None),
                "publisher": entry.claim.sources[0].publisher,
                "correction": entry.claim.corrected_by,
            }
            for entry in days
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    with use_language(language):
        for entry in days:
            claim = entry.claim
            line = f"{entry.day:>3}. {claim.id} [{status_label(claim.status)}] {claim.statement.pick(language)}"
            if claim.corrected_by:
                line += f" → {claim.corrected_by}"
            print(line)
            source = claim.sources[0]
            print(f"     {source.publisher}, {source.date or '-'} {source.url or ''}".rstrip())
    return 0


def print_quiz_plan(
    claims: list[Claim], topic: Topic | None, days: int, language: str, as_json: bool
) -> int:
    """The quizzes a quiz campaign on ``topic`` (``None``: all) would ask, day by day."""
    from bot.campaigns.rotation import Selection, next_claim
    from bot.commands.quiz import SKIP_LABELS
    from bot.foundation.i18n import _, ngettext, use_language
    from bot.quiz.generate import quiz_for
    from bot.quiz.model import Quiz
    from bot.quiz.pool import quiz_pool, skipped

    candidates = quiz_pool(claims, Selection(topic=topic))
    asked: list[str] = []
    planned: list[Quiz] = []
    for _day in range(days):
        claim = next_claim(candidates, asked)
        if claim is None:
            break
        made = quiz_for(claim, language, base=claims)
        assert isinstance(made, Quiz)  # the pool holds only claims that make one
        planned.append(made)
        asked.append(claim.id)
    if as_json:
        rows = [{"day": day, **quiz.model_dump(exclude={"details"})}
                for day, quiz in enumerate(planned, start=1)]  # fmt: skip
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    with use_language(language):
        for day, quiz in enumerate(planned, start=1):
            print(f"{day:>3}. {quiz.claim_id}: {quiz.question}")
            for index, option in enumerate(quiz.options):
                why = quiz.wrong_reasons[index]
                mark = "✓" if why is None else f"✗ {why}"
                print(f"       {'ABCDEFGHIJ'[index]}) {option}   [{mark}]")
        skips = skipped([c for c in claims if topic is None or c.topic == topic])
        if skips:
            heading = ngettext(
                "{count} claim makes no quiz ({command} in a chat says the same):",
                "{count} claims make no quiz ({command} in a chat says the same):",
                len(skips),
            )
            print("\n" + heading.format(count=len(skips), command=_("/quiz skipped")))
        for skip in skips:
            # the detail is what the generator found, in English: for English readers only
            detail = f" [{skip.detail}]" if skip.detail and language == "en" else ""
            print(f"     {skip.claim_id}: {_(SKIP_LABELS[skip.reason])}{detail}")
    if not planned:
        name = topic.value if topic is not None else "any topic"
        print(f"no claim on {name} makes a quiz; wattson campaign plan TOPIC shows its facts")
        return 1
    return 0


async def command_stats_export(args: argparse.Namespace) -> int:
    """``wattson stats export``: every daily count, per chat, as CSV or JSON."""
    import csv
    import io

    from bot.foundation.storage import open_database
    from bot.usage import METRICS, UsageRecorder

    settings = load(args)
    storage = settings.storage
    if args.quizzes:
        return await export_quizzes(args, settings)
    async with open_database(storage.database, storage.pool_size, storage.limits()) as database:
        usage = UsageRecorder(database)
        await usage.setup()
        entries = await usage.days()
    rows = [
        {"day": e.day.isoformat(), "platform": e.platform, "chat_id": e.chat_id,
         **{metric: count_or_amount(metric, value) for metric, value in e.values.items()}}
        for e in entries
    ]  # fmt: skip
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["day", "platform", "chat_id", *METRICS])
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    return write_output(text, args.output)


QUIZ_COLUMNS = ["posted_at", "platform", "chat_id", "claim_id", "topic", "language",
                "campaign_id", "options", "right_option", "answered", "right", "counts"]  # fmt: skip


async def export_quizzes(args: argparse.Namespace, settings: Settings) -> int:
    """``wattson stats export --quizzes``: each quiz posted and its counts per option (never who)."""
    import csv
    import io

    from bot.foundation.storage import open_database
    from bot.quiz.store import QuizStore

    storage = settings.storage
    async with open_database(storage.database, storage.pool_size, storage.limits()) as database:
        store = QuizStore(database)
        await store.setup()
        posts = await store.all_counts()
    rows: list[dict[str, Any]] = [
        {
            "posted_at": p.post.posted_at.isoformat(),
            "platform": p.post.platform,
            "chat_id": p.post.chat_id,
            "claim_id": p.post.claim_id,
            "topic": p.post.topic,
            "language": p.post.language,
            "campaign_id": p.post.campaign_id,
            "options": p.post.options_count,
            "right_option": p.post.right_option,
            "answered": p.answered,
            "right": p.right,
            "counts": list(p.counts),
        }
        for p in posts
    ]
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=QUIZ_COLUMNS)
        writer.writeheader()
        writer.writerows({**row, "counts": " ".join(str(c) for c in row["counts"])} for row in rows)
        text = buffer.getvalue()
    return write_output(text, args.output)


def count_or_amount(metric: str, value: float) -> int | float:
    """Counts are integers (``13``, not ``13.0``); estimated energy keeps its decimals."""
    return value if metric.startswith("energy_") else round(value)
