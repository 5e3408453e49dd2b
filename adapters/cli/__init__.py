"""The ``wattson`` command: run the bot, talk to it in a console, measure a text, manage data.

Subcommands import what they use when they run, so ``wattson cost --json`` pays
for tiktoken and EcoLogits and not for the database or the chat adapters.
``adapters/cli/`` holds the parser and dispatch (here), the shared helpers
(``common``), and the subcommands by kind: ``estimates`` (cost, models, check),
``serving`` (run, console, web, discord sync), ``data`` (facts, campaign plan,
stats export) and ``storage`` (migrate, check).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from adapters.cli.common import EXIT_USAGE, load
from bot import __version__
from bot.foundation.errors import ConfigError, UserInputError, WattsonError
from bot.foundation.i18n import on_command_line


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

    web = commands.add_parser(
        "web",
        parents=[common],
        help="serve the public pages, the JSON API, health and metrics ([web] settings)",
    )
    web.add_argument(
        "--listen", metavar="HOST:PORT", help="where to listen (default: [web] listen)"
    )
    web_commands = web.add_subparsers(dest="web_command", metavar="SUBCOMMAND")
    login = web_commands.add_parser(
        "login-link",
        parents=[common],
        help="print a one-time sign-in link to the moderators' desk (valid 10 minutes)",
    )
    login.add_argument("who", metavar="PLATFORM:ID", help="the moderator, e.g. telegram:123456")
    login.add_argument(
        "--chat", action="append", default=[], metavar="PLATFORM:ID",
        help="a chat they moderate, whose campaigns the desk shows (repeatable)",
    )  # fmt: skip
    login.add_argument("--lang", choices=["en", "fr"], help="language of the desk")

    cost = commands.add_parser("cost", parents=[common], help="estimate the cost of a text")
    cost.add_argument("--json", action="store_true", help="print one JSON object")
    cost.add_argument("--model", help="provider:name as EcoLogits names it, or a unique name")
    cost.add_argument("--zone", help="electricity-mix zone (ISO 3166-1 alpha-3, or WOR)")
    cost.add_argument("--lang", choices=["en", "fr"], help="language of the text output")
    cost.add_argument("text", nargs="*", help="the text (read from stdin when absent)")

    models = commands.add_parser(
        "models", parents=[common], help="the models EcoLogits knows, searchable"
    )
    models.add_argument("words", nargs="*", help="words every listed model name contains")

    check = commands.add_parser(
        "check", parents=[common], help="check a circulating figure against the claim base"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--lang", choices=["en", "fr"], help="language of the statement and output")
    check.add_argument(
        "--eval",
        nargs="?",
        const="all",
        metavar="SET",
        help="score /check on the evaluation set(s): facts/eval's (tune, holdout…) and the"
        " readers' reports moderators added (reports, in the configured database); default: all",
    )
    check.add_argument("--verbose", action="store_true", help="with --eval: list the misses")
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
    planning.add_argument(
        "topic", help="training, inference, models, data-centres, water, … (all: with --kind quiz)"
    )
    planning.add_argument("--days", type=int, default=7, help="length of the campaign (default 7)")
    planning.add_argument("--json", action="store_true", help="print a JSON array")
    planning.add_argument("--lang", choices=["en", "fr"], help="language of the text output")
    planning.add_argument(
        "--kind", choices=["fact", "quiz"], default="fact",
        help="what each day posts: a fact (default) or a quiz on one, its question printed",
    )  # fmt: skip
    planning.add_argument(
        "--include-disputed", action="store_true",
        help="also disputed, outdated and false claims, shown with their correction",
    )  # fmt: skip

    stats_parser = commands.add_parser("stats", help="usage statistics (counts only)")
    stats_commands = stats_parser.add_subparsers(dest="stats_command", required=True)
    stats_export = stats_commands.add_parser("export", parents=[common], help="write every count")
    stats_export.add_argument("--format", choices=["csv", "json"], default="csv")
    stats_export.add_argument("--output", metavar="FILE", help="file to write (default: stdout)")
    stats_export.add_argument(
        "--quizzes", action="store_true",
        help="the quizzes posted and how many chose each option, instead of the daily counts",
    )  # fmt: skip

    discord_parser = commands.add_parser("discord", help="Discord set-up")
    discord_commands = discord_parser.add_subparsers(dest="discord_command", required=True)
    sync = discord_commands.add_parser(
        "sync", parents=[common], help="register the slash commands (needs DISCORD_TOKEN)"
    )
    sync.add_argument("--guild", type=int, help="one server's id, for instant testing")

    storage_parser = commands.add_parser("storage", help="move or check the database")
    storage_commands = storage_parser.add_subparsers(dest="storage_command", required=True)
    moving = storage_commands.add_parser(
        "migrate", parents=[common],
        help="copy the configured database (claims, audit, proposals, preferences, "
        "campaigns, usage, reports) into another one, e.g. PostgreSQL",
    )  # fmt: skip
    moving.add_argument(
        "--to", required=True, metavar="DATABASE",
        help="postgresql://user@host:5432/name (or a SQLite file path)",
    )  # fmt: skip
    moving.add_argument(
        "--replace", action="store_true", help="empty a target that already holds data"
    )
    moving.add_argument(
        "--clean-text", action="store_true",
        help="remove the NUL characters PostgreSQL cannot store (listed without this option)",
    )  # fmt: skip
    storage_commands.add_parser(
        "check", parents=[common], help="schema versions, integrity and row counts"
    )

    bench = commands.add_parser("bench", parents=[common], help="measure the hot paths")
    bench.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    bench.add_argument(
        "--postgres", metavar="URL",
        help="also measure PostgreSQL, in a temporary schema of this database",
    )  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wattson`` script and of ``python -m adapters.cli``."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    chat = args.command in ("console", "run", "discord", "web", "bench")  # the chat's words
    with contextlib.nullcontext() if chat else on_command_line():
        return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; errors become one line on stderr and an exit status."""
    try:
        if args.command == "models":
            from adapters.cli.estimates import command_models

            return command_models(args)
        if args.command == "cost":
            from adapters.cli.estimates import command_cost

            return command_cost(args)
        if args.command == "check":
            from adapters.cli.estimates import command_check

            return asyncio.run(command_check(args))
        if args.command in ("console", "run", "discord", "web"):
            from adapters.cli import serving

            if args.command == "web" and args.web_command == "login-link":
                return asyncio.run(
                    serving.command_login_link(load(args), args.who, args.chat, args.lang)
                )
            if args.command == "web":
                return asyncio.run(serving.command_web(load(args), args.listen))
            if args.command == "console":
                return asyncio.run(serving.command_console(load(args), args.lang))
            if args.command == "run":
                return asyncio.run(serving.command_run(load(args)))
            return asyncio.run(serving.command_discord_sync(load(args), args.guild))
        if args.command in ("facts", "campaign", "stats"):
            from adapters.cli import data

            handler = {
                "facts": data.command_facts,
                "campaign": data.command_campaign_plan,
                "stats": data.command_stats_export,
            }[args.command]
            return asyncio.run(handler(args))
        if args.command == "storage":
            from adapters.cli.storage import command_storage

            return asyncio.run(command_storage(args))
        if args.command == "bench":
            from bench.suite import run_benchmarks

            return run_benchmarks(load(args), quick=args.quick, postgres=args.postgres)
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
