"""``wattson cost`` and ``wattson check``: one estimate or one verdict, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from adapters.cli.common import EXIT_USAGE, fail, load, open_claims, read_text
from bot.foundation.errors import UserInputError

if TYPE_CHECKING:
    from bot.settings import Settings
    from facts.evaluation import Report


def command_cost(args: argparse.Namespace) -> int:
    """``wattson cost``: one estimate, as JSON or as the localized /cost reply."""
    from bot.foundation.errors import TextTooLongError
    from bot.foundation.i18n import use_language
    from bot.measuring.catalog import default_catalog
    from bot.measuring.energy import Estimator, check_zone
    from bot.measuring.estimate import estimate_json, estimate_text

    settings = load(args)
    language = args.lang or settings.language.default
    with use_language(language):
        try:
            text = read_text(args.text)
            if not text.strip():
                return fail(no_text_message("cost"))
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


def command_models(args: argparse.Namespace) -> int:
    """``wattson models [WORDS]``: the models EcoLogits knows, one ``provider:name`` a line."""
    from bot.foundation.i18n import _, use_language
    from bot.measuring.catalog import default_catalog

    words = " ".join(args.words)
    found = default_catalog().search(words) if words else list(default_catalog())
    if not found:
        with use_language(load(args).language.default):
            return fail(_("no model name contains “{words}”").format(words=words))
    print("\n".join(model.key for model in found))
    return 0


def no_text_message(command: str) -> str:
    """The empty-text error, worded for the command line (not the chat's "after /cost")."""
    from bot.foundation.i18n import _

    return _(
        "no text to measure: give it as arguments (wattson {command} TEXT) or on standard input"
    ).format(command=command)


async def command_check(args: argparse.Namespace) -> int:
    """``wattson check``: the /check verdict, as text or JSON."""
    from bot.commands.check import check_json, render_check
    from bot.foundation.i18n import use_language
    from facts.check import check_statement

    settings = load(args)
    language = args.lang or settings.language.default
    if args.eval:
        return await command_check_eval(args, settings)
    text = read_text(args.text)
    with use_language(language):
        if not text.strip():
            return fail(no_text_message("check"))
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


async def command_check_eval(args: argparse.Namespace, settings: Settings) -> int:
    """``wattson check --eval [SET]``: confusion matrices and error rates; exit 1 if a target is missed.

    The files of ``facts/eval`` are scored on the shipped base (whatever the
    local edits); the ``reports`` set, which lives in the configured database,
    on that database's base, where moderators' corrections are.
    """
    from bot.foundation.storage.sqlite import SqliteDatabase
    from facts.evaluation import REPORTS_SET, available_sets, evaluate
    from facts.store import ClaimStore

    known = [*available_sets(), REPORTS_SET]
    names = known if args.eval == "all" else [args.eval]
    unknown = [name for name in names if name not in known]
    if unknown:
        print(
            f"wattson: no evaluation set {unknown[0]!r}; sets: {', '.join(known)}", file=sys.stderr
        )
        return EXIT_USAGE
    met = True
    async with SqliteDatabase(":memory:") as database:  # the shipped base, whatever the local edits
        store = ClaimStore(database)
        await store.setup()
        for name in names:
            if name == REPORTS_SET:
                met = await score_reports(settings, args.verbose) and met
                continue
            report = await evaluate(store, name)
            met = met and report.met
            print_evaluation(report, args.verbose)
    return 0 if met else 1


async def score_reports(settings: Settings, verbose: bool) -> bool:
    """Score the ``reports`` set of the configured database; ``True`` when its targets are met.

    An empty set (or no database file yet, which is not created for this) has
    nothing to miss.
    """
    from pathlib import Path

    from bot.foundation.storage import is_postgres
    from facts.evaluation import REPORTS_SET, evaluate_statements
    from facts.reports import ReportStore

    location = settings.storage.database
    if is_postgres(location) or Path(location).is_file():
        database, claims = await open_claims(settings)
        try:
            reports = ReportStore(database)
            await reports.setup()
            statements = await reports.evaluation_set()
            if statements:
                report = await evaluate_statements(claims, REPORTS_SET, statements)
                print_evaluation(report, verbose)
                return report.met
        finally:
            await database.close()
    print(
        f"{REPORTS_SET}: 0 statements (moderators add them from readers' reports of a wrong"
        " verdict, in the chat)"
    )
    return True


def print_evaluation(report: Report, verbose: bool) -> None:
    """One set's scores; with ``verbose``, each miss."""
    print("\n".join(report.lines()))
    if verbose:
        for outcome in report.wrong:
            print(
                f"  miss {outcome.statement.id}: expected {outcome.statement.verdict.value}"
                f" {outcome.statement.refs}, got {outcome.verdict.value}"
                f" {sorted(outcome.cited)} — {outcome.statement.text}"
            )
