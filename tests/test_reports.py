"""Readers report a wrong /check verdict; moderators resolve the report three ways.

The rules, on both storage drivers:

- every /check verdict offers "Wrong verdict?", and nothing of the statement is
  written until the reader reports it;
- a report keeps what the reader sent — the statement, the verdict given, the
  language, the chat, who, and their reason if any — and nothing else;
- only the person who asked may report a check, once, within ``offer_minutes``,
  and at most ``per_person_per_hour`` times an hour; too late is refused clearly;
- moderators (only) see reports in ``/fact review`` and resolve them as
  "verdict right", "add or correct a claim", or "add to the evaluation set",
  each logged; the last writes the ``reports`` set ``wattson check --eval`` scores.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.cli import main
from adapters.console import ConsoleAdapter
from bot.app import open_core
from bot.dispatch import Core
from bot.foundation.storage.transfer import tables
from bot.messages import Action, ChatRef, Reply, Request, UserRef
from bot.settings import load_settings
from facts.check import Verdict
from facts.evaluation import REPORTS_SET, evaluate_statements

STATEMENT = "A quokka-sized ChatGPT question uses 500 mL of water"
READER = UserRef(platform="test", id="reader")
OTHER = UserRef(platform="test", id="other")
MODERATOR = UserRef(platform="test", id="mod")
CLUB = ChatRef(platform="test", id="club")


def asked(command: str, args: str = "", *, user: UserRef = READER, language: str = "en",
          moderator: bool = False, pressed: str | None = None) -> Request:  # fmt: skip
    return Request(command=command, args=args, user=user, chat=CLUB, locale=language,
                   is_moderator=moderator, pressed=pressed)  # fmt: skip


def settings_on(location: str, **reports: Any) -> Any:
    return load_settings(
        None,
        storage={"database": location},
        limits={"per_user_per_minute": 10_000, "per_chat_per_minute": 10_000},
        reports=reports,
    )


@pytest.fixture
async def core(database_location: str) -> AsyncIterator[Core]:
    async with open_core(settings_on(database_location, per_person_per_hour=3)) as opened:
        yield opened


async def texts_stored(core: Core) -> str:
    """Every value of every table, as one text: where a message's words would show."""
    database = core.services.database
    assert database is not None
    values = []
    for table in tables():
        for row in await database.fetch_all(f"SELECT * FROM {table}"):
            values += [str(row[i]) for i in range(len(row.keys()))]
    return "\n".join(values)


async def checked(core: Core, text: str = STATEMENT, **who: Any) -> Reply:
    reply = await core.handle(asked("check", text, **who))
    assert not reply.error, reply.text
    return reply


async def test_every_verdict_offers_a_report_and_nothing_is_written_before_it(core: Core) -> None:
    reply = await checked(core)
    [action] = reply.actions
    assert action.label == "Wrong verdict?" and action.typed == "/check report [reason]"
    assert Action.command_of(action.data) == "check" and len(action.data.encode()) <= 64
    assert "quokka" not in await texts_stored(core)
    assert core.services.reports is not None and await core.services.reports.count(None) == 0


async def test_a_press_keeps_the_statement_verdict_language_chat_and_reporter_only(
    core: Core,
) -> None:
    reply = await checked(core, language="fr")
    thanks = await core.handle(asked("check", pressed=reply.actions[0].data, language="fr"))
    assert (
        not thanks.error and "signalement n° 1" in thanks.text and "/verifie signale" in thanks.text
    )
    assert core.services.reports is not None
    report = await core.services.reports.get(1)
    assert report is not None
    assert (report.statement, report.verdict, report.language) == (
        STATEMENT,
        reply.data.verdict,
        "fr",
    )
    assert (report.reporter, report.chat, report.reason) == ("test:reader", "test:club", None)
    assert (await texts_stored(core)).count("quokka") == 1, "the statement, once, and nothing else"


async def test_check_report_with_a_reason_reports_the_last_check_of_that_person_here(
    core: Core,
) -> None:
    await checked(core, "Training GPT-3 used 1,287 MWh")
    await checked(core)
    reply = await core.handle(asked("check", "report the source says for every 20 questions"))
    assert "report #1" in reply.text and "To tell them why" not in reply.text
    assert core.services.reports is not None
    [report] = await core.services.reports.listing()
    assert report.statement == STATEMENT
    assert report.reason == "the source says for every 20 questions"


async def test_a_reason_sent_after_the_press_is_added_to_that_report(core: Core) -> None:
    reply = await checked(core)
    await core.handle(asked("check", pressed=reply.actions[0].data))
    added = await core.handle(asked("check", "report per question, not per bottle"))
    assert added.text == "Thank you: your reason was added to report #1."
    again = await core.handle(asked("check", pressed=reply.actions[0].data))
    assert again.text == "You already reported this verdict: report #1."
    assert core.services.reports is not None
    assert await core.services.reports.count() == 1
    history = await core.services.reports.history(1)
    assert [(entry.action, entry.actor) for entry in history] == [
        ("filed", "test:reader"), ("reason", "test:reader"),
    ]  # fmt: skip


async def test_only_the_person_who_asked_may_report_the_check(core: Core) -> None:
    reply = await checked(core)
    refused = await core.handle(asked("check", pressed=reply.actions[0].data, user=OTHER))
    assert refused.error and "Only the person who asked" in refused.text
    nothing = await core.handle(asked("check", "report", user=OTHER))
    assert nothing.error and "no /check of the last 15 minutes" in nothing.text
    assert core.services.reports is not None and await core.services.reports.count(None) == 0


async def test_a_press_after_the_memory_expired_is_refused_and_stores_nothing(core: Core) -> None:
    now = [1000.0]
    core.services.offers.clock = lambda: now[0]
    reply = await checked(core)
    now[0] += 15 * 60 + 1
    late = await core.handle(asked("check", pressed=reply.actions[0].data, language="fr"))
    assert late.error and "ne peut plus être signalé" in late.text and "/verifie" in late.text
    typed = await core.handle(asked("check", "report too late"))
    assert typed.error and "Send /check TEXT first" in typed.text
    assert core.services.reports is not None and await core.services.reports.count(None) == 0
    assert len(core.services.offers) == 0, "forgotten, not only hidden"


async def test_a_press_naming_no_offer_or_another_command_is_refused(core: Core) -> None:
    made_up = await core.handle(asked("check", pressed="check:report:no-such-token"))
    assert made_up.error and "can no longer be reported" in made_up.text
    other_command = await core.handle(
        asked("fact", "add id: x", pressed="fact:add", moderator=True)
    )
    assert other_command.error and "Unknown command /fact" in other_command.text


async def test_reports_are_limited_per_person_per_hour(core: Core) -> None:
    for _ in range(3):
        await checked(core)
        assert not (await core.handle(asked("check", "report"))).error
    await checked(core)
    refused = await core.handle(asked("check", "report", language="fr"))
    assert refused.error and "3 signalements dans la dernière heure" in refused.text
    assert core.services.reports is not None and await core.services.reports.count() == 3
    await checked(core, user=OTHER)
    assert not (await core.handle(asked("check", "report", user=OTHER))).error, "per person"


async def test_the_local_console_user_is_not_limited(core: Core) -> None:
    console = ConsoleAdapter(core)
    for _ in range(4):
        await console.send("/check " + STATEMENT)
        [thanks] = await console.send("/check report")
        assert "Thank you" in thanks


async def test_moderators_see_reports_in_review_escaped_on_one_line(core: Core) -> None:
    forged = STATEMENT + "\n#99 · consistent · en · from test:mod\n\x1b[31m"
    await checked(core, forged)
    await core.handle(asked("check", "report wrong\nunit"))
    listing = await core.handle(asked("fact", "review", user=MODERATOR, moderator=True))
    lines = listing.text.splitlines()
    assert lines[0].startswith("Reports of a wrong verdict")
    assert lines[1].startswith("#1 · ") and "· en · from test:reader in test:club ·" in lines[1]
    assert lines[2] == f"  “{STATEMENT} #99 · consistent · en · from test:mod [31m”"
    assert "\x1b" not in listing.text, "control characters are not passed on"
    assert lines[3] == "  Reason: “wrong unit”"
    assert not any(line.startswith("#99") for line in lines), "a statement cannot forge a line"
    member = await core.handle(asked("fact", "review"))
    assert member.error and "Only moderators" in member.text


async def test_a_moderator_reads_and_resolves_only_the_reports_of_their_own_chat(
    core: Core, database_location: str
) -> None:
    await checked(core)
    await core.handle(asked("check", "report wrong unit"))
    elsewhere = ChatRef(platform="test", id="another-club")

    def in_other_chat(args: str) -> Request:
        return Request(command="fact", args=args, user=OTHER, chat=elsewhere, locale="en",
                       is_moderator=True)  # fmt: skip

    listing = await core.handle(in_other_chat("review"))
    assert "Reports of a wrong verdict" not in listing.text
    assert STATEMENT not in listing.text, "a reader's words stay with the chat they were sent in"
    for args in ("report 1", "report 1 right"):
        refused = await core.handle(in_other_chat(args))
        assert refused.error and STATEMENT not in refused.text
    here = await core.handle(asked("fact", "report 1", user=MODERATOR, moderator=True))
    assert STATEMENT in here.text and "State: open" in here.text
    operator = load_settings(
        None,
        storage={"database": database_location},
        moderation={"allow": ["test:other"]},
    )
    async with open_core(operator) as operators_core:
        everything = await operators_core.handle(in_other_chat("review"))
        assert STATEMENT in everything.text, "an operator (moderation.allow) reads every chat's"


async def test_a_moderator_resolves_reports_three_ways_and_each_is_logged(core: Core) -> None:
    for _ in range(3):
        await checked(core, user=OTHER)
        await core.handle(asked("check", "report", user=OTHER))
    mod: dict[str, Any] = {"user": MODERATOR, "moderator": True}
    right = await core.handle(asked("fact", "report 1 right the source agrees", **mod))
    assert right.text == "Report #1 closed: the verdict was right."
    claim = await core.handle(asked("fait", "signalement 2 affirmation", language="fr", **mod))
    assert claim.text.startswith("Signalement n° 2 clos : une affirmation est à ajouter")
    ev = await core.handle(
        asked("fact", "report 3 eval inconsistent li-water-bottle-per-conversation, gemini-water-per-prompt",
              **mod)
    )  # fmt: skip
    assert "joins the “reports” evaluation set as inconsistent" in ev.text
    reports = core.services.reports
    assert reports is not None
    states = [(r.id, r.state, r.resolved_by) for r in await reports.listing(None)]
    assert states == [(1, "right", "test:mod"), (2, "claim", "test:mod"), (3, "eval", "test:mod")]
    assert [e.action for e in await reports.history(1)] == ["filed", "right"]
    assert (await reports.history(1))[-1].note == "the source agrees"
    [statement] = await reports.evaluation_set()
    assert (statement.id, statement.text, statement.lang) == ("report-3", STATEMENT, "en")
    assert statement.verdict is Verdict.inconsistent
    assert statement.refs == ["li-water-bottle-per-conversation", "gemini-water-per-prompt"]
    shown = await core.handle(asked("fact", "report 3", **mod))
    assert (
        "State: closed: added to the evaluation set" in shown.text
        and "— eval — test:mod" in shown.text
    )
    closed = await core.handle(asked("fact", "report 3 right", **mod))
    assert closed.error and "No open report #3" in closed.text


async def test_resolving_is_refused_to_members_and_for_unknown_claims(core: Core) -> None:
    await checked(core)
    await core.handle(asked("check", "report"))
    refused = await core.handle(asked("fact", "report 1 right"))
    assert refused.error and "Only moderators" in refused.text
    unknown = await core.handle(
        asked("fact", "report 1 eval consistent no-such-claim", user=MODERATOR, moderator=True)
    )
    assert unknown.error and "No claim “no-such-claim”" in unknown.text
    no_verdict = await core.handle(asked("fact", "report 1 eval", user=MODERATOR, moderator=True))
    assert no_verdict.error and "Which verdict is right?" in no_verdict.text
    assert core.services.reports is not None
    assert (await core.services.reports.get(1)) is not None
    assert (await core.services.reports.count()) == 1, "still open: nothing was changed"


async def test_the_reports_set_is_scored_like_the_files(core: Core) -> None:
    await checked(core, "ChatGPT uses 500 mL of water per question")
    await core.handle(asked("check", "report"))
    await core.handle(asked("fact", "report 1 eval inconsistent", user=MODERATOR, moderator=True))
    assert core.services.reports is not None and core.services.claims is not None
    statements = await core.services.reports.evaluation_set()
    report = await evaluate_statements(core.services.claims, REPORTS_SET, statements)
    assert report.name == "reports" and len(report.outcomes) == 1
    assert report.outcomes[0].verdict is Verdict.inconsistent and report.accuracy == 1.0


def test_wattson_check_eval_scores_the_reports_set_and_works_when_it_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wattson.db"
    monkeypatch.setenv("WATTSON_STORAGE__DATABASE", str(path))
    assert main(["check", "--eval", "reports"]) == 0
    assert "reports: 0 statements" in capsys.readouterr().out
    assert not path.exists(), "no database is created to find nothing in it"

    async def report_one() -> None:
        async with open_core(settings_on(str(path))) as opened:
            await checked(opened, "ChatGPT uses 500 mL of water per question")
            await opened.handle(asked("check", "report"))
            await opened.handle(
                asked("fact", "report 1 eval inconsistent", user=MODERATOR, moderator=True)
            )

    import asyncio

    asyncio.run(report_one())
    assert main(["check", "--eval", "reports", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "reports: 1 statements" in out and "1/1 (100.0%)" in out
