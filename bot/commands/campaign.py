"""/campaign: schedule sourced facts in a chat, and deliver them when due.

``/campaign start topic: water; daily: 09:00; tz: Europe/Paris; from: 2026-12-01;
to: 2026-12-07`` (or ``facts: id1, id2``, ``every: 6`` hours, ``include: disputed``,
then ``/campaign list``, ``pause N``, ``resume N``, ``stop N``.
Starting and changing campaigns is for moderators.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from pydantic import ValidationError

from bot.campaigns.rotation import pool
from bot.campaigns.schedule import Campaign, CampaignSpec, describe, is_over, slots
from bot.campaigns.scheduler import PAUSED_CHAT_REFUSES, PAUSED_POLLS_REFUSED, CampaignScheduler
from bot.campaigns.store import CampaignStore
from bot.commands.claims import claim_links, claim_text, page_of
from bot.commands.fact_access import UnknownClaimError
from bot.commands.quiz import NoQuizError, quiz_reply, record_text_post
from bot.commands.text import first_word
from bot.dispatch import Command, Context, Services
from bot.foundation.errors import MissingArgumentError, PermissionDeniedError, UserInputError
from bot.foundation.i18n import N_, NP_, _, language_name, ngettext, pgettext, use_language
from bot.foundation.metrics import CAMPAIGN_POSTS
from bot.messages import Reply
from bot.quiz.generate import quiz_for
from bot.quiz.model import Skip
from bot.quiz.pool import quiz_pool
from facts.fields import ClaimValidationError, describe_problem_paths, field_label, parse_fields
from facts.models import Claim
from facts.vocabulary import fold, read_topic, topic_label

log = logging.getLogger(__name__)
ALIASES = {
    "topic": "topic", "sujet": "topic", "theme": "topic", "thème": "topic",
    "facts": "facts", "faits": "facts", "ids": "facts",
    "daily": "daily", "quotidien": "daily", "chaque_jour": "daily", "at": "daily", "à": "daily",
    "tous_les_jours": "daily", "every_day": "daily", "quotidienne": "daily",
    "every": "every", "toutes": "every", "hours": "every", "heures": "every",
    "chaque": "every", "toutes_les": "every", "every_hours": "every", "toutes_les_heures": "every",
    "tz": "tz", "timezone": "tz", "fuseau": "tz",
    "from": "from", "start": "from", "du": "from", "début": "from", "debut": "from",
    "to": "to", "end": "to", "au": "to", "fin": "to",
    "include": "include", "inclure": "include",
    "channel": "channel", "salon": "channel", "chat": "channel",
    "kind": "kind", "type": "kind", "genre": "kind", "sorte": "kind",
}  # fmt: skip
KINDS = {"fact": "fact", "facts": "fact", "fait": "fact", "faits": "fact",
         "quiz": "quiz", "quizz": "quiz", "quizzes": "quiz", "question": "quiz",
         "questions": "quiz", "questionnaire": "quiz"}  # fmt: skip
HOURS = re.compile(r"^\s*(\d+)\s*(?:h|hours?|heures?)?\s*$", re.IGNORECASE)
MAX_EVERY_HOURS = 24 * 30  # CampaignSpec.every_hours: a post at least once in 30 days
DAY_WORDS = frozenset({"day", "jour", "1-day", "1-jour", "24-h", "24h"})
TIME_OF_DAY = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*$")
# include: what a topic campaign may post besides trustworthy claims (folded words)
INCLUDE_DISPUTED = frozenset(
    {
        "disputed",
        "contested",
        "outdated",
        "false",
        "all",
        "conteste",
        "contestes",
        "contestee",
        "contestees",
        "obsolete",
        "obsoletes",
        "faux",
        "fausses",
        "tous",
        "toutes",
        "tout",
    }
)
INCLUDE_TRUSTWORTHY = frozenset({"trustworthy", "verified", "fiables", "fiable", "verifies"})
STATE_LABELS = {
    "active": NP_("campaign state", "active"),
    "paused": NP_("campaign state", "paused"),
    "stopped": NP_("campaign state", "stopped"),
    "finished": NP_("campaign state", "finished"),
}
WHICH_CAMPAIGN = N_("Which campaign? Give its number (/campaign list shows them).")
START_USAGE = N_("/campaign start (then one “key: value” per line: topic or facts, daily or every)")
START_EXAMPLE = N_("/campaign start topic: water; daily: 09:00; tz: Europe/Paris")
CHANGE_USAGES = {  # state → (usage, example)
    "paused": (N_("/campaign pause N"), N_("/campaign pause 1")),
    "active": (N_("/campaign resume N"), N_("/campaign resume 1")),
    "stopped": (N_("/campaign stop N"), N_("/campaign stop 1")),
}


def state_label(state: str) -> str:
    """A campaign's state in the reader's language."""
    return pgettext("campaign state", STATE_LABELS[state])


class CampaignNotFoundError(UserInputError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no campaign {number}")
        self.number = number

    def localized(self) -> str:
        return _("No campaign #{number} in this chat; /campaign list shows them.").format(
            number=self.number
        )


class CampaignOverError(UserInputError):
    """A stopped or finished campaign cannot be paused, resumed or stopped again."""

    def __init__(self, number: int, state: str, wanted: str) -> None:
        super().__init__(f"campaign {number} is {state}; cannot make it {wanted}")
        self.number = number
        self.state = state
        self.wanted = wanted  # the state asked for: paused, active or stopped

    def localized(self) -> str:
        texts = {
            ("stopped", "paused"): _("Campaign #{number} is stopped: there is nothing to pause."),
            ("stopped", "active"): _(
                "Campaign #{number} is stopped; stopped campaigns cannot be resumed."
            ),
            ("finished", "paused"): _(
                "Campaign #{number} is finished (its last day has passed): there is nothing"
                " to pause."
            ),
            ("finished", "active"): _(
                "Campaign #{number} is finished: its last day has passed, so it cannot be resumed."
            ),
            ("finished", "stopped"): _(
                "Campaign #{number} is already finished: its last day has passed, so there is"
                " nothing to stop."
            ),
        }
        text = texts[(self.state, self.wanted)].format(number=self.number)
        if self.wanted == "stopped":
            return text
        return f"{text} " + _("Start a new one: /campaign start topic: water; daily: 09:00")


class DuplicateCampaignError(UserInputError):
    def __init__(self, campaign_id: int) -> None:
        super().__init__(f"the same campaign is already #{campaign_id}")
        self.campaign_id = campaign_id

    def localized(self) -> str:
        return _("This chat already has this campaign: #{id}. Nothing was changed.").format(
            id=self.campaign_id
        )


def store_of(context: Context) -> CampaignStore:
    store = context.services.campaigns
    if store is None:
        raise UserInputError("campaigns are not available")
    return store


def spec_from(fields: dict[str, str], context: Context) -> CampaignSpec:
    """The campaign a moderator typed, validated; every problem names the field as typed."""
    data: dict[str, object] = {"language": context.language}
    problems: list[str] = []
    unread: set[str] = set()
    if fields.get("topic"):
        data["topic"] = read_topic(fields["topic"])
    if "facts" in fields:
        data["fact_ids"] = [i.strip() for i in re.split(r"[,\s]+", fields["facts"]) if i.strip()]
    if fields.get("daily"):
        data["daily_at"] = time_of_day(fields["daily"])
        if data["daily_at"] is None:
            problems.append(
                _("{field}: “{text}” is not a time of day; write it like 09:00 or 9h").format(
                    field=field_label("daily_at"), text=fields["daily"][:20]
                )
            )
            unread.add("daily_at")
    if fields.get("every"):
        every = hours(fields["every"])
        if every is None:
            problems.append(
                _("{field}: “{text}” is not a number of hours; write it like 12 or 12 h").format(
                    field=field_label("every_hours"), text=fields["every"][:20]
                )
            )
            unread.add("every_hours")
        elif not 1 <= every <= MAX_EVERY_HOURS:
            problems.append(
                _(
                    "{field}: {hours} h is outside the allowed range, 1 to {most} h (30 days)"
                ).format(field=field_label("every_hours"), hours=every, most=MAX_EVERY_HOURS)
            )
            unread.add("every_hours")
        data["every_hours"] = every
    data["timezone"] = fields.get("tz") or "UTC"
    data["start"] = fields.get("from") or context.services.clock().date().isoformat()
    if fields.get("to"):
        data["end"] = fields["to"]
    if fields.get("kind"):
        kind = KINDS.get(fold(fields["kind"]).strip())
        if kind is None:
            problems.append(
                _("{field}: “{text}” is no kind of campaign; write fact or quiz").format(
                    field=_("kind"), text=fields["kind"][:20]
                )
            )
        else:
            data["kind"] = kind
    include = fold(fields.get("include", ""))
    data["include_disputed"] = include in INCLUDE_DISPUTED
    if include and include not in INCLUDE_DISPUTED | INCLUDE_TRUSTWORTHY:
        problems.append(
            _(
                "{field}: “{text}” is not a choice; write {disputed} to post disputed, outdated"
                " and false claims too (with their status), or {trustworthy} for the default"
            ).format(
                field=field_label("include_disputed"),
                text=fields["include"][:20],
                disputed=_("disputed"),
                trustworthy=_("trustworthy"),
            )
        )
    try:
        spec = CampaignSpec.model_validate(data)
    except ValidationError as error:
        for path, line in describe_problem_paths(error):
            if not unread or (path not in unread and path):  # "give a daily time" is said
                problems.append(line)
    else:
        problems += in_the_past(spec, context)
    if problems:
        raise ClaimValidationError(problems, "campaign")
    return spec


def in_the_past(spec: CampaignSpec, context: Context) -> list[str]:
    """Refuse a campaign that would never post: its last day is over, or its last slot passed."""
    if spec.end is None:
        return []
    now = context.services.clock()
    draft = Campaign(0, "", "", spec, "active", "", now)
    if slots(draft, datetime.combine(spec.end, time(23, 59, 59), spec.zone).astimezone(UTC)):
        return []
    return [
        _(
            "{field}: the campaign would end on {end}, and its last post time has passed"
            " (today is {today} in {zone}); nothing would be posted"
        ).format(
            field=field_label("end"),
            end=spec.end.isoformat(),
            today=now.astimezone(spec.zone).date().isoformat(),
            zone=spec.timezone,
        )
    ]


def time_of_day(text: str) -> str | None:
    """``09:00``, ``9h``, ``9 h 30`` → ``HH:MM``; ``None`` if it is no time of day."""
    match = TIME_OF_DAY.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def hours(text: str) -> int | None:
    """``12``, ``12 h``, ``12 heures``, ``day``/``jour`` (24) → hours between posts, else ``None``."""
    if fold(text) in DAY_WORDS:
        return 24
    match = HOURS.match(text)
    return int(match.group(1)) if match else None


def current_state(campaign: Campaign, now: datetime) -> str:
    """The campaign's state now: one whose last day has passed is finished, even before the
    scheduler (which may run in another process, or not yet) has marked it so."""
    if campaign.state in ("active", "paused") and is_over(campaign, now):
        return "finished"
    return campaign.state


def summary(campaign: Campaign, now: datetime | None = None) -> str:
    """One line with every setting of the campaign, in the reader's language."""
    info = describe(campaign)
    topic = campaign.spec.topic
    what = topic_label(topic) if topic is not None else ", ".join(campaign.spec.fact_ids)
    when = (
        _("daily at {time} ({zone})").format(time=info["daily_at"], zone=info["timezone"])
        if info["daily_at"]
        else _("every {hours} h").format(hours=info["every_hours"])
    )
    until = info["end"] or "…"
    state = state_label(campaign.state if now is None else current_state(campaign, now))
    if campaign.spec.kind == "quiz":
        what = _("quiz: {what}").format(what=what)
    line = f"#{campaign.id} [{state}] {what} — {when} — {info['start']} → {until}"
    if topic is not None:
        line += " — " + (
            _("disputed, outdated and false claims included")
            if campaign.spec.include_disputed
            else _("trustworthy claims only")
        )
    line += " — " + _("posts in {language}").format(language=language_name(campaign.spec.language))
    if campaign.note and campaign.state == "paused":
        line += " — " + _("paused by Wattson: {reason}").format(reason=pause_reason(campaign.note))
    return line


PAUSE_REASONS = {
    PAUSED_CHAT_REFUSES: N_(
        "this chat refuses the bot's posts (removed, or not allowed to write); "
        "/campaign resume N once it may post again"
    ),
    PAUSED_POLLS_REFUSED: N_(
        "this chat refuses the bot's polls (polls forbidden, or no permission to send them); "
        "/campaign resume N once they are allowed"
    ),
}


def pause_reason(note: str) -> str:
    """Why Wattson paused a campaign, in the reader's language (older notes as stored)."""
    reason = PAUSE_REASONS.get(note)
    return _(reason) if reason is not None else note


async def start(context: Context, args: str) -> Reply:
    if not context.is_moderator:
        raise PermissionDeniedError("start campaigns", N_("Ask a moderator of this chat."))
    fields = parse_fields(args, ALIASES, thing="campaign")
    if not fields:
        raise MissingArgumentError(
            N_("What should the campaign post, and when? Write its fields."),
            START_USAGE,
            START_EXAMPLE,
        )
    spec = spec_from(fields, context)
    chat = context.request.chat
    if fields.get("channel", chat.id).strip() != chat.id:
        # Moderating this chat says nothing of another: a campaign posts where it was started.
        raise PermissionDeniedError("start campaigns in another chat")
    await check_facts(context, spec)
    store = store_of(context)
    for existing in await store.in_chat(chat.platform, chat.id):
        if existing.state in ("active", "paused") and existing.spec == spec:
            raise DuplicateCampaignError(existing.id)
    campaign = await store.create(
        chat.platform, chat.id, spec, context.actor, context.services.clock()
    )
    return Reply(text=_("Campaign started: {summary}").format(summary=summary(campaign)))


async def check_facts(context: Context, spec: CampaignSpec) -> None:
    """Refuse a campaign naming a claim the base does not hold."""
    claims = context.services.claims
    if claims is None:
        return
    for claim_id in spec.fact_ids:
        if await claims.get(claim_id) is None:
            raise UnknownClaimError(claim_id, claims.renamed_to(claim_id))
    if spec.kind == "quiz" and not quiz_pool(await claims.all_claims(), spec.selection):
        raise NoQuizError(spec.topic, bool(spec.fact_ids))  # it would never post anything


async def listing(context: Context, args: str) -> Reply:
    chat = context.request.chat
    campaigns = await store_of(context).in_chat(chat.platform, chat.id)
    if not campaigns:
        return Reply(
            text=_(
                "No campaign in this chat. Moderators: /campaign start topic: water; daily: 09:00"
            )
        )
    lines = [ngettext("{count} campaign in this chat:", "{count} campaigns in this chat:",
                      len(campaigns)).format(count=len(campaigns))]  # fmt: skip
    now = context.services.clock()
    lines += [summary(c, now) for c in campaigns]
    return Reply(text="\n".join(lines), data=[describe(c) for c in campaigns])


async def change(context: Context, args: str, state: str) -> Reply:
    if not context.is_moderator:
        raise PermissionDeniedError("change campaigns", N_("Ask a moderator of this chat."))
    word, _rest = first_word(args)
    number = word.lstrip("#")
    if not number.isdigit():
        raise MissingArgumentError(WHICH_CAMPAIGN, *CHANGE_USAGES[state])
    store = store_of(context)
    campaign = await store.get(int(number))
    chat = context.request.chat
    if campaign is None or (campaign.platform, campaign.chat_id) != (chat.platform, chat.id):
        raise CampaignNotFoundError(number)
    current = current_state(campaign, context.services.clock())
    if current == state:
        already = {
            "active": _("Campaign #{id} is already running."),
            "paused": _("Campaign #{id} is already paused."),
            "stopped": _("Campaign #{id} is already stopped."),
        }
        return Reply(text=already[state].format(id=campaign.id))
    if current in ("stopped", "finished"):
        raise CampaignOverError(campaign.id, current, state)
    await store.set_state(campaign.id, state, context.services.clock())  # type: ignore[arg-type]
    labels = {"paused": _("paused"), "active": _("resumed"), "stopped": _("stopped")}
    return Reply(text=_("Campaign #{id} {state}.").format(id=campaign.id, state=labels[state]))


# Subcommands as typed, folded (accents off, lower case): English and French.
SUBCOMMANDS = {
    "start": start, "lance": start, "lancer": start, "demarre": start, "demarrer": start,
    "commence": start, "list": listing, "liste": listing, "ls": listing,
}  # fmt: skip
STATES = {
    "pause": "paused", "suspends": "paused", "suspendre": "paused",
    "resume": "active", "reprends": "active", "reprendre": "active", "reprise": "active",
    "relance": "active", "relancer": "active",
    "stop": "stopped", "arrete": "stopped", "arreter": "stopped", "arret": "stopped",
    "stoppe": "stopped", "stopper": "stopped",
}  # fmt: skip
# what opens a block of fields in the console (as typed: awaits_fields folds case only)
START_WORDS = frozenset(
    {"start", "lance", "lancer", "démarre", "démarrer", "demarre", "demarrer", "commence"}
)
USAGE = N_("/campaign list · start topic: water; daily: 09:00 · pause|resume|stop N")


class UnknownSubcommandError(UserInputError):
    """``/campaign WORD`` with a word that is no subcommand: say so, with the usage."""

    def __init__(self, word: str) -> None:
        super().__init__(f"unknown campaign subcommand {word!r}")
        self.word = word

    def localized(self) -> str:
        return _("“{word}” is not a campaign command. Usage: {usage}").format(
            word=self.word[:30], usage=_(USAGE)
        )


async def campaign(context: Context) -> Reply:
    """Route /campaign to its subcommand; a bare /campaign lists the chat's campaigns."""
    word, rest = first_word(context.request.args)
    folded = fold(word)
    if not word:
        return await listing(context, rest)
    if folded in SUBCOMMANDS:
        return await SUBCOMMANDS[folded](context, rest)
    if folded in STATES:
        return await change(context, rest, STATES[folded])
    raise UnknownSubcommandError(word)


COMMAND = Command(
    name="campaign",
    aliases=("campagne",),
    handler=campaign,
    summary=N_("scheduled sourced facts in this chat"),
    usage=USAGE,
    field_subcommands=START_WORDS,
)


def make_scheduler(services: Services) -> CampaignScheduler:
    """The scheduler that posts due facts through the running adapters' outboxes."""
    assert services.campaigns is not None and services.claims is not None
    claims = services.claims

    async def all_claims() -> list[Claim]:
        return await claims.all_claims()

    async def deliver(
        campaign: Campaign, claim: Claim | None, info: dict[str, int], key: str | None
    ) -> bool:
        outbox = services.outboxes.get(campaign.platform)
        if outbox is None:
            return False
        with use_language(campaign.spec.language):
            if claim is None:
                reply = Reply(text=notice(campaign, info))
            elif campaign.spec.kind == "quiz":
                reply = await quiz_post(services, campaign, claim, info, key)
            else:
                heading = _("Campaign #{id}, fact {number}:").format(
                    id=campaign.id, number=info["number"]
                )
                page = page_of(services.settings, claim.id, campaign.spec.language)
                reply = Reply(
                    text=heading + "\n" + claim_text(claim, page=page),
                    data=claim,
                    links=claim_links(claim),
                )
        if key is not None and campaign.platform in services.repeat_windows:
            await outbox(campaign.chat_id, reply, key=key)
        else:
            await outbox(campaign.chat_id, reply)
        if claim is not None:
            CAMPAIGN_POSTS.labels(campaign.platform).inc()
        if claim is not None and services.usage is not None:
            services.usage.add(campaign.platform, campaign.chat_id, "campaign_posts")
        return True

    async def serves(campaign: Campaign) -> bool:
        if campaign.platform not in services.outboxes:
            return False  # the platform is served by another process, or not at all now
        chat_filter = services.serves.get(campaign.platform)
        return chat_filter is None or await chat_filter(campaign.chat_id)

    def repeat_window(campaign: Campaign) -> timedelta:
        return timedelta(seconds=services.repeat_windows.get(campaign.platform, 0.0))

    return CampaignScheduler(
        services.campaigns,
        all_claims,
        deliver,
        services.clock,
        serves,
        repeat_window,
        campaign_pool,
    )


def campaign_pool(claims: Sequence[Claim], campaign: Campaign) -> list[Claim]:
    """What a campaign draws from: its facts, or for a quiz campaign those that make a quiz."""
    if campaign.spec.kind == "quiz":
        return quiz_pool(claims, campaign.spec.selection)
    return pool(claims, campaign.spec.selection)


async def quiz_post(
    services: Services, campaign: Campaign, claim: Claim, info: dict[str, int], key: str | None
) -> Reply:
    """A quiz campaign's post: the claim's quiz, written down first where it is shown as text."""
    assert services.claims is not None
    claims = await services.claims.all_claims()
    language = campaign.spec.language
    page = page_of(services.settings, claim.id, language)
    made = quiz_for(claim, language, base=claims, page=page)
    if isinstance(made, Skip):  # edited since the pool was read: post it as a fact instead
        return Reply(text=claim_text(claim, page=page), data=claim, links=claim_links(claim))
    slot = datetime.fromtimestamp(info["slot"], UTC) if "slot" in info else None
    heading = _("Campaign #{id}, question {number}:").format(id=campaign.id, number=info["number"])
    reply = quiz_reply(made, heading, campaign.id, slot)
    ref = key or f"campaign-{campaign.id}-{info.get('slot', 0)}"
    await record_text_post(
        services, campaign.platform, campaign.chat_id, made, ref, services.clock()
    )
    if services.usage is not None:
        services.usage.add(campaign.platform, campaign.chat_id, "quizzes")
    return reply


def notice(campaign: Campaign, info: dict[str, int]) -> str:
    """What the chat is told about posts that could not go out on time."""
    parts = []
    if info.get("missed"):
        parts.append(
            ngettext(
                "{count} scheduled post of campaign #{id} was missed while Wattson was offline.",
                "{count} scheduled posts of campaign #{id} were missed while Wattson was offline.",
                info["missed"],
            ).format(count=info["missed"], id=campaign.id)
        )
    if info.get("uncertain"):
        parts.append(
            ngettext(
                "{count} post of campaign #{id} may not have gone out (interrupted); it is not sent again.",
                "{count} posts of campaign #{id} may not have gone out (interrupted); they are not sent again.",
                info["uncertain"],
            ).format(count=info["uncertain"], id=campaign.id)
        )
    return " ".join(parts)
