"""The ``wattson`` command: run the bot, talk to it in a console, or measure a text.

Subcommands import what they use when they run, so ``wattson cost --json`` pays
for tiktoken and EcoLogits and not for the database or the chat adapters.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.errors import ConfigError, UserInputError, WattsonError

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_USAGE = 2
log = logging.getLogger("wattson")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="TOML settings file (default: $WATTSON_CONFIG; see config.example.toml)",
    )
    parser = argparse.ArgumentParser(
        prog="wattson",
        description="A chat bot that talks honestly about the energy footprint of AI.",
    )
    parser.add_argument("--version", action="version", version=f"wattson {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "run",
        parents=[common],
        help="start the adapters whose token is set; the console when none is",
    )
    console = commands.add_parser(
        "console", parents=[common], help="talk to the bot here (reads stdin when piped)"
    )
    console.add_argument("--lang", choices=["en", "fr"], help="reply language")

    cost = commands.add_parser("cost", parents=[common], help="estimate the cost of a text")
    cost.add_argument("--json", action="store_true", help="print one JSON object")
    cost.add_argument("--model", help="provider:name as EcoLogits names it, or a unique name")
    cost.add_argument("--zone", help="electricity-mix zone (ISO 3166-1 alpha-3, or WOR)")
    cost.add_argument("--lang", choices=["en", "fr"], help="language of the text output")
    cost.add_argument("text", nargs="*", help="the text (read from stdin when absent)")

    check = commands.add_parser(
        "check", parents=[common], help="check a circulating figure against the claim base"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--lang", choices=["en", "fr"], help="language of the statement and output")
    check.add_argument("text", nargs="*", help="the statement (read from stdin when absent)")

    facts = commands.add_parser("facts", help="export or import the claim base")
    facts_commands = facts.add_subparsers(dest="facts_command", required=True, metavar="ACTION")
    export = facts_commands.add_parser("export", parents=[common], help="write every claim")
    export.add_argument("--format", choices=["toml", "json", "claimreview"], default="json")
    export.add_argument("--output", metavar="FILE", help="file to write (default: stdout)")
    importing = facts_commands.add_parser(
        "import", parents=[common], help="add or update claims from a file"
    )
    importing.add_argument("file", help="a toml, json or claimreview export")
    importing.add_argument("--format", choices=["toml", "json", "claimreview"])
    importing.add_argument("--dry-run", action="store_true", help="report, change nothing")

    campaign_parser = commands.add_parser("campaign", help="campaign kit")
    campaign_commands = campaign_parser.add_subparsers(dest="campaign_command", required=True)
    planning = campaign_commands.add_parser(
        "plan", parents=[common], help="which sourced fact to post on which day"
    )
    planning.add_argument("topic", help="training, inference, models, data-centres, water, …")
    planning.add_argument("--days", type=int, default=7, help="length of the campaign (default 7)")
    planning.add_argument("--json", action="store_true", help="print a JSON array")
    planning.add_argument("--lang", choices=["en", "fr"], help="language of the text output")
    planning.add_argument(
        "--include-disputed", action="store_true",
        help="also disputed, outdated and false claims, shown with their correction",
    )  # fmt: skip

    stats_parser = commands.add_parser("stats", help="usage statistics (counts only)")
    stats_commands = stats_parser.add_subparsers(dest="stats_command", required=True)
    stats_export = stats_commands.add_parser("export", parents=[common], help="write every count")
    stats_export.add_argument("--format", choices=["csv", "json"], default="csv")
    stats_export.add_argument("--output", metavar="FILE", help="file to write (default: stdout)")

    discord_parser = commands.add_parser("discord", help="Discord set-up")
    discord_commands = discord_parser.add_subparsers(dest="discord_command", required=True)
    sync = discord_commands.add_parser(
        "sync", parents=[common], help="register the slash commands (needs DISCORD_TOKEN)"
    )
    sync.add_argument("--guild", type=int, help="one server's id, for instant testing")

    bench = commands.add_parser("bench", parents=[common], help="measure the hot paths")
    bench.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    return parser


def load(args: argparse.Namespace) -> Settings:
    from bot.settings import config_path, load_settings

    return load_settings(config_path(args.config))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wattson`` script and of ``python -m bot``."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "cost":
            return command_cost(args)
        if args.command == "console":
            return asyncio.run(command_console(load(args), args.lang))
        if args.command == "run":
            return asyncio.run(command_run(load(args)))
        if args.command == "check":
            return asyncio.run(command_check(args))
        if args.command == "facts":
            return asyncio.run(command_facts(args))
        if args.command == "campaign":
            return asyncio.run(command_campaign_plan(args))
        if args.command == "stats":
            return asyncio.run(command_stats_export(args))
        if args.command == "discord":
            return asyncio.run(command_discord_sync(load(args), args.guild))
        if args.command == "bench":
            from bot.bench import run_benchmarks

            return run_benchmarks(load(args), quick=args.quick)
    except (ConfigError, UserInputError) as error:
        print(f"wattson: {error.localized()}", file=sys.stderr)
        return EXIT_USAGE
    except WattsonError as error:
        print(f"wattson: {error.localized()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wattson cost --json … | head`: the reader left early
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # as the Python docs advise for SIGPIPE
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def read_text(words: Sequence[str]) -> str:
    if words:
        return " ".join(words)
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    return sys.stdin.read()


def command_cost(args: argparse.Namespace) -> int:
    """``wattson cost``: one estimate, as JSON or as the localized /cost reply."""
    from bot.catalog import default_catalog
    from bot.energy import Estimator, check_zone
    from bot.errors import EmptyTextError, TextTooLongError
    from bot.estimate import estimate_text
    from bot.i18n import use_language

    settings = load(args)
    language = args.lang or settings.language.default
    with use_language(language):
        try:
            text = read_text(args.text)
            if not text.strip():
                raise EmptyTextError("cost")
            if len(text) > settings.limits.max_input_chars:
                raise TextTooLongError(len(text), settings.limits.max_input_chars)
            model = default_catalog().resolve(args.model or settings.cost.default_model)
            zone = check_zone(args.zone) if args.zone else settings.cost.zone
            estimate = estimate_text(text, model, Estimator(zone))
        except UserInputError as error:
            print(f"wattson: {error.localized()}", file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            json.dump(estimate_json(estimate), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            from bot.commands.cost import render_estimate

            print(render_estimate(estimate).text)
    return 0


def estimate_json(estimate: Any) -> dict[str, Any]:
    """The JSON contract of ``wattson cost --json`` (see README)."""
    from bot.energy import Range, ecologits_version
    from bot.equivalents import human_scale

    def bounds(value: Range) -> dict[str, float]:
        return {"min": value.low, "max": value.high}

    model = estimate.model
    return {
        "tokens": estimate.tokens,
        "encoding": estimate.tokenizer.encoding_name,
        "tokens_exact": estimate.tokenizer.exact,
        "provider": model.provider,
        "model": model.name,
        "architecture": model.architecture,
        "parameters_billion": {
            "total": {"min": model.total_parameters.low, "max": model.total_parameters.high},
            "active": {"min": model.active_parameters.low, "max": model.active_parameters.high},
        },
        "zone": estimate.zone,
        "energy_wh": bounds(estimate.impacts.energy_wh),
        "gwp_g": bounds(estimate.impacts.gwp_g),
        "water_ml": bounds(estimate.impacts.water_ml),
        "ecologits_version": ecologits_version(),
        "warnings": list(estimate.warnings),
        "equivalents": [
            {
                "id": item.equivalent.id,
                "value": item.value.mean,
                "min": item.value.low,
                "max": item.value.high,
                "impact": item.equivalent.impact,
                "source_url": str(item.equivalent.url),
                "source_publisher": item.equivalent.publisher,
                "claim": item.equivalent.claim,
            }
            for item in human_scale(estimate.impacts)
        ],
    }


async def command_console(settings: Settings, language: str | None = None) -> int:
    """``wattson console``: the real core on the embedded store, in this terminal."""
    from adapters.console import ConsoleAdapter
    from bot.app import open_core, running_campaigns

    async with open_core(settings) as core:
        console = ConsoleAdapter(core, locale=language)
        async with running_campaigns(core, settings.campaigns.tick_seconds):
            await console.repl()
    return 0


async def command_run(settings: Settings) -> int:
    """``wattson run``: platform adapters whose token is set, else the console."""
    from bot.settings import Secrets

    secrets = Secrets()
    if secrets.discord_token is None and secrets.telegram_token is None:
        print(
            "wattson: no DISCORD_TOKEN or TELEGRAM_TOKEN set; starting the console "
            f"(database: {settings.storage.database}).",
            file=sys.stderr,
        )
        return await command_console(settings)
    from adapters.runner import build_adapters, serve
    from bot.app import open_core, running_campaigns

    async with open_core(settings) as core:
        adapters = build_adapters(core, settings, secrets)
        names = ", ".join(type(adapter).__name__ for adapter in adapters)
        print(f"wattson: serving {names}; Ctrl-C or SIGTERM stops.", file=sys.stderr)
        async with running_campaigns(core, settings.campaigns.tick_seconds):
            failures = await serve(adapters)
    for failure in failures:
        print(f"wattson: {failure}", file=sys.stderr)
    return 1 if failures else 0


async def command_discord_sync(settings: Settings, guild: int | None) -> int:
    """``wattson discord sync``: register the slash commands with Discord."""
    from bot.settings import Secrets

    token = Secrets().discord_token
    if token is None:
        print("wattson: set DISCORD_TOKEN to sync the commands.", file=sys.stderr)
        return EXIT_USAGE
    from adapters.discord import DiscordAdapter
    from bot.app import open_core

    async with open_core(settings) as core:
        adapter = DiscordAdapter(core, token.get_secret_value(), settings.discord)
        count = await adapter.sync_commands(guild)
    where = f"guild {guild}" if guild else "every server (global commands take up to an hour)"
    print(f"synced {count} commands for {where}")
    return 0


async def open_claims(settings: Settings) -> tuple[Any, Any]:
    """The configured database and its claim store, set up (seeded on first use)."""
    from bot.database import Database
    from facts.store import ClaimStore

    database = await Database(settings.storage.database).open()
    store = ClaimStore(database)
    await store.setup()
    return database, store


async def command_check(args: argparse.Namespace) -> int:
    """``wattson check``: the /check verdict, as text or JSON."""
    from bot.commands.check import check_json, render_check
    from bot.i18n import use_language
    from facts.check import check_statement

    settings = load(args)
    language = args.lang or settings.language.default
    text = read_text(args.text)
    with use_language(language):
        if not text.strip():
            from bot.errors import EmptyTextError

            print(f"wattson: {EmptyTextError('check').localized()}", file=sys.stderr)
            return EXIT_USAGE
        database, store = await open_claims(settings)
        try:
            result = await check_statement(store, text, args.lang)
        finally:
            await database.close()
        if args.json:
            json.dump(check_json(result), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print(render_check(result, language))
    return 0


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
    from bot.campaigns import plan
    from bot.commands.claims import status_label
    from bot.i18n import use_language
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
