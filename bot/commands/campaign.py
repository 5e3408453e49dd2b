"""/campaign: schedule sourced facts in a chat, and deliver them when due.

``/campaign start topic: water; daily: 09:00; tz: Europe/Paris; from: 2026-12-01;
to: 2026-12-07`` (or ``facts: id1, id2``, ``every: 6`` hours, ``include: disputed``,
then ``/campaign list``, ``pause N``, ``resume N``, ``stop N``.
Starting and changing campaigns is for moderators.
"""

from __future__ import annotations

import logging
import re

from pydantic import ValidationError

from bot.campaigns import Campaign, CampaignScheduler, CampaignSpec, CampaignStore, describe
from bot.commands.claims import claim_links, claim_text
from bot.commands.fact import UnknownClaimError
from bot.commands.text import first_word
from bot.dispatch import Command, Context, Services
from bot.errors import PermissionDeniedError, UserInputError
from bot.i18n import N_, _, ngettext, use_language
from bot.messages import Reply
from facts.fields import ClaimValidationError, FieldSyntaxError, parse_fields
from facts.models import Claim, describe_validation_error

log = logging.getLogger(__name__)
ALIASES = {
    "topic": "topic", "sujet": "topic", "theme": "topic", "thème": "topic",
    "facts": "facts", "faits": "facts", "ids": "facts",
    "daily": "daily", "quotidien": "daily", "chaque_jour": "daily", "at": "daily", "à": "daily",
    "every": "every", "toutes": "every", "hours": "every", "heures": "every",
    "tz": "tz", "timezone": "tz", "fuseau": "tz",
    "from": "from", "start": "from", "du": "from", "début": "from", "debut": "from",
    "to": "to", "end": "to", "au": "to", "fin": "to",
    "include": "include", "inclure": "include",
    "channel": "channel", "salon": "channel", "chat": "channel",
}  # fmt: skip
HOURS = re.compile(r"^\s*(\d{1,3})\s*(?:h|hours?|heures?)?\s*$", re.IGNORECASE)


class CampaignNotFoundError(UserInputError):
    def localized(self) -> str:
        return _("No campaign with that number in this chat; /campaign list shows them.")


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
    """The campaign a moderator typed, validated (errors name the field)."""
    data: dict[str, object] = {"language": context.language}
    if "topic" in fields:
        data["topic"] = fields["topic"]
    if "facts" in fields:
        data["fact_ids"] = [i.strip() for i in re.split(r"[,\s]+", fields["facts"]) if i.strip()]
    if "daily" in fields:
        data["daily_at"] = fields["daily"].replace("h", ":").rstrip(":") or None
    if "every" in fields:
        match = HOURS.match(fields["every"])
        if match is None:
            raise FieldSyntaxError(_("“every” takes a number of hours"))
        data["every_hours"] = int(match.group(1))
    data["timezone"] = fields.get("tz") or "UTC"
    data["start"] = fields.get("from") or context.services.clock().date().isoformat()
    if fields.get("to"):
        data["end"] = fields["to"]
    data["include_disputed"] = "disput" in fields.get("include", "") or "contest" in fields.get(
        "include", ""
    )
    try:
        return CampaignSpec.model_validate(data)
    except ValidationError as error:
        raise ClaimValidationError(describe_validation_error(error)) from None


def summary(campaign: Campaign) -> str:
    info = describe(campaign)
    what = info["topic"] or ", ".join(campaign.spec.fact_ids)
    when = (
        _("daily at {time} ({zone})").format(time=info["daily_at"], zone=info["timezone"])
        if info["daily_at"]
        else _("every {hours} h").format(hours=info["every_hours"])
    )
    until = info["end"] or "…"
    line = f"#{campaign.id} [{campaign.state}] {what} — {when} — {info['start']} → {until}"
    if campaign.note and campaign.state == "paused":
        line += " — " + _("paused by Wattson: {reason}").format(reason=campaign.note)
    return line


async def start(context: Context, args: str) -> Reply:
    if not context.is_moderator:
        raise PermissionDeniedError("start campaigns")
    fields = parse_fields(args, ALIASES)
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
            raise UnknownClaimError(claim_id)


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
    lines += [summary(c) for c in campaigns]
    return Reply(text="\n".join(lines), data=[describe(c) for c in campaigns])


async def change(context: Context, args: str, state: str) -> Reply:
    if not context.is_moderator:
        raise PermissionDeniedError("change campaigns")
    number, _rest = first_word(args)
    store = store_of(context)
    campaign = await store.get(int(number.lstrip("#"))) if number.lstrip("#").isdigit() else None
    chat = context.request.chat
    if campaign is None or (campaign.platform, campaign.chat_id) != (chat.platform, chat.id):
        raise CampaignNotFoundError(number)
    if campaign.state in ("stopped", "finished"):
        raise CampaignNotFoundError(number)
    await store.set_state(campaign.id, state, context.services.clock())  # type: ignore[arg-type]
    labels = {"paused": _("paused"), "active": _("resumed"), "stopped": _("stopped")}
    return Reply(text=_("Campaign #{id} {state}.").format(id=campaign.id, state=labels[state]))


SUBCOMMANDS = {
    "start": start, "lance": start, "lancer": start, "démarrer": start,
    "list": listing, "liste": listing,
}  # fmt: skip
STATES = {"pause": "paused", "resume": "active", "reprendre": "active", "reprise": "active",
          "stop": "stopped", "arrêter": "stopped", "arreter": "stopped"}  # fmt: skip


async def campaign(context: Context) -> Reply:
    """Route /campaign to its subcommand."""
    word, rest = first_word(context.request.args)
    folded = word.casefold()
    if folded in SUBCOMMANDS:
        return await SUBCOMMANDS[folded](context, rest)
    if folded in STATES:
        return await change(context, rest, STATES[folded])
    return await listing(context, rest)


COMMAND = Command(
    name="campaign",
    aliases=("campagne",),
    handler=campaign,
    summary=N_("scheduled sourced facts in this chat"),
    usage=N_("/campaign list · start topic: water; daily: 09:00 · pause|resume|stop N"),
)


def make_scheduler(services: Services) -> CampaignScheduler:
    """The scheduler that posts due facts through the running adapters' outboxes."""
    assert services.campaigns is not None and services.claims is not None
    claims = services.claims

    async def all_claims() -> list[Claim]:
        return await claims.all_claims()

    async def deliver(campaign: Campaign, claim: Claim | None, info: dict[str, int]) -> bool:
        outbox = services.outboxes.get(campaign.platform)
        if outbox is None:
            return False
        with use_language(campaign.spec.language):
            if claim is None:
                reply = Reply(text=notice(campaign, info))
            else:
                heading = _("Campaign #{id}, fact {number}:").format(
                    id=campaign.id, number=info["number"]
                )
                reply = Reply(
                    text=heading + "\n" + claim_text(claim), data=claim, links=claim_links(claim)
                )
        await outbox(campaign.chat_id, reply)
        if claim is not None and services.usage is not None:
            services.usage.add(campaign.platform, campaign.chat_id, "campaign_posts")
        return True

    return CampaignScheduler(services.campaigns, all_claims, deliver, services.clock)


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
