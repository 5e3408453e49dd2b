"""``wattson facts``, ``wattson campaign plan`` and ``wattson stats export``: the data."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.common import EXIT_USAGE, load, open_claims


async def command_facts(args: argparse.Namespace) -> int:
    """``wattson facts export|import``."""
    from pathlib import Path

    from facts.exchange import ImportFileError, export_claims, read_claims

    settings = load(args)
    database, store = await open_claims(settings)
    try:
        if args.facts_command == "export":
            text = export_claims(await store.all_claims(include_retracted=True), args.format)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        path = Path(args.file)
        try:
            entries = read_claims(path, args.format)
        except ImportFileError as error:
            print(f"wattson: {path} was not imported:", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_USAGE
        report = await store.import_claims(entries, f"import:{path.name}", args.dry_run)
        verb = "would add" if report.dry_run else "added"
        print(f"{verb} {len(report.added)}: {', '.join(report.added) or '-'}")
        verb = "would change" if report.dry_run else "changed"
        print(f"{verb} {len(report.changed)}: {', '.join(report.changed) or '-'}")
        print(f"unchanged {len(report.unchanged)}")
        return 0
    finally:
        await database.close()


async def command_campaign_plan(args: argparse.Namespace) -> int:
    """``wattson campaign plan``: a ready plan of sourced facts, day by day."""
    from bot.commands.claims import status_label
    from bot.i18n import use_language
    from bot.rotation import plan
    from facts.models import Topic

    settings = load(args)
    try:
        topic = Topic(args.topic.casefold())
    except ValueError:
        print(
            f"wattson: unknown topic {args.topic!r}; one of: {', '.join(t.value for t in Topic)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not 1 <= args.days <= 366:
        print("wattson: --days takes 1 to 366", file=sys.stderr)
        return EXIT_USAGE
    database, store = await open_claims(settings)
    try:
        claims = await store.all_claims()
    finally:
        await database.close()
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
    language = args.lang or settings.language.default
    with use_language(language):
        for entry in days:
            claim = entry.claim
            line = f"{entry.day:>3}. {claim.id} [{status_label(claim.status)}] {claim.statement.pick(language)}"
            if claim.corrected_by:
                line += f" → /fact {claim.corrected_by}"
            print(line)
            source = claim.sources[0]
            print(f"     {source.publisher}, {source.date or '-'} {source.url or ''}".rstrip())
    return 0


async def command_stats_export(args: argparse.Namespace) -> int:
    """``wattson stats export``: every daily count, per chat, as CSV or JSON."""
    import csv
    import io
    from pathlib import Path

    from bot.database import Database
    from bot.usage import METRICS, UsageRecorder

    settings = load(args)
    async with Database(settings.storage.database) as database:
        usage = UsageRecorder(database)
        await usage.setup()
        entries = await usage.days()
    rows = [
        {"day": e.day.isoformat(), "platform": e.platform, "chat_id": e.chat_id, **e.values}
        for e in entries
    ]
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["day", "platform", "chat_id", *METRICS])
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
